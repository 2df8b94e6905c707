"""A build-out roadmap: each site's stages prepared, optimised in one LP, read back per stage.

``plan_roadmap(scenario)`` prepares every site once per stage of ``scenario.roadmap`` (the
stage's year, its share of the IT load, its grid), prices each technology by build year
on the line through the catalog's 2025 and 2030 costs, keeps each technology out of the
stages before its lead time allows, and solves one LP per site with
:mod:`gigafactory.supply.roadmap`. With ``time.aggregation`` the stages' hours are typical
days drawn per stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import xarray as xr

from gigafactory import catalog
from gigafactory.errors import InfeasibleError, ScenarioError
from gigafactory.pipeline.aggregation import settle_periods
from gigafactory.pipeline.prepare import PreparedSite, prepare_site
from gigafactory.pipeline.supply_techs import site_catalog, tech_costs
from gigafactory.scenario import RoadmapSpec, RoadmapStage, Scenario, SiteSpec
from gigafactory.summary import Notice, RoadmapStageSummary, RoadmapSummary, SiteRoadmap
from gigafactory.supply import SiteSupply, optimise
from gigafactory.supply.periods import (
    Periods,
    cluster_periods,
    expand_solution,
    take_hours,
    year_of_typical_periods,
)
from gigafactory.supply.roadmap import (
    VintagePlan,
    discounted_years,
    interpolated_cost,
    vintage_site,
)
from gigafactory.supply.stage_tables import stage_tables
from gigafactory.units import HOURS_PER_YEAR

__all__ = [
    "grid_wait_years",
    "plan_roadmap",
    "roadmap_lives",
    "roadmap_plan",
    "stage_periods",
    "stage_scenario",
]

ByYear = dict[str, dict[int, float]]
"""A value per technology and build year."""

COST_YEARS = (2025, 2030)
"""The catalog's cost years; build years between them are interpolated, beyond held."""


def grid_wait_years(spec: SiteSpec) -> float:
    """Years from decision to a new grid feed at a site: its library's estimate, else 0."""
    if spec.catalog is None:
        return 0.0
    return float(catalog.get_site(spec.catalog).params.get("grid_wait_years", 0.0))


def _stage_cap(roadmap: RoadmapSpec, stage: RoadmapStage, spec: SiteSpec) -> float:
    """A site's import cap in one stage: the stage's own, else none before the grid wait."""
    if spec.id in stage.import_cap_mw:
        return stage.import_cap_mw[spec.id]
    if roadmap.grid_wait and stage.year < roadmap.decision_year + grid_wait_years(spec):
        return 0.0
    return spec.grid.import_cap_mw


def stage_scenario(scenario: Scenario, stage: RoadmapStage) -> Scenario:
    """The scenario as it stands in one stage: its year and its grid import caps."""
    roadmap = scenario.roadmap
    assert roadmap is not None
    sites = [
        site.model_copy(
            update={
                "grid": site.grid.model_copy(
                    update={"import_cap_mw": _stage_cap(roadmap, stage, site)}
                )
            }
        )
        for site in scenario.sites
    ]
    return scenario.model_copy(update={"year": stage.year, "sites": sites, "roadmap": None})


def _common_year(supply: SiteSupply) -> SiteSupply:
    """A leap year's site without 29 February, so that every stage has 8,760 hours."""
    if len(supply.time) == HOURS_PER_YEAR:
        return supply
    keep = np.nonzero(~((supply.time.month == 2) & (supply.time.day == 29)))[0]
    out = take_hours(supply, keep, supply.time[keep])
    charges = tuple(replace(c, period=np.asarray(c.period)[keep]) for c in supply.demand_charges)
    coincident = supply.grid_coincident_usd_per_mw
    if np.ndim(coincident):
        coincident = np.asarray(coincident)[keep]
    return replace(out, demand_charges=charges, grid_coincident_usd_per_mw=coincident)


