"""The page shell and chart helpers shared by every report and the web app."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from gigafactory.i18n import number, translator

if TYPE_CHECKING:
    from gigafactory.summary import Summary

__all__ = [
    "COLOURS",
    "STYLE",
    "USD_PER_MILLION",
    "charts_html",
    "field_label",
    "header_row",
    "key_figures_html",
    "page_html",
    "rows_html",
]

USD_PER_MILLION = 1e6
"""USD per million USD: costs are shown in millions [USD/M USD]."""

COLOURS = {
    "solar_fixed": "#f6c85f",
    "solar_tracking": "#f2a93b",
    "wind_onshore": "#6f9fd8",
    "wind_offshore": "#3b6fb6",
    "liion_4h": "#9b5fc0",
    "megapack_4h": "#b07cd8",
    "ironair_100h": "#8c564b",
    "gas_ct": "#d62728",
    "gas_recip": "#ff7f0e",
    "gas_cc": "#e377c2",
    "nuclear_ppa": "#2ca02c",
    "grid": "#7f7f7f",
    "unserved": "#000000",
}
"""Chart colour of each technology, the grid and unserved energy (hex RGB)."""


STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1em}
table{border-collapse:collapse;display:inline-table;margin:0 2em 1em 0}
td,th{padding:2px 10px;border-bottom:1px solid #ddd} .n{text-align:right}
.figures{display:flex;flex-wrap:wrap;gap:.6em;margin:.8em 0}
.figure{border:1px solid #ddd;border-radius:6px;padding:.4em .8em;min-width:9em}
.figure b{display:block;font-size:1.5em} .figure span{color:#555;font-size:.85em}
@media print{body{max-width:none;padding:0;font-size:10pt}
.modebar-container,nav,form,button{display:none!important}
.js-plotly-plot,table,.figures,.banner,.notes,.binding{break-inside:avoid}
h2{break-before:page} h3{break-after:avoid} a{color:inherit;text-decoration:none}}"""
"""The reports' CSS, print included (charts and tables not split across pages, each site
on a new page); the web app adds its own on top."""


def page_html(
    heading: str,
    body: str,
    *,
    title: str | None = None,
    plotly_src: str | None = None,
    style: str = "",
    nav: str = "",
    lang: str = "en",
) -> str:
    """An HTML page: the one shell of the reports and the web app.

    plotly.js is inlined once (the page works offline), or loaded from ``plotly_src`` when
    a server provides it; ``style`` adds CSS and ``nav`` a navigation bar above the heading.
    """
    if plotly_src is None:
        from plotly.offline import get_plotlyjs

        script = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    else:
        script = f'<script src="{html.escape(plotly_src)}"></script>'
    head = f'<meta charset="utf-8"><title>{html.escape(title or heading)}</title>'
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}"><head>{head}
{script}
<style>{STYLE}{style}</style>
</head><body>{nav}<h1>{html.escape(heading)}</h1>
{body}
</body></html>
"""


def header_row(*names: str, lang: str = "en") -> str:
    """A table's header row, each name translated into ``lang`` and escaped."""
    _ = translator(lang)
    return "<tr>" + "".join(f"<th>{html.escape(_(n)) if n else ''}</th>" for n in names) + "</tr>"


def charts_html(figs: list[Any]) -> str:
    """Plotly figures as HTML fragments, without plotly.js (the page shell has it)."""
    return "".join(f.to_html(full_html=False, include_plotlyjs=False) for f in figs)


def rows_html(pairs: list[tuple[str, str]]) -> str:
    """A two-column table of label and value (both escaped)."""
    body = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in pairs)
    return f"<table>{body}</table>"


def key_figures_html(summary: Summary, lang: str = "en") -> str:
    """The answers a planner reads first as large figures: cost, LCOE, CFE, carbon, unserved."""
    _ = translator(lang)
    figures = [
        (
            _("total annual cost"),
            number(summary.total_annual_cost_usd / USD_PER_MILLION, 1, lang),
            _("M USD/yr"),
        ),
        ("LCOE", number(summary.lcoe_usd_per_mwh, 1, lang), "USD/MWh"),
        (_("hourly CFE (24/7)"), number(100 * summary.cfe_share, 0, lang), "%"),
        (_("emissions"), number(summary.emissions_tco2e / 1e3, 1, lang), _("ktCO2e/yr")),
        (_("unserved energy"), number(summary.unserved_mwh, 0, lang), _("MWh/yr")),
        (_("design power"), number(summary.design_power_mw, 0, lang), "MW"),
        ("PUE", number(summary.pue_annual, 2, lang), _("annual")),
    ]
    cards = "".join(
        f"<div class='figure'><span>{html.escape(name)}</span><b>{html.escape(value)}</b>"
        f"<span>{html.escape(unit)}</span></div>"
        for name, value, unit in figures
    )
    return f"<div class='figures'>{cards}</div>"


UNIT_SUFFIXES = (
    ("_usd_per_mmbtu", "USD/MMBtu"),
    ("_usd_per_kw_month", "USD/kW-month"),
    ("_usd_per_kw_year", "USD/kW/yr"),
    ("_usd_per_kwh", "USD/kWh"),
    ("_usd_per_kw", "USD/kW"),
    ("_usd_per_mwh", "USD/MWh"),
    ("_usd_per_t", "USD/t"),
    ("_usd_per_kg", "USD/kg"),
    ("_usd_per_month", "USD/month"),
    ("_kg_per_mwh", "kg/MWh"),
    ("_t_per_mwh", "t/MWh"),
    ("_usd", "USD"),
    ("_mwh", "MWh"),
    ("_mw", "MW"),
    ("_tco2e", "tCO2e"),
    ("_m3", "m3"),
    ("_ms", "ms"),
    ("_years", "yr"),
    ("_hours", "h"),
    ("_t", "t"),
)
"""Field-name endings and the unit each stands for, longest first."""


def field_label(path: str) -> str:
    """A scenario field path or a result column as words with its unit.

    >>> field_label("sites[0].gas_price_usd_per_mmbtu")
    'gas price [USD/MMBtu]'
    >>> field_label("sites[1].technologies.solar_fixed.capex_usd_per_kw")
    'solar_fixed capex [USD/kW] (site 2)'
    >>> field_label("policy.cfe_target")
    'policy: cfe target'
    """
    parts = path.split(".")
    where = ""
    if parts[0].startswith("sites["):
        index = int(parts[0][len("sites[") : -1])
        where = f" (site {index + 1})" if index else ""
        parts = parts[1:]
    parts = [p for p in parts if p != "technologies"]
    last = parts[-1]
    unit = ""
    for suffix, name in UNIT_SUFFIXES:
        if last.endswith(suffix) and len(last) > len(suffix):
            last, unit = last[: -len(suffix)], f" [{name}]"
            break
    head = parts[:-1]
    if head == ["grid"]:
        text = f"grid {last.replace('_', ' ')}"
    elif head and head[0] in {"policy", "finance", "costs", "reliability", "solver"}:
        text = f"{head[0]}: {last.replace('_', ' ')}"
    else:
        text = " ".join([*head, last.replace("_", " ")])
    return f"{text}{unit}{where}"
