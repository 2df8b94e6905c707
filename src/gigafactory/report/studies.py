"""HTML pages of the studies: site comparison, orbit, placement and sweeps."""

from __future__ import annotations

import pandas as pd

from gigafactory.report.maps import map_figure
from gigafactory.report.page import (
    USD_PER_MILLION,
    charts_html,
    field_label,
    page_html,
    rows_html,
)
from gigafactory.summary import AssignmentRow, OrbitSummary, PlacementSummary

__all__ = [
    "COMPARE_COLUMNS",
    "compare_html",
    "compare_table",
    "orbit_html",
    "placement_html",
    "sweep_body_html",
    "sweep_html",
]

_COMPARE_CHARTS = (
    ("score", 1.0, "weighted siting score [0 best - 1 worst]"),
    ("total_annual_cost_usd", 1e-6, "total annual cost [million USD/yr]"),
    ("lcoe_usd_per_mwh", 1.0, "LCOE of facility energy [USD/MWh]"),
    ("usd_per_accelerator_hour", 1.0, "cost per accelerator-hour [USD/h]"),
    ("cfe_share", 100.0, "hourly carbon-free share [%]"),
    ("emissions_tco2e", 1e-3, "emissions [ktCO2e/yr]"),
    ("water_m3", 1e-3, "water [thousand m3/yr]"),
    ("peak_grid_import_mw", 1.0, "peak grid draw [MW]"),
    ("grid_wait_years", 1.0, "wait for a grid connection [yr]"),
    ("water_stress", 1.0, "baseline water stress [0-4]"),
    ("user_rtt_ms", 1.0, "population-weighted round trip to users [ms]"),
)


COMPARE_COLUMNS = {
    "rank": ("rank", 1.0, 0),
    "name": ("site", 1.0, None),
    "score": ("score [0 best - 1 worst]", 1.0, 2),
    "total_annual_cost_usd": ("total annual cost [M USD/yr]", 1e-6, 1),
    "lcoe_usd_per_mwh": ("LCOE [USD/MWh]", 1.0, 1),
    "usd_per_accelerator_hour": ("cost per accelerator-hour [USD/h]", 1.0, 2),
    "cfe_share": ("hourly CFE [%]", 100.0, 1),
    "emissions_tco2e": ("emissions [ktCO2e/yr]", 1e-3, 1),
    "grid_feed_mw": ("grid feed [MW]", 1.0, 0),
    "feed_value_usd_per_mw_year": ("one more MW of feed saves [M USD/yr]", 1e-6, 2),
    "feed_source": ("feed source", 1.0, None),
    "peak_grid_import_mw": ("peak grid draw [MW]", 1.0, 1),
    "grid_carbon_kg_per_mwh": ("grid carbon [kg/MWh]", 1.0, 0),
    "grid_cfe_share": ("grid carbon-free share [%]", 100.0, 0),
    "grid_wait_years": ("grid wait [yr]", 1.0, 1),
    "water_m3": ("water [thousand m3/yr]", 1e-3, 1),
    "water_stress": ("water stress [0-4]", 1.0, 1),
    "user_rtt_ms": ("round trip to users [ms]", 1.0, 1),
    "pue_annual": ("PUE", 1.0, 3),
    "unserved_mwh": ("unserved [MWh/yr]", 1.0, 0),
    "demand_charges_usd": ("demand charges [M USD/yr]", 1e-6, 2),
    "reserve_margin": ("reserve margin [%]", 100.0, 0),
    "backup_mw": ("backup [MW]", 1.0, 0),
    "capacity_mw": ("built [MW]", 1.0, None),
    "contracts": ("contracts", 1.0, None),
    "tariff": ("tariff", 1.0, None),
    "dropped": ("left out there", 1.0, None),
    "infeasible": ("infeasible", 1.0, None),
    "not_solved": ("no optimal solution", 1.0, None),
}
"""Columns of the comparison table as shown: label with unit, scale to it, decimals (None:
text). Columns not listed, and columns empty at every site, are left out."""