def _scaled(supply: SiteSupply, scale: float, scenario: Scenario) -> SiteSupply:
    """The site with ``scale`` of its IT load in service (facility load and design alike)."""
    if scale == 1.0:
        return supply
    flexible = supply.flexible_it_mw
    co2 = supply.co2_cap_t
    rate = scenario.policy.co2_cap_t_per_mwh
    if rate is not None:
        from_rate = rate * float(np.sum(supply.nominal_load_mw)) * scale
        co2 = min(scenario.policy.co2_cap_t or np.inf, from_rate)
    return replace(
        supply,
        load_mw=np.asarray(supply.load_mw) * scale,
        flexible_it_mw=None if flexible is None else np.asarray(flexible) * scale,
        design_load_mw=None if supply.design_load_mw is None else supply.design_load_mw * scale,
        co2_cap_t=co2,
    )


def _build_costs(scenario: Scenario, index: int, years: list[int]) -> tuple[ByYear, ByYear, ByYear]:
    """Fixed cost [USD/MW/yr], capex [USD/MW] and O&M [USD/MW/yr] by technology and build year.

    Full-year values; the O&M is the fixed cost's fixed O&M and contract part.
    """
    spec = scenario.sites[index]
    entry = catalog.get_site(spec.catalog) if spec.catalog else None
    by_cost_year = {}
    for year in COST_YEARS:
        priced = scenario.model_copy(
            update={"costs": scenario.costs.model_copy(update={"year": year})}
        )
        by_cost_year[year] = tech_costs(priced, spec, entry, site_catalog(priced, spec))
    fixed: dict[str, dict[int, float]] = {}
    capex: dict[str, dict[int, float]] = {}
    om: dict[str, dict[int, float]] = {}
    for name in spec.technologies:
        om[name] = {
            y: interpolated_cost(
                {
                    c: by_cost_year[c][name].fom_usd_per_mw_year
                    + by_cost_year[c][name].ppa_usd_per_mw_year
                    for c in COST_YEARS
                },
                y,
            )
            for y in years
        }
        fixed[name] = {
            y: interpolated_cost(
                {c: by_cost_year[c][name].fixed_usd_per_mw_year for c in COST_YEARS}, y
            )
            for y in years
        }
        capex[name] = {
            y: interpolated_cost({c: by_cost_year[c][name].capex_usd_per_mw for c in COST_YEARS}, y)
            for y in years
        }
    return fixed, capex, om


def _lives_and_lead_times(
    scenario: Scenario, index: int, roadmap: RoadmapSpec
) -> tuple[dict[str, float], dict[str, int]]:
    """Life [yr] and first possible year in service of each of the site's technologies."""
    spec = scenario.sites[index]
    table = site_catalog(scenario, spec)
    lives, earliest = {}, {}
    for name, options in spec.technologies.items():
        params = table[name].params
        lives[name] = float(options.lifetime_years or params.get("lifetime_years", np.inf))
        lead = options.lead_time_years
        if lead is None:
            lead = params.get("lead_time_years", 0.0)
        earliest[name] = roadmap.decision_year + int(np.ceil(lead))
    return lives, earliest


def _roadmap_of(scenario: Scenario) -> RoadmapSpec:
    """The scenario's roadmap, or the error that names the missing section."""
    if scenario.roadmap is None:
        msg = "roadmap: the scenario has no roadmap section; add roadmap.stages (docs/roadmap.md)"
        raise ScenarioError(msg)
    return scenario.roadmap


def roadmap_lives(scenario: Scenario) -> dict[str, dict[str, float]]:
    """Each site's technology lives [yr], by site id (for the value left at the end)."""
    assert scenario.roadmap is not None
    return {
        spec.id: _lives_and_lead_times(scenario, i, scenario.roadmap)[0]
        for i, spec in enumerate(scenario.sites)
    }


