"""Economics: every cost formula of the model, in canonical units (USD, MW, MWh, t, yr).

* annuities: :func:`capital_recovery_factor`, :func:`annualised_capex`, :func:`npv`;
* technology costs in model units: :func:`technology_cost` (capex per MW of power with its
  storage energy, fixed and variable O&M, fuel, emissions, take-or-pay contracts);
* a solved site's annual cost by kind and by technology: :func:`site_costs`;
* compute: hardware ownership by :func:`annualised_capex` over its own life,
  :func:`facility_cost`, :func:`usd_per_accelerator_hour`,
  :func:`usd_per_million_tokens`;
* unit costs: :func:`lcoe` of one plant, :func:`levelised` of a whole site.

Grid charges beyond energy (demand, coincident-peak and fixed charges) and the cost of
unserved energy, where a scenario allows it, are items of :func:`site_costs`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from gigafactory.units import HOURS_PER_YEAR, KG_PER_T

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "FACILITY_LIFE_YEARS",
    "SCR_CAPEX_USD_PER_MW",
    "SCR_NOX_REDUCTION",
    "SCR_VOM_USD_PER_MWH",
    "SiteCosts",
    "TechnologyCost",
    "annualised_capex",
    "capital_recovery_factor",
    "facility_cost",
    "lcoe",
    "levelised",
    "npv",
    "site_costs",
    "technology_cost",
    "usd_per_accelerator_hour",
    "usd_per_million_tokens",
    "with_scr",
]

FACILITY_LIFE_YEARS = 20.0
"""Economic life of the facility shell, cooling and electrical plant [yr]; an estimate."""


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


def npv(cash_flows_usd: np.ndarray | list[float], wacc: float) -> float:
    """Net present value of yearly cash flows, the first at year 0 [USD].

    ``sum_y C_y / (1 + r)^y``.

    Examples
    --------
    >>> round(npv([-100.0, 60.0, 60.0], 0.10), 2)
    4.13
    """
    flows = np.asarray(cash_flows_usd, dtype=float)
    years = np.arange(flows.size)
    return float((flows / (1.0 + wacc) ** years).sum())


def lcoe(
    capex_usd_per_mw: float,
    fom_usd_per_mw_year: float,
    capacity_factor: float,
    wacc: float,
    lifetime_years: float,
    *,
    variable_usd_per_mwh: float = 0.0,
) -> float:
    """Levelised cost of energy of a single plant.

    Parameters
    ----------
    capex_usd_per_mw : float
        Overnight capital cost [USD/MW].
    fom_usd_per_mw_year : float
        Fixed O&M [USD/MW/yr].
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
    :math:`\\mathrm{LCOE} = (C\\cdot\\mathrm{CRF} + F) / (8760\\,\\mathrm{CF}) + V`, with C and F
    per MW and 8760 MWh per MW-year.

    Examples
    --------
    >>> round(lcoe(1.43e6, 20e3, 0.24, 0.034, 30), 1)  # LBNL 2023 PV: about 46 $/MWh
    46.0
    """
    if capacity_factor <= 0:
        msg = f"capacity_factor must be > 0, got {capacity_factor}"
        raise ValueError(msg)
    annual = capex_usd_per_mw * capital_recovery_factor(wacc, lifetime_years) + fom_usd_per_mw_year
    return float(annual / (HOURS_PER_YEAR * capacity_factor) + variable_usd_per_mwh)


def levelised(total_annual_cost_usd: float, energy_mwh: float) -> float:
    """Annual cost divided by annual energy [USD/MWh] (NaN when no energy)."""
    return float(total_annual_cost_usd / energy_mwh) if energy_mwh > 0 else float(np.nan)


# ---------------------------------------------------------------------------- technologies


@dataclass(frozen=True)
class TechnologyCost:
    """Cost and emission parameters of one technology at one site, in model units."""

    capex_usd_per_mw: float
    """Overnight capex per MW of power, storage energy included [USD/MW]."""
    annuity_usd_per_mw_year: float
    """Annualised capex [USD/MW/yr]."""
    fom_usd_per_mw_year: float
    """Fixed O&M [USD/MW/yr]."""
    vom_usd_per_mwh: float
    """Variable O&M [USD/MWh]."""
    fuel_usd_per_mwh: float = 0.0
    """Fuel per MWh of electricity [USD/MWh]."""
    co2_t_per_mwh: float = 0.0
    """CO2 per MWh of electricity [tCO2e/MWh]."""
    nox_kg_per_mwh: float = 0.0
    """NOx per MWh of electricity [kg/MWh]."""
    ppa_usd_per_mw_year: float = 0.0
    """Take-or-pay contract payment per MW contracted [USD/MW/yr]."""

    @property
    def fixed_usd_per_mw_year(self) -> float:
        """Every cost that scales with capacity: annuity + fixed O&M + contract [USD/MW/yr]."""
        return self.annuity_usd_per_mw_year + self.fom_usd_per_mw_year + self.ppa_usd_per_mw_year

    @property
    def marginal_usd_per_mwh(self) -> float:
        """Fuel plus variable O&M [USD/MWh]."""
        return self.fuel_usd_per_mwh + self.vom_usd_per_mwh


def technology_cost(
    kind: str,
    params: dict[str, float],
    wacc: float,
    *,
    gas_price_usd_per_mwh_th: float = float("nan"),
    fom_usd_per_mw_year: float | None = None,
) -> TechnologyCost:
    """Cost and emission parameters of one technology in model units.

    Parameters
    ----------
    kind : {'variable', 'storage', 'thermal', 'contract'}
        Catalog kind.
    params : dict
        Catalog parameters in canonical units, with any scenario overrides applied:
        ``capex_usd_per_mw``, ``capex_energy_usd_per_mwh`` and ``duration_h`` (storage),
        ``lifetime_years``, ``fom_usd_per_mw_year`` or ``fom_fraction_of_capex``,
        ``vom_usd_per_mwh``, ``efficiency``, ``co2_t_per_mwh_th``, ``nox_kg_per_mwh_th``
        (thermal), ``ppa_price_usd_per_mwh`` and ``availability`` (contract).
    wacc : float
        Real discount rate [-].
    gas_price_usd_per_mwh_th : float
        Fuel price per MWh of heat, for thermal plant without its own
        ``fuel_price_usd_per_mwh_th`` (diesel) [USD/MWh_th].
    fom_usd_per_mw_year : float, optional
        Fixed O&M given by the scenario [USD/MW/yr]; without it a catalog
        ``fom_fraction_of_capex`` sets fixed O&M, else the catalog's own figure.

    Notes
    -----
    Capex per MW is ``C_P + h C_E`` (storage energy of ``h`` hours at ``C_E`` per MWh);
    fuel and emissions per MWh of electricity divide the per-MWh-of-heat figures by the
    efficiency; a take-or-pay contract pays ``price x availability x 8760`` per MW a year,
    whether the energy is used or spilled.

    Examples
    --------
    >>> c = technology_cost("variable", {"capex_usd_per_mw": 1.1e6, "lifetime_years": 30,
    ...                                  "fom_usd_per_mw_year": 20e3}, 0.07)
    >>> round(c.fixed_usd_per_mw_year)
    108645
    """
    p = dict(params)
    capex = p.get("capex_usd_per_mw", 0.0) + p.get("duration_h", 0.0) * p.get(
        "capex_energy_usd_per_mwh", 0.0
    )
    if fom_usd_per_mw_year is not None:
        p["fom_usd_per_mw_year"] = fom_usd_per_mw_year
    elif "fom_fraction_of_capex" in p:
        p["fom_usd_per_mw_year"] = p["fom_fraction_of_capex"] * capex
    annuity = annualised_capex(capex, wacc, p["lifetime_years"]) if capex > 0 else 0.0
    fuel = co2 = nox = ppa = 0.0
    if kind == "thermal":
        eff = p["efficiency"]
        fuel = p.get("fuel_price_usd_per_mwh_th", gas_price_usd_per_mwh_th) / eff
        co2 = p["co2_t_per_mwh_th"] / eff
        nox = p.get("nox_kg_per_mwh_th", 0.0) / eff
    if kind == "contract":
        ppa = p["ppa_price_usd_per_mwh"] * p["availability"] * HOURS_PER_YEAR
    return TechnologyCost(
        capex_usd_per_mw=capex,
        annuity_usd_per_mw_year=annuity,
        fom_usd_per_mw_year=p.get("fom_usd_per_mw_year", 0.0),
        vom_usd_per_mwh=p.get("vom_usd_per_mwh", 0.0),
        fuel_usd_per_mwh=fuel,
        co2_t_per_mwh=co2,
        nox_kg_per_mwh=nox,
        ppa_usd_per_mw_year=ppa,
    )


SCR_NOX_REDUCTION = 0.90
"""NOx removed by selective catalytic reduction: the top of the 70-90 % range of US EPA's
Air Pollution Control Technology Fact Sheet "Selective Catalytic Reduction"
(EPA-452/F-03-032, 2003) [-]."""

SCR_CAPEX_USD_PER_MW = 100_000.0
"""SCR capital cost per MW of the unit it serves [USD/MW]; an estimate (EPA's Air Pollution
Control Cost Manual, Section 4 Ch. 2, sizes it per unit; not transcribed here)."""

SCR_VOM_USD_PER_MWH = 1.0
"""SCR reagent (urea or ammonia) and catalyst replacement per MWh [USD/MWh]; an estimate."""


def with_scr(cost: TechnologyCost, wacc: float, lifetime_years: float) -> TechnologyCost:
    """A thermal unit's cost with an SCR: more capex and O&M, 90 % less NOx.

    Examples
    --------
    >>> c = TechnologyCost(1e6, 0.0, 0.0, 5.0, nox_kg_per_mwh=1.0)
    >>> s = with_scr(c, 0.0, 20.0)
    >>> round(s.nox_kg_per_mwh, 6), s.vom_usd_per_mwh, s.annuity_usd_per_mw_year
    (0.1, 6.0, 5000.0)
    """
    return replace(
        cost,
        capex_usd_per_mw=cost.capex_usd_per_mw + SCR_CAPEX_USD_PER_MW,
        annuity_usd_per_mw_year=cost.annuity_usd_per_mw_year
        + annualised_capex(SCR_CAPEX_USD_PER_MW, wacc, lifetime_years),
        vom_usd_per_mwh=cost.vom_usd_per_mwh + SCR_VOM_USD_PER_MWH,
        nox_kg_per_mwh=cost.nox_kg_per_mwh * (1.0 - SCR_NOX_REDUCTION),
    )


# ---------------------------------------------------------------------------- sites


@dataclass(frozen=True)
class SiteCosts:
    """A solved site's annual cost by kind [USD/yr] and its emissions [t]."""

    capex_annualised: float
    fixed_om: float
    ppa: float
    fuel: float
    variable_om: float
    grid_energy: float
    export_revenue: float
    carbon: float
    demand_charges: float
    fixed_charges: float
    unserved: float
    by_technology: dict[str, float]
    emissions_tco2e: float
    nox_t: float

    @property
    def total(self) -> float:
        """Total annual cost: every kind, less export revenue [USD/yr]."""
        return (
            self.capex_annualised
            + self.fixed_om
            + self.ppa
            + self.fuel
            + self.variable_om
            + self.grid_energy
            - self.export_revenue
            + self.carbon
            + self.demand_charges
            + self.fixed_charges
            + self.unserved
        )


