"""Commands: run a scenario, validate it, list the presets."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

import gigafactory
from gigafactory.cli.app import (
    ScenarioArg,
    SettingsOpt,
    app,
    console,
    language,
    load_with_settings,
    progress,
    user_errors,
)


@contextlib.contextmanager
def naming_the_scenario(scenario: str) -> Iterator[None]:
    """Prefix errors found while preparing a run (data files, field checks) with the scenario.

    Those errors name the field (``sites[0].load.profile_csv: ...``) but not the file the
    user wrote it in; loading errors already do.
    """
    try:
        yield
    except (gigafactory.DataFileError, gigafactory.ScenarioError) as err:
        if not str(err).startswith("sites["):
            raise
        msg = f"{scenario}: {err}"
        raise type(err)(msg) from None


@app.command()
@user_errors
def run(
    scenario: ScenarioArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Results folder (default: out/<name>).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
    no_report: Annotated[bool, typer.Option("--no-report", help="Skip report.html.")] = False,
    settings: SettingsOpt = None,
) -> None:
    """Run a scenario: synthesise series, optimise supply, write results and report."""
    loaded = load_with_settings(scenario, settings)
    folder = output or Path("out") / loaded.name
    lang = language()
    with naming_the_scenario(scenario), progress(loaded.name) as say:
        results = gigafactory.run(loaded, progress=say)
        say(f"writing {folder}")
        path = gigafactory.write_results(results, folder, report=not no_report, lang=lang)
    if as_json:
        sys.stdout.write(results.to_json() + "\n")
        return
    _print_summary(results.summary, lang)
    for site in results.summary.sites:
        if site.headline:
            console.print(escape(gigafactory.headline(site, lang)), soft_wrap=False)
    if results.summary.roadmap is not None:
        from gigafactory.cli.buildout import print_roadmap

        print_roadmap(results.summary.roadmap, loaded.name)
    _ = gigafactory.translator(lang)
    report = "" if no_report else f"\n{_('report')}:  {path / 'report.html'}"
    console.print(f"{_('results')}: {path}{report}")


def _print_summary(summary: gigafactory.Summary, lang: str = "en") -> None:
    _ = gigafactory.translator(lang)
    table = Table(title=f"{summary.scenario}", show_header=True)
    table.add_column(_("Result"))
    table.add_column(_("Value"), justify="right")
    table.add_column(_("Unit"))
    rows = [
        ("IT energy", summary.it_energy_mwh / 1e3, "GWh"),
        ("facility energy", summary.facility_energy_mwh / 1e3, "GWh"),
        ("PUE (annual)", summary.pue_annual, "-"),
        ("total annual cost", summary.total_annual_cost_usd / 1e6, "million USD"),
        ("LCOE", summary.lcoe_usd_per_mwh, "USD/MWh"),
        ("hourly CFE share (24/7)", 100 * summary.cfe_share, "%"),
        ("annual CFE match (RE100)", 100 * summary.cfe_annual_matching, "%"),
        ("emissions", summary.emissions_tco2e / 1e3, "ktCO2e"),
        ("NOx", summary.nox_t, "t"),
        ("water", summary.water_m3 / 1e3, "thousand m3"),
        ("unserved", summary.unserved_mwh, "MWh"),
        ("design power", summary.design_power_mw, "MW"),
        ("curtailed", summary.curtailed_mwh / 1e3, "GWh"),
        ("solve time", summary.solve_seconds, "s"),
    ]
    for name, value, unit in rows:
        table.add_row(_(name), gigafactory.number(value, 2, lang), _(unit))

    def tech(name: str) -> str:  # the key the summary uses in English, its label otherwise
        return name if lang == "en" else _(gigafactory.label(name))

    for name, value in summary.capacity_mw.items():
        table.add_row(_("capacity {name}").format(name=tech(name)), f"{value:,.1f}", "MW")
    for name, value in summary.storage_mwh.items():
        table.add_row(_("storage {name}").format(name=tech(name)), f"{value:,.0f}", "MWh")
    for site in summary.sites:
        prefix = f"{site.site}: " if len(summary.sites) > 1 else ""
        feed = _("grid feed ({tariff})").format(tariff=site.tariff)
        table.add_row(f"{prefix}{feed}", f"{site.grid_import_cap_mw:,.1f}", "MW")
        if site.reliability is not None:
            table.add_row(
                f"{prefix}{_('accredited firm capacity')}",
                f"{site.reliability.accredited_firm_mw:,.1f}",
                "MW",
            )
        for name, contract in site.contracts.items():
            label = _("contract {name}").format(name=name)
            table.add_row(f"{prefix}{label}", f"{contract.mw:,.1f}", "MW")
    breakdown = summary.cost_breakdown_usd
    if breakdown.demand_charges:
        table.add_row(
            _("demand charges"),
            gigafactory.number(breakdown.demand_charges / 1e6, 2, lang),
            _("million USD"),
        )
    console.print(table)
    print_weather_years(summary)
    print_marginals(summary, lang)
    print_notices(summary.warnings, lang)


def print_weather_years(summary: gigafactory.Summary) -> None:
    """Each weather year of a site solved over several: the spread the mean hides."""
    for site in summary.sites:
        if site.weather_years is None:
            continue
        spread = site.weather_years
        console.print(
            f"[bold]{site.site}: one design over {len(spread.years)} weather years[/] "
            f"(figures above: the mean year; spread {spread.cost_spread_usd / 1e6:,.2f} "
            f"million USD, costliest seed {spread.costliest_seed})"
        )
        for year in spread.years:
            console.print(
                f"  seed {year.seed}: {year.total_annual_cost_usd / 1e6:,.2f} million USD, "
                f"hourly CFE {100 * year.cfe_share:.1f} %, {year.emissions_tco2e / 1e3:,.1f} "
                f"ktCO2e, unserved {year.unserved_mwh:,.0f} MWh, curtailed "
                f"{year.curtailed_mwh / 1e3:,.1f} GWh"
            )


def print_marginals(summary: gigafactory.Summary, lang: str = "en") -> None:
    """Why each technology is or is not built, from the LP's marginal values."""
    why = gigafactory.translator(lang)("why this mix")
    for site in summary.sites:
        if site.marginals is None:
            continue
        prefix = f" ({site.site})" if len(summary.sites) > 1 else ""
        console.print(f"[bold]{why}{prefix}:[/]")
        for line in gigafactory.why_this_mix(site.marginals, lang):
            console.print(f"  {escape(line)}")


