"""Commands: size, compare sites, orbit, place inference."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

import gigafactory
from gigafactory.cli.app import (
    ScenarioArg,
    SettingsOpt,
    app,
    as_json_text,
    console,
    load_with_settings,
    progress,
    user_errors,
)

if TYPE_CHECKING:
    import pandas as pd


@app.command()
@user_errors
def size(
    scenario: ScenarioArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sizing as JSON.")] = False,
) -> None:
    """Size compute from the workloads: fleet, MW, energy, cost (no supply optimisation)."""
    loaded = gigafactory.load_scenario(scenario)
    sized = gigafactory.size(loaded)
    if as_json:
        sys.stdout.write(as_json_text(sized))
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
                (f"{run.name}: energy ({run.boundary})", run.energy_mwh, "MWh"),
                (f"{run.name}: emissions ({run.boundary})", run.emissions_tco2e, "tCO2e"),
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
                (f"{svc.name}: energy per query ({svc.boundary})", svc.wh_per_query, "Wh"),
                (f"{svc.name}: cost", svc.usd_per_million_tokens, "USD/M tokens"),
            ]
        for name, value, unit in rows:
            table.add_row(name, f"{value:,.2f}", unit)
        console.print(table)


FEED_OUTLIER = 10
"""A site's own line where its next MW of feed is worth this many times
:data:`gigafactory.FEED_DECIDES_USD_PER_MW_YEAR` (a hundred times a MW of gas turbine a
year); the others are counted in one line [-]."""


def _say_where_the_feed_binds(table: pd.DataFrame) -> None:
    """One line for the sites whose feed sets their cost, the outliers named after it."""
    if "feed_value_usd_per_mw_year" not in table:
        return
    value = table["feed_value_usd_per_mw_year"]
    binding = value[value > gigafactory.FEED_DECIDES_USD_PER_MW_YEAR]
    if binding.empty:
        return
    console.print(
        f"[yellow]the feed sets the cost at {len(binding)} of {len(table)} sites:[/] their "
        f"next MW of feed would save {binding.min() / 1e6:,.1f}-{binding.max() / 1e6:,.1f} M "
        "USD/yr (feed_value_usd_per_mw_year), more than ten times a MW of gas turbine, so "
        "the ranking there compares how each covers the load above its feed; give a feed "
        "that covers the peak (--set sites[0].grid.import_cap_mw=...) to compare their energy"
    )


@app.command()
@user_errors
def compare(
    scenario: ScenarioArg,
    sites: Annotated[
        str,
        typer.Option("--sites", help="Comma-separated catalog sites (see catalog sites), or all."),
    ] = "",
    weights: Annotated[
        str,
        typer.Option(
            "--weights",
            help="Ranking weights, e.g. cost=1,carbon=0.5 (criteria: cost, carbon, "
            "time_to_power, water, latency; unnamed ones get 0). Default: cost 0.5, carbon "
            "0.2, time_to_power 0.15, water 0.1, latency 0.05.",
        ),
    ] = "",
    users: Annotated[
        str,
        typer.Option(
            "--users",
            help="Countries of the users for the latency criterion, e.g. KR,JP (default: the "
            "scenario's placement countries).",
        ),
    ] = "",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder (default: out/<name>-compare).")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-j", min=1, help="Sites solved at once, one process each.")
    ] = 1,
    settings: SettingsOpt = None,
) -> None:
    """Run the scenario's campus at several sites, each with its own grid facts, and rank them."""
    loaded = load_with_settings(scenario, settings)
    if sites.strip() == "all":
        names = list(gigafactory.catalog.sites())
    else:
        names = [n.strip() for n in sites.split(",") if n.strip()] or [
            s.catalog for s in loaded.sites if s.catalog
        ]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # a site ranked against itself says nothing
        msg = f"compare: --sites names {', '.join(repr(n) for n in twice)} more than once"
        raise gigafactory.ScenarioError(msg)
    if len(names) < 2:
        msg = "compare: give at least two sites with --sites a,b (catalog names)"
        raise gigafactory.ScenarioError(msg)
    chosen = gigafactory.siting_weights(weights) if weights else None
    countries = [c.strip().upper() for c in users.split(",") if c.strip()] or None
    started = time.perf_counter()
    with progress(f"{loaded.name}: compare", total=len(names)) as say:
        table, _ = gigafactory.compare(
            loaded,
            names,
            weights=chosen,
            users=countries,
            progress=lambda msg, done: say(msg, done, len(names)),
            workers=workers,
        )
    elapsed = time.perf_counter() - started
    folder = output or Path("out") / f"{loaded.name}-compare"
    gigafactory.write_text_atomic(folder / "compare.csv", table.to_csv(index=False))
    gigafactory.write_text_atomic(
        folder / "compare.html", gigafactory.compare_html(table, f"{loaded.name}: site comparison")
    )
    view = Table(title=f"{loaded.name}: sites ranked by weighted score (0 best)")
    columns: list[tuple[str, str, float, str]] = [
        ("rank", "rank", 1, "{:.0f}"),
        ("site", "site", 1, "{}"),
        ("score", "score", 1, "{:.2f}"),
        ("total_annual_cost_usd", "M USD/yr", 1e-6, "{:,.1f}"),
        ("usd_per_accelerator_hour", "USD/acc-h", 1, "{:,.2f}"),
        ("cfe_share", "CFE %", 100, "{:,.1f}"),
        ("emissions_tco2e", "ktCO2e", 1e-3, "{:,.1f}"),
        ("grid_feed_mw", "feed MW", 1, "{:,.0f}"),
        ("peak_grid_import_mw", "import MW", 1, "{:,.1f}"),
        ("grid_wait_years", "wait yr", 1, "{:.0f}"),
        ("water_stress", "water 0-4", 1, "{:.0f}"),
        ("user_rtt_ms", "RTT ms", 1, "{:.0f}"),
    ]
    columns = [c for c in columns if c[0] in table and not table[c[0]].isna().all()]
    for column, label, _, _ in columns:
        view.add_column(label, justify="left" if column == "site" else "right", no_wrap=True)
    for record in table.to_dict("records"):
        view.add_row(
            *(
                "-"
                if c != "site" and record[c] != record[c]  # NaN: no value
                else fmt.format(record[c] * scale if c != "site" else record[c])
                for c, _, scale, fmt in columns
            )
        )
    console.print(view)
    used = table.attrs["weights"]
    console.print(
        "weights: "
        + ", ".join(f"{k} {w:.2f}" for k, w in used.items())
        + (f"; users in {', '.join(table.attrs['users'])}" if table.attrs["users"] else "")
        + " (change with --weights cost=1,carbon=0.5; latency needs --users)"
    )
    _say_where_the_feed_binds(table)
    for record in table.to_dict("records"):
        if record["feed_source"] == "site library":
            console.print(
                f"{record['site']}: feed {record['grid_feed_mw']:,.0f} MW, the most the site "
                "library says is available there"
            )
        if record["dropped"]:
            console.print(f"{record['site']}: left out there: {record['dropped']}")
        value = record.get("feed_value_usd_per_mw_year", math.nan)
        if value > FEED_OUTLIER * gigafactory.FEED_DECIDES_USD_PER_MW_YEAR:
            console.print(
                f"[yellow]{escape(str(record['site']))}: the {record['grid_feed_mw']:,.0f} MW "
                f"feed sets this site's cost:[/] one more MW of it would save "
                f"{value / 1e6:,.1f} M USD/yr (the load above it is met on site: "
                f"{escape(str(record['capacity_mw']))}); a larger feed or firm supply there "
                "would lower it"
            )
        if record.get("infeasible"):
            console.print(
                f"[yellow]{escape(str(record['site']))}: cannot be served firm, ranked last:[/] "
                f"{escape(str(record['infeasible']))}"
            )
        if record.get("not_solved"):
            console.print(
                f"[yellow]{escape(str(record['site']))}: no optimal solution, ranked last:[/] "
                f"{escape(str(record['not_solved']))}"
            )
    each = "one at a time" if workers == 1 else f"{workers} at a time"
    console.print(f"{len(names)} sites solved in {elapsed:,.0f} s ({each})")
    console.print(f"table: {folder / 'compare.csv'}\nreport: {folder / 'compare.html'}")


@app.command(name="orbit")
@user_errors
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
    text = as_json_text(result)
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
@user_errors
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
    text = as_json_text(result)
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
