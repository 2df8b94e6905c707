"""Finished runs side by side: key figures, what each built, what it costs, what differs."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from gigafactory.i18n import translator
from gigafactory.report.charts import SHOWN_MW, cost_by_source_usd
from gigafactory.report.page import COLOURS, USD_PER_MILLION, charts_html
from gigafactory.report.run import dispatch_figure, quiet_week
from gigafactory.summary import Summary, label

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "COMPARED",
    "compare_runs_html",
    "dispatch_side_by_side_html",
    "run_capacities_mw",
    "run_costs_usd",
]

COMPARED = (
    ("total_annual_cost_usd", 1e-6, "total annual cost [M USD/yr]"),
    ("lcoe_usd_per_mwh", 1.0, "LCOE [USD/MWh]"),
    ("cfe_share", 100.0, "hourly CFE [%]"),
    ("cfe_annual_matching", 100.0, "annual CFE match [%]"),
    ("emissions_tco2e", 1e-3, "emissions [ktCO2e/yr]"),
    ("unserved_mwh", 1.0, "unserved [MWh/yr]"),
    ("design_power_mw", 1.0, "design power [MW]"),
    ("facility_energy_mwh", 1e-3, "facility energy [GWh/yr]"),
    ("pue_annual", 1.0, "PUE"),
    ("water_m3", 1e-3, "water [thousand m3/yr]"),
)
"""Summary fields compared side by side: field, display scale, label with unit."""

_BY_LABEL = {label(tech): colour for tech, colour in COLOURS.items()} | {
    "grid connection": COLOURS["grid"]
}


def run_capacities_mw(summary: Summary) -> dict[str, float]:
    """What a run built [MW], by plain technology name, with the grid connection."""
    out: dict[str, float] = {}
    for site in summary.sites:
        for tech, mw in site.capacity_mw.items():
            if mw >= SHOWN_MW:
                name = f"{tech} (contract)" if tech in site.contracts else label(tech)
                out[name] = out.get(name, 0.0) + mw
        out["grid connection"] = out.get("grid connection", 0.0) + site.grid_import_cap_mw
    return out


def run_costs_usd(summary: Summary) -> dict[str, float]:
    """A run's annual cost by technology, the grid and carbon [USD/yr], over its sites."""
    out: dict[str, float] = {}
    for site in summary.sites:
        for name, usd in cost_by_source_usd(site).items():
            out[name] = out.get(name, 0.0) + usd
    return out


def _table(head: list[str], rows: list[list[str]], table_id: str) -> str:
    header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table id='{table_id}'><tr>{header}</tr>{body}</table>"


def _grouped(names: list[str], values: list[dict[str, float]], *, title: str, unit: str) -> Any:
    import plotly.graph_objects as go

    items = list(dict.fromkeys(k for v in values for k in v))
    fig = go.Figure(
        [
            go.Bar(
                name=item,
                x=names,
                y=[v.get(item, 0.0) for v in values],
                marker_color=COLOURS.get(item) or _BY_LABEL.get(item),
                hovertemplate=f"{item}: %{{y:,.1f}} {unit}<extra></extra>",
            )
            for item in items
        ]
    )
    fig.update_layout(title=title, yaxis_title=unit, barmode="group")
    return fig


def compare_runs_html(
    names: list[str],
    summaries: list[Summary],
    diff: list[tuple[str, Any, Any]] | None = None,
    lang: str = "en",
) -> str:
    """Runs side by side: key figures, capacities, cost by technology and charts.

    With ``diff`` (from :func:`gigafactory.scenario_diff` of the first two), the scenario
    fields that differ.
    """
    _ = translator(lang)
    figures = [
        [f"{getattr(s, field) * scale:,.2f}" for s in summaries] for field, scale, _u in COMPARED
    ]
    key = _table(
        ["", *names],
        [[_(text), *row] for (_f, _s, text), row in zip(COMPARED, figures, strict=True)],
        "comparison",
    )
    capacities = [{_(k): v for k, v in run_capacities_mw(s).items()} for s in summaries]
    techs = list(dict.fromkeys(k for c in capacities for k in c))
    built = _table(
        [_("built [MW]"), *names],
        [[t, *(f"{c.get(t, 0.0):,.1f}" for c in capacities)] for t in techs],
        "capacities",
    )
    costs = [{_(k): v / USD_PER_MILLION for k, v in run_costs_usd(s).items()} for s in summaries]
    items = list(dict.fromkeys(k for c in costs for k in c))
    paid = _table(
        [_("annual cost [M USD/yr]"), *names],
        [[i, *(f"{c.get(i, 0.0):,.2f}" for c in costs)] for i in items],
        "costs",
    )
    charts = charts_html(
        [
            _grouped(names, capacities, title=_("what each run built"), unit="MW"),
            _grouped(names, costs, title=_("annual cost by technology"), unit=_("M USD/yr")),
        ]
    )
    differs = ""
    if diff is not None:
        rows = [[path, _show(a, lang), _show(b, lang)] for path, a, b in diff]
        differs = f"<h2>{_('What differs in the scenarios')}</h2>" + (
            _table([_("field"), *names[:2]], rows, "diff") if rows else f"<p>{_('nothing')}</p>"
        )
    return f"{key}{differs}<h2>{_('What each run built')}</h2>{built}{paid}{charts}"


def dispatch_side_by_side_html(
    names: list[str], series: list[tuple[str, xr.Dataset]], lang: str = "en"
) -> str:
    """Each run's dispatch in the same week (the first run's quietest), side by side.

    ``series`` holds each run's first site and its hourly dataset.
    """
    if not series:
        return ""
    week = quiet_week(series[0][1])
    cells = "".join(
        f"<div><h3>{html.escape(name)}</h3>"
        f"{charts_html([dispatch_figure(site, data, week, lang)])}</div>"
        for name, (site, data) in zip(names, series, strict=True)
    )
    heading = translator(lang)("Dispatch, the same week")
    return f"<h2>{heading}</h2><div class='side-by-side'>{cells}</div>"


def _show(value: Any, lang: str = "en") -> str:
    return translator(lang)("(not set)") if value is None else str(value)
