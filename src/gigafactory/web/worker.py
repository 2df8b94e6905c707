"""Run scenarios from the store in a bounded pool of worker processes."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

__all__ = ["WORKER_DIED", "WorkerPool", "execute", "exit_with_server"]


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


SERVER_CHECK_SECONDS = 1.0
"""How often a worker checks that its server is still alive [s]."""


def exit_with_server(server_pid: int) -> None:
    """Worker initializer: end this worker as soon as the server that started it is gone.

    A server killed with ``kill -9`` cannot stop its pool, and its workers would otherwise
    live on (hundreds of MB each). When the server dies the worker is re-parented, so its
    parent process id changes; a daemon thread watches for that and exits at once.
    """

    def watch() -> None:
        while os.getppid() == server_pid:
            time.sleep(SERVER_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-server", daemon=True).start()


WORKER_DIED = (
    "the worker process running it died (killed or out of memory) before it finished; "
    "submit the run again"
)
"""Error recorded for a run whose worker process disappeared."""


class WorkerPool:
    """A bounded pool of processes (spawned, so no state is shared with the server).

    A worker that dies (``kill -9``, the out-of-memory killer) breaks a
    :class:`~concurrent.futures.ProcessPoolExecutor` for good: the runs it held are marked
    failed with :data:`WORKER_DIED`, and the next submission starts a fresh pool, so one
    dead worker never takes the server's runs down.
    """

    def __init__(self, db_url: str, results_root: Path, workers: int = 2) -> None:
        self.db_url = db_url
        self.results_root = results_root
        self.workers = workers
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=exit_with_server,
            initargs=(os.getpid(),),
        )

    def submit(self, run_id: str) -> Future[str]:
        """Queue a run; a pool broken by a dead worker is replaced first."""
        with self._lock:
            try:
                future = self._pool.submit(execute, self.db_url, run_id, str(self.results_root))
            except BrokenProcessPool:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                future = self._pool.submit(execute, self.db_url, run_id, str(self.results_root))
        future.add_done_callback(lambda f: self._record_death(run_id, f))
        return future

    def _record_death(self, run_id: str, future: Future[str]) -> None:
        """Mark a run failed when its worker died (the worker could not say so itself)."""
        if future.cancelled() or not isinstance(future.exception(), BrokenProcessPool):
            return
        from gigafactory.web.store import RunStore

        store = RunStore(self.db_url)
        try:
            record = store.get(run_id)
            if record is not None and record.state in {"queued", "running"}:
                store.fail(run_id, WORKER_DIED)
        finally:
            store.close()

    def shutdown(self) -> None:
        """Stop accepting work; running scenarios finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)