def print_notices(notices: list[gigafactory.Notice], lang: str = "en") -> None:
    """Warnings in a red banner, notes below it, one line each."""
    _ = gigafactory.translator(lang)
    for notice in notices:
        if notice.level == "warning":
            text = gigafactory.notice_text(notice, lang)
            console.print(f"[bold white on red] {_('WARNING')} [/] {escape(text)}")
    for notice in notices:
        if notice.level != "warning":
            text = gigafactory.notice_text(notice, lang)
            console.print(f"[yellow]{_('note')}:[/] {escape(text)}")


@app.command()
@user_errors
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario without solving: schema, catalog names, and every data file it names."""
    loaded = gigafactory.load_scenario(scenario)
    with naming_the_scenario(scenario):
        files = gigafactory.check(loaded)
    sites = f"{len(loaded.sites)} site{'s' * (len(loaded.sites) > 1)}"
    read = f", {files} data file{'s' * (files != 1)} read" if files else ""
    ok = gigafactory.translator(language())("ok")
    console.print(f"{ok}: {loaded.name} ({sites}{read})")


@app.command()
def presets() -> None:
    """List the bundled presets."""
    table = Table(show_header=True)
    table.add_column("preset")
    table.add_column("description")
    for name, text in gigafactory.presets().items():
        table.add_row(name, text)
    console.print(table)
