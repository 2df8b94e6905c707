"""Facility: PUE(t) from ambient conditions per cooling type, electrical losses and water.

The cooling model is a transparent engineering model, not a building simulation: heat is
rejected for free (fans and pumps only) below a free-cooling threshold, by evaporative
assist while the wet bulb allows it, and by compressors above that, whose power ramps from
zero at the threshold to ``1/COP`` at the design temperature. Parameters are estimates
chosen so that annual PUE falls in the published planning ranges: modern air 1.2-1.4,
direct liquid 1.1-1.2, immersion 1.02-1.05 (vendor and trade-press planning ranges;
Uptime Institute Global Data Center Survey 2024: average 1.56 for all, mostly older,
facilities).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "COOLING",
    "LATENT_M3_PER_MWH",
    "CoolingParameters",
    "cooling_overhead",
    "pue",
    "water_use",
]

LATENT_M3_PER_MWH = 3600.0 / 2442.0
"""Water evaporated per MWh of heat [m3/MWh]: 3,600 MJ / 2.442 MJ/kg (latent heat of
vaporisation at 25 degC) = 1,474 kg, at 1,000 kg/m3."""


@dataclass(frozen=True)
class CoolingParameters:
    """Parameters of one cooling type (all estimates; see module docstring).

    Attributes
    ----------
    fans_pumps : float
        Always-on air/liquid movement power per unit IT [-].
    free_below_c : float
        Dry-bulb temperature below which no compressor runs [degC].
    design_c : float
        Dry-bulb temperature at which compressors carry the full load [degC].
    cop_design : float
        Chiller coefficient of performance at the design temperature [-].
    evaporative_wet_bulb_c : float
        Evaporative assist replaces compressors while the wet bulb is below this; NaN = no
        evaporative assist [degC].
    evaporative_fraction : float
        Share of heat rejected by evaporation in evaporative hours [-].
    """

    fans_pumps: float
    free_below_c: float
    design_c: float
    cop_design: float
    evaporative_wet_bulb_c: float
    evaporative_fraction: float


COOLING: dict[str, CoolingParameters] = {
    # Air with economiser and adiabatic assist: ASHRAE recommended inlet <= 27 degC
    # (TC 9.9, 2021) minus ~9 K approach gives free cooling below ~18 degC.
    "air_economiser": CoolingParameters(0.10, 18.0, 35.0, 3.5, 21.0, 0.8),
    # Warm-water direct-to-chip loops (~35-45 degC supply) reject heat with dry coolers up to
    # ~30 degC ambient; 20-30 % residual air heat keeps some fans.
    "direct_liquid": CoolingParameters(0.05, 30.0, 40.0, 5.0, 26.0, 0.3),
    # Single-phase immersion: pumps and dry coolers almost all year.
    "immersion": CoolingParameters(0.025, 35.0, 45.0, 6.0, float("nan"), 0.0),
}

ELECTRICAL_LOSS = 0.05
"""UPS, transformer and distribution losses per unit IT [-]; an estimate (typical
double-conversion UPS 94-97 % plus transformers)."""

MISC_OVERHEAD = 0.01
"""Lighting, security and offices per unit IT [-]; an estimate."""


def cooling_overhead(
    temp_air: np.ndarray, temp_wet_bulb: np.ndarray, params: CoolingParameters
) -> np.ndarray:
    """Cooling power per unit of IT power.

    Parameters
    ----------
    temp_air : array_like
        Ambient dry-bulb temperature [degC].
    temp_wet_bulb : array_like
        Ambient wet-bulb temperature [degC].
    params : CoolingParameters
        Cooling type.

    Returns
    -------
    numpy.ndarray
        Cooling power / IT power [-].

    Notes
    -----
    :math:`c(t) = f + s(t)/\\mathrm{COP}`, with the compressor share
    :math:`s = \\mathrm{clip}((T - T_{free})/(T_{design} - T_{free}), 0, 1)`, set to zero in
    evaporative hours (wet bulb below the evaporative limit).

    Examples
    --------
    >>> p = COOLING["air_economiser"]
    >>> cooling_overhead(np.array([10.0, 35.0]), np.array([5.0, 26.0]), p).round(4)
    array([0.1   , 0.3857])
    """
    t = np.asarray(temp_air, dtype=float)
    share = np.clip((t - params.free_below_c) / (params.design_c - params.free_below_c), 0.0, 1.0)
    if not np.isnan(params.evaporative_wet_bulb_c):
        share = np.where(np.asarray(temp_wet_bulb) < params.evaporative_wet_bulb_c, 0.0, share)
    return np.asarray(params.fans_pumps + share / params.cop_design)


def pue(
    temp_air: np.ndarray,
    temp_wet_bulb: np.ndarray,
    cooling: str,
    *,
    electrical_loss: float = ELECTRICAL_LOSS,
    misc: float = MISC_OVERHEAD,
) -> np.ndarray:
    """Hourly power usage effectiveness.

    Parameters
    ----------
    temp_air, temp_wet_bulb : array_like
        Ambient dry- and wet-bulb temperature [degC].
    cooling : str
        ``air_economiser``, ``direct_liquid`` or ``immersion``.
    electrical_loss : float, default 0.05
        Electrical losses per unit IT [-] (estimate).
    misc : float, default 0.01
        Other overhead per unit IT [-] (estimate).

    Returns
    -------
    numpy.ndarray
        PUE = facility power / IT power [-], always >= 1.

    Notes
    -----
    :math:`\\mathrm{PUE}(t) = 1 + \\ell + m + c(t)` (The Green Grid, "PUE: a comprehensive
    examination of the metric," White Paper 49, 2012).

    Examples
    --------
    >>> float(pue(np.array([10.0]), np.array([5.0]), "immersion")[0])
    1.085
    """
    overhead = cooling_overhead(temp_air, temp_wet_bulb, COOLING[cooling])
    return np.asarray(1.0 + electrical_loss + misc + overhead)


def water_use(
    it_mw: np.ndarray,
    temp_air: np.ndarray,
    temp_wet_bulb: np.ndarray,
    cooling: str,
    *,
    blowdown_factor: float = 1.25,
) -> np.ndarray:
    """Hourly cooling water consumption.

    Parameters
    ----------
    it_mw : array_like
        IT power, equal to the heat to reject [MW].
    temp_air, temp_wet_bulb : array_like
        Ambient dry- and wet-bulb temperature [degC].
    cooling : str
        Cooling type.
    blowdown_factor : float, default 1.25
        Water drawn per unit evaporated, for blowdown at 5 cycles of concentration [-]
        (C/(C-1) with C = 5, an estimate).

    Returns
    -------
    numpy.ndarray
        Water [m3] per hour.

    Notes
    -----
    Water is drawn in hours above the free-cooling threshold whose wet bulb allows
    evaporative assist: :math:`W = P_{IT}\\,e\\,L\\,b`, with e the evaporative fraction and
    L = 1.474 m3/MWh.

    Examples
    --------
    >>> water_use(np.array([100.0]), np.array([25.0]), np.array([18.0]), "air_economiser").round(1)
    array([147.4])
    """
    params = COOLING[cooling]
    if np.isnan(params.evaporative_wet_bulb_c):
        return np.zeros_like(np.asarray(it_mw, dtype=float))
    evaporative = (np.asarray(temp_air) > params.free_below_c) & (
        np.asarray(temp_wet_bulb) < params.evaporative_wet_bulb_c
    )
    return np.asarray(
        np.asarray(it_mw)
        * evaporative
        * params.evaporative_fraction
        * LATENT_M3_PER_MWH
        * blowdown_factor
    )