def compare_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison as people read it: labelled columns in their units, empty ones out."""
    shown = {}
    for column, (label, scale, decimals) in COMPARE_COLUMNS.items():
        if column not in table:
            continue
        values = table[column]
        if decimals is None:
            text = values.fillna("").astype(str)
            if (text == "").all():
                continue
            shown[label] = text
            continue
        numbers = values.astype(float) * scale
        if numbers.isna().all():
            continue
        shown[label] = numbers.map(lambda v, d=decimals: "-" if pd.isna(v) else f"{v:,.{d}f}")
    return pd.DataFrame(shown)


def compare_html(table: pd.DataFrame, title: str) -> str:
    """A self-contained page comparing sites: a map, the ranked table and one chart per metric."""
    import plotly.graph_objects as go

    figs = []
    if {"latitude", "longitude"} <= set(table.columns):
        where = pd.DataFrame(
            {
                "name": table["site"],
                "latitude": table["latitude"],
                "longitude": table["longitude"],
                "text": [
                    f"{site}: rank {rank}"
                    for site, rank in zip(table["site"], table["rank"], strict=True)
                ],
            }
        )
        figs.append(map_figure(where, title="candidate sites"))
    for column, scale, label in _COMPARE_CHARTS:
        values = table[column].astype(float) * scale
        if values.isna().all():
            continue
        fig = go.Figure(
            go.Bar(
                x=table["site"],
                y=values,
                text=[f"{v:,.2f}" for v in values],
                textposition="auto",
                marker_color="#4c72b0",
            )
        )
        fig.update_layout(title=label, yaxis_title=label, height=360, margin={"t": 50, "b": 40})
        figs.append(fig)
    used = table.attrs.get("weights", {})
    weights = ", ".join(f"{k} {w:.2f}" for k, w in used.items()) or "none"
    countries = table.attrs.get("users", [])
    users = f" Users in {', '.join(countries)}." if countries else ""
    body = compare_table(table).to_html(index=False, border=0, justify="left")
    return page_html(
        title,
        f"""<p>Ranked by a weighted score (0 = best on every criterion, 1 = worst; each
criterion scaled from its best to its worst site). Weights: {weights}.{users} Each site
runs the same campus with its own climate, tariff, grid carbon, gas price, wind resource
and the feed its site library says is available; the campus's contracts stay at its own
site.</p>
<div style="overflow-x:auto">{body}</div>
{charts_html(figs)}""",
    )


def orbit_html(result: OrbitSummary, title: str) -> str:
    """A self-contained page for an orbital comparison.

    Cost against launch price with the break-even point, a tornado of the other
    assumptions, and the mass breakdown.
    """
    import plotly.graph_objects as go

    sens = result.sensitivity
    prices = sens.launch_usd_per_kg
    ground = result.ground.usd_per_accelerator_hour
    curve = go.Figure()
    for name, values in sens.usd_per_accelerator_hour.items():
        curve.add_trace(go.Scatter(x=prices, y=values, name=f"orbit: {name}", mode="lines+markers"))
    curve.add_trace(
        go.Scatter(
            x=[min(prices), max(prices)],
            y=[ground, ground],
            name=f"ground: {result.ground.site}",
            mode="lines",
            line={"dash": "dash", "color": "black"},
        )
    )
    be = result.breakeven_launch_usd_per_kg
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
    base = result.usd_per_accelerator_hour
    for key, t in sens.tornado.items():
        tornado.add_trace(
            go.Bar(
                y=[key],
                x=[t.high_usd_per_accelerator_hour - base],
                base=[base],
                orientation="h",
                name=f"{key} = {t.high_value:g}",
                showlegend=False,
                marker_color="#d62728",
            )
        )
        tornado.add_trace(
            go.Bar(
                y=[key],
                x=[t.low_usd_per_accelerator_hour - base],
                base=[base],
                orientation="h",
                name=f"{key} = {t.low_value:g}",
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
        go.Bar(x=list(result.mass_breakdown_t), y=list(result.mass_breakdown_t.values()))
    )
    mass.update_layout(
        title=f"mass in orbit: {result.mass_t:,.0f} t, {result.launches} launches",
        yaxis_title="t",
    )
    rows = [
        ("sunlit fraction", f"{100 * result.sunlit_fraction:.1f} %"),
        ("longest eclipse", f"{result.eclipse_max_min:.1f} min"),
        ("solar array", f"{result.array_m2:,.0f} m2"),
        ("radiators", f"{result.radiator_m2:,.0f} m2"),
        ("mass", f"{result.mass_t:,.0f} t"),
        ("launches", f"{result.launches}"),
        ("cost per accelerator-hour, orbit", f"{base:,.2f} USD"),
        (f"cost per accelerator-hour, {result.ground.site}", f"{ground:,.2f} USD"),
        ("break-even launch price", f"{be:,.0f} USD/kg"),
    ]
    for name, v in result.variants.items():
        rows.append(
            (
                f"variant {name}: cost per accelerator-hour / break-even",
                f"{v.usd_per_accelerator_hour:,.2f} USD / "
                f"{v.breakeven_launch_usd_per_kg:,.0f} USD/kg",
            )
        )
    return page_html(title, rows_html(rows) + charts_html([curve, tornado, mass]))


def placement_html(result: PlacementSummary, title: str) -> str:
    """A self-contained page: which users go where (Sankey), and the RTT they get."""
    import plotly.graph_objects as go

    table = pd.DataFrame(
        [row.to_dict() for row in result.assignment], columns=list(AssignmentRow.model_fields)
    )
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
        ("served share", f"{100 * result.served_share:.1f} %"),
        ("RTT p50 / p95", f"{result.rtt_p50_ms:.1f} / {result.rtt_p95_ms:.1f} ms"),
        ("cost", f"{result.cost_usd / USD_PER_MILLION:,.2f} million USD/yr"),
        ("user regions", f"{result.regions}"),
    ]
    rows += [(f"served from {k}", f"{v:,.0f} accelerators") for k, v in result.by_site.items()]
    return page_html(title, rows_html(rows) + charts_html([flow, rtt]))


METRICS = {
    "total_annual_cost_usd": ("total annual cost", 1e-6, "million USD/yr"),
    "lcoe_usd_per_mwh": ("LCOE", 1.0, "USD/MWh"),
    "emissions_tco2e": ("emissions", 1e-3, "ktCO2e/yr"),
    "cfe_share": ("hourly CFE", 100.0, "%"),
    "unserved_mwh": ("unserved energy", 1.0, "MWh/yr"),
}
"""Sweep metrics shown in words, with the scale to the unit shown."""


def sweep_html(
    table: pd.DataFrame, params: list[str], title: str, metric: str = "total_annual_cost_usd"
) -> str:
    """A self-contained page for a sweep: :func:`sweep_body_html` in the page shell."""
    where = "<p>A failed case's error is in sweep.parquet (column <code>error</code>).</p>"
    return page_html(title, sweep_body_html(table, params, metric) + where)


def sweep_body_html(
    table: pd.DataFrame, params: list[str], metric: str = "total_annual_cost_usd"
) -> str:
    """A sweep's charts, without the page shell (the web app's sweep page shows them too).

    A tornado of ``metric`` over each parameter, and against each numeric parameter every
    case as a point with the median and, where several cases share a value (the other
    parameters vary), their P10-P90 band.
    """
    import plotly.graph_objects as go

    ok = table[table["error"].fillna("") == ""] if "error" in table else table
    name, scale, unit = METRICS.get(metric, (metric, 1.0, ""))
    axis = f"{name} [{unit}]" if unit else name
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
                    y=[field_label(p)],
                    x=[high - low],
                    base=[low],
                    orientation="h",
                    showlegend=False,
                    text=[f"{low:,.2f} to {high:,.2f}"],
                    textposition="inside",
                    insidetextanchor="middle",
                    hovertemplate=f"{field_label(p)}: {low:,.2f} to {high:,.2f} {unit}"
                    "<extra></extra>",
                    marker_color="#4c72b0",
                )
            )
        tornado.add_vline(x=median, line={"dash": "dot"}, annotation_text=f"median {median:,.2f}")
        tornado.update_layout(
            title=f"{name}: range of its mean over each parameter",
            xaxis_title=axis,
            height=200 + 60 * len(params),
        )
        figs.append(tornado)
        for p in params:
            if not pd.api.types.is_numeric_dtype(ok[p]) or ok[p].nunique() < 2:
                continue
            grouped = ok.groupby(p)[metric]
            q = pd.DataFrame({x: grouped.quantile(x) for x in (0.1, 0.5, 0.9)}) * scale
            band = go.Figure()
            if int(grouped.size().max()) > 1:
                band.add_trace(
                    go.Scatter(
                        x=q.index, y=q[0.9], line={"width": 0}, showlegend=False, hoverinfo="skip"
                    )
                )
                band.add_trace(
                    go.Scatter(
                        x=q.index,
                        y=q[0.1],
                        fill="tonexty",
                        fillcolor="rgba(76,114,176,0.25)",
                        line={"width": 0},
                        name="P10-P90 over the other parameters",
                    )
                )
            band.add_trace(
                go.Scatter(
                    x=ok[p],
                    y=ok[metric] * scale,
                    mode="markers",
                    marker={"color": "#4c72b0", "opacity": 0.5, "size": 6},
                    name="each case",
                )
            )
            band.add_trace(go.Scatter(x=q.index, y=q[0.5], name="median", line={"color": "black"}))
            band.update_layout(
                title=f"{name} against {field_label(p)}",
                xaxis_title=field_label(p),
                yaxis_title=axis,
            )
            figs.append(band)
    failed = len(table) - len(ok)
    return f"<p>{len(table)} cases, {failed} failed.</p>\n" + charts_html(figs)
