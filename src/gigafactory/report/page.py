"""The page shell and chart helpers shared by every report and the web app."""

from __future__ import annotations

import html
from typing import Any

__all__ = ["COLOURS", "STYLE", "USD_PER_MILLION", "charts_html", "page_html", "rows_html"]

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
td,th{padding:2px 10px;border-bottom:1px solid #ddd} .n{text-align:right}"""
"""The reports' CSS; the web app adds its own on top."""


def page_html(
    heading: str,
    body: str,
    *,
    title: str | None = None,
    plotly_src: str | None = None,
    style: str = "",
    nav: str = "",
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
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title or heading)}</title>
{script}
<style>{STYLE}{style}</style>
</head><body>{nav}<h1>{html.escape(heading)}</h1>
{body}
</body></html>
"""


def charts_html(figs: list[Any]) -> str:
    """Plotly figures as HTML fragments, without plotly.js (the page shell has it)."""
    return "".join(f.to_html(full_html=False, include_plotlyjs=False) for f in figs)


def rows_html(pairs: list[tuple[str, str]]) -> str:
    """A two-column table of label and value (both escaped)."""
    body = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in pairs)
    return f"<table>{body}</table>"
