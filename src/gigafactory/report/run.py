"""Interactive HTML report of a run (Plotly, works offline).

plotly.js is embedded once at the top of the page, so the file opens without network.
Charts per site: dispatch stack for one week, monthly energy by source, storage state of
charge, load duration curve and annual cost breakdown.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.i18n import translator
from gigafactory.report.charts import (
    capacity_figure,
    cost_figure,
    duration_figure,
    heatmap_figure,
    storage_band_figure,
)
from gigafactory.report.firm import (
    FIRM_STYLE,
    binding_html,
    firm_html,
    marginals_html,
    notices_html,
)
from gigafactory.report.maps import map_figure
from gigafactory.report.page import (
    COLOURS,
    USD_PER_MILLION,
    charts_html,
    header_row,
    key_figures_html,
    page_html,
)
from gigafactory.report.roadmap import roadmap_body_html
from gigafactory.results import Results, write_text_atomic
from gigafactory.summary import (
    Flexibility,
    SiteCompute,
    SiteSummary,
    Summary,
    WeatherYears,
    headline,
    label,
)

__all__ = [
    "dispatch_figure",
    "figures",
    "report_body_html",
    "report_html",
    "write_report",
    "write_results",
]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""Month labels of the monthly chart."""


def _week_slice(data: xr.Dataset, week: int | None) -> slice:
    """Hours of the chosen week; by default the week with the least variable output."""
    n = data.sizes["time"]
    if week is None:
        if "capacity_factor" in data:
            daily = data["capacity_factor"].mean("variable_technology").to_numpy()
            weekly = np.convolve(daily, np.ones(168), mode="valid")[::24]
            week = int(np.argmin(weekly)) // 7 if weekly.size else 0
        else:
            week = 0
    start = min(week * 168, max(n - 168, 0))
    return slice(start, start + 168)


def quiet_week(data: xr.Dataset) -> int:
    """The week (from 0) with the least variable output: the one the report shows."""
    return int(_week_slice(data, None).start) // 168


def _sources(data: xr.Dataset) -> dict[str, np.ndarray]:
    """Hourly supply by source [MW]: each technology, the grid and unserved energy."""
    techs = [str(t) for t in data["technology"].to_numpy()]
    sources = {t: data["dispatch_mw"].sel(technology=t).to_numpy() for t in techs}
    sources["grid"] = data["grid_import_mw"].to_numpy()
    sources["unserved"] = data["unserved_mw"].to_numpy()
    return sources


def dispatch_figure(site: str, data: xr.Dataset, week: int | None = None, lang: str = "en") -> Any:
    """The hourly dispatch stack of one week [MW], storage charging below zero.

    ``week`` counts from 0; by default the week with the least variable output.
    """
    import plotly.graph_objects as go

    _ = translator(lang)
    time = pd.DatetimeIndex(data["time"].to_numpy())
    hours = _week_slice(data, week)
    stack = go.Figure()
    for name, values in _sources(data).items():
        if np.any(values[hours] > 1e-6):
            stack.add_trace(
                go.Scatter(
                    x=time[hours],
                    y=values[hours],
                    name=_(label(name)),
                    stackgroup="supply",
                    mode="none",
                    fillcolor=COLOURS.get(name),
                    hovertemplate="%{y:.1f} MW",
                )
            )
    if "storage_charge_mw" in data:
        charge = data["storage_charge_mw"].sum("storage").to_numpy()
        if np.any(charge[hours] > 1e-6):
            stack.add_trace(
                go.Scatter(
                    x=time[hours],
                    y=-charge[hours],
                    name=_("storage charging"),
                    stackgroup="sink",
                    mode="none",
                    fillcolor="#c5b0d5",
                )
            )
    stack.add_trace(
        go.Scatter(
            x=time[hours],
            y=data["load_mw"].to_numpy()[hours],
            name=_("facility load"),
            line={"color": "black", "width": 2},
        )
    )
    stack.update_layout(
        title=f"{site}: {_('hourly dispatch, week of')} {time[hours.start]:%Y-%m-%d}",
        yaxis_title=_("power [MW]"),
        hovermode="x unified",
    )
    return stack


