"""Answers that explain themselves: why each technology is or is not built.

Turns the LP's marginal values (:func:`gigafactory.supply.marginals.marginal_values`) into
prices a planner can compare with a quote: the capex (or contract price) below which a
technology left out would enter, what one more MW of build limit or grid connection would
save, and what one more point of CFE target costs.

The reduced cost ``r`` of a capacity is in USD/MW/yr; a technology whose annualised capex
``A`` fell by ``r`` would just break even, so its entry capex is ``capex x (A - r) / A``
(fixed O&M held). Contracts are priced per MWh of contracted output, so theirs is
``(F - r) / (mean availability x 8760)``, with ``F`` the yearly payment per MW.

A reduced cost comes from one optimal dual solution. Above the entry price so found the
technology surely stays out (that dual still proves the optimum), so the sentences say it
"would need less than" that price. They do not say it enters below it: where the optimum
is degenerate, other optimal duals give lower prices, and the first MW pays only below
the lowest (korea-ulsan's floating offshore wind: 3,134 USD/kW from Clarabel, 3,128 from
IPX, 3,611 or 3,625 from HiPO by the order of its columns, and a solve with its capex at
3,000 still builds none).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from gigafactory.summary import MarginalValues, TechnologyMargin
from gigafactory.summary.margins import technology_sentence, why_this_mix
from gigafactory.units import HOURS_PER_YEAR, KW_PER_MW

if TYPE_CHECKING:
    import xarray as xr

    from gigafactory.economics import TechnologyCost
    from gigafactory.pipeline.prepare import PreparedSite
    from gigafactory.supply import SupplyTech

__all__ = ["AT_LIMIT_MW", "MARGIN_SHARE", "marginal_summary"]

AT_LIMIT_MW = 0.01
"""Capacity this close to a bound counts as at the bound [MW]."""

MARGIN_SHARE = 1e-3
"""A reduced cost below this share of the annual cost means "at the margin" [-]."""


def _price(tech: SupplyTech, cost: TechnologyCost) -> tuple[float | None, str, float]:
    """Today's price, its unit, and the yearly cost per MW that the price scales [USD/MW/yr]."""
    if tech.kind == "contract" or (cost.annuity_usd_per_mw_year == 0 and cost.ppa_usd_per_mw_year):
        if tech.kind == "storage":  # a storage toll, paid per kW-month of power
            per_mw_year = cost.ppa_usd_per_mw_year
            return per_mw_year / 12 / KW_PER_MW, "USD/kW-month", per_mw_year
        energy = float(np.mean(tech.availability)) * HOURS_PER_YEAR
        fixed = cost.fixed_usd_per_mw_year
        return (fixed / energy if energy > 0 else None), "USD/MWh", fixed
    if tech.kind == "storage" and tech.duration_h > 0:
        per_kwh = cost.capex_usd_per_mw / (tech.duration_h * KW_PER_MW)
        return per_kwh, "USD/kWh", cost.annuity_usd_per_mw_year
    return cost.capex_usd_per_mw / KW_PER_MW, "USD/kW", cost.annuity_usd_per_mw_year


def technology_margin(
    tech: SupplyTech,
    cost: TechnologyCost,
    capacity_mw: float,
    reduced: float,
    unit_mw: float | None = None,
) -> TechnologyMargin:
    """One technology's status, entry price and a sentence saying why.

    ``unit_mw``: one unit of it [MW] (the scenario's ``unit_mw``, else a wind turbine's
    rating); a build below one unit is said to be a margin, not a project.
    """
    price, unit, scaled = _price(tech, cost)
    entry = None
    if price is not None and scaled > 0 and math.isfinite(reduced):
        entry = price * (scaled - reduced) / scaled
        if entry <= 0:
            entry = None
    name, limit = tech.name, tech.max_mw
    contracted = tech.kind == "contract" and limit is not None and tech.existing_mw >= limit
    at_limit = limit is not None and limit > tech.existing_mw and capacity_mw >= limit - AT_LIMIT_MW
    at_floor = capacity_mw <= tech.existing_mw + AT_LIMIT_MW
    total = cost.fixed_usd_per_mw_year
    if contracted:
        status = "contracted"
    elif at_limit:
        status = "at build limit"
    elif at_floor:
        status = "existing only" if tech.existing_mw > AT_LIMIT_MW else "not built"
    else:
        status = "built"
    margin = TechnologyMargin(
        technology=name,
        status=status,
        capacity_mw=capacity_mw,
        max_mw=limit,
        existing_mw=tech.existing_mw,
        contract=tech.kind == "contract",
        at_margin=math.isfinite(reduced) and abs(reduced) <= MARGIN_SHARE * max(total, 1.0),
        reduced_cost_usd_per_mw_year=reduced,
        price=price,
        entry_price=entry,
        price_unit=unit,
        unit_mw=tech.unit_mw or unit_mw,
    )
    return margin.model_copy(update={"text": technology_sentence(margin)})


def marginal_summary(
    prep: PreparedSite, ds: xr.Dataset, capacity: dict[str, float]
) -> MarginalValues | None:
    """The site's marginal values as a typed section, or ``None`` without solver duals."""
    values: dict[str, Any] = ds.attrs.get("marginals") or {}
    reduced: dict[str, float] = values.get("reduced_cost_usd_per_mw_year") or {}
    if not reduced and prep.supply.techs:
        return None
    techs = [
        technology_margin(
            t,
            prep.costs[t.name],
            capacity.get(t.name, 0.0),
            reduced[t.name],
            prep.turbine_mw.get(t.name),
        )
        for t in prep.supply.techs
        if t.name in reduced and t.name in prep.costs
    ]
    margins = MarginalValues(
        technologies=techs,
        grid_connection_usd_per_mw_year=values.get("grid_connection_usd_per_mw_year"),
        cfe_target_usd_per_point=values.get("cfe_target_usd_per_point"),
        co2_shadow_price_usd_per_t=values.get("co2_shadow_price_usd_per_t"),
        text=[],
    )
    return margins.model_copy(update={"text": why_this_mix(margins)})
