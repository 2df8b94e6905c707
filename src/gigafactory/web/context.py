"""What every route of the web app shares: the run store, the worker pool and the uploads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request

import gigafactory
from gigafactory.web.store import RunRecord, RunStore
from gigafactory.web.worker import WorkerPool

__all__ = ["MAX_BODY_BYTES", "WebContext", "context", "field_of", "line_of"]

MAX_BODY_BYTES = 1_000_000
"""Largest request body accepted [bytes]; larger ones get 413."""

MAX_WEB_SITES = 12
"""Most sites one web run may have: each is a full-year LP of ~1 min on two cores, so this
bounds a request to minutes of worker time (an estimate; the CLI has no such limit)."""


def line_of(message: str) -> int | None:
    """The YAML line an error message names, if any."""
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


FIELD_PATH = re.compile(r"(?:^|: )((?:[a-z_]+|sites\[\d+\])(?:\.[A-Za-z0-9_-]+|\[\d+\])*): ")
"""A field path in an error message: ``<web>: sites[0].grid.import_cap_mw: ...``."""


def field_of(message: str) -> str | None:
    """The field path an error message names, if any.

    >>> field_of("<web>: sites[0].grid.import_cap_mw: Input should be a number (got 'x')")
    'sites[0].grid.import_cap_mw'
    >>> field_of("<web>: line 4, column 4: malformed YAML") is None
    True
    """
    for match in FIELD_PATH.finditer(message):
        path = match.group(1)
        if "." in path or "[" in path or path in SCENARIO_FIELDS:
            return path
    return None


SCENARIO_FIELDS = {"name", "title", "description", "seed", "year", "sites", "policy", "finance"}
"""Top-level scenario fields an error may name without a dot."""


@dataclass
class WebContext:
    """The app's store, uploads folder and (lazily started) worker pool."""

    store: RunStore
    home: Path
    workers: int
    pool: WorkerPool | None = field(default=None)

    @property
    def uploads(self) -> Path:
        """Folder of uploaded files that scenarios may name."""
        return self.home / "uploads"

    def worker_pool(self) -> WorkerPool:
        """The worker pool, started on first use when the app runs without its lifespan."""
        if self.pool is None:
            self.pool = WorkerPool(self.store.url, self.home, self.workers)
        return self.pool

    def parse(self, text: str) -> gigafactory.Scenario:
        """A scenario from the web: its file references must name uploaded files."""
        scenario = gigafactory.scenario_from_yaml(text, "<web>", self.uploads, references=False)
        if len(scenario.sites) > MAX_WEB_SITES:
            msg = (
                f"<web>: sites: {len(scenario.sites)} sites; a run from the web app has at most "
                f"{MAX_WEB_SITES} (each is a full-year LP): run larger studies with the CLI"
            )
            raise gigafactory.ScenarioError(msg)
        _check_files(scenario, self.uploads)
        gigafactory.check_references(scenario, "<web>")
        return scenario

    def record(self, run_id: str, *, done: bool = False) -> RunRecord:
        """A stored run, or 404; with ``done``, 409 unless it finished."""
        record = self.store.get(run_id)
        if record is None:
            raise HTTPException(404, f"run '{run_id}' not found")
        if done and record.state != "done":
            raise HTTPException(409, f"run '{run_id}' is {record.state}")
        return record


def context(request: Request) -> WebContext:
    """FastAPI dependency: the app's :class:`WebContext`."""
    ctx: WebContext = request.app.state.context
    return ctx


def _check_files(scenario: gigafactory.Scenario, uploads: Path) -> None:
    """File references from the web must name uploaded files (no paths, no traversal)."""
    root = uploads.resolve()
    for i, site in enumerate(scenario.sites):
        for name, value in gigafactory.data_files(site).items():
            path = Path(value).resolve()
            # as the user wrote it: never show the server's folders
            given = str(value).removeprefix(f"{uploads}/")
            if path.parent != root:
                msg = (
                    f"<web>: sites[{i}].{name}: file references must name an uploaded file "
                    f"(got '{given}')"
                )
                raise gigafactory.ScenarioError(msg)
            if not path.is_file():
                msg = f"<web>: sites[{i}].{name}: no uploaded file named '{given}'; upload it first"
                raise gigafactory.ScenarioError(msg)