def _site_figures(
    site: str, data: xr.Dataset, summary: SiteSummary, week: int | None, lang: str = "en"
) -> list[Any]:
    import plotly.graph_objects as go

    _ = translator(lang)
    time = pd.DatetimeIndex(data["time"].to_numpy())
    hours = _week_slice(data, week)
    sources = _sources(data)
    figs = [
        capacity_figure(summary, lang),
        cost_figure(summary, lang),
        dispatch_figure(site, data, week, lang),
    ]

    monthly = go.Figure()
    month = time.month
    for name, values in sources.items():
        by_month = pd.Series(values, index=time).groupby(month).sum() / 1e3
        if by_month.sum() > 1e-6:
            monthly.add_trace(
                go.Bar(
                    x=[_(MONTHS[m - 1]) for m in by_month.index],
                    y=by_month.to_numpy(),
                    name=_(label(name)),
                    marker_color=COLOURS.get(name),
                )
            )
    monthly.update_layout(
        barmode="stack",
        title=f"{site}: {_('monthly energy by source')}",
        yaxis_title=_("energy [GWh]"),
    )
    figs.append(monthly)

    if "storage_soc_mwh" in data and data.sizes.get("storage", 0):
        figs.append(storage_band_figure(summary, data, time, lang))
    figs.append(heatmap_figure(summary, data, time, lang))
    figs.append(duration_figure(summary, data, lang))
    if summary.flexibility is not None:
        figs.extend(_flexibility_figures(site, data, summary.flexibility, time, hours))
    if summary.weather_years is not None:
        figs.append(_weather_years_figure(site, summary.weather_years))

    return figs


