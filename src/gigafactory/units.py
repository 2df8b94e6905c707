"""Canonical units and physical constants.

One canonical unit per quantity (see ``docs/nomenclature.md``): power MW, energy MWh,
money USD (real, of the scenario's currency year), emissions tCO2e, intensity kgCO2e/MWh in
catalogs and tCO2e/MWh inside the model, temperature degC, water m3, distance km, time h.
Conversions happen only in loaders; model functions take canonical units.
"""

from __future__ import annotations

HOURS_PER_YEAR = 8760
"""Hours in the representative (non-leap) year [h]."""

MWH_PER_MMBTU = 0.29307107
"""Energy in one million British thermal units [MWh/MMBtu] (1 MMBtu = 1.055056 GJ)."""

KG_PER_LB = 0.45359237
"""Kilograms per avoirdupois pound [kg/lb] (exact by definition)."""

M3_PER_L = 1e-3
"""Cubic metres per litre [m3/L]."""


def kw_to_mw_cost(usd_per_kw: float) -> float:
    """Convert a cost per kW into a cost per MW [USD/MW].

    Examples
    --------
    >>> kw_to_mw_cost(1100.0)
    1100000.0
    """
    return usd_per_kw * 1e3


def kg_per_mwh_to_t_per_mwh(kg_per_mwh: float) -> float:
    """Convert an intensity from kg/MWh to t/MWh [tCO2e/MWh].

    Examples
    --------
    >>> kg_per_mwh_to_t_per_mwh(417.3)
    0.4173
    """
    return kg_per_mwh / 1e3