def site_costs(
    costs: dict[str, TechnologyCost],
    capacity_mw: dict[str, float],
    existing_mw: dict[str, float],
    energy_mwh: dict[str, float],
    grid_import_mw: xr.DataArray,
    grid_price: xr.DataArray,
    grid_export_mw: xr.DataArray,
    grid_export_price: xr.DataArray,
    grid_carbon: xr.DataArray,
    carbon_price: float,
    *,
    demand_charges_usd: float = 0.0,
    fixed_charges_usd: float = 0.0,
    unserved_mwh: float = 0.0,
    value_of_lost_load: float = 0.0,
) -> SiteCosts:
    """Annual cost and emissions of a solved site.

    Parameters
    ----------
    costs : dict of str to TechnologyCost
        Per technology (see :func:`technology_cost`).
    capacity_mw, existing_mw : dict
        Built and already existing capacity per technology [MW]; only new capacity pays
        capex, all of it pays fixed O&M and contracts.
    energy_mwh : dict
        Annual output per technology [MWh].
    grid_import_mw, grid_export_mw : xarray.DataArray
        Hourly grid flows [MW] (one hour per step).
    grid_price, grid_export_price : xarray.DataArray
        Hourly import tariff and export revenue [USD/MWh].
    grid_carbon : xarray.DataArray
        Hourly import intensity [tCO2e/MWh].
    carbon_price : float
        Carbon price [USD/tCO2e].
    demand_charges_usd, fixed_charges_usd : float
        Demand and coincident-peak charges, fixed grid charges [USD/yr].
    unserved_mwh, value_of_lost_load : float
        Unserved energy [MWh] and its cost where allowed [USD/MWh].

    Notes
    -----
    ``total = sum_k [A_k (P_k - P0_k) + F_k P_k + K_k P_k + (f_k + v_k) E_k]
    + sum_t (p_t m_t - q_t x_t) + c (sum_t g_t m_t + sum_k e_k E_k) + D + X + V U``.
    """
    fuel = vom = capex = fom = ppa = 0.0
    co2 = float((grid_import_mw * grid_carbon).sum())
    nox_kg = 0.0
    by_tech: dict[str, float] = {}
    for name, cost in costs.items():
        cap = capacity_mw[name]
        new = max(cap - existing_mw[name], 0.0)
        c_capex = cost.annuity_usd_per_mw_year * new
        c_fom = cost.fom_usd_per_mw_year * cap
        c_ppa = cost.ppa_usd_per_mw_year * cap
        c_fuel = cost.fuel_usd_per_mwh * energy_mwh[name]
        c_vom = cost.vom_usd_per_mwh * energy_mwh[name]
        capex, fom, ppa, fuel, vom = (
            capex + c_capex,
            fom + c_fom,
            ppa + c_ppa,
            fuel + c_fuel,
            vom + c_vom,
        )
        co2 += cost.co2_t_per_mwh * energy_mwh[name]
        nox_kg += cost.nox_kg_per_mwh * energy_mwh[name]
        by_tech[name] = c_capex + c_fom + c_ppa + c_fuel + c_vom
    return SiteCosts(
        capex_annualised=capex,
        fixed_om=fom,
        ppa=ppa,
        fuel=fuel,
        variable_om=vom,
        grid_energy=float((grid_import_mw * grid_price).sum()),
        export_revenue=float((grid_export_mw * grid_export_price).sum()),
        carbon=carbon_price * co2,
        demand_charges=demand_charges_usd,
        fixed_charges=fixed_charges_usd,
        unserved=unserved_mwh * value_of_lost_load,
        by_technology=by_tech,
        emissions_tco2e=co2,
        nox_t=nox_kg / KG_PER_T,
    )