def _weather_years_figure(site: str, years: WeatherYears) -> Any:
    """Each weather year's cost and energy by source, for the one design built for all."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    names = [f"seed {y.seed}" for y in years.years]
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("annual cost [million USD]", "energy by source [GWh]")
    )
    costs = [y.total_annual_cost_usd / USD_PER_MILLION for y in years.years]
    fig.add_trace(
        go.Bar(
            x=names,
            y=costs,
            text=[f"{c:,.2f}" for c in costs],
            marker_color="#7f7f7f",
            name="annual cost",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    sources = list(dict.fromkeys(k for y in years.years for k in y.energy_by_source_mwh))
    for source in sources:
        fig.add_trace(
            go.Bar(
                x=names,
                y=[y.energy_by_source_mwh.get(source, 0.0) / 1e3 for y in years.years],
                name=label(source),
                marker_color=COLOURS.get(source),
            ),
            row=1,
            col=2,
        )
    fig.update_layout(
        barmode="stack",
        title=(
            f"{site}: one design over {len(names)} weather years; costliest seed "
            f"{years.costliest_seed}, spread {years.cost_spread_usd / USD_PER_MILLION:,.2f} "
            "million USD"
        ),
    )
    return fig


def _flexibility_figures(
    site: str, data: xr.Dataset, flex: Flexibility, time: pd.DatetimeIndex, hours: slice
) -> list[Any]:
    import plotly.graph_objects as go

    costs = go.Figure(
        go.Bar(
            x=["training held at nominal pace", "flexible training"],
            y=[
                flex.total_annual_cost_usd_rigid / USD_PER_MILLION,
                flex.total_annual_cost_usd_flexible / USD_PER_MILLION,
            ],
            text=[
                f"{flex.total_annual_cost_usd_rigid / USD_PER_MILLION:,.2f}",
                f"{flex.total_annual_cost_usd_flexible / USD_PER_MILLION:,.2f}",
            ],
            marker_color=["#7f7f7f", "#2ca02c"],
        )
    )
    costs.update_layout(
        title=f"{site}: supply cost with and without flexible training (saves "
        f"{flex.savings_usd / USD_PER_MILLION:,.2f} M USD/yr, {100 * flex.savings_share:.1f} %)",
        yaxis_title="million USD/yr",
    )
    pace = go.Figure()
    if "flexible_it_mw" in data:
        pace.add_trace(
            go.Scatter(
                x=time[hours],
                y=data["flexible_it_mw"].to_numpy()[hours],
                name="training IT power as scheduled",
            )
        )
        pace.add_trace(
            go.Scatter(
                x=time[hours],
                y=data["grid_price_usd_per_mwh"].to_numpy()[hours],
                name="grid price",
                yaxis="y2",
                line={"dash": "dot"},
            )
        )
    pace.update_layout(
        title=f"{site}: training pace against the grid price",
        yaxis_title="MW",
        yaxis2={"title": "USD/MWh", "overlaying": "y", "side": "right"},
    )
    return [costs, pace]


def _compute_table(compute: SiteCompute) -> str:
    rows = [(f"accelerators {k}", f"{v:,}", "-") for k, v in compute.accelerators.items()]
    rows += [
        ("IT capacity (all servers at full power)", f"{compute.it_capacity_mw:,.1f}", "MW"),
        ("cost per accelerator-hour", f"{compute.usd_per_accelerator_hour:,.2f}", "USD/h"),
        (
            "owning beats renting above",
            f"{100 * compute.breakeven_utilisation_vs_rent:,.0f}",
            f"% use at {compute.rent_usd_per_accelerator_hour:.2f} USD/h",
        ),
    ]
    for run in compute.training_runs:
        rows += [
            (f"{run.name}: wall time", f"{run.days:,.1f}", "days"),
            (
                f"{run.name}: accelerator-hours",
                f"{run.accelerator_hours / USD_PER_MILLION:,.2f}",
                "million",
            ),
            (f"{run.name}: goodput", f"{100 * run.goodput:,.1f}", "%"),
            (f"{run.name}: interruptions", f"{run.interruptions:,.0f}", "-"),
            (f"{run.name}: energy ({run.boundary})", f"{run.energy_mwh:,.0f}", "MWh"),
            (f"{run.name}: emissions ({run.boundary})", f"{run.emissions_tco2e:,.0f}", "tCO2e"),
            (f"{run.name}: cost", f"{run.cost_usd / USD_PER_MILLION:,.1f}", "million USD"),
        ]
    for svc in compute.inference_services:
        rows += [
            (
                f"{svc.name}: tokens/s per accelerator",
                f"{svc.tokens_per_s_per_accelerator:,.0f}",
                "-",
            ),
            (
                f"{svc.name}: energy per query ({svc.boundary})",
                f"{svc.wh_per_query:,.3f}",
                "Wh",
            ),
            (
                f"{svc.name}: price of tokens",
                f"{svc.usd_per_million_tokens:,.3f}",
                "USD per million",
            ),
        ]
    body = "".join(
        f"<tr><td>{html.escape(k)}</td><td class='n'>{v}</td><td>{html.escape(u)}</td></tr>"
        for k, v, u in rows
    )
    return f"<table><tr><th>Compute</th><th>Value</th><th>Unit</th></tr>{body}</table>"


def figures(results: Results, *, week: int | None = None, lang: str = "en") -> dict[str, list[Any]]:
    """Plotly figures per site (see module docstring), titled in ``lang``."""
    by_site = {s.site: s for s in results.summary.sites}
    return {
        site: _site_figures(site, data, by_site[site], week, lang)
        for site, data in results.series.items()
    }


def _table(summary: Summary, lang: str = "en") -> str:
    _ = translator(lang)
    rows = [
        ("IT energy", summary.it_energy_mwh / 1e3, "GWh"),
        ("Facility energy", summary.facility_energy_mwh / 1e3, "GWh"),
        ("PUE (annual)", summary.pue_annual, "-"),
        ("Total annual cost", summary.total_annual_cost_usd / USD_PER_MILLION, "million USD"),
        ("LCOE of facility energy", summary.lcoe_usd_per_mwh, "USD/MWh"),
        ("Hourly CFE share (24/7)", summary.cfe_share * 100, "%"),
        ("Annual CFE match (RE100)", summary.cfe_annual_matching * 100, "%"),
        ("Emissions", summary.emissions_tco2e / 1e3, "ktCO2e"),
        ("NOx (local)", summary.nox_t, "t"),
        ("Water", summary.water_m3 / 1e3, "thousand m3"),
        ("WUE", summary.wue_l_per_kwh, "L/kWh of IT energy"),
        ("Unserved energy", summary.unserved_mwh, "MWh"),
        ("Design power", summary.design_power_mw, "MW"),
        ("Curtailed energy", summary.curtailed_mwh / 1e3, "GWh"),
    ]
    body = "".join(
        f"<tr><td>{html.escape(_(k))}</td><td class='n'>{v:,.2f}</td><td>{_(u)}</td></tr>"
        for k, v, u in rows
    )
    caps = "".join(
        f"<tr><td>{html.escape(_(label(k)))}</td><td class='n'>{v:,.1f}</td><td>MW</td></tr>"
        for k, v in summary.capacity_mw.items()
    )
    caps += "".join(
        f"<tr><td>{html.escape(_(label(k)))} ({_('energy')})</td><td class='n'>{v:,.0f}</td>"
        "<td>MWh</td></tr>"
        for k, v in summary.storage_mwh.items()
    )
    caps += "".join(
        f"<tr><td>{_('grid connection')}"
        f"{html.escape(f' ({s.site})' if len(summary.sites) > 1 else '')}"
        f"</td><td class='n'>{s.grid_import_cap_mw:,.1f}</td><td>MW</td></tr>"
        for s in summary.sites
    )
    return (
        f"<table id='summary'>{header_row('Result', 'Value', 'Unit', lang=lang)}{body}</table>"
        f"<table>{header_row('Capacity', 'Value', 'Unit', lang=lang)}{caps}</table>"
    )


def _assumptions_table(site: SiteSummary, lang: str = "en") -> str:
    """Every input that shaped the site's answer, with value, unit, source and year."""
    _ = translator(lang)
    if not site.assumptions:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(a.item)}</td>"
        f"<td class='n'>{a.value if isinstance(a.value, str) else f'{a.value:,.4g}'}</td>"
        f"<td>{html.escape(a.unit)}</td>"
        f"<td>{html.escape(a.source)}</td>"
        f"<td>{a.year or ''}</td>"
        f"<td>{_('estimate') if a.estimate else ''}</td>"
        f"<td>{html.escape(a.scope)}</td>"
        "</tr>"
        for a in site.assumptions
    )
    head = header_row("Input", "Value", "Unit", "Source", "Year", "", "Scope", lang=lang)
    return f"<h3>{_('Assumptions')}</h3><table>{head}{rows}</table>"


