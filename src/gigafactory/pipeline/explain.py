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
the lowest (korea-ulsan's floating offshore wind: 3,128 USD/kW from IPX, 3,611 or 3,625
from HiPO by the order of its columns, and a solve with its capex at 3,000 still builds none).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from gigafactory.summary import MarginalValues, TechnologyMargin
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


def _fmt(value: float, unit: str) -> str:
    digits = 1 if unit in {"USD/MWh", "USD/kW-month"} or abs(value) < 100 else 0
    return f"{value:,.{digits}f} {unit}"


def _usd(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} million USD"
    return f"{value:,.0f} USD"


def technology_margin(
    tech: SupplyTech, cost: TechnologyCost, capacity_mw: float, reduced: float
) -> TechnologyMargin:
    """One technology's status, entry price and a sentence saying why."""
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
    marginal = math.isfinite(reduced) and abs(reduced) <= MARGIN_SHARE * max(total, 1.0)
    now = f" (now {_fmt(price, unit)})" if price is not None else ""
    if contracted:
        status = "contracted"
        text = f"{name}: signed for {limit:,.1f} MW, which the LP takes as given"
        if math.isfinite(reduced) and not marginal:
            if reduced < 0:
                text += f"; its last MW saves at least {_usd(-reduced)}/yr more than it costs"
            else:
                text += f"; its last MW costs up to {_usd(reduced)}/yr more than it saves"
    elif at_limit:
        status = "at build limit"
        text = f"{name}: at its build limit of {limit:,.1f} MW"
        if not marginal:
            text += f"; one more MW of limit would save up to {_usd(-reduced)}/yr"
            if entry is not None:
                text += f" (worth building up to {_fmt(entry, unit)}{now})"
    elif at_floor:
        status = "existing only" if tech.existing_mw > AT_LIMIT_MW else "not built"
        verb = "grow" if tech.existing_mw > AT_LIMIT_MW else "enter"
        lead = (
            f"{name}: {tech.existing_mw:,.1f} MW existing, none added"
            if status == "existing only"
            else f"{name}: not built"
        )
        if tech.kind == "contract":
            lead = f"{name}: not signed"
            verb = "be signed"
        if marginal:
            text = f"{lead}; at the margin: it would {verb} at any lower cost{now}"
        elif entry is None:
            text = (
                f"{lead}; it would not {verb} even at zero capex: its fixed O&M exceeds its value"
            )
        else:
            text = f"{lead}; it would need less than {_fmt(entry, unit)} to {verb}{now}"
    else:
        status = "built"
        text = (
            f"{name}: {capacity_mw:,.1f} MW built, at the optimum (one MW more or less costs more)"
        )
    return TechnologyMargin(
        technology=name,
        status=status,
        capacity_mw=capacity_mw,
        max_mw=limit,
        reduced_cost_usd_per_mw_year=reduced,
        price=price,
        entry_price=entry,
        price_unit=unit,
        text=text,
    )


def marginal_summary(
    prep: PreparedSite, ds: xr.Dataset, capacity: dict[str, float]
) -> MarginalValues | None:
    """The site's marginal values as a typed section, or ``None`` without solver duals."""
    values: dict[str, Any] = ds.attrs.get("marginals") or {}
    reduced: dict[str, float] = values.get("reduced_cost_usd_per_mw_year") or {}
    if not reduced and prep.supply.techs:
        return None
    techs = [
        technology_margin(t, prep.costs[t.name], capacity.get(t.name, 0.0), reduced[t.name])
        for t in prep.supply.techs
        if t.name in reduced and t.name in prep.costs
    ]
    text = [t.text for t in techs]
    grid = values.get("grid_connection_usd_per_mw_year")
    if grid is not None:
        text.append(
            "grid connection: not a limit (one more MW would save nothing)"
            if grid < 1.0
            else f"grid connection: one more MW would save up to {_usd(grid)}/yr"
        )
    cfe = values.get("cfe_target_usd_per_point")
    if cfe is not None:
        text.append(f"CFE target: one more point would cost at least {_usd(cfe)}/yr")
    co2 = values.get("co2_shadow_price_usd_per_t")
    if co2 is not None:
        text.append(f"CO2 cap: its shadow price is {co2:,.1f} USD/t")
    return MarginalValues(
        technologies=techs,
        grid_connection_usd_per_mw_year=grid,
        cfe_target_usd_per_point=cfe,
        co2_shadow_price_usd_per_t=co2,
        text=text,
    )
