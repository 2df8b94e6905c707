"""Canonical units and the constants that convert to them: one constant per quantity.

One canonical unit per quantity (see ``docs/architecture.md``, "Units"): power MW, energy
MWh, money USD (real, of the scenario's currency year), emissions t (tCO2e, t NOx),
intensity tCO2e/MWh inside the model (kg/MWh in scenarios and catalogs), temperature degC,
water m3, distance km, time h, latency ms. The scenario and catalog loaders convert once;
model functions take canonical units. Compute models count accelerator power in W (a
datasheet's unit) and hand MW to the rest through :data:`W_PER_MW`.
"""

from __future__ import annotations

HOURS_PER_YEAR = 8760
"""Hours in the representative (non-leap) year [h]."""

HOURS_PER_DAY = 24
"""Hours per day [h/d]."""

DAYS_PER_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
"""Days in each month of the representative (non-leap) year, January first [d]."""

DAYS_PER_YEAR = 365
"""Days in the representative year [d]."""

SECONDS_PER_HOUR = 3600.0
"""Seconds per hour [s/h]."""

SECONDS_PER_DAY = 86_400.0
"""Seconds per day [s/d]."""

MINUTES_PER_HOUR = 60.0
"""Minutes per hour [min/h]."""

KW_PER_MW = 1e3
"""Kilowatts per megawatt (and kWh per MWh) [kW/MW]."""

W_PER_MW = 1e6
"""Watts per megawatt (and Wh per MWh) [W/MW]."""

KG_PER_T = 1e3
"""Kilograms per tonne [kg/t]."""

MS_PER_S = 1e3
"""Milliseconds per second [ms/s]."""

MWH_PER_MMBTU = 0.29307107
"""Energy in one million British thermal units [MWh/MMBtu] (1 MMBtu = 1.055056 GJ)."""

KG_PER_LB = 0.45359237
"""Kilograms per avoirdupois pound [kg/lb] (exact by definition)."""

M3_PER_L = 1e-3
"""Cubic metres per litre [m3/L]."""


def kw_to_mw_cost(usd_per_kw: float) -> float:
    """Convert a cost per kW (or per kWh) into a cost per MW (or per MWh) [USD/MW].

    Examples
    --------
    >>> kw_to_mw_cost(1100.0)
    1100000.0
    """
    return usd_per_kw * KW_PER_MW


def kg_per_mwh_to_t_per_mwh(kg_per_mwh: float) -> float:
    """Convert an intensity from kg/MWh to t/MWh [tCO2e/MWh].

    Examples
    --------
    >>> kg_per_mwh_to_t_per_mwh(417.3)
    0.4173
    """
    return kg_per_mwh / KG_PER_T
