"""Run scenarios from the store in a bounded pool of worker processes."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

__all__ = ["WorkerPool", "execute"]


def execute(db_url: str, run_id: str, results_root: str) -> str:
    """Run one stored scenario in this process and record its outcome; returns the state."""
    import gigafactory
    from gigafactory.web.store import RunStore

    store = RunStore(db_url)
    record = store.get(run_id)
    if record is None:
        return "missing"
    store.start(run_id, os.getpid())
    try:
        scenario = gigafactory.scenario_from_yaml(
            record.scenario_yaml, f"run {run_id}", Path(results_root) / "uploads"
        )
        results = gigafactory.run(scenario, progress=lambda msg: store.progress(run_id, msg))
        store.progress(run_id, "writing results")
        folder = gigafactory.write_results(results, Path(results_root) / run_id)
        store.finish(run_id, results.summary.to_dict(), str(folder))
    except gigafactory.GigafactoryError as err:
        store.fail(run_id, str(err))
        return "failed"
    except Exception as err:  # an unexpected error is still recorded, with its type
        store.fail(run_id, f"{type(err).__name__}: {err}")
        return "failed"
    finally:
        store.close()
    return "done"


class WorkerPool:
    """A bounded pool of processes (spawned, so no state is shared with the server)."""

    def __init__(self, db_url: str, results_root: Path, workers: int = 2) -> None:
        self.db_url = db_url
        self.results_root = results_root
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        )

    def submit(self, run_id: str) -> Future[str]:
        """Queue a run."""
        return self._pool.submit(execute, self.db_url, run_id, str(self.results_root))

    def shutdown(self) -> None:
        """Stop accepting work; running scenarios finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)
