"""Commands: a build-out roadmap over a scenario's stages in one LP, and a fleet's memory."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

import gigafactory
from gigafactory.cli.app import (
    ScenarioArg,
    app,
    chosen_deal,
    console,
    language,
    named_numbers,
    progress,
    user_errors,
)


def _mw(values: dict[str, float]) -> str:
    shown = [f"{gigafactory.label(k)} {v:,.0f}" for k, v in values.items() if abs(v) >= 0.5]
    return escape(", ".join(shown)) or "-"


@app.command()
@user_errors
def roadmap(
    scenario: ScenarioArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    report: Annotated[
        Path | None, typer.Option(help="Write an HTML page with the roadmap's charts here.")
    ] = None,
) -> None:
    """Build-out roadmap: what to build when over the scenario's stages, in one LP."""
    loaded = gigafactory.load_scenario(scenario)
    with progress(f"{loaded.name}: build-out") as say:
        result = gigafactory.plan_roadmap(loaded, progress=say)
    if as_json:
        sys.stdout.write(result.model_dump_json() + "\n")
        return
    print_roadmap(result, loaded.name)
    if report is not None:
        gigafactory.write_roadmap_report(result, report, language())
        console.print(f"report: {report}")


def print_roadmap(result: gigafactory.RoadmapSummary, name: str) -> None:
    """Each site's stages as a table, then its notices."""
    for site in result.sites:
        table = Table(
            title=f"{name} / {site.site}: build-out decided in {site.decided_year}",
            show_header=True,
            caption=(
                f"present value {site.present_value_usd / 1e9:,.3f} billion USD over "
                f"{site.stages[0].year}-{site.end_year - 1} at {site.discount_rate:.1%}; "
                "MW in service, built and retired; costs per year of the stage"
            ),
        )
        for header in (
            "stage", "IT share", "peak MW", "in service [MW]", "built [MW]", "retired [MW]",
            "capex M USD", "cost M USD/yr", "CFE", "unserved MWh",
        ):  # fmt: skip
            table.add_column(header, justify="left" if "[MW]" in header else "right")
        for stage in site.stages:
            table.add_row(
                f"{stage.year}",
                f"{stage.scale:.0%}",
                f"{stage.peak_load_mw:,.0f}",
                _mw(stage.capacity_mw),
                _mw(stage.built_mw),
                _mw(stage.retired_mw),
                f"{stage.capex_usd / 1e6:,.0f}",
                f"{stage.annual_cost_usd / 1e6:,.1f}",
                f"{stage.cfe_share:.0%}",
                f"{stage.unserved_mwh:,.0f}",
            )
        console.print(table)
        for notice in site.warnings:
            colour = "yellow" if notice.level == "warning" else "dim"
            console.print(f"[{colour}]{notice.level}:[/] {escape(notice.text)}")


