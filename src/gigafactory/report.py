"""Interactive HTML report of a run (Plotly, works offline).

plotly.js is embedded once at the top of the page, so the file opens without network.
Charts per site: dispatch stack for one week, monthly energy by source, storage state of
charge, load duration curve and annual cost breakdown.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.results import write_text_atomic

if TYPE_CHECKING:
    from gigafactory.results import Results

__all__ = [
    "compare_html",
    "figures",
    "orbit_html",
    "placement_html",
    "report_html",
    "sweep_html",
    "write_report",
]

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


_STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1em}
table{border-collapse:collapse;display:inline-table;margin:0 2em 1em 0}
td,th{padding:2px 10px;border-bottom:1px solid #ddd} .n{text-align:right}"""


def _page(heading: str, body: str, *, title: str | None = None) -> str:
    """A self-contained HTML page with plotly.js inlined once (works offline)."""
    from plotly.offline import get_plotlyjs

    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title or heading)}</title>
<script type="text/javascript">{get_plotlyjs()}</script>
<style>{_STYLE}</style>
</head><body><h1>{html.escape(heading)}</h1>
{body}
</body></html>
"""


def _charts(figs: list[Any]) -> str:
    return "".join(f.to_html(full_html=False, include_plotlyjs=False) for f in figs)


def _rows(pairs: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in pairs)
    return f"<table>{body}</table>"


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


def _site_figures(
    site: str, data: xr.Dataset, summary: dict[str, Any], week: int | None
) -> list[Any]:
    import plotly.graph_objects as go

    time = pd.DatetimeIndex(data["time"].to_numpy())
    hours = _week_slice(data, week)
    techs = [str(t) for t in data["technology"].to_numpy()]
    dispatch = data["dispatch_mw"]
    figs = []

    stack = go.Figure()
    sources: dict[str, np.ndarray] = {t: dispatch.sel(technology=t).to_numpy() for t in techs}
    sources["grid"] = data["grid_import_mw"].to_numpy()
    sources["unserved"] = data["unserved_mw"].to_numpy()
    for name, values in sources.items():
        if np.any(values[hours] > 1e-6):
            stack.add_trace(
                go.Scatter(
                    x=time[hours],
                    y=values[hours],
                    name=name,
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
                    name="storage charging",
                    stackgroup="sink",
                    mode="none",
                    fillcolor="#c5b0d5",
                )
            )
    stack.add_trace(
        go.Scatter(
            x=time[hours],
            y=data["load_mw"].to_numpy()[hours],
            name="facility load",
            line={"color": "black", "width": 2},
        )
    )
    stack.update_layout(
        title=f"{site}: hourly dispatch, week of {time[hours.start]:%d %b}",
        yaxis_title="MW",
        hovermode="x unified",
    )
    figs.append(stack)

    monthly = go.Figure()
    month = time.month
    for name, values in sources.items():
        by_month = pd.Series(values, index=time).groupby(month).sum() / 1e3
        if by_month.sum() > 1e-6:
            monthly.add_trace(
                go.Bar(
                    x=by_month.index,
                    y=by_month.to_numpy(),
                    name=name,
                    marker_color=COLOURS.get(name),
                )
            )
    monthly.update_layout(
        barmode="stack",
        title=f"{site}: monthly energy by source",
        xaxis_title="month",
        yaxis_title="GWh",
    )
    figs.append(monthly)

    if "storage_soc_mwh" in data:
        soc = go.Figure()
        for name in data["storage"].to_numpy():
            values = data["storage_soc_mwh"].sel(storage=name).to_numpy()
            soc.add_trace(
                go.Scatter(x=time, y=values, name=str(name), line={"color": COLOURS.get(str(name))})
            )
        soc.update_layout(title=f"{site}: storage state of charge", yaxis_title="MWh")
        figs.append(soc)

    duration = go.Figure()
    for name, values in (
        ("facility load", data["load_mw"].to_numpy()),
        ("grid import", data["grid_import_mw"].to_numpy()),
    ):
        duration.add_trace(
            go.Scatter(x=np.arange(1, len(values) + 1), y=np.sort(values)[::-1], name=name)
        )
    duration.update_layout(
        title=f"{site}: duration curves", xaxis_title="hours exceeded", yaxis_title="MW"
    )
    figs.append(duration)

    if "flexibility" in summary:
        figs.extend(_flexibility_figures(site, data, summary["flexibility"], time, hours))

    costs = {k: v / 1e6 for k, v in summary["cost_breakdown_usd"].items() if abs(v) > 1e-6}
    breakdown = go.Figure(
        go.Bar(x=list(costs), y=list(costs.values()), hovertemplate="%{y:.2f} M USD")
    )
    breakdown.update_layout(title=f"{site}: annual cost breakdown", yaxis_title="million USD/yr")
    figs.append(breakdown)
    return figs


def _flexibility_figures(
    site: str, data: xr.Dataset, flex: dict[str, Any], time: pd.DatetimeIndex, hours: slice
) -> list[Any]:
    import plotly.graph_objects as go

    costs = go.Figure(
        go.Bar(
            x=["training held at nominal pace", "flexible training"],
            y=[
                flex["total_annual_cost_usd_rigid"] / 1e6,
                flex["total_annual_cost_usd_flexible"] / 1e6,
            ],
            text=[
                f"{flex['total_annual_cost_usd_rigid'] / 1e6:,.2f}",
                f"{flex['total_annual_cost_usd_flexible'] / 1e6:,.2f}",
            ],
            marker_color=["#7f7f7f", "#2ca02c"],
        )
    )
    costs.update_layout(
        title=f"{site}: supply cost with and without flexible training "
        f"(saves {flex['savings_usd'] / 1e6:,.2f} M USD/yr, {100 * flex['savings_share']:.1f} %)",
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


def _compute_table(compute: dict[str, Any]) -> str:
    rows = [(f"accelerators {k}", f"{v:,}", "-") for k, v in compute["accelerators"].items()]
    rows += [
        ("IT capacity (all servers at full power)", f"{compute['it_capacity_mw']:,.1f}", "MW"),
        ("cost per accelerator-hour", f"{compute['usd_per_accelerator_hour']:,.2f}", "USD/h"),
        (
            "owning beats renting above",
            f"{100 * compute['breakeven_utilisation_vs_rent']:,.0f}",
            f"% use at {compute['rent_usd_per_accelerator_hour']:.2f} USD/h",
        ),
    ]
    for run in compute["training_runs"]:
        rows += [
            (f"{run['name']}: wall time", f"{run['days']:,.1f}", "days"),
            (
                f"{run['name']}: accelerator-hours",
                f"{run['accelerator_hours'] / 1e6:,.2f}",
                "million",
            ),
            (f"{run['name']}: goodput", f"{100 * run['goodput']:,.1f}", "%"),
            (f"{run['name']}: interruptions", f"{run['interruptions']:,.0f}", "-"),
            (f"{run['name']}: emissions", f"{run['emissions_tco2e']:,.0f}", "tCO2e"),
            (f"{run['name']}: cost", f"{run['cost_usd'] / 1e6:,.1f}", "million USD"),
        ]
    for svc in compute["inference_services"]:
        rows += [
            (
                f"{svc['name']}: tokens/s per accelerator",
                f"{svc['tokens_per_s_per_accelerator']:,.0f}",
                "-",
            ),
            (f"{svc['name']}: energy per query", f"{svc['wh_per_query']:,.3f}", "Wh"),
            (
                f"{svc['name']}: price of tokens",
                f"{svc['usd_per_million_tokens']:,.3f}",
                "USD per million",
            ),
        ]
    body = "".join(
        f"<tr><td>{html.escape(k)}</td><td class='n'>{v}</td><td>{html.escape(u)}</td></tr>"
        for k, v, u in rows
    )
    return f"<table><tr><th>Compute</th><th>Value</th><th>Unit</th></tr>{body}</table>"


def figures(results: Results, *, week: int | None = None) -> dict[str, list[Any]]:
    """Plotly figures per site (see module docstring)."""
    by_site = {s["site"]: s for s in results.summary["sites"]}
    return {
        site: _site_figures(site, data, by_site[site], week)
        for site, data in results.series.items()
    }


def _table(summary: dict[str, Any]) -> str:
    rows = [
        ("IT energy", summary["it_energy_mwh"] / 1e3, "GWh"),
        ("Facility energy", summary["facility_energy_mwh"] / 1e3, "GWh"),
        ("PUE (annual)", summary["pue_annual"], "-"),
        ("Total annual cost", summary["total_annual_cost_usd"] / 1e6, "million USD"),
        ("LCOE of facility energy", summary["lcoe_usd_per_mwh"], "USD/MWh"),
        ("Hourly CFE share", summary["cfe_share"] * 100, "%"),
        ("Emissions", summary["emissions_tco2e"] / 1e3, "ktCO2e"),
        ("NOx (local)", summary["nox_t"], "t"),
        ("Water", summary["water_m3"] / 1e3, "thousand m3"),
        ("WUE", summary["wue_l_per_kwh"], "L/kWh of IT energy"),
        ("Unserved energy", summary["unserved_mwh"], "MWh"),
        ("Curtailed energy", summary["curtailed_mwh"] / 1e3, "GWh"),
    ]
    body = "".join(
        f"<tr><td>{html.escape(k)}</td><td class='n'>{v:,.2f}</td><td>{u}</td></tr>"
        for k, v, u in rows
    )
    caps = "".join(
        f"<tr><td>{html.escape(k)}</td><td class='n'>{v:,.1f}</td><td>MW</td></tr>"
        for k, v in summary["capacity_mw"].items()
    )
    caps += "".join(
        f"<tr><td>{html.escape(k)} energy</td><td class='n'>{v:,.0f}</td><td>MWh</td></tr>"
        for k, v in summary["storage_mwh"].items()
    )
    return (
        f"<table><tr><th>Result</th><th>Value</th><th>Unit</th></tr>{body}</table>"
        f"<table><tr><th>Capacity</th><th>Value</th><th>Unit</th></tr>{caps}</table>"
    )


def report_html(results: Results, *, week: int | None = None) -> str:
    """The report as one self-contained HTML page."""
    parts = []
    by_site = {s["site"]: s for s in results.summary["sites"]}
    for site, figs in figures(results, week=week).items():
        parts.append(f"<h2>{html.escape(site)}</h2>")
        if "compute" in by_site[site]:
            parts.append(_compute_table(by_site[site]["compute"]))
        parts.append(_charts(figs))
    summary = results.summary
    info = results.info
    body = f"""<p>{html.escape(results.scenario.description)}</p>
{_table(summary)}
{"".join(parts)}
<p><small>gigafactory {html.escape(str(info.get("gigafactory", "")))}, HiGHS via highspy
{html.escape(str(info.get("solver", {}).get("highspy", "")))},
seed {results.scenario.seed}.</small></p>"""
    return _page(summary["scenario"], body, title=f"gigafactory: {summary['scenario']}")


def write_report(results: Results, path: str | Path, *, week: int | None = None) -> Path:
    """Write :func:`report_html` to ``path`` atomically."""
    target = Path(path)
    write_text_atomic(target, report_html(results, week=week))
    return target


_COMPARE_CHARTS = (
    ("total_annual_cost_usd", 1e-6, "total annual cost [million USD/yr]"),
    ("lcoe_usd_per_mwh", 1.0, "LCOE of facility energy [USD/MWh]"),
    ("usd_per_accelerator_hour", 1.0, "cost per accelerator-hour [USD/h]"),
    ("cfe_share", 100.0, "hourly carbon-free share [%]"),
    ("emissions_tco2e", 1e-3, "emissions [ktCO2e/yr]"),
    ("water_m3", 1e-3, "water [thousand m3/yr]"),
    ("peak_grid_import_mw", 1.0, "peak grid draw [MW]"),
)


def compare_html(table: pd.DataFrame, title: str) -> str:
    """A self-contained page comparing sites (one bar chart per metric, ranked)."""
    import plotly.graph_objects as go

    figs = []
    for column, scale, label in _COMPARE_CHARTS:
        values = table[column].astype(float) * scale
        if values.isna().all():
            continue
        fig = go.Figure(
            go.Bar(x=table["site"], y=values, text=values.round(2), textposition="auto")
        )
        fig.update_layout(title=label, height=360, margin={"t": 50, "b": 40})
        figs.append(fig)
    shown = table.drop(columns=["name"]).copy()
    body = shown.to_html(index=False, float_format=lambda v: f"{v:,.2f}", border=0)
    return _page(
        title,
        f"""<p>Ranked by total annual cost (1 = cheapest). Each site runs the same campus
