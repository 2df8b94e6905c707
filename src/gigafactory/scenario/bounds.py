"""Plausibility bounds of scenario fields.

Above each bound a value is one no real campus has; the message names the unit it was
likely given in (kW for MW, USD/MW for USD/kW).
"""

from __future__ import annotations

__all__ = [
    "CAPEX_BOUNDS",
    "MAX_CAMPUS_IT_MW",
    "MAX_CAPEX_USD_PER_KW",
    "MAX_CAPEX_USD_PER_KWH",
    "implausible",
]

MAX_CAMPUS_IT_MW = 20_000.0
"""Largest IT load one site may have [MW]: four times the largest single campuses announced,
Meta's Hyperion and Stargate UAE at 5 GW each (2025 announcements); above it a value is
almost surely in kW. The same bound holds a site's grid feed."""

MAX_CAPEX_USD_PER_KW = 100_000.0
"""Largest power capex a scenario may give [USD/kW]: ten times the dearest in the catalog
(floating offshore wind, 10,107 USD/kW, NREL ATB 2030); above it a value is almost surely in
USD/MW."""

MAX_CAPEX_USD_PER_KWH = 10_000.0
"""Largest storage energy capex a scenario may give [USD/kWh]: over twenty times the dearest
in the catalog (Megapack 2 h, 457 USD/kWh installed); above it a value is almost surely in
USD/MWh."""

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