def sites_map(summary: Summary, lang: str = "en") -> Any:
    """The scenario's sites on a map, each with its headline on hover."""
    frame = pd.DataFrame(
        {
            "name": [s.site for s in summary.sites],
            "latitude": [s.latitude for s in summary.sites],
            "longitude": [s.longitude for s in summary.sites],
            "text": [headline(s, lang) if s.headline else s.site for s in summary.sites],
        }
    )
    return map_figure(frame, title=f"{summary.scenario}: {translator(lang)('where')}", lang=lang)


def report_body_html(results: Results, *, week: int | None = None, lang: str = "en") -> str:
    """The report's content without the page shell: shared by the report and the web app.

    Headline, warnings and binding limits first, then the key figures, the map, and per
    site its charts, firm supply, why this mix, compute and the assumptions.
    """
    parts = []
    by_site = {s.site: s for s in results.summary.sites}
    for site, figs in figures(results, week=week, lang=lang).items():
        parts.append(f"<h2>{html.escape(site)}</h2>")
        parts.append(charts_html(figs[:2]))  # what is built and what it costs
        parts.append(firm_html(by_site[site], lang))
        parts.append(marginals_html(by_site[site], lang))
        computed = by_site[site].compute
        if computed is not None:
            parts.append(_compute_table(computed))
        parts.append(charts_html(figs[2:]))
        parts.append(_assumptions_table(by_site[site], lang))
    summary = results.summary
    info = results.info
    headlines = "".join(
        f"<p class='headline'><strong>{html.escape(headline(s, lang))}</strong></p>"
        for s in summary.sites
        if s.headline
    )
    return f"""{headlines}
{notices_html(summary.warnings, lang)}
{binding_html(summary.sites, lang)}
{key_figures_html(summary, lang)}
<p>{html.escape(results.scenario.description)}</p>
{_table(summary, lang)}
{charts_html([sites_map(summary, lang)])}
{"".join(parts)}
{"" if summary.roadmap is None else roadmap_body_html(summary.roadmap, lang)}
<p><small>gigafactory {html.escape(str(info.get("gigafactory", "")))}, HiGHS via highspy
{html.escape(str(info.get("solver", {}).get("highspy", "")))},
seed {results.scenario.seed}.</small></p>"""


def report_html(results: Results, *, week: int | None = None, lang: str = "en") -> str:
    """The report as one self-contained HTML page, in ``lang`` (``en`` or ``ko``)."""
    summary = results.summary
    return page_html(
        summary.scenario,
        report_body_html(results, week=week, lang=lang),
        title=f"gigafactory: {summary.scenario}",
        style=FIRM_STYLE,
        lang=lang,
    )


def write_report(
    results: Results, path: str | Path, *, week: int | None = None, lang: str = "en"
) -> Path:
    """Write :func:`report_html` to ``path`` atomically."""
    target = Path(path)
    write_text_atomic(target, report_html(results, week=week, lang=lang))
    return target


def write_results(
    results: Results, folder: str | Path, *, report: bool = True, lang: str = "en"
) -> Path:
    """Save a run's results folder atomically, with its report in ``lang`` unless told not to."""
    pages = {"report.html": report_html(results, lang=lang)} if report else {}
    return results.save(folder, pages=pages)
