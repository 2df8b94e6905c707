"""Economics: capital recovery, annualised costs, LCOE and annual cost breakdown."""

from __future__ import annotations

import numpy as np

__all__ = ["annualised_capex", "capital_recovery_factor", "lcoe"]


def capital_recovery_factor(wacc: float, lifetime_years: float) -> float:
    """Capital recovery factor: the annuity that repays 1 USD over ``lifetime_years``.

    Parameters
    ----------
    wacc : float
        Real discount rate [-].
    lifetime_years : float
        Economic life [yr].

    Returns
    -------
    float
        :math:`r / (1 - (1 + r)^{-n})`, or :math:`1/n` when r = 0 [1/yr].

    References
    ----------
    .. [1] W. Short, D. J. Packey and T. Holt, "A Manual for the Economic Evaluation of
       Energy Efficiency and Renewable Energy Technologies," NREL/TP-462-5173, 1995.
       doi:10.2172/35391

    Examples
    --------
    >>> round(capital_recovery_factor(0.07, 30), 6)  # 7 %, 30 years
    0.080586
    >>> capital_recovery_factor(0.0, 20)
    0.05
    """
    if lifetime_years <= 0:
        msg = f"lifetime_years must be > 0, got {lifetime_years}"
        raise ValueError(msg)
    if wacc == 0:
        return 1.0 / lifetime_years
    return float(wacc / (1.0 - (1.0 + wacc) ** -lifetime_years))


def annualised_capex(capex_usd: float, wacc: float, lifetime_years: float) -> float:
    """Annual payment that recovers an overnight capital cost [USD/yr].

    Examples
    --------
    >>> round(annualised_capex(1_100_000, 0.07, 30))  # 1,100 $/kW PV per MW
    88645
    """
    return capex_usd * capital_recovery_factor(wacc, lifetime_years)


def lcoe(
    capex_usd_per_kw: float,
    fom_usd_per_kw_year: float,
    capacity_factor: float,
    wacc: float,
    lifetime_years: float,
    *,
    variable_usd_per_mwh: float = 0.0,
) -> float:
    """Levelised cost of energy of a single plant.

    Parameters
    ----------
    capex_usd_per_kw : float
        Overnight capital cost [USD/kW].
    fom_usd_per_kw_year : float
        Fixed O&M [USD/kW/yr].
    capacity_factor : float
        Annual capacity factor [-].
    wacc : float
        Real discount rate [-].
    lifetime_years : float
        Economic life [yr].
    variable_usd_per_mwh : float, default 0
        Fuel and variable O&M [USD/MWh].

    Returns
    -------
    float
        LCOE [USD/MWh].

    Notes
    -----
    :math:`\\mathrm{LCOE} = (C\\cdot\\mathrm{CRF} + F) / (8.76\\,\\mathrm{CF}) + V`, with C and F
    per kW and 8.76 MWh per kW-year.

    Examples
    --------
    >>> round(lcoe(1430, 20, 0.24, 0.034, 30), 1)  # LBNL 2023 PV: about 46 $/MWh
    46.0
    """
    if capacity_factor <= 0:
        msg = f"capacity_factor must be > 0, got {capacity_factor}"
        raise ValueError(msg)
    annual = capex_usd_per_kw * capital_recovery_factor(wacc, lifetime_years) + fom_usd_per_kw_year
    return float(annual / (8.76 * capacity_factor) + variable_usd_per_mwh)


def levelised(total_annual_cost_usd: float, energy_mwh: float) -> float:
    """Annual cost divided by annual energy [USD/MWh] (NaN when no energy)."""
    return float(total_annual_cost_usd / energy_mwh) if energy_mwh > 0 else float(np.nan)