# ---------------------------------------------------------------------------- compute


def facility_cost(
    facility_capex_usd_per_mw: float,
    nameplate_it_mw: float,
    wacc: float,
    lifetime_years: float = FACILITY_LIFE_YEARS,
) -> float:
    """Annualised facility capex (shell, cooling, electrical plant) [USD/yr].

    The building is sized for every server at full power: ``C x IT_nameplate x CRF``.

    Examples
    --------
    >>> round(facility_cost(11.7e6, 100.0, 0.07) / 1e6, 1)  # 100 MW IT at 11.7 M USD/MW
    110.4
    """
    return (
        facility_capex_usd_per_mw * nameplate_it_mw * capital_recovery_factor(wacc, lifetime_years)
    )


def usd_per_accelerator_hour(total_cost_of_ownership_usd: float, accelerators: int) -> float:
    """Cost per accelerator-hour of a fleet owned all year [USD/h] (NaN for no fleet).

    Examples
    --------
    >>> usd_per_accelerator_hour(8_760_000.0, 1_000)
    1.0
    """
    if not accelerators:
        return float("nan")
    return total_cost_of_ownership_usd / (accelerators * HOURS_PER_YEAR)


def usd_per_million_tokens(
    accelerators: int, usd_per_accelerator_hour: float, tokens_per_year: float
) -> float:
    """Cost of serving one million output tokens [USD/M tokens].

    Examples
    --------
    >>> usd_per_million_tokens(1, 2.0, 8760 * 1e6)  # 1e6 tokens an hour at 2 USD/h
    2.0
    """
    tokens_per_million = 1e6
    return (
        accelerators
        * usd_per_accelerator_hour
        * HOURS_PER_YEAR
        / tokens_per_year
        * tokens_per_million
    )
