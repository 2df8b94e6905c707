"""A site's technologies and contracts as the supply LP takes them, with their costs.

Catalog costs with the scenario's overrides (and an SCR where asked), permits, backup-only
units, in-service dates, capacity credits, and power purchase agreements turned into
contract technologies: as produced (the plant's hourly shape), baseload (flat) or a
storage toll, on or off site.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from gigafactory import catalog, economics
from gigafactory.errors import ScenarioError
from gigafactory.pipeline.grid_terms import in_service_mask
from gigafactory.resource.tariff import MONTHS_PER_YEAR
from gigafactory.scenario import (
    COUNTRY_REGIONS,
    Contract,
    ContractLocation,
    ContractShape,
    CostRegion,
    Mode,
    Scenario,
    SiteSpec,
)
from gigafactory.supply import SupplyTech
from gigafactory.units import HOURS_PER_YEAR, KW_PER_MW

__all__ = [
    "contract_technologies",
    "site_catalog",
    "supply_technologies",
    "tech_costs",
]


def site_catalog(scenario: Scenario, spec: SiteSpec) -> dict[str, catalog.Technology]:
    """The technology catalog priced for this site.

    The scenario's cost year and scope, and its region (``costs.region``, else the catalog
    site's country, else the US).
    """
    basis = scenario.costs
    country = catalog.get_site(spec.catalog).country if spec.catalog else ""
    region = basis.region or COUNTRY_REGIONS.get(country) or CostRegion.US
    return catalog.technologies(basis.year, str(region), str(basis.scope))


def tech_costs(
    scenario: Scenario,
    spec: SiteSpec,
    entry: catalog.Site | None,
    table: dict[str, catalog.Technology],
) -> dict[str, economics.TechnologyCost]:
    """Per-technology cost and emission parameters in model units (SCR applied)."""
    gas_price = spec.gas_price_usd_per_mwh_th
    if gas_price is None:
        gas_price = entry.params["gas_price_usd_per_mwh_th"] if entry else float("nan")
    out: dict[str, economics.TechnologyCost] = {}
    for name, options in spec.technologies.items():
        tech = table[name]
        own_fuel = "fuel_price_usd_per_mwh_th" in tech.params
        if tech.kind == "thermal" and not own_fuel and not np.isfinite(gas_price):
            msg = (
                f"site '{spec.id}': gas_price_usd_per_mmbtu is required for gas at a site "
                "without a catalog entry"
            )
            raise ScenarioError(msg)
        params = {**tech.params, **options.catalog_overrides()}
        cost = economics.technology_cost(
            tech.kind,
            params,
            scenario.finance.wacc,
            gas_price_usd_per_mwh_th=gas_price,
            fom_usd_per_mw_year=options.fom_usd_per_mw_year,
        )
        if options.scr:
            cost = economics.with_scr(cost, scenario.finance.wacc, params["lifetime_years"])
        out[name] = cost
    return out


def _scaled(cost: economics.TechnologyCost, share: float) -> economics.TechnologyCost:
    """Fixed costs paid for a share of the year (temporary units) [-]."""
    return replace(
        cost,
        annuity_usd_per_mw_year=cost.annuity_usd_per_mw_year * share,
        fom_usd_per_mw_year=cost.fom_usd_per_mw_year * share,
        ppa_usd_per_mw_year=cost.ppa_usd_per_mw_year * share,
    )


def _checked_options(spec: SiteSpec, where: str, name: str, kind: str) -> None:
    options = spec.technologies[name]
    if kind != "thermal":
        for field in ("backup_only", "max_full_load_hours", "nox_cap_t", "scr"):
            value = getattr(options, field)
            if value not in (None, False):
                msg = (
                    f"{where}.technologies.{name}.{field}: {value!r} applies to thermal "
                    f"units only; {name} is {kind}"
                )
                raise ScenarioError(msg)


def supply_technologies(
    scenario: Scenario,
    spec: SiteSpec,
    where: str,
    costs: dict[str, economics.TechnologyCost],
    capacity_factors: dict[str, np.ndarray],
    index: pd.DatetimeIndex,
    table: dict[str, catalog.Technology],
) -> list[SupplyTech]:
    """The site's own technologies as LP inputs; ``costs`` is updated for in-service dates."""
    dispatch_only = scenario.solver.mode == Mode.dispatch
    credits = scenario.reliability.capacity_credit
    out = []
    for name, options in spec.technologies.items():
        tech = table[name]
        _checked_options(spec, where, name, tech.kind)
        online = in_service_mask(index, options.in_service, options.retire)
        if online is not None:
            costs[name] = _scaled(costs[name], float(online.mean()))
        cost = costs[name]
        common: dict[str, Any] = {
            "fixed_cost": cost.fixed_usd_per_mw_year,
            "existing_mw": options.existing_mw,
            "max_mw": options.existing_mw if dispatch_only else options.max_mw,
            "capacity_credit": options.capacity_credit
            if options.capacity_credit is not None
            else credits.get(name),
            "unit_mw": options.unit_mw,
            "online": online,
        }
        if tech.kind == "variable":
            out.append(
                SupplyTech(
                    name, "variable", availability=capacity_factors[name], clean=True, **common
                )
            )
        elif tech.kind == "contract":
            avail = tech.params["availability"]
            out.append(SupplyTech(name, "contract", availability=avail, clean=True, **common))
        elif tech.kind == "thermal":
            out.append(
                SupplyTech(
                    name,
                    "thermal",
                    marginal_cost=cost.marginal_usd_per_mwh,
                    co2=cost.co2_t_per_mwh,
                    backup_only=options.backup_only,
                    max_full_load_hours=options.max_full_load_hours,
                    nox_kg_per_mwh=cost.nox_kg_per_mwh,
                    nox_cap_t=options.nox_cap_t,
                    **common,
                )
            )
        elif tech.kind == "storage":
            out.append(
                SupplyTech(
                    name,
                    "storage",
                    charge_efficiency=tech.params["charge_efficiency"],
                    discharge_efficiency=tech.params["discharge_efficiency"],
                    duration_h=tech.params["duration_h"],
                    **common,
                )
            )
    return out