def roadmap_plan(
    scenario: Scenario, index: int, progress: Callable[[str], None] | None = None
) -> tuple[VintagePlan, list[PreparedSite]]:
    """One site's build-out LP inputs, and the site prepared for each stage.

    Raises
    ------
    ScenarioError
        When the scenario has no ``roadmap`` section.
    """
    roadmap = _roadmap_of(scenario)
    say = progress or (lambda _msg: None)
    spec = scenario.sites[index]
    years = roadmap.years
    prepared = []
    for k, stage in enumerate(roadmap.stages):
        say(f"{spec.id}: stage {stage.year} ({stage.scale_of(spec.id):.0%} of the IT load)")
        try:
            prepared.append(prepare_site(stage_scenario(scenario, stage), index))
        except ScenarioError as err:  # e.g. an off-site contract before the feed exists
            msg = f"roadmap.stages[{k}] ({stage.year}): {err}"
            raise ScenarioError(msg) from None
    supplies = [
        _scaled(_common_year(p.supply), stage.scale_of(spec.id), scenario)
        for p, stage in zip(prepared, roadmap.stages, strict=True)
    ]
    weights = discounted_years(years, roadmap.end_year, scenario.finance.wacc)
    fixed, capex, om = _build_costs(scenario, index, years)
    lives, earliest = _lives_and_lead_times(scenario, index, roadmap)
    # capacity already standing has sunk capex: it pays fixed O&M and contracts, as in runs
    standing = {
        name: [
            p.costs[name].fom_usd_per_mw_year + p.costs[name].ppa_usd_per_mw_year for p in prepared
        ]
        for name in prepared[0].costs
    }
    plan = vintage_site(
        supplies,
        years,
        weights,
        life_years=lives,
        earliest_year=earliest,
        fixed_usd_per_mw_year=fixed,
        capex_usd_per_mw=capex,
        existing_usd_per_mw_year=standing,
        om_usd_per_mw_year=om,
    )
    return plan, prepared


def stage_periods(site: SiteSupply, period_hours: int, count: int) -> Periods:
    """Typical periods drawn per stage, each with its own extreme periods.

    A stage's typical periods stand for its days only, and each stage keeps its own peak
    day and poorest renewable days (clustering the stages together would keep only the
    horizon's, all in its largest stage).
    """
    assert site.stages is not None
    orders, representatives, offset, days = [], [], 0, 0
    for s in range(site.stages.count):
        (index,) = np.nonzero(np.asarray(site.stages.of_hour) == s)
        one = replace(take_hours(site, index, site.time[index]), stages=None)
        periods = cluster_periods(one, period_hours, count)
        orders.append(periods.order + offset)
        representatives.append(periods.representative + days)
        offset += len(periods.representative)
        days += len(periods.order)
    return Periods(period_hours, np.concatenate(orders), np.concatenate(representatives))


def _lead_time_notes(plan: VintagePlan, earliest: dict[str, int]) -> list[Notice]:
    """What the lead times keep out of the early stages."""
    first = plan.years[0]
    late = {name: year for name, year in earliest.items() if year > first}
    return [
        Notice(
            level="note",
            text=f"{name} cannot be in service before {year} (lead time from the decision); "
            f"{'no stage reaches it' if year > plan.years[-1] else 'earlier stages go without'}",
        )
        for name, year in sorted(late.items(), key=lambda item: item[1])
    ]