@app.command()
@user_errors
def memory(
    fleet: Annotated[
        list[str] | None,
        typer.Option("--fleet", help="Accelerators, name=count (repeat), e.g. gb300=1e6."),
    ] = None,
    deal: Annotated[
        str | None, typer.Option(help="The fleet of a compute deal (gigafactory deal).")
    ] = None,
    months: Annotated[float, typer.Option(help="Months the fleet is delivered over.")] = 12.0,
    host_dram: Annotated[
        float, typer.Option(help="Host DRAM per accelerator [GB] (256, DGX H100).")
    ] = 256.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Memory a fleet needs: HBM stacks and dies, host DRAM, DRAM wafers a month."""
    counts = named_numbers(fleet, "--fleet", "count", "gb300=1e6")
    if deal is not None:
        contract = chosen_deal(deal)
        bought = gigafactory.deal_compute(contract)
        counts[contract.accelerator] = counts.get(contract.accelerator, 0.0) + bought.accelerators
    if not counts:
        msg = "give a fleet (--fleet gb300=1e6) or a deal (--deal oracle_openai)"
        raise gigafactory.ScenarioError(msg)
    demand = gigafactory.memory_demand(counts, months=months, host_dram_gb=host_dram)
    if as_json:
        data = dataclasses.asdict(demand) | {"wafers_per_month": demand.wafers_per_month}
        sys.stdout.write(json.dumps(data) + "\n")
        return
    table = Table(show_header=True, caption="wafers: 300 mm DRAM wafer starts (docs/compute.md)")
    for header in ("accelerator", "count", "HBM PB", "M stacks", "M dies", "k wafers"):
        table.add_column(header, justify="left" if header == "accelerator" else "right")
    for name, row in demand.by_accelerator.items():
        table.add_row(
            name,
            f"{demand.accelerators[name]:,.0f}",
            f"{row['hbm_gb'] / 1e6:,.1f}",
            f"{row['stacks'] / 1e6:,.2f}",
            f"{row['dies'] / 1e6:,.1f}",
            f"{row['wafers'] / 1e3:,.0f}",
        )
    console.print(table)
    console.print(
        f"HBM {demand.hbm_gb / 1e6:,.1f} PB on {demand.hbm_wafers / 1e3:,.0f}k wafers; host DRAM "
        f"{demand.host_dram_gb / 1e6:,.1f} PB on {demand.dram_wafers / 1e3:,.0f}k wafers; "
        f"{demand.wafers_per_month / 1e3:,.1f}k wafer starts a month over {months:g} months"
    )


@app.command("time-to-power")
@user_errors
def time_to_power(
    scenario: ScenarioArg,
    site: Annotated[int, typer.Option(help="Which site (index).")] = 0,
    it_share: Annotated[float, typer.Option(help="Share of the site's IT load to run [-].")] = 1.0,
    decided: Annotated[
        int | None, typer.Option(help="Year of the decision (default: the scenario's).")
    ] = None,
    years: Annotated[int, typer.Option(help="Start years to try.")] = 6,
    price: Annotated[
        float | None,
        typer.Option(
            help="Price per accelerator-hour [USD/h], for what a year of waiting forgoes."
        ),
    ] = None,
    grid_wait: Annotated[
        bool,
        typer.Option(help="A new feed waits the site library's years (--no-grid-wait: it exists)."),
    ] = True,
) -> None:
    """How soon a site can run its load, and what each start year costs."""
    loaded = gigafactory.load_scenario(scenario)
    with progress(f"{loaded.name}: time to power") as say:
        cases = gigafactory.time_to_power(
            loaded,
            site=site,
            it_share=it_share,
            decided=decided,
            years=years,
            price_usd_per_accelerator_hour=price,
            grid_wait=grid_wait,
            progress=say,
        )
    table = Table(
        title=f"{loaded.name}: sites[{site}] started in each year ({it_share:.0%} of its IT load)",
        show_header=True,
        caption="million USD/yr; extra against the cheapest start year; built: what the LP adds",
    )
    for header in ("start", "grid MW", "annual cost", "extra", "built [MW]"):
        table.add_column(header, justify="left" if header == "built [MW]" else "right")
    for case in cases:
        if case.annual_cost_usd is None:
            table.add_row(str(case.year), "", "cannot run", "", "")
            continue
        table.add_row(
            str(case.year),
            f"{case.grid_import_cap_mw:,.0f}",
            f"{case.annual_cost_usd / 1e6:,.1f}",
            f"{(case.extra_cost_usd or 0.0) / 1e6:+,.1f}",
            _mw(case.built_mw or {}),
        )
    console.print(table)
    first = next((c.year for c in cases if c.annual_cost_usd is not None), None)
    if first is None:
        console.print(f"[yellow]not within {years} years:[/] {escape(cases[-1].infeasible)}")
        return
    console.print(f"first year it can run: {first}")
    waiting = cases[0].waiting_cost_usd
    if waiting is not None:
        console.print(
            f"each year of waiting forgoes {waiting / 1e6:,.0f} M USD of accelerator-hours "
            f"sold at {price:,.2f} USD/h"
        )
