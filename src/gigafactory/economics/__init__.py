"""Economics: every cost formula of the model, in canonical units (USD, MW, MWh, t, yr).

* :mod:`~gigafactory.economics.costs`: annuities, technology costs, a solved site's annual
  cost, compute ownership, LCOE;
* :mod:`~gigafactory.economics.cashflow`: WACC of a capital structure, IRR, payback.
"""

from gigafactory.economics.cashflow import (
    DebtSchedule,
    campus_cash_flows,
    debt_schedule,
    irr,
    payback_years,
    wacc,
)
from gigafactory.economics.costs import (
    FACILITY_LIFE_YEARS,
    SCR_CAPEX_USD_PER_MW,
    SCR_NOX_REDUCTION,
    SCR_VOM_USD_PER_MWH,
    SiteCosts,
    TechnologyCost,
    annualised_capex,
    capital_recovery_factor,
    facility_cost,
    lcoe,
    levelised,
    npv,
    site_costs,
    technology_cost,
    usd_per_accelerator_hour,
    usd_per_million_tokens,
    with_scr,
)

__all__ = [
    "FACILITY_LIFE_YEARS",
    "SCR_CAPEX_USD_PER_MW",
    "SCR_NOX_REDUCTION",
    "SCR_VOM_USD_PER_MWH",
    "DebtSchedule",
    "SiteCosts",
    "TechnologyCost",
    "annualised_capex",
    "campus_cash_flows",
    "capital_recovery_factor",
    "debt_schedule",
    "facility_cost",
    "irr",
    "lcoe",
    "levelised",
    "npv",
    "payback_years",
    "site_costs",
    "technology_cost",
    "usd_per_accelerator_hour",
    "usd_per_million_tokens",
    "wacc",
    "with_scr",
]
