"""Sweeps: many cases of one scenario, on Dask, resumable, as a table and a dataset.

A case sets values at dotted paths of the scenario (``sites[0].grid.import_cap_mw``,
``policy.carbon_price_usd_per_t``, ``sites[0].gas_price_usd_per_mmbtu`` ...). Cases come
from a grid of ``--vary`` values, a Latin hypercube sample over ranges, or a CSV. Each case
is one :func:`gigafactory.run`; its metrics are written to ``cases/<id>.json`` as soon as it
finishes, so a sweep that is stopped and started again only runs the missing cases. A case
that fails is recorded with its error and the others go on.

Each worker keeps the last optimal basis of every site's LP (:class:`gigafactory.WarmStarts`)
and starts the next case's LP from it when the case leaves the LP's shape alone (costs,
prices, caps, targets, loads); a case that changes the shape (a technology, the hours) is
solved cold.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

import gigafactory

if TYPE_CHECKING:
    from gigafactory import Scenario, Summary

__all__ = [
    "METRICS",
    "Vary",
    "case_id",
    "case_metrics",
    "case_table",
    "grid_cases",
    "local_scheduler",
    "parse_vary",
    "read_cases",
    "run_case",
    "run_sweep",
    "sample_cases",
]

METRICS = (
    "total_annual_cost_usd",
    "lcoe_usd_per_mwh",
    "cfe_share",
    "emissions_tco2e",
    "nox_t",
    "unserved_mwh",
    "curtailed_mwh",
    "water_m3",
    "pue_annual",
    "facility_energy_mwh",
)
"""Summary figures kept per case (plus ``capacity_mw.<technology>``)."""


class Vary:
    """One varied path: explicit values, or a range ``start:stop:n``."""

    def __init__(
        self, path: str, values: list[Any], low: float | None = None, high: float | None = None
    ) -> None:
        self.path = path
        self.values = values
        self.low = low
        self.high = high


def _number(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text
    return (
        int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value
    )


def parse_vary(spec: str) -> Vary:
    """Parse ``path=v1,v2,...`` or ``path=start:stop:n``.

    Examples
    --------
    >>> parse_vary("policy.carbon_price_usd_per_t=0:100:3").values
    [0.0, 50.0, 100.0]
    >>> parse_vary("sites[0].cooling=air_economiser,immersion").values
    ['air_economiser', 'immersion']
    """
    if "=" not in spec:
        msg = f"--vary '{spec}': give path=v1,v2,... or path=start:stop:n"
        raise gigafactory.ScenarioError(msg)
    path, text = spec.split("=", 1)
    parts = text.split(":")
    if len(parts) == 3:
        try:
            start, stop, n = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            msg = f"--vary '{spec}': start:stop:n needs two numbers and a count"
            raise gigafactory.ScenarioError(msg) from None
        if n < 1:
            msg = f"--vary '{spec}': n must be at least 1"
            raise gigafactory.ScenarioError(msg)
        return Vary(path, [float(v) for v in np.linspace(start, stop, n)], start, stop)
    values = [_number(v.strip()) for v in text.split(",") if v.strip()]
    if not values:
        msg = f"--vary '{spec}': no values"
        raise gigafactory.ScenarioError(msg)
    return Vary(path, values)


def case_id(params: dict[str, Any]) -> str:
    """Stable id of a case from its parameters."""
    text = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def grid_cases(varies: list[Vary]) -> list[dict[str, Any]]:
    """Every combination of the varied values."""
    return [
        dict(zip([v.path for v in varies], combo, strict=True))
        for combo in itertools.product(*(v.values for v in varies))
    ]


def sample_cases(varies: list[Vary], n: int, seed: int) -> list[dict[str, Any]]:
    """A Latin hypercube sample of ``n`` cases over the ranges (``start:stop:n`` varies)."""
    from scipy.stats import qmc

    if n < 1:
        msg = f"--sample {n}: allowed 1 or more cases"
        raise gigafactory.ScenarioError(msg)
    ranged = [v for v in varies if v.low is not None]
    if len(ranged) != len(varies):
        names = ", ".join(v.path for v in varies if v.low is None)
        msg = f"--sample needs ranges (path=start:stop:n) for every --vary; not for {names}"
        raise gigafactory.ScenarioError(msg)
    unit = qmc.LatinHypercube(d=len(ranged), seed=seed).random(n)
    lows = np.array([v.low for v in ranged], dtype=float)
    highs = np.array([v.high for v in ranged], dtype=float)
    points = qmc.scale(unit, lows, highs) if np.any(highs > lows) else np.tile(lows, (n, 1))
    return [{v.path: float(x) for v, x in zip(ranged, row, strict=True)} for row in points]


def read_cases(path: str | Path) -> list[dict[str, Any]]:
    """Cases from a CSV: one column per path, one row per case."""
    frame = pd.read_csv(path)
    if frame.empty:
        msg = f"{path}: no cases"
        raise gigafactory.ScenarioError(msg)
    return [
        {str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def case_metrics(summary: Summary) -> dict[str, float]:
    """The figures a sweep keeps of one case: :data:`METRICS`, capacities, $/accelerator-h.

    A case with a roadmap also keeps its present value and each stage's annual cost; one on
    typical periods with ``compare_exact``, each site's cost error and what its design costs
    on the year over the year's optimum (``aggregation.<site>.design_regret_share``; NaN
    where the design cannot keep a limit there).
    """
    out = {key: float(getattr(summary, key)) for key in METRICS}
    for tech, value in summary.capacity_mw.items():
        out[f"capacity_mw.{tech}"] = float(value)
    if summary.compute is not None:
        out["usd_per_accelerator_hour"] = float(summary.compute.usd_per_accelerator_hour)
    if summary.roadmap is not None:  # a build-out: its present value, and each stage's cost
        out["roadmap.present_value_usd"] = summary.roadmap.present_value_usd
        for site in summary.roadmap.sites:
            for stage in site.stages:
                key = f"roadmap.{site.site}.{stage.year}.annual_cost_usd"
                out[key] = float(stage.annual_cost_usd)
    for one in summary.sites:  # how far typical periods stood from the year, case by case
        aggregation = one.aggregation
        if aggregation is None or aggregation.design_on_year is None:
            continue
        out[f"aggregation.{one.site}.cost_error_share"] = float(aggregation.cost_error_share)
        design = aggregation.design_on_year
        out[f"aggregation.{one.site}.design_regret_share"] = float(design.regret_share)
        out[f"aggregation.{one.site}.design_unserved_mwh"] = float(design.unserved_mwh)
    return out


_WORKER = threading.local()


def _warm_starts() -> gigafactory.WarmStarts:
    """The kept bases of the calling thread: one set per worker, alive between its cases."""
    if not hasattr(_WORKER, "warm"):
        _WORKER.warm = gigafactory.WarmStarts()
    warm: gigafactory.WarmStarts = _WORKER.warm
    return warm


def run_case(base: dict[str, Any], params: dict[str, Any], warm: bool = True) -> dict[str, Any]:
    """Run one case and return ``{id, params, metrics}`` or ``{id, params, error}``.

    Also ``seconds``, ``worker`` (the Dask worker that ran it) and ``start``: ``"in place"``
    when every LP of the case was the worker's previous one with new costs and prices (not
    built again, :func:`gigafactory.supply.objective.same_but_costs`), ``"warm"`` when every LP
    started from the basis of this worker's previous case, else ``"cold"``. ``warm=False``
    solves every case cold, with the scenario's own solver method.

    Runs in a Dask worker: it takes and returns plain data only.
    """
    import copy
    import time

    record: dict[str, Any] = {"id": case_id(params), "params": params}
    started = time.perf_counter()
    starts = _warm_starts() if warm else None
    if starts is not None:
        starts.starts.clear()
        starts.in_place.clear()
    try:
        data = copy.deepcopy(base)
        for path, value in params.items():
            gigafactory.set_path(data, path, value)
        scenario = gigafactory.scenario_from_dict(data, f"case {record['id']}")
        record["metrics"] = case_metrics(gigafactory.run(scenario, warm=starts).summary)
    except gigafactory.GigafactoryError as err:
        record["error"] = str(err)
    except Exception as err:  # recorded, never stops the sweep
        record["error"] = f"{type(err).__name__}: {err}"
    record["seconds"] = time.perf_counter() - started
    record["worker"] = _worker_name()
    used = set(starts.starts.values()) if starts is not None else {"cold"}
    in_place = starts is not None and bool(starts.in_place) and all(starts.in_place.values())
    record["start"] = "in place" if in_place else "warm" if used == {"warm"} else "cold"
    return record


def _worker_name() -> str:
    """Name of the Dask worker running this call; empty outside one."""
    try:
        from distributed import get_worker

        return str(get_worker().name)
    except (ImportError, ValueError):
        return ""


def check_cases(scenario: Scenario, cases: list[dict[str, Any]]) -> None:
    """Check every case's paths and values before any runs.

    A path the scenario does not have, or a value its field does not allow, fails every
    case or that case alike: one line naming the case, the path, what is allowed and the
    closest field (:func:`gigafactory.with_settings`), before a worker starts.

    Raises
    ------
    ScenarioError
        For the first case that does not validate.
    """
    for number, params in enumerate(cases, start=1):
        source = f"{scenario.name} sweep, case {number} of {len(cases)}"
        gigafactory.with_settings(scenario, params, source)


def run_sweep(
    scenario: Scenario,
    cases: list[dict[str, Any]],
    folder: Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    warm: bool = True,
) -> pd.DataFrame:
    """Run the cases not yet in ``folder/cases`` on Dask and write the table and dataset.

    Parameters
    ----------
    scenario : Scenario
        The base scenario.
    cases : list of dict
        Parameters per case (path -> value).
    folder : Path
        Output folder: ``cases/<id>.json``, ``sweep.parquet``, ``sweep.nc``.
    scheduler : str, optional
        Address of an existing Dask scheduler; default: a LocalCluster.
    workers : int, optional
        LocalCluster workers; default: the number of cores.
    progress : callable, optional
        Called with (cases done, cases in all).
    warm : bool, default True
        Start each case's LPs from the worker's previous optimal basis where the shape is
        the same (see :class:`gigafactory.WarmStarts`); ``False`` solves every case cold.

    Raises
    ------
    ScenarioError
        When a case sets a path the scenario lacks or a value its field does not allow
        (:func:`check_cases`), before anything is written. A case that fails to run (an
        infeasible or non-optimal LP) is recorded with its error instead.
    """
    import os

    check_cases(scenario, cases)
    base = gigafactory.scenario_data(scenario)
    done_dir = folder / "cases"
    done_dir.mkdir(parents=True, exist_ok=True)
    gigafactory.write_text_atomic(folder / "scenario.yaml", gigafactory.dump_scenario(scenario))
    todo = [p for p in cases if not (done_dir / f"{case_id(p)}.json").exists()]
    finished = len(cases) - len(todo)
    report = progress or (lambda _done, _total: None)
    report(finished, len(cases))
    if todo:
        gigafactory.import_extra("dask.distributed", "dask", "a sweep")
        from dask.distributed import Client, LocalCluster, as_completed

        cluster = None
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                # a free port: the default 8787 may still be held by the last cluster
                dashboard_address=":0",
            )
            client = Client(cluster)
        try:
            futures = client.map(run_case, [base] * len(todo), todo, [warm] * len(todo), pure=False)
            for future in as_completed(futures):
                record = future.result()
                gigafactory.write_text_atomic(
                    done_dir / f"{record['id']}.json", json.dumps(record, default=float)
                )
                finished += 1
                report(finished, len(cases))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    records = [json.loads((done_dir / f"{case_id(p)}.json").read_text()) for p in cases]
    table = case_table(records)
    _write_outputs(table, folder)
    return table


@contextlib.contextmanager
def local_scheduler(folder: Path, workers: int = 2) -> Iterator[str]:
    """A Dask scheduler and ``workers`` single-threaded worker programs on this machine.

    Each is its own program, started as ``dask scheduler`` and ``dask worker`` would be on
    separate machines, so a sweep given the address runs as it would on a cluster. Yields
    the scheduler's address; stops all of them on exit.
    """
    import subprocess
    import sys
    import time

    gigafactory.import_extra("distributed", "dask", "a local scheduler")
    address_file = folder / "scheduler.json"

    def start(program: str, *args: str) -> subprocess.Popen[bytes]:
        code = f"from distributed.cli.dask_{program} import main; main()"
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    host = ("--host", "127.0.0.1")
    processes = [
        start("scheduler", *host, "--port", "0", "--dashboard-address", ":0",
              "--scheduler-file", str(address_file))
    ]  # fmt: skip
    try:
        for _ in range(600):
            if address_file.exists() and address_file.stat().st_size:
                break
            time.sleep(0.1)
        address = str(json.loads(address_file.read_text())["address"])
        for i in range(workers):
            processes.append(
                start("worker", address, *host, "--nthreads", "1", "--no-dashboard",
                      "--name", f"w{i}")
            )  # fmt: skip
        from dask.distributed import Client

        with Client(address) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def case_table(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """One row per case: ``case``, ``error``, ``seconds``, its parameters and metrics."""
    rows = []
    for r in records:
        row: dict[str, Any] = {
            "case": r["id"],
            "error": r.get("error", ""),
            "seconds": r.get("seconds", math.nan),
            "start": r.get("start", ""),
        }
        row.update(r["params"])
        row.update(r.get("metrics", {}))
        rows.append(row)
    return pd.DataFrame(rows)


def _write_outputs(table: pd.DataFrame, folder: Path) -> None:
    import tempfile

    import xarray as xr

    for name, writer in (
        ("sweep.parquet", lambda p: table.to_parquet(p, index=False)),
        ("sweep.nc", lambda p: xr.Dataset.from_dataframe(table.set_index("case")).to_netcdf(p)),
    ):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        import os

        os.close(fd)
        writer(tmp)
        Path(tmp).replace(folder / name)
