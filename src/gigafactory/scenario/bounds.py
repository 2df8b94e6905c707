"""Plausibility bounds of scenario fields.

Above each bound a value is one no real campus has; the message names the unit it was
likely given in (kW for MW, USD/MW for USD/kW).
"""

from __future__ import annotations

__all__ = [
    "CAMPUS_MW_BOUND",
    "CAPEX_BOUNDS",
    "GRID_FLOORS",
    "MAX_CAMPUS_IT_MW",
    "MAX_CAPEX_USD_PER_KW",
    "MAX_CAPEX_USD_PER_KWH",
    "MIN_GRID_CARBON_KG_PER_MWH",
    "MIN_GRID_PRICE_USD_PER_MWH",
    "implausible",
    "implausibly_small",
]

MAX_CAMPUS_IT_MW = 20_000.0
"""Largest IT load one site may have [MW]: four times the largest single campuses announced,
Meta's Hyperion and Stargate UAE at 5 GW each (2025 announcements); above it a value is
almost surely in kW. The same bound holds a site's grid feed."""

CAMPUS_MW_BOUND = (MAX_CAMPUS_IT_MW, "MW", "four times the largest campus announced (5 GW)", "kW")
"""A site's IT load or grid feed: bound, unit, why, the unit 1000 times smaller."""

MAX_CAPEX_USD_PER_KW = 100_000.0
"""Largest power capex a scenario may give [USD/kW]: ten times the dearest in the catalog
(floating offshore wind, 10,107 USD/kW, NREL ATB 2030); above it a value is almost surely in
USD/MW."""

MAX_CAPEX_USD_PER_KWH = 10_000.0
"""Largest storage energy capex a scenario may give [USD/kWh]: over twenty times the dearest
in the catalog (Megapack 2 h, 457 USD/kWh installed); above it a value is almost surely in
USD/MWh."""

MIN_GRID_PRICE_USD_PER_MWH = 1.0
"""Smallest non-zero flat grid price a scenario may give [USD/MWh]: below any grid's annual
average (the site library's lowest is 50 USD/MWh); a value under it is almost surely in
USD/kWh. 0 stays allowed (a free feed, for a bound)."""

MIN_GRID_CARBON_KG_PER_MWH = 2.0
"""Smallest non-zero grid intensity a scenario may give [kgCO2e/MWh]: below the cleanest
grids' life-cycle figures (Oslo 26 kg/MWh in the site library); a value under it is almost
surely in t/MWh. 0 stays allowed."""

GRID_FLOORS = {
    "price_usd_per_mwh": (
        MIN_GRID_PRICE_USD_PER_MWH,
        "USD/MWh",
        "below any grid's annual average",
        "USD/kWh",
    ),
    "carbon_kg_per_mwh": (
        MIN_GRID_CARBON_KG_PER_MWH,
        "kg/MWh",
        "below the cleanest grids' life-cycle intensity",
        "t/MWh",
    ),
}
"""Per grid field: floor, unit, why, the unit 1000 times larger."""

CAPEX_BOUNDS = {
    "capex_usd_per_kw": (
        MAX_CAPEX_USD_PER_KW,
        "USD/kW",
        "ten times the dearest in the catalog (floating offshore wind, 10,107)",
        "USD/MW",
    ),
    "capex_usd_per_kwh": (
        MAX_CAPEX_USD_PER_KWH,
        "USD/kWh",
        "over twenty times the dearest in the catalog (Megapack 2 h, 457)",
        "USD/MWh",
    ),
}
"""Per capex field of a technology's options: bound, unit, why, the unit 1000 times smaller."""


def implausible(value: float, limit: float, unit: str, why: str, small: str) -> str | None:
    """Why ``value`` cannot be meant in ``unit``, or None at or below ``limit``.

    The message hints at ``small``, a unit 1000 times smaller, where that would fit.
    """
    if value <= limit:
        return None
    shown = f"{value:,.0f}" if value < 1e9 else f"{value:.3g}"
    hint = (
        f"; did you mean {small} ({value / 1e3:,.0f} {unit})?"
        if value / 1e3 <= limit
        else f" (not even in {small}: give it in {unit})"
    )
    return f"{shown} {unit} is above {limit:,.0f} {unit}, {why}{hint}"


def implausibly_small(value: float, floor: float, unit: str, why: str, big: str) -> str | None:
    """Why a positive ``value`` under ``floor`` cannot be meant in ``unit``, else None.

    The message hints at ``big``, a unit 1000 times larger (USD/kWh for USD/MWh). Zero and
    below are left to the fields' own bounds (an hourly price may be negative).
    """
    if value <= 0 or value >= floor:
        return None
    return (
        f"{value:g} {unit} is below {floor:g} {unit}, {why}; did you mean {big} "
        f"({value * 1e3:,.0f} {unit})?"
    )
