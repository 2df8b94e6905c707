"""The roadmap page: capacity by stage, energy and cost by stage, and the stage table."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from gigafactory.i18n import translator
from gigafactory.report.firm import FIRM_STYLE, notices_html
from gigafactory.report.page import COLOURS, charts_html, header_row, page_html
from gigafactory.results import write_text_atomic
from gigafactory.summary import RoadmapSummary, SiteRoadmap, label

__all__ = ["roadmap_body_html", "roadmap_figure", "roadmap_html", "write_roadmap_report"]

USD_PER_MILLION = 1e6


def roadmap_figure(site: SiteRoadmap, lang: str = "en") -> Any:
    """Capacity in service by technology, energy by source and cost, per stage."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    _ = translator(lang)
    years = [str(s.year) for s in site.stages]
    fig = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=(
            _("in service [MW]"),
            _("energy by source [GWh/yr]"),
            _("cost [million USD/yr]; capex [million USD]"),
        ),
    )
    techs = list(dict.fromkeys(k for s in site.stages for k in s.capacity_mw))
    for tech in techs:
        fig.add_trace(
            go.Bar(
                x=years,
                y=[s.capacity_mw.get(tech, 0.0) for s in site.stages],
                name=_(label(tech)),
                legendgroup=tech,
                marker_color=COLOURS.get(tech),
            ),
            row=1,
            col=1,
        )
    sources = list(dict.fromkeys(k for s in site.stages for k in s.energy_mwh))
    for source in sources:
        fig.add_trace(
            go.Bar(
                x=years,
                y=[s.energy_mwh.get(source, 0.0) / 1e3 for s in site.stages],
                name=_(label(source)),
                legendgroup=source,
                showlegend=source not in techs,
                marker_color=COLOURS.get(source),
            ),
            row=1,
            col=2,
        )
    for name, values, colour in (
        (_("fixed cost"), [s.fixed_cost_usd for s in site.stages], "#8c564b"),
        (_("operating cost"), [s.operating_cost_usd for s in site.stages], "#bcbd22"),
    ):
        fig.add_trace(
            go.Bar(
                x=years,
                y=[v / USD_PER_MILLION for v in values],
                name=name,
                marker_color=colour,
            ),
            row=1,
            col=3,
        )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=[s.capex_usd / USD_PER_MILLION for s in site.stages],
            mode="markers+lines",
            name=_("capex of what enters service"),
            marker_color="#d62728",
        ),
        row=1,
        col=3,
    )
    fig.update_layout(
        barmode="stack",
        title=(
            f"{site.site}: {_('build-out decided in')} {site.decided_year}, "
            f"{_('present value')} {site.present_value_usd / 1e9:,.3f} {_('billion USD')} "
            f"({site.discount_rate:.1%})"
        ),
    )
    return fig


def _mw(values: dict[str, float], lang: str = "en") -> str:
    _ = translator(lang)
    shown = [f"{_(label(k))} {v:,.0f}" for k, v in values.items() if abs(v) >= 0.5]
    return html.escape(", ".join(shown)) or "-"


def _stage_table(site: SiteRoadmap, lang: str = "en") -> str:
    _ = translator(lang)
    head = header_row(
        "stage",
        "years",
        "IT share",
        "grid cap [MW]",
        "peak [MW]",
        "in service [MW]",
        "built [MW]",
        "retired [MW]",
        "capex [M USD]",
        "cost [M USD/yr]",
        "CFE",
        "tCO2e/yr",
        "unserved [MWh/yr]",
        lang=lang,
    )
    rows = "".join(
        "<tr>"
        f"<td>{s.year}</td><td>{s.calendar_years}</td><td>{s.scale:.0%}</td>"
        f"<td>{s.grid_import_cap_mw:,.0f}</td><td>{s.peak_load_mw:,.0f}</td>"
        f"<td>{_mw(s.capacity_mw, lang)}</td><td>{_mw(s.built_mw, lang)}</td>"
        f"<td>{_mw(s.retired_mw, lang)}</td>"
        f"<td>{s.capex_usd / USD_PER_MILLION:,.0f}</td>"
        f"<td>{s.annual_cost_usd / USD_PER_MILLION:,.1f}</td><td>{s.cfe_share:.0%}</td>"
        f"<td>{s.emissions_tco2e:,.0f}</td><td>{s.unserved_mwh:,.0f}</td>"
        "</tr>"
        for s in site.stages
    )
    earliest = ", ".join(
        f"{translator(lang)(label(k))} {v}"
        for k, v in sorted(site.earliest_year.items(), key=lambda i: i[1])
    )
    first = _("First year in service after lead times")
    return (
        f"<table>{head}{rows}</table><p><small>{html.escape(first)}: "
        f"{html.escape(earliest)}.</small></p>"
    )


def roadmap_body_html(summary: RoadmapSummary, lang: str = "en") -> str:
    """Each site's roadmap: notices, the chart and the stage table."""
    _ = translator(lang)
    parts = []
    for site in summary.sites:
        parts.append(f"<h2>{html.escape(site.site)}: {html.escape(_('build-out'))}</h2>")
        parts.append(notices_html(site.warnings, lang))
        parts.append(charts_html([roadmap_figure(site, lang)]))
        parts.append(_stage_table(site, lang))
    return "".join(parts)


def roadmap_html(summary: RoadmapSummary, lang: str = "en") -> str:
    """The roadmap as one self-contained HTML page."""
    return page_html(
        f"{summary.scenario}: {translator(lang)('build-out roadmap')}",
        roadmap_body_html(summary, lang),
        title=f"gigafactory: {summary.scenario} roadmap",
        style=FIRM_STYLE,
        lang=lang,
    )


def write_roadmap_report(summary: RoadmapSummary, path: str | Path, lang: str = "en") -> Path:
    """Write :func:`roadmap_html` to ``path`` atomically, in ``lang``."""
    target = Path(path)
    write_text_atomic(target, roadmap_html(summary, lang))
    return target
