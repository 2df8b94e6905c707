"""Commands: compute deals and a campus's cash flow.

``deal`` goes from a contract to the compute it buys and back; ``cashflow`` runs a scenario
and prices its campus over the years.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

import gigafactory
from gigafactory.cli.app import (
    ScenarioArg,
    app,
    chosen_deal,
    console,
    named_numbers,
    progress,
    user_errors,
)


@app.command()
@user_errors
def deal(
    name: Annotated[
        str | None, typer.Argument(help="A deal (gigafactory deal lists them).")
    ] = None,
    accelerator: Annotated[
        str | None, typer.Option(help="Accelerator instead of the deal's assumption.")
    ] = None,
    price: Annotated[
        float | None,
        typer.Option(help="Price per accelerator-hour [USD/h]: sizes the fleet from the value."),
    ] = None,
    pue: Annotated[float | None, typer.Option(help="Campus PUE [-] (1.2).")] = None,
    utilisation: Annotated[
        float | None, typer.Option(help="Mean accelerator utilisation for energy [-] (0.8).")
    ] = None,
    energy_price: Annotated[
        float | None, typer.Option(help="Energy price [USD/MWh] (80, US industrial).")
    ] = None,
    wacc: Annotated[
        float | None, typer.Option(help="Weighted average cost of capital [-] (0.07).")
    ] = None,
    margin: Annotated[
        float, typer.Option(help="Margin for the price that covers the campus [-].")
    ] = 0.2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the contract table of every deal (HTML) here."),
    ] = None,
) -> None:
    """What an announced compute deal buys, what it costs the provider, and its margin."""
    presets = gigafactory.deal_presets()
    if report is not None:
        given = {
            "pue": pue,
            "utilisation": utilisation,
            "energy_price_usd_per_mwh": energy_price,
            "wacc": wacc,
        }
        contracts = gigafactory.deal_table(**{k: v for k, v in given.items() if v is not None})
        gigafactory.write_deals_report(contracts, report)
        console.print(f"contract table: {report}")
        if name is None:
            return
    if name is None:
        table = Table(show_header=True, caption="gigafactory deal NAME")
        for header in ("deal", "what was reported"):
            table.add_column(header)
        for key, entry in presets.items():
            table.add_row(key, entry.title)
        console.print(table)
        return
    chosen = chosen_deal(name)
    changes: dict[str, object] = {}
    if accelerator is not None:
        changes["accelerator"] = accelerator
    if price is not None:
        changes["usd_per_accelerator_hour"] = price
    chosen = dataclasses.replace(chosen, **changes)  # type: ignore[arg-type]
    given = {
        "pue": pue,
        "utilisation": utilisation,
        "energy_price_usd_per_mwh": energy_price,
        "wacc": wacc,
    }
    result = gigafactory.deal_compute(chosen, **{k: v for k, v in given.items() if v is not None})
    covering = gigafactory.price_covering(result, margin)
    if as_json:
        data = dataclasses.asdict(result) | {
            "deal": name,
            "accelerator": chosen.accelerator,
            "price_covering_usd_per_accelerator_hour": covering,
            "margin_asked": margin,
            "reported": chosen.reported,
        }
        sys.stdout.write(json.dumps(data) + "\n")
        return
    _print_deal(chosen, result, covering, margin)


def _print_deal(
    deal: gigafactory.ComputeDeal, c: gigafactory.DealCompute, covering: float, margin: float
) -> None:
    table = Table(title=escape(deal.title), show_header=True)
    for header in ("", "modelled", "reported"):
        table.add_column(header, justify="right" if header else "left")
    reported = deal.reported
    gw = reported.get("campus_gw")
    rows = [
        (f"accelerators ({deal.accelerator})", f"{c.accelerators / 1e6:,.2f} million", ""),
        ("IT power at full load", f"{c.it_mw / 1e3:,.2f} GW", ""),
        ("campus power", f"{c.campus_mw / 1e3:,.2f} GW", f"{gw:,.1f} GW" if gw else ""),
        ("energy at the mean utilisation", f"{c.energy_mwh_per_year / 1e6:,.1f} TWh/yr", ""),
        ("accelerators, servers, network", f"{c.hardware_capex_usd / 1e9:,.0f} billion USD", ""),
        ("facility", f"{c.facility_capex_usd / 1e9:,.0f} billion USD", ""),
        ("capex per GW of campus", f"{c.capex_usd_per_gw / 1e9:,.1f} billion USD", ""),
        ("provider's cost", f"{c.cost_usd_per_year / 1e9:,.1f} billion USD/yr", ""),
        ("  per accelerator-hour", f"{c.cost_usd_per_accelerator_hour:,.2f} USD", ""),
        (f"price covering it with {margin:.0%} margin", f"{covering:,.2f} USD/h", ""),
    ]
    if c.revenue_usd_per_year is not None:
        value = reported.get("value_usd")
        rows += [
            (
                "contract value per year",
                f"{c.revenue_usd_per_year / 1e9:,.1f} billion USD",
                f"{value / 1e9:,.0f} billion USD in all" if value else "",
            ),
            ("implied price", f"{c.price_usd_per_accelerator_hour:,.2f} USD/h", ""),
            ("provider's margin at that price", f"{c.margin:.0%}", ""),
        ]
    per_gw = reported.get("investment_usd_per_gw")
    if per_gw:
        rows.append(
            (
                "investment per GW against capex per GW",
                f"{per_gw / c.capex_usd_per_gw:.0%}",
                f"{per_gw / 1e9:,.0f} billion USD/GW",
            )
        )
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for source in deal.sources:
        console.print(f"[dim]source:[/] {escape(source)}")


@app.command()
@user_errors
def cashflow(
    scenario: ScenarioArg,
    price: Annotated[float, typer.Option(help="Price per accelerator-hour sold [USD/h].")],
    start_year: Annotated[int, typer.Option(help="First construction year.")] = 2026,
    construction_years: Annotated[int, typer.Option(help="Years to build.")] = 2,
    years: Annotated[int, typer.Option(help="Years of operation.")] = 15,
    sold_share: Annotated[
        float, typer.Option(help="Share of the fleet's hours sold [-] (0.8).")
    ] = 0.8,
    debt_share: Annotated[float, typer.Option(help="Debt's share of the capital [-].")] = 0.6,
    interest: Annotated[float, typer.Option(help="Interest on the debt [-/yr].")] = 0.06,
    equity_return: Annotated[float, typer.Option(help="Return the equity asks [-/yr].")] = 0.12,
    tax_rate: Annotated[float, typer.Option(help="Tax rate, interest deductible [-].")] = 0.0,
    tenor: Annotated[int, typer.Option(help="Years to repay each loan [yr].")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    report: Annotated[
        Path | None, typer.Option(help="Write the cash flow with its chart (HTML) here.")
    ] = None,
) -> None:
    """A campus's cash flow from its run: capex, opex, revenue, NPV, IRR, payback, sensitivity.

    A scenario with a roadmap follows its stages (the years are the roadmap's; --start-year
    and --years apply to single-year scenarios).
    """
    loaded = gigafactory.load_scenario(scenario)
    capital = gigafactory.CapitalStructure(debt_share, interest, equity_return, tax_rate, tenor)
    with progress(f"{loaded.name}: cash flow") as say:
        if loaded.roadmap is not None:  # the build-out's stages set the years
            flow = gigafactory.roadmap_cash_flow(
                loaded,
                price,
                construction_years=construction_years,
                sold_share=sold_share,
                capital=capital,
                progress=say,
            )
        else:
            say("running the scenario")
            flow = gigafactory.campus_cash_flow(
                loaded,
                price,
                start_year=start_year,
                construction_years=construction_years,
                operating_years=years,
                sold_share=sold_share,
                capital=capital,
            )
    if report is not None:
        gigafactory.write_cash_flow_report(
            gigafactory.cash_flow_summary(loaded.name, price, flow), report
        )
    if as_json:
        data = {
            "years": flow.years.tolist(),
            "capex_usd": flow.capex_usd.tolist(),
            "opex_usd": flow.opex_usd.tolist(),
            "revenue_usd": flow.revenue_usd.tolist(),
            "net_usd": flow.net_usd.tolist(),
            "capex_parts_usd": flow.capex_parts_usd,
            "wacc": flow.wacc,
            "npv_usd": flow.npv_usd,
            "irr": None if flow.irr != flow.irr else flow.irr,
            "payback_years": None if flow.payback_years == float("inf") else flow.payback_years,
            "sensitivity": [list(row) for row in flow.sensitivity],
            "debt_service_usd": None if flow.debt is None else flow.debt.service_usd.tolist(),
            "equity_usd": None if flow.equity_usd is None else flow.equity_usd.tolist(),
            "equity_irr": None if flow.equity_irr != flow.equity_irr else flow.equity_irr,
            "min_dscr": None if flow.min_dscr == float("inf") else flow.min_dscr,
            "residual_usd": None if flow.residual_usd is None else flow.residual_usd.tolist(),
        }
        sys.stdout.write(json.dumps(data) + "\n")
        return
    _print_cash_flow(loaded.name, price, flow)
    if report is not None:
        console.print(f"report: {report}")


def _print_cash_flow(name: str, price: float, flow: gigafactory.CampusCashFlow) -> None:
    parts = ", ".join(f"{k} {v / 1e9:,.2f}" for k, v in flow.capex_parts_usd.items())
    console.print(f"[bold]{name}[/] at {price:,.2f} USD per accelerator-hour")
    console.print(f"overnight capex (billion USD): {parts}")
    table = Table(show_header=True, caption="million USD; accelerators bought again at life")
    for header in (
        "year", "capex", "opex", "revenue", "net", "cumulative", "debt service", "equity",
    ):  # fmt: skip
        table.add_column(header, justify="right")
    cumulative = 0.0
    service = flow.debt.service_usd if flow.debt is not None else np.zeros(len(flow.years))
    equity = flow.equity_usd if flow.equity_usd is not None else flow.net_usd
    for year, capex, opex, revenue, net, paid, own in zip(
        flow.years, flow.capex_usd, flow.opex_usd, flow.revenue_usd, flow.net_usd, service,
        equity, strict=True,
    ):  # fmt: skip
        cumulative += net
        table.add_row(
            str(year),
            *(f"{v / 1e6:,.0f}" for v in (capex, opex, revenue, net, cumulative, paid, own)),
        )
    console.print(table)
    irr = "none" if flow.irr != flow.irr else f"{flow.irr:.1%}"
    payback = "never" if flow.payback_years == float("inf") else f"{flow.payback_years:.1f} years"
    console.print(
        f"WACC {flow.wacc:.1%}: NPV {flow.npv_usd / 1e9:,.2f} billion USD, IRR {irr}, "
        f"payback {payback} from the first construction year"
    )
    equity_irr = "none" if flow.equity_irr != flow.equity_irr else f"{flow.equity_irr:.1%}"
    dscr = "no debt" if flow.min_dscr == float("inf") else f"{flow.min_dscr:.2f}"
    console.print(f"equity IRR {equity_irr} after debt service; lowest DSCR {dscr}")
    if flow.residual_usd is not None and flow.residual_usd.any():
        console.print(
            f"net includes {flow.residual_usd.sum() / 1e9:,.2f} billion USD of assets' value "
            "left at the end (straight-line over their lives)"
        )
    sensitivity = Table(show_header=True, title="what moves the NPV most (each 20 % down / up)")
    for header in ("driver", "NPV down", "NPV up"):
        sensitivity.add_column(header, justify="right" if header != "driver" else "left")
    for driver, low, high in flow.sensitivity:
        sensitivity.add_row(driver, f"{low / 1e9:,.2f}", f"{high / 1e9:,.2f}")
    console.print(sensitivity)


@app.command()
@user_errors
def scale(
    spend: Annotated[
        float, typer.Option(help="Spend on AI campuses [USD], e.g. 3e12 (3 trillion).")
    ],
    accelerator: Annotated[str, typer.Option(help="Accelerator of the fleet.")] = "gb300",
    power_technology: Annotated[
        str, typer.Option(help="Technology that powers the campuses (catalog name).")
    ] = "gas_cc",
    pue: Annotated[float | None, typer.Option(help="Campus PUE [-] (1.2).")] = None,
    utilisation: Annotated[
        float | None, typer.Option(help="Mean accelerator utilisation [-] (0.8).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """What a spend on AI campuses builds: GW, accelerators, TWh, share of electricity."""
    given = {"pue": pue, "utilisation": utilisation}
    result = gigafactory.industry_scale(
        spend,
        accelerator,
        power_technology=power_technology,
        **{k: v for k, v in given.items() if v is not None},
    )
    if as_json:
        sys.stdout.write(json.dumps(dataclasses.asdict(result)) + "\n")
        return
    table = Table(title=f"{spend / 1e12:,.2f} trillion USD on AI campuses", show_header=True)
    table.add_column("")
    table.add_column("", justify="right")
    per_gw = sum(result.usd_per_gw.values())
    for name, value in result.usd_per_gw.items():
        table.add_row(f"per GW: {name}", f"{value / 1e9:,.1f} billion USD")
    table.add_row("per GW of campus, in all", f"{per_gw / 1e9:,.1f} billion USD")
    table.add_row("campus power built", f"{result.gw:,.1f} GW")
    table.add_row(f"accelerators ({accelerator})", f"{result.accelerators / 1e6:,.1f} million")
    table.add_row("energy at the mean utilisation", f"{result.twh_per_year:,.0f} TWh/yr")
    table.add_row("share of US electricity (~4,000 TWh)", f"{result.share_of_us:.1%}")
    table.add_row("share of world electricity (~27,700 TWh)", f"{result.share_of_world:.1%}")
    console.print(table)


@app.command()
@user_errors
def delay(
    scenario: ScenarioArg,
    months: Annotated[
        str, typer.Option(help="Delays of the grid feed [months], comma-separated.")
    ] = "0,3,6,9,12",
    site: Annotated[int, typer.Option(help="Which site's feed (index).")] = 0,
) -> None:
    """Time to power: what each month of a late grid feed costs, and what bridges it."""
    loaded = gigafactory.load_scenario(scenario)
    try:
        delays = [int(m) for m in months.split(",") if m.strip()]
    except ValueError:
        msg = f"--months '{months}': give whole months, e.g. 0,3,6,12"
        raise gigafactory.ScenarioError(msg) from None
    with progress(f"{loaded.name}: grid feed delays") as say:
        cases = gigafactory.grid_delay(loaded, delays, site=site, progress=say)
    table = Table(
        title=f"{loaded.name}: sites[{site}]'s grid feed late", show_header=True,
        caption="million USD/yr; capacities the LP builds for the year",
    )  # fmt: skip
    for header in ("late", "energised", "annual cost", "extra", "built [MW]"):
        table.add_column(header, justify="left" if header == "built [MW]" else "right")
    for case in cases:
        if case.total_annual_cost_usd is None or case.capacity_mw is None:
            table.add_row(f"{case.months} mo", f"{case.in_service}", "infeasible", "", "")
            continue
        built = ", ".join(f"{k} {v:,.0f}" for k, v in case.capacity_mw.items() if v >= 0.5)
        table.add_row(
            f"{case.months} mo",
            f"{case.in_service}",
            f"{case.total_annual_cost_usd / 1e6:,.2f}",
            f"{(case.extra_cost_usd or 0.0) / 1e6:+,.2f}",
            escape(built),
        )
    console.print(table)
    for case in cases:
        if case.infeasible:
            console.print(f"[yellow]{case.months} months late:[/] {escape(case.infeasible)}")
    note = gigafactory.bridge_note(cases)
    if note is not None:
        console.print(f"[yellow]note:[/] {escape(note)}")


@app.command()
@user_errors
def chips(
    parameters: Annotated[
        float, typer.Option(help="Active parameters of the served model [-].")
    ] = 70e9,
    bytes_per_parameter: Annotated[
        float, typer.Option(help="Weight format [B]: 2 BF16, 1 FP8, 0.5 FP4.")
    ] = 1.0,
    stack: Annotated[
        list[str] | None,
        typer.Option(
            "--stack", help="Software-stack efficiency, name=factor (repeat), e.g. mi300x=0.8."
        ),
    ] = None,
    reference: Annotated[
        str, typer.Option(help="Accelerator the break-even price is against.")
    ] = "h100_sxm",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Beyond NVIDIA: cost per million tokens on every accelerator, and break-even prices."""
    efficiency = named_numbers(stack, "--stack", "factor", "mi300x=0.8")
    costs = gigafactory.chip_costs(
        parameters, bytes_per_parameter, reference=reference, stack_efficiency=efficiency
    )
    if as_json:
        sys.stdout.write(json.dumps([dataclasses.asdict(c) for c in costs]) + "\n")
        return
    table = Table(
        title=f"{parameters / 1e9:,.0f} B parameters at {bytes_per_parameter:g} B each",
        caption=f"at cost, 80 % utilised; break-even: the price matching {reference}",
        show_header=True,
    )
    for header in ("accelerator", "tokens/s", "USD/h", "USD/M tokens", "break-even USD"):
        table.add_column(header, justify="left" if header == "accelerator" else "right")
    for c in costs:
        mark = f" (stack x{efficiency[c.accelerator]:g})" if c.accelerator in efficiency else ""
        table.add_row(
            c.accelerator + mark,
            f"{c.tokens_per_s:,.0f}",
            f"{c.usd_per_hour:,.2f}",
            f"{c.usd_per_million_tokens:,.3f}",
            f"{c.break_even_price_usd:,.0f}",
        )
    console.print(table)
