"""Command line interface (Typer + Rich). Calls the public API only.

Every user error prints one line on stderr and exits with code 1, without a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

import gigafactory

app = typer.Typer(
    name="gigafactory",
    help="Plan and simulate AI compute infrastructure: load, facility, hourly supply, cost.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _user_errors(func: F) -> F:
    """Turn a :class:`GigafactoryError` into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except gigafactory.GigafactoryError as err:
            errors.print(f"error: {err}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _json(result: Any) -> str:
    """A study's result as indented JSON (NaN written as NaN, as Python's json does)."""
    return json.dumps(gigafactory.to_plain(result), indent=2, default=float) + "\n"


ScenarioArg = Annotated[str, typer.Argument(help="Preset name or path to a scenario YAML file.")]


@app.command()
@_user_errors
def run(
    scenario: ScenarioArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Results folder (default: out/<name>).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
    no_report: Annotated[bool, typer.Option("--no-report", help="Skip report.html.")] = False,
) -> None:
    """Run a scenario: synthesise series, optimise supply, write results and report."""
    loaded = gigafactory.load_scenario(scenario)
    folder = output or Path("out") / loaded.name
    if as_json:
        results = gigafactory.run(loaded)
        gigafactory.write_results(results, folder, report=not no_report)
        sys.stdout.write(results.to_json() + "\n")
        return
    with console.status(f"{loaded.name}: starting", spinner="dots") as status:
        results = gigafactory.run(
            loaded, progress=lambda msg: status.update(f"{loaded.name}: {msg}")
        )
        status.update(f"{loaded.name}: writing {folder}")
        path = gigafactory.write_results(results, folder, report=not no_report)
    _print_summary(results.summary)
    console.print(f"results: {path}" + ("" if no_report else f"\nreport:  {path / 'report.html'}"))


def _print_summary(summary: gigafactory.Summary) -> None:
    table = Table(title=f"{summary.scenario}", show_header=True)
    table.add_column("result")
    table.add_column("value", justify="right")
    table.add_column("unit")
    rows = [
        ("IT energy", summary.it_energy_mwh / 1e3, "GWh"),
        ("facility energy", summary.facility_energy_mwh / 1e3, "GWh"),
        ("PUE (annual)", summary.pue_annual, "-"),
        ("total annual cost", summary.total_annual_cost_usd / 1e6, "million USD"),
        ("LCOE", summary.lcoe_usd_per_mwh, "USD/MWh"),
        ("hourly CFE share", 100 * summary.cfe_share, "%"),
        ("emissions", summary.emissions_tco2e / 1e3, "ktCO2e"),
        ("NOx", summary.nox_t, "t"),
        ("water", summary.water_m3 / 1e3, "thousand m3"),
        ("unserved", summary.unserved_mwh, "MWh"),
        ("curtailed", summary.curtailed_mwh / 1e3, "GWh"),
        ("solve time", summary.solve_seconds, "s"),
    ]
    for name, value, unit in rows:
        table.add_row(name, f"{value:,.2f}", unit)
    for name, value in summary.capacity_mw.items():
        table.add_row(f"capacity {name}", f"{value:,.1f}", "MW")
    for name, value in summary.storage_mwh.items():
        table.add_row(f"storage {name}", f"{value:,.0f}", "MWh")
    console.print(table)


@app.command()
@_user_errors
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario (schema, catalog names, files) without solving."""
    loaded = gigafactory.load_scenario(scenario)
    console.print(f"ok: {loaded.name} ({len(loaded.sites)} site{'s' * (len(loaded.sites) > 1)})")


@app.command()
def presets() -> None:
    """List the bundled presets."""
    table = Table(show_header=True)
    table.add_column("preset")
    table.add_column("description")
    for name, text in gigafactory.presets().items():
        table.add_row(name, text)
    console.print(table)


class CatalogName(StrEnum):
    """Catalog tables."""

    technologies = "technologies"
    sites = "sites"
    accelerators = "accelerators"


CATALOG_COLUMNS = {
    "technologies": {
        "kind": "kind",
        "capex": "capex",
        "capex_energy": "capex E",
        "fom": "FOM",
        "fom_pct": "FOM",
        "vom": "VOM",
        "efficiency": "eff.",
        "round_trip_efficiency": "RTE",
        "duration": "hours",
        "lifetime": "life",
        "ppa_price": "PPA",
    },
    "accelerators": {
        "vendor": "vendor",
        "tdp": "TDP",
        "bf16": "BF16",
        "fp8": "FP8",
        "fp4": "FP4",
        "hbm": "HBM",
        "hbm_bandwidth": "HBM BW",
        "system_power": "system",
        "price": "price",
    },
    "sites": {
        "latitude": "lat",
        "longitude": "lon",
        "grid_price": "tariff",
        "grid_carbon": "grid CO2",
        "gas_price": "gas",
        "wind_speed_onshore": "wind on",
        "wind_speed_offshore": "wind off",
    },
}
"""Overview columns (catalog parameter -> short header) of ``gigafactory catalog``."""


@app.command()
def catalog(
    which: Annotated[CatalogName, typer.Argument(help="Which catalog to print.")],
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print every row with its unit, source and year (CSV).")
    ] = False,
) -> None:
    """Print a sourced catalog: an overview table, or every row with its source (--csv)."""
    frame = gigafactory.catalog_table(which.value)
    if as_csv:
        sys.stdout.write(frame.to_csv(index=False))
        return
    key = frame.columns[0]
    wide = frame.pivot(index=key, columns="parameter", values="value")
    units = frame.drop_duplicates("parameter").set_index("parameter")["unit"]
    estimated = frame[frame["estimate"] == "true"].set_index([key, "parameter"]).index
    table = Table(show_header=True, caption="* estimate. Sources: --csv")
    table.add_column(key, no_wrap=True)
    labels = CATALOG_COLUMNS[which.value]
    columns = [c for c in labels if c in wide.columns]
    for column in columns:
        unit = units[column]
        table.add_column(
            f"{labels[column]}\n{unit}" if unit != "-" else labels[column], justify="right"
        )
    for name, row in wide.iterrows():
        cells = []
        for column in columns:
            value = row[column]
            text = "" if not isinstance(value, str) else value
            if column == "price" and text:
                text = f"{float(text):,.0f}"
            if text and (name, column) in estimated:
                text += "*"
            cells.append(text)
        table.add_row(str(name), *cells)
    console.print(table)


SITE_SORT = {
    "tariff": "grid_price_usd_per_mwh",
    "carbon": "grid_carbon_kg_per_mwh",
    "temp": "temp_mean_c",
    "ghi": "ghi_kwh_per_m2_year",
    "water": "water_stress",
    "wait": "grid_wait_years",
    "name": "site",
}


@app.command(name="sites")
@_user_errors
def sites_command(
    country: Annotated[
        str, typer.Option("--country", help="ISO country codes, comma-separated (e.g. KR,US).")
    ] = "",
    max_carbon: Annotated[
        float | None, typer.Option("--max-carbon", help="Grid carbon at most [kg/MWh].")
    ] = None,
    max_tariff: Annotated[
        float | None, typer.Option("--max-tariff", help="Grid tariff at most [USD/MWh].")
    ] = None,
    max_water_stress: Annotated[
        float | None, typer.Option("--max-water-stress", help="Water stress at most (0-4).")
    ] = None,
    sort: Annotated[str, typer.Option("--sort", help=f"One of: {', '.join(SITE_SORT)}.")] = "name",
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """List and filter the site library (sources: catalog sites --csv)."""
    if sort not in SITE_SORT:
        msg = (
            f"--sort: '{sort}' is not a column{gigafactory.did_you_mean(sort, SITE_SORT)}; "
            f"allowed: {', '.join(SITE_SORT)}"
        )
        raise gigafactory.ScenarioError(msg)
    table = gigafactory.site_overview()
    if country:
        codes = {c.strip().upper() for c in country.split(",") if c.strip()}
        table = table[table["country"].isin(codes)]
    if max_carbon is not None:
        table = table[table["grid_carbon_kg_per_mwh"] <= max_carbon]
    if max_tariff is not None:
        table = table[table["grid_price_usd_per_mwh"] <= max_tariff]
    if max_water_stress is not None:
        table = table[table["water_stress"] <= max_water_stress]
    table = table.sort_values(SITE_SORT[sort], kind="stable")
    if as_csv:
        sys.stdout.write(table.to_csv(index=False))
        return
    view = Table(
        title=f"{len(table)} sites", caption="estimates flagged in: gigafactory catalog sites --csv"
    )
    columns = [
        ("site", "site", "{}"),
        ("country", "", "{}"),
        ("grid_price_usd_per_mwh", "tariff\nUSD/MWh", "{:,.0f}"),
        ("grid_carbon_kg_per_mwh", "grid CO2\nkg/MWh", "{:,.0f}"),
        ("temp_mean_c", "mean T\ndegC", "{:.1f}"),
        ("ghi_kwh_per_m2_year", "GHI\nkWh/m2", "{:,.0f}"),
        ("water_stress", "water\n0-4", "{:.0f}"),
        ("grid_wait_years", "grid wait\nyr", "{:.0f}"),
    ]
    for key, label, _ in columns:
        view.add_column(
            label, justify="left" if key in {"site", "country"} else "right", no_wrap=True
        )
    for record in table.to_dict("records"):
        view.add_row(*(fmt.format(record[key]) for key, _, fmt in columns))
    console.print(view)


@app.command()
@_user_errors
def size(
    scenario: ScenarioArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sizing as JSON.")] = False,
) -> None:
    """Size compute from the workloads: fleet, MW, energy, cost (no supply optimisation)."""
    loaded = gigafactory.load_scenario(scenario)
    sized = gigafactory.size(loaded)
    if as_json:
        sys.stdout.write(_json(sized))
        return
    for site_id, site in sized.items():
        table = Table(title=f"{loaded.name}: {site_id} (energy at the grid tariff, no LP)")
        table.add_column("result")
        table.add_column("value", justify="right")
        table.add_column("unit")
        comp = site.compute
        for name, count in (comp.accelerators if comp else {}).items():
            table.add_row(f"accelerators {name}", f"{count:,}", "-")
        rows = [
            ("IT capacity", comp.it_capacity_mw if comp else float("nan"), "MW"),
            ("peak facility load", site.peak_facility_mw, "MW"),
            ("IT energy", site.it_energy_mwh / 1e3, "GWh/yr"),
            ("PUE (annual)", site.pue_annual, "-"),
            ("energy cost", site.total_annual_cost_usd / 1e6, "million USD/yr"),
            ("emissions", site.emissions_tco2e / 1e3, "ktCO2e/yr"),
        ]
        if comp:
            rows += [
                ("cost per accelerator-hour", comp.usd_per_accelerator_hour, "USD/h"),
                (
                    "owning beats renting above",
                    100 * comp.breakeven_utilisation_vs_rent,
                    "% use",
                ),
            ]
        for run in comp.training_runs if comp else []:
            rows += [
                (f"{run.name}: days", run.days, "d"),
                (f"{run.name}: accelerator-hours", run.accelerator_hours / 1e6, "million h"),
                (f"{run.name}: goodput", 100 * run.goodput, "%"),
                (f"{run.name}: interruptions", run.interruptions, "-"),
                (f"{run.name}: cost", run.cost_usd / 1e6, "million USD"),
            ]
        for svc in comp.inference_services if comp else []:
            rows += [
                (f"{svc.name}: accelerators", svc.accelerators, "-"),
                (
                    f"{svc.name}: tokens/s per accelerator",
                    svc.tokens_per_s_per_accelerator,
                    "-",
                ),
                (f"{svc.name}: energy per query", svc.wh_per_query, "Wh"),
                (f"{svc.name}: cost", svc.usd_per_million_tokens, "USD/M tokens"),
            ]
        for name, value, unit in rows:
            table.add_row(name, f"{value:,.2f}", unit)
        console.print(table)


@app.command()
@_user_errors
def compare(
    scenario: ScenarioArg,
    sites: Annotated[
        str, typer.Option("--sites", help="Comma-separated catalog sites (see catalog sites).")
    ] = "",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder (default: out/<name>-compare).")
    ] = None,
) -> None:
    """Run the scenario's campus at several sites and rank them."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    loaded = gigafactory.load_scenario(scenario)
    names = [n.strip() for n in sites.split(",") if n.strip()] or [
        s.catalog for s in loaded.sites if s.catalog
    ]
    if len(names) < 2:
        msg = "compare: give at least two sites with --sites a,b (catalog names)"
        raise gigafactory.ScenarioError(msg)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("comparing", total=len(names))
        table, _ = gigafactory.compare(
            loaded,
            names,
            progress=lambda msg, done: bar.update(task, completed=done, description=msg),
        )
    folder = output or Path("out") / f"{loaded.name}-compare"
    gigafactory.write_text_atomic(folder / "compare.csv", table.to_csv(index=False))
    gigafactory.write_text_atomic(
        folder / "compare.html", gigafactory.compare_html(table, f"{loaded.name}: site comparison")
    )
    view = Table(title=f"{loaded.name}: sites ranked by total annual cost")
    columns: list[tuple[str, str, float, str]] = [
        ("rank", "rank", 1, "{:.0f}"),
        ("site", "site", 1, "{}"),
        ("total_annual_cost_usd", "M USD/yr", 1e-6, "{:,.1f}"),
        ("lcoe_usd_per_mwh", "USD/MWh", 1, "{:,.1f}"),
        ("usd_per_accelerator_hour", "USD/acc-h", 1, "{:,.2f}"),
        ("cfe_share", "CFE %", 100, "{:,.1f}"),
        ("emissions_tco2e", "ktCO2e", 1e-3, "{:,.1f}"),
        ("water_m3", "k m3 water", 1e-3, "{:,.1f}"),
        ("peak_grid_import_mw", "grid MW", 1, "{:,.1f}"),
    ]
    if table["usd_per_accelerator_hour"].isna().all():
        columns = [c for c in columns if c[0] != "usd_per_accelerator_hour"]
    for column, label, _, _ in columns:
        view.add_column(label, justify="left" if column == "site" else "right", no_wrap=True)
    for record in table.to_dict("records"):
        view.add_row(
            *(
                fmt.format(record[c] * scale if c != "site" else record[c])
                for c, _, scale, fmt in columns
            )
        )
    console.print(view)
    for record in table.to_dict("records"):
        if record["dropped"]:
            console.print(f"{record['site']}: no resource for {record['dropped']}; left out there")
    console.print(f"table: {folder / 'compare.csv'}\nreport: {folder / 'compare.html'}")


@app.command(name="orbit")
@_user_errors
def orbit_command(
    scenario: ScenarioArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder (default: out/<name>-orbit).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Compare the first site's fleet in orbit with the ground: cost and break-even launch price."""
    loaded = gigafactory.load_scenario(scenario)
    result = gigafactory.orbit(loaded)
    folder = output or Path("out") / f"{loaded.name}-orbit"
    text = _json(result)
    gigafactory.write_text_atomic(folder / "orbit.json", text)
    gigafactory.write_text_atomic(
        folder / "orbit.html", gigafactory.orbit_html(result, f"{loaded.name}: orbit vs ground")
    )
    if as_json:
        sys.stdout.write(text)
        return
    table = Table(title=f"{loaded.name}: orbit vs {result.ground.site}")
    table.add_column("result")
    table.add_column("base", justify="right")
    for name in result.variants:
        table.add_column(name, justify="right")
    designs: list[Any] = [result, *result.variants.values()]
    rows = [
        ("sunlit fraction (%)", "sunlit_fraction", 100, "{:.1f}"),
        ("longest eclipse (min)", "eclipse_max_min", 1, "{:.1f}"),
        ("solar array (m2)", "array_m2", 1, "{:,.0f}"),
        ("radiators (m2)", "radiator_m2", 1, "{:,.0f}"),
        ("mass (t)", "mass_t", 1, "{:,.0f}"),
        ("launches", "launches", 1, "{:,.0f}"),
        ("cost per accelerator-hour (USD)", "usd_per_accelerator_hour", 1, "{:,.2f}"),
        ("energy system per IT MWh (USD)", "usd_per_mwh_equivalent", 1, "{:,.1f}"),
        ("break-even launch price (USD/kg)", "breakeven_launch_usd_per_kg", 1, "{:,.0f}"),
    ]
    for label, key, scale, fmt in rows:
        table.add_row(label, *(fmt.format(getattr(d, key) * scale) for d in designs))
    console.print(table)
    g = result.ground
    console.print(
        f"ground ({g.site}): {g.usd_per_accelerator_hour:,.2f} USD per accelerator-hour, "
        f"energy {g.energy_usd_per_it_mwh:,.1f} USD per IT MWh at PUE {g.pue_annual:.2f}"
    )
    console.print(f"report: {folder / 'orbit.html'}")


@app.command()
@_user_errors
def place(
    scenario: ScenarioArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder (default: out/<name>-placement).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Place inference demand on ground, edge and LEO sites under the latency SLO."""
    loaded = gigafactory.load_scenario(scenario)
    result = gigafactory.place(loaded)
    folder = output or Path("out") / f"{loaded.name}-placement"
    text = _json(result)
    gigafactory.write_text_atomic(folder / "placement.json", text)
    gigafactory.write_text_atomic(
        folder / "placement.html", gigafactory.placement_html(result, f"{loaded.name}: placement")
    )
    if as_json:
        sys.stdout.write(text)
        return
    table = Table(title=f"{loaded.name}: {result.regions} user regions")
    table.add_column("result")
    table.add_column("value", justify="right")
    table.add_row("served share (%)", f"{100 * result.served_share:.1f}")
    table.add_row("RTT p50 / p95 (ms)", f"{result.rtt_p50_ms:.1f} / {result.rtt_p95_ms:.1f}")
    table.add_row("cost (million USD/yr)", f"{result.cost_usd / 1e6:,.2f}")
    for site, n in result.by_site.items():
        table.add_row(f"accelerators at {site}", f"{n:,.0f}")
    console.print(table)
    console.print(f"report: {folder / 'placement.html'}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind (localhost).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Scenarios run at once.")] = 2,
) -> None:
    """Start the web app (FastAPI under uvicorn); runs are kept in the run store."""
    import uvicorn

    from gigafactory.web.app import create_app

    uvicorn.run(create_app(workers=workers), host=host, port=port, log_level="info")


@app.command()
@_user_errors
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
) -> None:
    """Run many cases of a scenario on Dask; resumable; table, dataset and report."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

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
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"{loaded.name}: sweep", total=len(cases))
        table = gigafactory.run_sweep(
            loaded,
            cases,
            folder,
            scheduler=scheduler,
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    gigafactory.write_text_atomic(
        folder / "sweep.html", gigafactory.sweep_html(table, params, f"{loaded.name}: sweep")
    )
    failed = int((table["error"].fillna("") != "").sum())
    console.print(f"{len(table)} cases, {failed} failed")
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


@app.command(name="faults")
@_user_errors
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
    result = gigafactory.faults(
        loaded,
        grid_outages_per_year=outages_per_year,
        outage_hours=outage_hours,
        ride_through_hours=ride_through,
        forced_outage_rate=forced_outage_rate,
    )
    if as_json:
        sys.stdout.write(_json(result))
        return
    for site, r in result.items():
        table = Table(title=f"{loaded.name}: {site} under faults (seed {loaded.seed})")
        table.add_column("result")
        table.add_column("value", justify="right")
        rows = [
            ("grid outage hours", f"{r.outage_hours:,}"),
            ("unserved energy (MWh)", f"{r.unserved_mwh:,.1f}"),
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