with its own climate, tariff, grid carbon, gas price and wind resource.</p>
{body}
{_charts(figs)}""",
    )


def orbit_html(result: dict[str, Any], title: str) -> str:
    """A self-contained page for an orbital comparison.

    Cost against launch price with the break-even point, a tornado of the other
    assumptions, and the mass breakdown.
    """
    import plotly.graph_objects as go

    sens = result["sensitivity"]
    prices = sens["launch_usd_per_kg"]
    ground = result["ground"]["usd_per_accelerator_hour"]
    curve = go.Figure()
    for name, values in sens["usd_per_accelerator_hour"].items():
        curve.add_trace(go.Scatter(x=prices, y=values, name=f"orbit: {name}", mode="lines+markers"))
    curve.add_trace(
        go.Scatter(
            x=[min(prices), max(prices)],
            y=[ground, ground],
            name=f"ground: {result['ground']['site']}",
            mode="lines",
            line={"dash": "dash", "color": "black"},
        )
    )
    be = result["breakeven_launch_usd_per_kg"]
    if be > 0:
        curve.add_trace(
            go.Scatter(
                x=[be],
                y=[ground],
                name=f"break-even {be:,.0f} USD/kg",
                mode="markers",
                marker={"size": 12, "symbol": "x"},
            )
        )
    curve.update_layout(
        title="cost per useful accelerator-hour against launch price",
        xaxis={"title": "launch price [USD/kg]", "type": "log"},
        yaxis_title="USD per accelerator-hour",
    )
    tornado = go.Figure()
    base = result["usd_per_accelerator_hour"]
    for key, t in sens["tornado"].items():
        tornado.add_trace(
            go.Bar(
                y=[key],
                x=[t["high_usd_per_accelerator_hour"] - base],
                base=[base],
                orientation="h",
                name=f"{key} = {t['high_value']:g}",
                showlegend=False,
                marker_color="#d62728",
            )
        )
        tornado.add_trace(
            go.Bar(
                y=[key],
                x=[t["low_usd_per_accelerator_hour"] - base],
                base=[base],
                orientation="h",
                name=f"{key} = {t['low_value']:g}",
                showlegend=False,
                marker_color="#2ca02c",
            )
        )
    tornado.update_layout(
        title="sensitivity of the base design (green: low value, red: high value)",
        barmode="overlay",
        xaxis_title="USD per accelerator-hour",
    )
    mass = go.Figure(
        go.Bar(x=list(result["mass_breakdown_t"]), y=list(result["mass_breakdown_t"].values()))
    )
    mass.update_layout(
        title=f"mass in orbit: {result['mass_t']:,.0f} t, {result['launches']} launches",
        yaxis_title="t",
    )
    rows = [
        ("sunlit fraction", f"{100 * result['sunlit_fraction']:.1f} %"),
        ("longest eclipse", f"{result['eclipse_max_min']:.1f} min"),
        ("solar array", f"{result['array_m2']:,.0f} m2"),
        ("radiators", f"{result['radiator_m2']:,.0f} m2"),
        ("mass", f"{result['mass_t']:,.0f} t"),
        ("launches", f"{result['launches']}"),
        ("cost per accelerator-hour, orbit", f"{base:,.2f} USD"),
        (f"cost per accelerator-hour, {result['ground']['site']}", f"{ground:,.2f} USD"),
        ("break-even launch price", f"{be:,.0f} USD/kg"),
    ]
    for name, v in result["variants"].items():
        rows.append(
            (
                f"variant {name}: cost per accelerator-hour / break-even",
                f"{v['usd_per_accelerator_hour']:,.2f} USD / "
                f"{v['breakeven_launch_usd_per_kg']:,.0f} USD/kg",
            )
        )
    return _page(title, _rows(rows) + _charts([curve, tornado, mass]))


def placement_html(result: dict[str, Any], title: str) -> str:
    """A self-contained page: which users go where (Sankey), and the RTT they get."""
    import plotly.graph_objects as go

    table = pd.DataFrame(result["assignment"])
    regions = list(dict.fromkeys(table["region"])) if len(table) else []
    sites = list(dict.fromkeys(table["site"])) if len(table) else []
    labels = regions + sites
    flow = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 8},
            link={
                "source": [regions.index(r) for r in table["region"]],
                "target": [len(regions) + sites.index(s) for s in table["site"]],
                "value": table["accelerators"].tolist(),
            },
        )
    )
    flow.update_layout(title="which users are served from where (accelerators)", height=900)
    rtt = go.Figure(
        go.Histogram(x=table["rtt_ms"], y=table["accelerators"], histfunc="sum", nbinsx=30)
    )
    rtt.update_layout(
        title="round-trip time of served demand", xaxis_title="ms", yaxis_title="accelerators"
    )
    rows = [
        ("served share", f"{100 * result['served_share']:.1f} %"),
        ("RTT p50 / p95", f"{result['rtt_p50_ms']:.1f} / {result['rtt_p95_ms']:.1f} ms"),
        ("cost", f"{result['cost_usd'] / 1e6:,.2f} million USD/yr"),
        ("user regions", f"{result['regions']}"),
    ]
    rows += [(f"served from {k}", f"{v:,.0f} accelerators") for k, v in result["by_site"].items()]
    return _page(title, _rows(rows) + _charts([flow, rtt]))


def sweep_html(
    table: pd.DataFrame, params: list[str], title: str, metric: str = "total_annual_cost_usd"
) -> str:
    """A self-contained page for a sweep.

    A tornado of ``metric`` over each parameter and its P10/P50/P90 band against each
    numeric parameter.
    """
    import plotly.graph_objects as go

    ok = table[table["error"].fillna("") == ""] if "error" in table else table
    scale, unit = (1e-6, "million USD/yr") if metric.endswith("_usd") else (1.0, "")
    figs = []
    if len(ok) and metric in ok:
        median = float(ok[metric].median()) * scale
        tornado = go.Figure()
        spans = []
        for p in params:
            means = ok.groupby(p)[metric].mean() * scale
            spans.append(
                (float(means.max() - means.min()), p, float(means.min()), float(means.max()))
            )
        for _, p, low, high in sorted(spans):
            tornado.add_trace(
                go.Bar(
                    y=[p],
                    x=[high - low],
                    base=[low],
                    orientation="h",
                    showlegend=False,
                    hovertemplate=f"{p}: %{{base:.2f}} to %{{x:.2f}}",
                )
            )
        tornado.update_layout(
            title=f"{metric}: range of the mean over each parameter (median {median:,.2f})",
            xaxis_title=unit or metric,
        )
        figs.append(tornado)
        for p in params:
            if not pd.api.types.is_numeric_dtype(ok[p]) or ok[p].nunique() < 2:
                continue
            grouped = ok.groupby(p)[metric]
            q = pd.DataFrame({x: grouped.quantile(x) for x in (0.1, 0.5, 0.9)}) * scale
            band = go.Figure()
            band.add_trace(go.Scatter(x=q.index, y=q[0.9], line={"width": 0}, showlegend=False))
            band.add_trace(
                go.Scatter(x=q.index, y=q[0.1], fill="tonexty", line={"width": 0}, name="P10-P90")
            )
            band.add_trace(go.Scatter(x=q.index, y=q[0.5], name="median", line={"color": "black"}))
            band.update_layout(
                title=f"{metric} against {p}", xaxis_title=p, yaxis_title=unit or metric
            )
            figs.append(band)
    failed = len(table) - len(ok)
    return _page(
        title,
        f"<p>{len(table)} cases, {failed} failed (their errors are in sweep.parquet).</p>\n"
        + _charts(figs),
    )