def _availability(
    contract: Contract, where: str, tech: catalog.Technology, cfs: dict[str, np.ndarray]
) -> np.ndarray | float:
    if contract.shape == ContractShape.baseload:
        return 1.0
    if tech.kind == "variable":
        return cfs[tech.name]
    if tech.kind == "contract":
        return float(tech.params["availability"])
    msg = (
        f"{where}.shape: as_produced needs a variable technology or a contract; "
        f"{tech.name} is {tech.kind}: use shape baseload or tolling"
    )
    raise ScenarioError(msg)


def contract_technologies(
    scenario: Scenario,
    spec: SiteSpec,
    where: str,
    contracts: list[Contract],
    own_costs: dict[str, economics.TechnologyCost],
    capacity_factors: dict[str, np.ndarray],
    table: dict[str, catalog.Technology],
) -> tuple[list[SupplyTech], dict[str, economics.TechnologyCost]]:
    """Contracts as LP technologies and their costs (paid per MW contracted).

    As produced, the buyer pays ``price x mean(a) x 8760`` a year per MW whether the energy
    is used or spilled; baseload ``price x 8760``; cost-based (no price) the resource's own
    annualised capex and fixed O&M at the site's finance; a storage toll
    ``price x 12 x 1000`` per MW of power. Off-site energy reaches the campus through the
    grid feed. ``contracts`` are resolved (:func:`resolve_contract`), in scenario order.
    """
    techs: list[SupplyTech] = []
    costs: dict[str, economics.TechnologyCost] = {}
    for i, contract in enumerate(contracts):
        here = f"{where}.contracts[{i}]"
        name = contract.name
        if name in spec.technologies or name in costs:
            msg = f"{here}.name: '{name}' is already a technology or contract of this site"
            raise ScenarioError(msg)
        tech = table[contract.technology or ""]
        shape = contract.shape
        off_site = contract.location == ContractLocation.off_site
        if off_site and spec.grid.import_cap_mw <= 0 and not spec.grid.size_to_design:
            msg = (
                f"{here}.location: off_site needs the grid feed, and grid.import_cap_mw is 0; "
                "give an import cap or location: on_site"
            )
            raise ScenarioError(msg)
        bounds: dict[str, Any] = {"existing_mw": 0.0, "max_mw": contract.max_mw}
        if shape == ContractShape.tolling:
            if tech.kind != "storage" or contract.price_usd_per_kw_month is None or off_site:
                msg = (
                    f"{here}: a toll needs a storage technology, price_usd_per_kw_month and "
                    "location on_site"
                )
                raise ScenarioError(msg)
            fixed = contract.price_usd_per_kw_month * MONTHS_PER_YEAR * KW_PER_MW
            if contract.mw is not None:
                bounds = {"existing_mw": contract.mw, "max_mw": contract.mw}
            techs.append(
                SupplyTech(
                    name,
                    "storage",
                    fixed_cost=fixed,
                    charge_efficiency=tech.params["charge_efficiency"],
                    discharge_efficiency=tech.params["discharge_efficiency"],
                    duration_h=tech.params["duration_h"],
                    **bounds,
                )
            )
            costs[name] = economics.TechnologyCost(0.0, 0.0, 0.0, 0.0, ppa_usd_per_mw_year=fixed)
            continue
        avail = _availability(contract, here, tech, capacity_factors)
        mean_avail = float(np.mean(avail))
        if contract.price_usd_per_mwh is not None:
            fixed = contract.price_usd_per_mwh * mean_avail * HOURS_PER_YEAR
        elif tech.kind == "variable" and shape == ContractShape.as_produced:
            own = own_costs.get(tech.name) or economics.technology_cost(
                tech.kind, tech.params, scenario.finance.wacc
            )
            fixed = own.annuity_usd_per_mw_year + own.fom_usd_per_mw_year
        else:
            msg = f"{here}.price_usd_per_mwh: required for a {shape} {tech.kind} contract"
            raise ScenarioError(msg)
        mw = contract.mw
        if contract.volume_mwh_per_year is not None:
            mw = contract.volume_mwh_per_year / (mean_avail * HOURS_PER_YEAR)
        if mw is not None:
            bounds = {"existing_mw": mw, "max_mw": mw}
        clean = bool(contract.certificates) and tech.kind in {"variable", "contract"}
        techs.append(
            SupplyTech(
                name,
                "contract",
                fixed_cost=fixed,
                availability=avail,
                clean=clean,
                off_site=off_site,
                capacity_credit=scenario.reliability.capacity_credit.get(name),
                **bounds,
            )
        )
        costs[name] = economics.TechnologyCost(0.0, 0.0, 0.0, 0.0, ppa_usd_per_mw_year=fixed)
    return techs, costs
