"""Commands: the web app, sweeps, fault replays and the version."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

import gigafactory
from gigafactory.cli.app import ScenarioArg, app, as_json_text, console, progress, user_errors

if TYPE_CHECKING:
    import pandas as pd


@app.command()
@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind (localhost).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Scenarios run at once.")] = 2,
) -> None:
    """Start the web app (FastAPI under uvicorn); runs are kept in the run store."""
    for module in ("fastapi", "uvicorn", "sqlalchemy", "multipart"):
        gigafactory.import_extra(module, "web", "the web app")
    import uvicorn

    from gigafactory.web.app import create_app

    uvicorn.run(create_app(workers=workers), host=host, port=port, log_level="info")


@app.command()
@user_errors
def sweep(
    scenario: ScenarioArg,
    vary: Annotated[
        list[str] | None,
        typer.Option("--vary", help="path=v1,v2,... or path=start:stop:n (repeat for more)."),
    ] = None,
    sample: Annotated[
        int | None, typer.Option("--sample", help="Latin hypercube of N cases over the ranges.")
    ] = None,
    cases_csv: Annotated[
        Path | None, typer.Option("--cases", help="CSV of cases: one column per path.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Existing Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="LocalCluster workers (default: cores).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder (default: out/<name>-sweep).")
    ] = None,
    cold: Annotated[
        bool,
        typer.Option(
            "--cold", help="Solve every case from scratch (default: from the last basis)."
        ),
    ] = False,
) -> None:
    """Run many cases of a scenario on Dask; resumable; table, dataset and report.

    Each worker starts a case's LP from its previous case's optimal basis when the case
    changes numbers only (costs, prices, caps, targets, loads); --cold turns that off.
    """
    loaded = gigafactory.load_scenario(scenario)
    varies = [gigafactory.parse_vary(v) for v in vary or []]
    if cases_csv is not None:
        cases = gigafactory.read_cases(cases_csv)
    elif sample is not None:
        cases = gigafactory.sample_cases(varies, sample, loaded.seed)
    elif varies:
        cases = gigafactory.grid_cases(varies)
    else:
        msg = "sweep: give --vary, --sample with --vary ranges, or --cases"
        raise gigafactory.ScenarioError(msg)
    params = list(dict.fromkeys(k for c in cases for k in c))
    folder = output or Path("out") / f"{loaded.name}-sweep"
    with progress(f"{loaded.name}: sweep", total=len(cases)) as say:
        table = gigafactory.run_sweep(
            loaded,
            cases,
            folder,
            scheduler=scheduler,
            workers=workers,
            progress=lambda done, total: say("cases", done, total),
            warm=not cold,
        )
    gigafactory.write_text_atomic(
        folder / "sweep.html", gigafactory.sweep_html(table, params, f"{loaded.name}: sweep")
    )
    failures = _failures(table["error"])
    failed = sum(failures.values())
    if failed and failed == len(table):
        first = next(iter(failures))
        msg = (
            f"sweep: its one case failed: {first}"
            if failed == 1
            else f"sweep: all {failed} cases failed; {failures[first]} of them with: {first}"
        )
        raise gigafactory.ScenarioError(msg)
    in_place = int((table["start"] == "in place").sum())
    warm_cases = int((table["start"] == "warm").sum()) + in_place
    console.print(
        f"{len(table)} cases, {failed} failed; {warm_cases} started from a kept basis "
        f"({in_place} of them the kept LP with new costs), "
        f"{table['seconds'].sum():,.0f} s over all cases"
    )
    for error, count in list(failures.items())[:FAILURES_SHOWN]:
        console.print(f"  {count} failed with: {escape(error)}")
    if "total_annual_cost_usd" in table:
        cost = table["total_annual_cost_usd"].dropna() / 1e6
        if len(cost):
            console.print(
                f"total annual cost: P10 {cost.quantile(0.1):,.2f}, median {cost.median():,.2f}, "
                f"P90 {cost.quantile(0.9):,.2f} million USD"
            )
    console.print(
        f"table: {folder / 'sweep.parquet'}\ndataset: {folder / 'sweep.nc'}\n"
        f"report: {folder / 'sweep.html'}"
    )


FAILURES_SHOWN = 3
"""Distinct errors of failed sweep cases printed, the most frequent first [-]."""


def _failures(errors: pd.Series) -> dict[str, int]:
    """Each distinct error of the failed cases and how many cases it failed, most first."""
    counts: dict[str, int] = {}
    for error in errors.fillna(""):
        if error:
            counts[error] = counts.get(error, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))  # stable: first seen first


@app.command(name="faults")
@user_errors
def faults_command(
    scenario: ScenarioArg,
    outages_per_year: Annotated[float, typer.Option(help="Grid outages a year.")] = 2.0,
    outage_hours: Annotated[float, typer.Option(help="Mean grid outage length [h].")] = 6.0,
    ride_through: Annotated[int, typer.Option(help="Outage to ride through [h].")] = 8,
    forced_outage_rate: Annotated[
        float, typer.Option(help="Thermal unit forced outage rate.")
    ] = 0.05,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Replay the optimised year under grid outages, unit outages and accelerator failures."""
    loaded = gigafactory.load_scenario(scenario)
    with progress(f"{loaded.name}: faults") as say:
        result = gigafactory.faults(
            loaded,
            grid_outages_per_year=outages_per_year,
            outage_hours=outage_hours,
            ride_through_hours=ride_through,
            forced_outage_rate=forced_outage_rate,
            progress=say,
        )
    if as_json:
        sys.stdout.write(as_json_text(result))
        return
    for site, r in result.items():
        table = Table(title=f"{loaded.name}: {site} under faults (seed {loaded.seed})")
        table.add_column("result")
        table.add_column("value", justify="right")
        rows = [
            ("grid outage hours", f"{r.outage_hours:,}"),
            ("unserved energy (MWh)", f"{r.unserved_mwh:,.1f}"),
            (
                "  same rules, no faults (MWh)",
                f"{r.unserved_without_faults_mwh or 0.0:,.1f}",
            ),
            ("hours short", f"{r.shortfall_hours:,}"),
            ("power interruptions", f"{r.interruptions_from_power:,}"),
        ]
        if r.lost_accelerator_hours is not None:
            rows += [
                ("lost accelerator-hours", f"{r.lost_accelerator_hours:,.0f}"),
                ("training days lost", f"{r.training_days_lost:,.2f}"),
                (
                    "interruptions from accelerator failures (a year)",
                    f"{r.interruptions_from_accelerators:,.0f}",
                ),
            ]
        rt = r.ride_through
        rows += [
            (
                f"battery to ride through {rt.hours} h (MW / MWh)",
                f"{rt.battery_mw:,.1f} / {rt.battery_mwh:,.0f}",
            ),
            ("or more gas to ride through (MW)", f"{rt.gas_mw:,.1f}"),
        ]
        for name, value in rows:
            table.add_row(name, value)
        console.print(table)


@app.command(name="version")
def version() -> None:
    """Print versions as JSON."""
    sys.stdout.write(json.dumps({"gigafactory": gigafactory.__version__}) + "\n")
