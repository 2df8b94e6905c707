"""A site's charts beyond the dispatch week: what is built, what it costs, the whole year.

What is built and what it costs, how storage and the grid are used over the year, and the
duration curves.

Every figure is a pure function of the summary and the hourly series; the run report and
the web app's result page show the same ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.i18n import translator
from gigafactory.report.page import COLOURS, USD_PER_MILLION
from gigafactory.summary import SiteSummary, label

__all__ = [
    "COST_KINDS",
    "capacity_figure",
    "cost_by_source_usd",
    "cost_figure",
    "daily_band",
    "duration_figure",
    "heatmap_figure",
    "local_hour_offset",
    "storage_band_figure",
]

COST_KINDS = {
    "capex_annualised": "capital (annualised)",
    "fixed_om": "fixed O&M",
    "variable_om": "variable O&M",
    "fuel": "fuel",
    "ppa": "contracts (PPA)",
    "grid_energy": "grid energy",
    "demand_charges": "demand charges",
    "fixed_charges": "fixed grid charges",
    "export_revenue": "export revenue",
    "carbon": "carbon price",
    "unserved": "unserved energy (at VoLL)",
}
"""Plain names of the cost kinds of ``cost_breakdown_usd``, in the order shown."""

GRID_COST_KINDS = ("grid_energy", "demand_charges", "fixed_charges", "export_revenue")
"""Cost kinds paid for the grid connection (export revenue is negative)."""

SHOWN_MW = 0.05
"""Capacities below this are solver residue and left out of the capacity chart [MW]."""

SHOWN_USD = 1.0
"""Cost items smaller than this are left out of the cost charts [USD/yr]."""


def _name(tech: str, site: SiteSummary, lang: str = "en") -> str:
    _ = translator(lang)
    return f"{tech} ({_('contract')})" if tech in site.contracts else _(label(tech))


def capacity_figure(site: SiteSummary, lang: str = "en") -> Any:
    """Horizontal bars of built capacity [MW], the grid connection included.

    Storage bars carry their energy [MWh] as text; contracts are marked as such.
    """
    import plotly.graph_objects as go

    _ = translator(lang)
    names, mw, text, colours = [], [], [], []
    for tech, value in site.capacity_mw.items():
        if value < SHOWN_MW:
            continue
        names.append(_name(tech, site, lang))
        mw.append(value)
        energy = site.storage_mwh.get(tech)
        text.append(f"{value:,.1f} MW" + (f" / {energy:,.0f} MWh" if energy else ""))
        colours.append(COLOURS.get(tech, "#17becf"))
    names.append(f"{_('grid connection')} ({site.tariff})")
    mw.append(site.grid_import_cap_mw)
    text.append(
        f"{site.grid_import_cap_mw:,.1f} MW ({_('peak use')} {site.peak_grid_import_mw:,.1f})"
    )
    colours.append(COLOURS["grid"])
    fig = go.Figure(
        go.Bar(
            y=names,
            x=mw,
            orientation="h",
            text=text,
            textposition="auto",
            marker_color=colours,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"{site.site}: {_('what is built')} ({_('peak load')} {site.peak_load_mw:,.1f} MW)",
        xaxis_title=_("capacity [MW]"),
        yaxis={"autorange": "reversed"},
        height=120 + 40 * len(names),
        showlegend=False,
    )
    return fig


def cost_by_source_usd(site: SiteSummary, lang: str = "en") -> dict[str, float]:
    """Annual cost by what it pays for [USD/yr], adding up to the site's total.

    Each technology and contract, the grid (energy, demand and fixed charges, less export
    revenue), the carbon price and unserved energy.
    """
    _ = translator(lang)
    breakdown = site.cost_breakdown_usd
    out = {_name(tech, site, lang): usd for tech, usd in site.cost_by_technology_usd.items()}
    out[_("grid")] = sum(getattr(breakdown, kind) for kind in GRID_COST_KINDS)
    out[_("carbon price")] = breakdown.carbon
    out[_("unserved energy")] = breakdown.unserved
    return {k: v for k, v in out.items() if abs(v) >= SHOWN_USD}


def cost_figure(site: SiteSummary, lang: str = "en") -> Any:
    """Annual cost by technology (left) and by kind (right) [M USD/yr], as labelled bars."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    _ = translator(lang)
    by_source = cost_by_source_usd(site, lang)
    by_kind = {
        _(name): getattr(site.cost_breakdown_usd, kind)
        for kind, name in COST_KINDS.items()
        if abs(getattr(site.cost_breakdown_usd, kind)) >= SHOWN_USD
    }
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=(_("by technology"), _("by kind")), horizontal_spacing=0.25
    )
    for col, items in ((1, by_source), (2, by_kind)):
        values = [v / USD_PER_MILLION for v in items.values()]
        fig.add_trace(
            go.Bar(
                y=list(items),
                x=values,
                orientation="h",
                text=[f"{v:,.1f}" for v in values],
                textposition="auto",
                marker_color="#4c72b0" if col == 1 else "#dd8452",
                hovertemplate="%{y}: %{x:,.2f}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text=_("million USD/yr"), row=1, col=col)
        fig.update_yaxes(autorange="reversed", row=1, col=col)
    fig.update_layout(
        title=f"{site.site}: {_('annual cost')} "
        f"{site.total_annual_cost_usd / USD_PER_MILLION:,.1f} {_('M USD/yr')}, "
        f"LCOE {site.lcoe_usd_per_mwh:,.1f} USD/MWh",
        showlegend=False,
        height=160 + 32 * max(len(by_source), len(by_kind)),
    )
    return fig


def daily_band(values: np.ndarray, time: pd.DatetimeIndex) -> pd.DataFrame:
    """Daily minimum, mean and maximum of an hourly series, indexed by day."""
    frame = pd.Series(values, index=time).groupby(time.normalize()).agg(["min", "mean", "max"])
    frame.index.name = "day"
    return frame


def storage_band_figure(
    site: SiteSummary, data: xr.Dataset, time: pd.DatetimeIndex, lang: str = "en"
) -> Any:
    """Each store's state of charge [% of its energy] as a daily min-max band and mean.

    A full year of hourly cycling drawn as one line is a solid block; the daily band shows
    what a planner looks for: daily cycling (a wide band), seasonal shifting (a moving band)
    and days when the store sits full or empty.
    """
    import plotly.graph_objects as go

    _ = translator(lang)
    fig = go.Figure()
    for name in (str(s) for s in data["storage"].to_numpy()):
        energy = site.storage_mwh.get(name, float(data["storage_energy_mwh"].sel(storage=name)))
        if energy <= 0:
            continue
        soc = 100 * data["storage_soc_mwh"].sel(storage=name).to_numpy() / energy
        band = daily_band(soc, time)
        colour = COLOURS.get(name, "#9b5fc0")
        fig.add_trace(
            go.Scatter(
                x=band.index,
                y=band["max"],
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
                legendgroup=name,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=band.index,
                y=band["min"],
                fill="tonexty",
                line={"width": 0},
                fillcolor=_transparent(colour),
                name=f"{_(label(name))}: {_('daily min-max')}",
                legendgroup=name,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=band.index,
                y=band["mean"],
                line={"color": colour, "width": 1.5},
                name=f"{_(label(name))}: {_('daily mean')} ({energy:,.0f} MWh)",
                legendgroup=name,
                hovertemplate="%{y:.0f} %<extra></extra>",
            )
        )
    fig.update_layout(
        title=f"{site.site}: {_('storage state of charge, daily range')}",
        yaxis={"title": _("state of charge [% of energy capacity]"), "range": [0, 101]},
    )
    return fig


def _transparent(colour: str, alpha: float = 0.3) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def local_hour_offset(longitude: float) -> int:
    """Whole hours from UTC to local mean solar time at ``longitude`` [h]."""
    return round(longitude / 15.0)


def heatmap_figure(
    site: SiteSummary, data: xr.Dataset, time: pd.DatetimeIndex, lang: str = "en"
) -> Any:
    """The year at a glance: grid import and storage power by day and hour [MW].

    Hours are local mean solar time, so midday is in the middle of the chart.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    _ = translator(lang)
    offset = local_hour_offset(site.longitude)
    local = time + pd.Timedelta(hours=offset)
    panels = {_("grid import [MW]"): data["grid_import_mw"].to_numpy()}
    if "storage_soc_mwh" in data and data.sizes.get("storage", 0):
        discharge = sum(
            data["dispatch_mw"].sel(technology=str(s)).to_numpy()
            for s in data["storage"].to_numpy()
            if str(s) in data["technology"].to_numpy()
        )
        charge = data["storage_charge_mw"].sum("storage").to_numpy()
        panels[_("storage discharge (+) and charge (-) [MW]")] = np.asarray(discharge) - charge
    fig = make_subplots(
        rows=len(panels), cols=1, subplot_titles=list(panels), vertical_spacing=0.12
    )
    for row, values in enumerate(panels.values(), start=1):
        grid = pd.DataFrame(
            {"day": local.normalize(), "hour": local.hour, "mw": values}
        ).pivot_table(index="hour", columns="day", values="mw", aggfunc="mean")
        diverging = row == 2
        bound = float(np.nanmax(np.abs(grid.to_numpy()))) or 1.0
        fig.add_trace(
            go.Heatmap(
                x=grid.columns,
                y=grid.index,
                z=grid.to_numpy(),
                colorscale="RdBu" if diverging else "Greys",
                zmid=0 if diverging else None,
                zmin=-bound if diverging else 0,
                zmax=bound,
                colorbar={
                    "title": "MW",
                    "len": 1 / len(panels),
                    "y": 1 - (row - 0.5) / len(panels),
                },
                hovertemplate="%{x|%d %b} %{y}:00: %{z:,.1f} MW<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(
            title_text=f"{_('hour, local solar time')} (UTC{offset:+d})", dtick=6, row=row, col=1
        )
    fig.update_layout(
        title=f"{site.site}: {_('the year by day and hour')}", height=300 * len(panels) + 60
    )
    return fig


def _firm_technologies(data: xr.Dataset) -> list[str]:
    """Technologies of a site's series that are neither variable, storage nor a contract."""
    other = {
        str(name)
        for dim in ("variable_technology", "storage", "contract")
        if dim in data.dims
        for name in data[dim].to_numpy()
    }
    return [str(t) for t in data["technology"].to_numpy() if str(t) not in other]


def duration_figure(site: SiteSummary, data: xr.Dataset, lang: str = "en") -> Any:
    """Duration curves of the load, the grid import and each dispatchable source [MW].

    Each legend entry carries its peak and the hours it runs, so the chart reads without
    hovering.
    """
    import plotly.graph_objects as go

    _ = translator(lang)
    curves = {
        _("facility load"): (data["load_mw"].to_numpy(), "#000000"),
        _("grid import"): (data["grid_import_mw"].to_numpy(), COLOURS["grid"]),
    }
    for tech in _firm_technologies(data):
        values = data["dispatch_mw"].sel(technology=tech).to_numpy()
        if values.max() > SHOWN_MW:
            curves[_(label(tech))] = (values, COLOURS.get(tech, "#17becf"))
    if data["unserved_mw"].max() > SHOWN_MW:
        curves[_("unserved energy")] = (data["unserved_mw"].to_numpy(), COLOURS["unserved"])
    fig = go.Figure()
    for name, (values, colour) in curves.items():
        ordered = np.sort(values)[::-1]
        running = int((values > SHOWN_MW).sum())
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(ordered) + 1),
                y=ordered,
                name=_("{name}: peak {mw} MW, {hours} h above zero").format(
                    name=name, mw=f"{ordered[0]:,.1f}", hours=f"{running:,}"
                ),
                line={"color": colour},
                hovertemplate="%{y:,.1f} MW or more in %{x:,} h<extra></extra>",
            )
        )
    if site.grid_import_cap_mw > 0:
        fig.add_hline(
            y=site.grid_import_cap_mw,
            line={"dash": "dot", "color": COLOURS["grid"]},
            annotation_text=f"{_('grid connection')} {site.grid_import_cap_mw:,.0f} MW",
        )
    fig.update_layout(
        title=f"{site.site}: {_('duration curves')}",
        xaxis_title=_("hours of the year at or above this power [h]"),
        yaxis_title=_("power [MW]"),
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
