"""Run store: every run with its state, scenario, summary and where its results live.

SQLAlchemy 2.0 on SQLite by default (``~/.gigafactory/runs.db``) or any URL in
``GIGAFACTORY_DB_URL`` (PostgreSQL: ``postgresql+psycopg://user@host/db``). States move
``queued -> running -> done | failed``; each change is one committed transaction, and a
result folder is written atomically before its run is marked done, so a reader never sees
a half-written result. A run whose worker died is marked failed by :meth:`RunStore.recover`
at the next start; other runs are never touched.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

import gigafactory

__all__ = ["RunRecord", "RunStore", "default_home", "default_url"]

STATES = ("queued", "running", "done", "failed")


def default_home() -> Path:
    """Folder of the default database and results: ``~/.gigafactory`` (or ``GIGAFACTORY_HOME``)."""
    return Path(os.environ.get("GIGAFACTORY_HOME", Path.home() / ".gigafactory"))


def default_url() -> str:
    """``GIGAFACTORY_DB_URL``, else a SQLite file in :func:`default_home`."""
    url = os.environ.get("GIGAFACTORY_DB_URL")
    if url:
        return url
    home = default_home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'runs.db'}"


class _Base(DeclarativeBase):
    pass


class RunRecord(_Base):
    """One run."""

    __tablename__ = "gigafactory_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    scenario_yaml: Mapped[str] = mapped_column(Text)
    summary_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    results_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready view (summary parsed)."""
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "progress": self.progress,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "error": self.error,
            "summary": json.loads(self.summary_json) if self.summary_json else None,
        }


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _now() -> datetime:
    return datetime.now(UTC)


class RunStore:
    """Runs in a database; thin wrapper over SQLAlchemy sessions."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.engine = create_engine(self.url, future=True, pool_pre_ping=True)
        _Base.metadata.create_all(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Close pooled database connections."""
        self.engine.dispose()

    def create(self, name: str, scenario_yaml: str) -> str:
        """A queued run; returns its id."""
        run_id = str(uuid.uuid4())
        with self._session.begin() as s:
            s.add(
                RunRecord(
                    id=run_id,
                    name=name,
                    state="queued",
                    progress="queued",
                    created_at=_now(),
                    scenario_yaml=scenario_yaml,
                )
            )
        return run_id

    def get(self, run_id: str) -> RunRecord | None:
        """One run, or None."""
        with self._session() as s:
            return s.get(RunRecord, run_id)

    def runs(self, limit: int = 200) -> list[RunRecord]:
        """Newest runs first."""
        with self._session() as s:
            query = select(RunRecord).order_by(RunRecord.created_at.desc()).limit(limit)
            return list(s.scalars(query))

    def delete(self, run_id: str) -> RunRecord | None:
        """Remove a run from the store; returns it (None if there was none)."""
        with self._session.begin() as s:
            record = s.get(RunRecord, run_id)
            if record is not None:
                s.delete(record)
            return record

    def typical_seconds(self, limit: int = 50) -> float | None:
        """Median wall time of the latest finished runs [s], or None before the first."""
        with self._session() as s:
            query = (
                select(RunRecord)
                .where(RunRecord.state == "done")
                .order_by(RunRecord.finished_at.desc())
                .limit(limit)
            )
            spans = sorted(
                (r.finished_at - r.started_at).total_seconds()
                for r in s.scalars(query)
                if r.finished_at is not None and r.started_at is not None
            )
        return spans[len(spans) // 2] if spans else None

    def _update(self, run_id: str, **values: Any) -> None:
        with self._session.begin() as s:
            record = s.get(RunRecord, run_id)
            if record is None:
                msg = f"run '{run_id}' not found"
                raise KeyError(msg)
            for key, value in values.items():
                setattr(record, key, value)

    def start(self, run_id: str, pid: int) -> None:
        """Mark running in process ``pid``."""
        self._update(run_id, state="running", started_at=_now(), pid=pid, progress="starting")

    def progress(self, run_id: str, message: str) -> None:
        """Record a progress message."""
        self._update(run_id, progress=message[:400])

    def finish(self, run_id: str, summary: dict[str, Any], results_path: str) -> None:
        """Mark done; call only once the results folder is complete."""
        self._update(
            run_id,
            state="done",
            finished_at=_now(),
            progress="done",
            summary_json=json.dumps(gigafactory.json_safe(summary), default=float, allow_nan=False),
            results_path=results_path,
        )

    def fail(self, run_id: str, error: str) -> None:
        """Mark failed with a one-line reason."""
        self._update(run_id, state="failed", finished_at=_now(), progress="failed", error=error)

    def recover(self) -> list[str]:
        """Mark runs left queued or running by a dead process as failed; return their ids.

        Called at start-up. A running run whose process no longer exists was killed (or its
        server stopped); queued runs of an earlier server are not resumed.
        """
        with self._session.begin() as s:
            open_runs = s.scalars(
                select(RunRecord).where(RunRecord.state.in_(("queued", "running")))
            )
            stale = [r for r in open_runs if r.state == "queued" or not _alive(r.pid)]
            for record in stale:
                record.state = "failed"
                record.finished_at = _now()
                record.progress = "failed"
                record.error = "interrupted: the process running it stopped before it finished"
            return [r.id for r in stale]
