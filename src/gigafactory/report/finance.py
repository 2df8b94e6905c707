"""Money pages: a campus's cash flow (chart and table) and the deals' contract table."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

from gigafactory.report.firm import FIRM_STYLE
from gigafactory.report.page import charts_html, header_row, page_html
from gigafactory.results import write_text_atomic
from gigafactory.summary import CashFlowSummary, DealTable

__all__ = [
    "cash_flow_figure",
    "cash_flow_html",
    "deals_body_html",
    "deals_html",
    "write_cash_flow_report",
    "write_deals_report",
]

USD_PER_MILLION = 1e6


def cash_flow_figure(flow: CashFlowSummary) -> Any:
    """Capex, opex and revenue per year as bars; the cumulative net and equity as lines."""
    import plotly.graph_objects as go

    years = [str(y) for y in flow.years]
    fig = go.Figure()
    for name, values, colour, sign in (
        ("capex", flow.capex_usd, "#d62728", -1),
        ("opex", flow.opex_usd, "#ff7f0e", -1),
        ("debt service", flow.debt_service_usd, "#9467bd", -1),
        ("revenue", flow.revenue_usd, "#2ca02c", 1),
    ):
        fig.add_trace(
            go.Bar(
                x=years,
                y=[sign * v / USD_PER_MILLION for v in values],
                name=name,
                marker_color=colour,
            )
        )
    for name, values, colour in (
        ("cumulative net", flow.net_usd, "#1f77b4"),
        ("cumulative to equity", flow.equity_usd, "#17becf"),
    ):
        running, total = [], 0.0
        for value in values:
            total += value
            running.append(total / USD_PER_MILLION)
        fig.add_trace(
            go.Scatter(x=years, y=running, name=name, mode="lines+markers", marker_color=colour)
        )
    fig.update_layout(
        barmode="relative",
        title=(
            f"{flow.scenario} at {flow.price_usd_per_accelerator_hour:,.2f} USD per "
            f"accelerator-hour: NPV {flow.npv_usd / 1e9:,.2f} billion USD at "
            f"{flow.wacc:.1%} WACC"
        ),
        yaxis_title="million USD",
    )
    return fig


def _share(value: float) -> str:
    return "none" if math.isnan(value) else f"{value:.1%}"


def cash_flow_html(flow: CashFlowSummary) -> str:
    """The cash flow as one self-contained page: figures, chart, yearly table, sensitivity."""
    payback = "never" if math.isinf(flow.payback_years) else f"{flow.payback_years:.1f} years"
    dscr = "no debt" if math.isinf(flow.min_dscr) else f"{flow.min_dscr:.2f}"
    parts = ", ".join(f"{k} {v / 1e9:,.2f}" for k, v in flow.capex_parts_usd.items())
    figures = (
        f"<p>Overnight capex (billion USD): {html.escape(parts)}. NPV "
        f"{flow.npv_usd / 1e9:,.2f} billion USD, project IRR {_share(flow.irr)}, payback "
        f"{payback}; equity IRR {_share(flow.equity_irr)} after debt service, lowest DSCR "
        f"{dscr}.</p>"
    )
    if any(flow.residual_usd):
        figures += (
            f"<p>The last year's net includes {sum(flow.residual_usd) / 1e9:,.2f} billion USD "
            "of assets' value left at the end (straight-line over their lives).</p>"
        )
    head = header_row("year", "capex", "opex", "revenue", "net", "debt service", "equity")
    rows = "".join(
        f"<tr><td>{year}</td>"
        + "".join(f"<td>{v / USD_PER_MILLION:,.0f}</td>" for v in values)
        + "</tr>"
        for year, *values in zip(
            flow.years,
            flow.capex_usd,
            flow.opex_usd,
            flow.revenue_usd,
            flow.net_usd,
            flow.debt_service_usd,
            flow.equity_usd,
            strict=True,
        )
    )
    sensitivity = "".join(
        f"<tr><td>{html.escape(driver)}</td><td>{low / 1e9:,.2f}</td><td>{high / 1e9:,.2f}</td>"
        "</tr>"
        for driver, (low, high) in flow.sensitivity.items()
    )
    body = (
        f"{figures}{charts_html([cash_flow_figure(flow)])}"
        f"<h2>By year (million USD)</h2><table>{head}{rows}</table>"
        "<h2>What moves the NPV most (billion USD, each driver 20 % down and up)</h2>"
        f"<table>{header_row('driver', 'down', 'up')}{sensitivity}</table>"
    )
    return page_html(
        f"{flow.scenario}: cash flow",
        body,
        title=f"gigafactory: {flow.scenario} cash flow",
        style=FIRM_STYLE,
    )


def deals_body_html(table: DealTable) -> str:
    """The contract table: each deal's reported figures beside what it converts to."""
    head = header_row(
        "deal",
        "reported",
        "accelerator",
        "accelerators",
        "campus [GW]",
        "TWh/yr",
        "capex [billion USD]",
        "capex per GW [billion USD]",
        "cost [USD/accelerator-h]",
        "price [USD/accelerator-h]",
        "margin",
    )
    rows = []
    for deal in table.deals:
        reported = ", ".join(f"{k} {v:,.4g}" for k, v in deal.reported.items())
        price = deal.price_usd_per_accelerator_hour
        rows.append(
            "<tr>"
            f"<td title='{html.escape(' | '.join(deal.sources))}'>{html.escape(deal.title)}</td>"
            f"<td>{html.escape(reported)}</td><td>{html.escape(deal.accelerator)}</td>"
            f"<td>{deal.accelerators:,.0f}</td><td>{deal.campus_mw / 1e3:,.2f}</td>"
            f"<td>{deal.energy_mwh_per_year / 1e6:,.1f}</td>"
            f"<td>{deal.capex_usd / 1e9:,.0f}</td><td>{deal.capex_usd_per_gw / 1e9:,.1f}</td>"
            f"<td>{deal.cost_usd_per_accelerator_hour:,.2f}</td>"
            f"<td>{'-' if price is None else f'{price:,.2f}'}</td>"
            f"<td>{'-' if deal.margin is None else f'{deal.margin:.0%}'}</td>"
            "</tr>"
        )
    sources = "".join(
        f"<li><strong>{html.escape(d.name)}</strong>: {html.escape('; '.join(d.sources))}</li>"
        for d in table.deals
    )
    return f"<table>{head}{''.join(rows)}</table><h2>Sources</h2><ul>{sources}</ul>"


def deals_html(table: DealTable) -> str:
    """The contract table as one self-contained page."""
    return page_html(
        "Compute deals",
        deals_body_html(table),
        title="gigafactory: compute deals",
        style=FIRM_STYLE,
    )


def write_cash_flow_report(flow: CashFlowSummary, path: str | Path) -> Path:
    """Write :func:`cash_flow_html` to ``path`` atomically."""
    target = Path(path)
    write_text_atomic(target, cash_flow_html(flow))
    return target


def write_deals_report(table: DealTable, path: str | Path) -> Path:
    """Write :func:`deals_html` to ``path`` atomically."""
    target = Path(path)
    write_text_atomic(target, deals_html(table))
    return target
