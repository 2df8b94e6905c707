"""A solved site's firmness, contracts, grid charges and the warnings a planner must see.

Filled into :class:`~gigafactory.summary.SiteSummary` by
:func:`~gigafactory.pipeline.summarise.site_summary`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from gigafactory.pipeline.prepare import PreparedSite
from gigafactory.summary import ContractSummary, Notice, ReliabilitySummary, SiteSummary
from gigafactory.supply import (
    SiteSupply,
    capacity_credits,
    firm_capacity_mw,
    largest_contingency_mw,
)

__all__ = [
    "BINDING_TOLERANCE_MW",
    "contract_summaries",
    "demand_charges_usd",
    "grid_charges_usd",
    "reliability_summary",
    "site_warnings",
]

BINDING_TOLERANCE_MW = 1e-3
"""A capacity within this of its build limit is reported as at the limit [MW]."""

SLACK_TARGET_SHARE = 0.01
"""A CFE share this far above its target is reported as a target that does not bind [-]."""


def _feed_flow_mw(prep: PreparedSite, ds: xr.Dataset) -> np.ndarray:
    """Hourly flow through the grid feed: imports plus off-site contract energy [MW]."""
    flow = ds["grid_import_mw"].to_numpy().copy()
    for tech in prep.supply.techs:
        if tech.off_site:
            flow += ds["dispatch_mw"].sel(technology=tech.name).to_numpy()
    return np.asarray(flow)


def demand_charges_usd(prep: PreparedSite, ds: xr.Dataset) -> float:
    """Demand and coincident-peak charges of a solved site [USD/yr]."""
    return grid_charges_usd(prep.supply, _feed_flow_mw(prep, ds))


def grid_charges_usd(supply: SiteSupply, flow: np.ndarray) -> float:
    """Demand and coincident-peak charges on an hourly feed flow ``F`` [MW] -> [USD/yr].

    ``sum_c rate_c sum_k max_{t in k} F(t) + sum_t cp(t) F(t)``.
    """
    flow = np.asarray(flow, dtype=float)
    total = 0.0
    for charge in supply.demand_charges:
        period = np.asarray(charge.period)
        for k in np.unique(period[period >= 0]):
            total += charge.usd_per_mw * float(flow[period == k].max())
    coincident = np.broadcast_to(
        np.asarray(supply.grid_coincident_usd_per_mw, dtype=float), flow.shape
    )
    return float(total + (coincident * flow).sum())


def reliability_summary(supply: SiteSupply, capacity: dict[str, float]) -> ReliabilitySummary:
    """Accredited firm capacity of the built system against its design power."""
    design = supply.peak_design_mw
    firm = firm_capacity_mw(supply, capacity)
    contingency = largest_contingency_mw(supply)
    backup = sum(capacity.get(t.name, 0.0) for t in supply.techs if t.backup_only)
    return ReliabilitySummary(
        design_power_mw=design,
        accredited_firm_mw=firm,
        reserve_margin=firm / design - 1.0 if design > 0 else float("nan"),
        required_reserve_margin=supply.reserve_margin,
        largest_contingency_mw=contingency,
        n_minus_1_met=firm - contingency >= design - BINDING_TOLERANCE_MW,
        ride_through_hours=supply.ride_through_hours,
        backup_mw=float(backup),
        capacity_credit=capacity_credits(supply),
    )


def contract_summaries(
    prep: PreparedSite, ds: xr.Dataset, capacity: dict[str, float], cost: dict[str, float]
) -> dict[str, ContractSummary]:
    """Capacity, energy and cost of each contract of a solved site."""
    out: dict[str, ContractSummary] = {}
    techs = {t.name: t for t in prep.supply.techs}
    for contract in prep.contracts:
        tech = techs[contract.name]
        delivered = float(ds["dispatch_mw"].sel(technology=contract.name).sum())
        avail = np.broadcast_to(np.asarray(tech.hourly_availability, float), len(prep.supply.time))
        produced = float(avail.sum() * capacity.get(contract.name, 0.0))
        if tech.kind == "storage":
            produced = delivered
        paid = cost.get(contract.name, 0.0)
        out[contract.name] = ContractSummary(
            technology=contract.technology or "",
            shape=str(contract.shape),
            location=str(contract.location),
            certificates=tech.clean,
            mw=capacity.get(contract.name, 0.0),
            produced_mwh=produced,
            delivered_mwh=delivered,
            cost_usd=paid,
            usd_per_delivered_mwh=paid / delivered if delivered > 0 else None,
        )
    return out


def site_warnings(prep: PreparedSite, site: SiteSummary) -> list[Notice]:
    """What a planner must see before trusting the numbers, one line each."""
    name = site.site
    out: list[Notice] = []

    def note(template: str, level: str = "note", **values: str) -> None:
        out.append(Notice.of(level, "{site}: " + template, site=name, **values))

    if site.unserved_mwh > 0:
        voll = prep.supply.value_of_lost_load or 0.0
        note(
            "{mwh} MWh unserved in {hours} hours (reliability.allow_unserved at {voll} "
            "USD/MWh; {cost} M USD counted in the total)",
            "warning",
            mwh=f"{site.unserved_mwh:,.1f}",
            hours=f"{site.unserved_hours:,}",
            voll=f"{voll:,.0f}",
            cost=f"{site.cost_breakdown_usd.unserved / 1e6:,.2f}",
        )
    if prep.grid.tariff_is_fallback and prep.supply.grid_import_cap_mw > 0:
        price = float(np.mean(prep.grid.price_usd_per_mwh))
        note(
            "grid energy at a flat average of {price} USD/MWh, a fallback: no public tariff "
            "for this grid in the library (no demand charges)",
            price=f"{price:,.1f}",
        )
    if site.marginals is None:  # no solver duals: say what is binding without prices
        for tech_name, options in prep.spec.technologies.items():
            built = site.capacity_mw.get(tech_name, 0.0)
            if options.max_mw is None or options.max_mw <= options.existing_mw:
                continue
            limit = f"{options.max_mw:,.0f}"
            if built >= options.max_mw - BINDING_TOLERANCE_MW:
                note("{tech} is at its build limit of {mw} MW", tech=tech_name, mw=limit)
            elif built < BINDING_TOLERANCE_MW:
                note(
                    "{tech} is allowed (up to {mw} MW) but not built: other supply is cheaper "
                    "for this load and these targets",
                    tech=tech_name,
                    mw=limit,
                )
        for contract, summary in site.contracts.items():
            if summary.mw < BINDING_TOLERANCE_MW:
                note("contract {contract} is offered but not signed (0 MW)", contract=contract)
    for cost_note in prep.cost_notes:  # the miss's own template, so that each translates
        note(
            "cost variant: {tech} {parameters}: " + cost_note.miss.template,
            tech=cost_note.technology,
            parameters=", ".join(cost_note.parameters),
            asked=cost_note.miss.asked,
            used=cost_note.miss.used,
        )
    target = prep.supply.cfe_target
    if target is not None and site.cfe_share > target + SLACK_TARGET_SHARE:
        note(
            "hourly CFE {share} is above its {target} target: the target does not bind "
            "(cost, not policy, sets the mix)",
            share=f"{site.cfe_share:.1%}",
            target=f"{target:.0%}",
        )
    return out