def _site_roadmap(scenario: Scenario, index: int, say: Callable[[str], None]) -> SiteRoadmap:
    roadmap = scenario.roadmap
    assert roadmap is not None
    spec = scenario.sites[index]
    plan, prepared = roadmap_plan(scenario, index, say)
    aggregation = scenario.time.aggregation
    if roadmap.typical_days is not None:
        days: tuple[int, int] | None = (24, roadmap.typical_days)
    else:
        days = None if aggregation is None else (aggregation.period_hours, aggregation.count)
    site = plan.site
    periods = None
    if days is not None:
        hours, count = days
        say(f"{spec.id}: {count} typical periods of {hours} h per stage (tsam)")
        try:
            periods = stage_periods(site, hours, count)
        except ValueError as err:
            msg = f"time.aggregation: sites[{index}] ({spec.id}): {err}"
            raise ScenarioError(msg) from None
    modelled = len(site.time) if periods is None else len(periods.representative) * hours
    say(
        f"{spec.id}: optimising the build-out ({len(plan.years)} stages, {modelled:,} "
        f"hours, {len(site.techs)} vintages)"
    )
    started = time.perf_counter()
    _, earliest = _lives_and_lead_times(scenario, index, roadmap)

    def solve_one(one: SiteSupply) -> xr.Dataset:
        return optimise(
            one, method=scenario.solver.method.value, time_limit_s=scenario.solver.time_limit_s
        )

    stress_days = 0
    try:
        if periods is None:
            ds = solve_one(site)
        else:  # the days no dispatch of the design can serve join as typical days, as in runs
            periods, ds, stress_days = settle_periods(site, periods, solve_one, say)
    except InfeasibleError as err:
        first = ", ".join(
            f"{name} {year}" for name, year in sorted(earliest.items(), key=lambda i: i[1])
        )
        msg = (
            f"roadmap: {err}; first years in service after lead times from "
            f"{roadmap.decision_year}: {first or 'no technology allowed'} (an earlier "
            "roadmap.decided or a technology's lead_time_years changes them)"
        )
        raise InfeasibleError(msg) from None
    seconds = time.perf_counter() - started
    if periods is not None:
        ds = expand_solution(ds, periods, plan.site.time)
        plan = replace(plan, site=year_of_typical_periods(plan.site, periods))
    # fixed grid charges (per month, per connection) are the same whatever the LP does
    fixed_charges = [p.grid.fixed_usd_per_year for p in prepared]
    tables = [
        replace(table, operating_cost_usd=table.operating_cost_usd + charge)
        for table, charge in zip(stage_tables(ds, plan), fixed_charges, strict=True)
    ]
    present_value = float(ds.attrs["objective_usd"]) + sum(
        t.weight_years * charge for t, charge in zip(tables, fixed_charges, strict=True)
    )
    bounds = [*plan.years[1:], roadmap.end_year]
    stages = []
    warnings = _lead_time_notes(plan, earliest)
    if periods is not None:
        stressed = (
            f", {stress_days} of them days the first design could not serve" if stress_days else ""
        )
        warnings.append(
            Notice(
                level="note",
                text=f"solved on {len(periods.representative)} typical days over the "
                f"{len(plan.years)} stages{stressed} (each stage's own, extremes included): "
                "check a chosen build-out with a full-year run of its stages",
            )
        )
    caps = [_stage_cap(roadmap, stage, spec) for stage in roadmap.stages]
    for table, stage, end, cap in zip(tables, roadmap.stages, bounds, caps, strict=True):
        if table.unserved_mwh > 1e-3:
            warnings.append(
                Notice(
                    level="warning",
                    text=f"{table.year}: {table.unserved_mwh:,.0f} MWh a year not served",
                )
            )
        stages.append(
            RoadmapStageSummary(
                year=table.year,
                calendar_years=end - table.year,
                weight_years=table.weight_years,
                scale=stage.scale_of(spec.id),
                grid_import_cap_mw=cap,
                capacity_mw=table.capacity_mw,
                built_mw=table.built_mw,
                retired_mw=table.retired_mw,
                energy_mwh=table.energy_mwh,
                capex_usd=table.capex_usd,
                fixed_cost_usd=table.fixed_cost_usd,
                om_usd=table.om_usd,
                operating_cost_usd=table.operating_cost_usd,
                annual_cost_usd=table.annual_cost_usd,
                load_mwh=table.load_mwh,
                peak_load_mw=table.peak_load_mw,
                unserved_mwh=table.unserved_mwh,
                emissions_tco2e=table.emissions_tco2e,
                cfe_share=table.cfe_share,
            )
        )
    return SiteRoadmap(
        site=spec.id,
        stages=stages,
        present_value_usd=present_value,
        discount_rate=scenario.finance.wacc,
        decided_year=roadmap.decision_year,
        end_year=roadmap.end_year,
        earliest_year=earliest,
        solve_seconds=seconds,
        typical_periods=0 if periods is None else len(periods.representative),
        stress_days=stress_days,
        warnings=warnings,
    )


def plan_roadmap(
    scenario: Scenario, progress: Callable[[str], None] | None = None
) -> RoadmapSummary:
    """Optimise each site's build-out over the scenario's roadmap stages.

    Parameters
    ----------
    scenario : Scenario
        With a ``roadmap`` section.
    progress : callable, optional
        Called with a short message as each step starts.

    Returns
    -------
    RoadmapSummary
        Per site and stage: capacity in service, built and retired by technology, energy,
        capex, annual cost, emissions; the present value over the horizon.

    Raises
    ------
    ScenarioError
        Without a ``roadmap`` section, or when typical periods would mix stages.
    InfeasibleError
        When a stage cannot meet its load with what can be in service by then.
    """
    say = progress or (lambda _msg: None)
    _roadmap_of(scenario)
    sites = [_site_roadmap(scenario, i, say) for i in range(len(scenario.sites))]
    return RoadmapSummary(scenario=scenario.name, sites=sites)
