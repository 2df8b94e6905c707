"""Site maps drawn offline on a shipped world outline (Natural Earth, public domain).

Plotly's own geographic charts fetch their base map from the network when the page opens;
a report must open anywhere, so the outline travels inside the page as a plain line chart
in longitude and latitude, cropped to the sites.
"""

from __future__ import annotations

import functools
import math
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["map_figure", "world_outline"]

MARGIN_DEG = 4.0
"""Least margin around the sites [degree]."""


@functools.cache
def world_outline() -> pd.DataFrame:
    """Country outlines: rows of ``ring``, ``lon`` and ``lat`` [degree], source in the file."""
    with resources.files("gigafactory").joinpath("data/world_outline.csv").open("rb") as f:
        return pd.read_csv(f, comment="#")


def _view(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float]:
    """Longitude and latitude bounds around the points, with a margin, at least 10 x 8 deg."""
    margin_lon = max(MARGIN_DEG, 0.3 * float(np.ptp(lon)), 5.0 - float(np.ptp(lon)) / 2)
    margin_lat = max(MARGIN_DEG, 0.3 * float(np.ptp(lat)), 4.0 - float(np.ptp(lat)) / 2)
    return (
        max(-180.0, float(lon.min()) - margin_lon),
        min(180.0, float(lon.max()) + margin_lon),
        max(-90.0, float(lat.min()) - margin_lat),
        min(90.0, float(lat.max()) + margin_lat),
    )


def map_figure(sites: pd.DataFrame, *, title: str, lang: str = "en") -> Any:
    """Sites as labelled points on the country outlines around them.

    Parameters
    ----------
    sites : pandas.DataFrame
        One row per site with ``name``, ``latitude`` and ``longitude`` [degree] and a
        ``text`` shown on hover.
    title : str
        The chart's title.
    lang : str
        Language of the axis titles.
    """
    import plotly.graph_objects as go

    from gigafactory.i18n import translator

    _ = translator(lang)

    lon = sites["longitude"].to_numpy(dtype=float)
    lat = sites["latitude"].to_numpy(dtype=float)
    west, east, south, north = _view(lon, lat)
    outline = world_outline()
    inside = outline[outline["lon"].between(west, east) & outline["lat"].between(south, north)]
    rings = outline[outline["ring"].isin(inside["ring"].unique())]
    # one trace, rings separated by a gap (None), so the page carries few objects
    gap = rings["ring"].ne(rings["ring"].shift(-1))
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x, y, end in zip(rings["lon"], rings["lat"], gap, strict=True):
        xs.append(float(x))
        ys.append(float(y))
        if end:
            xs.append(None)
            ys.append(None)
    fig = go.Figure(
        [
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#9e9e9e", "width": 0.8},
                hoverinfo="skip",
                showlegend=False,
            ),
            go.Scatter(
                x=lon,
                y=lat,
                mode="markers+text",
                text=sites["name"],
                textposition="top center",
                hovertext=sites["text"],
                hoverinfo="text",
                marker={"size": 11, "color": "#d62728", "line": {"color": "white", "width": 1}},
                showlegend=False,
            ),
        ]
    )
    mid_lat = math.radians((south + north) / 2)
    fig.update_layout(
        title=title,
        xaxis={"range": [west, east], "title": _("longitude [°]"), "showgrid": False},
        yaxis={
            "range": [south, north],
            "title": _("latitude [°]"),
            "showgrid": False,
            "scaleanchor": "x",
            "scaleratio": 1 / max(math.cos(mid_lat), 0.2),
        },
        plot_bgcolor="#eef4fb",
        height=460,
    )
    return fig
