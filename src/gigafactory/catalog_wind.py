"""Wind catalogs: turbine power curves, the IEC class each onshore curve serves, diurnal shapes.

Read from ``data/power_curves.csv`` and ``data/wind_shape.csv``; re-exported by
:mod:`gigafactory.catalog`.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from gigafactory.catalog_rows import _read_rows
from gigafactory.errors import CatalogError, did_you_mean

__all__ = [
    "IEC_CLASS_MEAN_SPEED_M_S",
    "ONSHORE_CURVE_BY_CLASS",
    "diurnal_shape",
    "iec_class",
    "onshore_curve",
    "power_curve",
    "rated_mw",
]

IEC_CLASS_MEAN_SPEED_M_S = {"III": 7.5, "II": 8.5, "I": 10.0}
"""Annual mean wind speed at hub height each IEC wind class is designed for, at most [m/s]
(IEC 61400-1: V_ave = 0.2 V_ref with V_ref 37.5, 42.5 and 50 m/s)."""

ONSHORE_CURVE_BY_CLASS = {"III": "nrel_atb2020_7mw_200", "II": "enercon_e141_4200"}
"""Onshore power curve per IEC class. The NREL 2020 ATB 7 MW, 200 m rotor (223 W/m2) is a
low-wind design (taken as class III, an estimate); the Enercon E-141 EP4 4.2 MW (269 W/m2) is
certified IEC IIA and also serves class I sites, where the catalog has no class I curve."""


RATED_MW = {
    "nrel_atb2020_7mw_200": 7.0,
    "iea_15mw_240": 15.0,
    "vestas_v112_3075": 3.075,
    "enercon_e141_4200": 4.2,
}
"""Rated power of each turbine whose curve ``data/power_curves.csv`` holds [MW], as that file
names it: NREL 2020 ATB land-based reference turbine (7 MW), IEA Wind TCP Task 37 reference
turbine (15 MW, Gaertner et al., NREL/TP-5000-75698, 2020), Vestas V112-3.075 MW, Enercon
E-141 EP4 (4.2 MW, ENERCON product brochure 04/2017)."""


def rated_mw(curve: str) -> float:
    """Rated power of the turbine behind a power curve [MW]: one unit of a wind farm.

    >>> rated_mw("iea_15mw_240")
    15.0
    """
    if curve not in RATED_MW:
        msg = f"unknown power curve '{curve}'{did_you_mean(curve, list(RATED_MW))}"
        raise CatalogError(msg)
    return RATED_MW[curve]


def iec_class(mean_speed_m_s: float) -> str:
    """The IEC 61400-1 wind class a site's mean hub-height speed calls for.

    Parameters
    ----------
    mean_speed_m_s : float
        Annual mean wind speed at hub height [m/s].

    Returns
    -------
    str
        ``"III"``, ``"II"``, ``"I"`` or ``"S"`` (above class I: site-specific design).

    Examples
    --------
    >>> iec_class(6.5), iec_class(8.0), iec_class(9.0), iec_class(10.5)
    ('III', 'II', 'I', 'S')
    """
    for name, limit in sorted(IEC_CLASS_MEAN_SPEED_M_S.items(), key=lambda item: item[1]):
        if mean_speed_m_s <= limit:
            return name
    return "S"


def onshore_curve(mean_speed_m_s: float) -> str:
    """The onshore power curve matched to a site's wind class (see ``ONSHORE_CURVE_BY_CLASS``).

    Examples
    --------
    >>> onshore_curve(7.5), onshore_curve(8.0)
    ('nrel_atb2020_7mw_200', 'enercon_e141_4200')
    """
    wind_class = iec_class(mean_speed_m_s)
    return ONSHORE_CURVE_BY_CLASS.get(wind_class, ONSHORE_CURVE_BY_CLASS["II"])


@functools.cache
def _curves() -> pd.DataFrame:
    return pd.DataFrame(_read_rows("power_curves.csv")).astype(
        {"wind_speed_m_s": float, "power_pu": float}
    )


def power_curve(
    name: str,
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Return a turbine power curve as ``(wind_speed [m/s], power [pu of rated])``."""
    frame = _curves()
    names = sorted(set(frame["curve"]))
    if name not in names:
        msg = (
            f"unknown power curve '{name}'{did_you_mean(name, names)}; allowed: {', '.join(names)}"
        )
        raise CatalogError(msg)
    sub = frame[frame["curve"] == name].sort_values("wind_speed_m_s")
    return sub["wind_speed_m_s"].to_numpy(), sub["power_pu"].to_numpy()


@functools.cache
def diurnal_shape(profile: str) -> tuple[float, float]:
    """Diurnal wind shape at hub height: ``(amplitude [-], peak hour [h, local solar time])``.

    Parameters
    ----------
    profile : str
        ``"onshore"`` or ``"offshore"``.

    Examples
    --------
    >>> diurnal_shape("onshore")
    (0.028, 22.2)
    """
    rows = {
        (row["profile"], row["parameter"]): float(row["value"])
        for row in _read_rows("wind_shape.csv")
    }
    profiles = sorted({key[0] for key in rows})
    if profile not in profiles:
        msg = (
            f"unknown wind profile '{profile}'{did_you_mean(profile, profiles)}; "
            f"allowed: {', '.join(profiles)}"
        )
        raise CatalogError(msg)
    return rows[(profile, "diurnal_amplitude")], rows[(profile, "peak_hour")]
