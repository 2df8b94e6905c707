"""Solved sites -> the typed summary: energy, emissions, water, cost, compute, series.

Cost formulas live in :mod:`gigafactory.economics`; this module gathers their inputs from a
prepared site and its solution and fills :mod:`gigafactory.summary`'s models.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory import compute, economics, facility
from gigafactory.pipeline.explain import marginal_summary
from gigafactory.pipeline.firm_summary import (
    contract_summaries,
    demand_charges_usd,
    grid_charges_usd,
    reliability_summary,
    site_warnings,
)
from gigafactory.pipeline.prepare import PreparedSite
from gigafactory.summary import (
    CostBreakdown,
    FleetSummary,
    Flexibility,
    InferenceService,
    InferenceTotals,
    OwnershipCost,
    SiteCompute,
    SiteSummary,
    SizedSite,
    Summary,
    TrainingRun,
    TrainingTotals,
)
from gigafactory.supply import SOLUTION_ZERO_MW, annual_matching, cfe_share
from gigafactory.units import DAYS_PER_YEAR, MINUTES_PER_HOUR, MS_PER_S, SECONDS_PER_DAY, W_PER_MW

__all__ = [
    "aggregate",
    "aggregate_compute",
    "compute_summary",
    "flexibility",
    "series",
    "served_it_mw",
    "site_summary",
    "size_site",
]


def served_it_mw(prep: PreparedSite, ds: xr.Dataset) -> np.ndarray:
    """IT load as served: firm plus flexible training as the LP scheduled it [MW]."""
    if "flexible_it_mw" in ds:
        return np.asarray(prep.it_mw + ds["flexible_it_mw"].to_numpy())
    return prep.it_mw


def _water(prep: PreparedSite, ds: xr.Dataset) -> np.ndarray:
    wx = prep.weather
    return facility.water_use(
        served_it_mw(prep, ds),
        wx["temp_air"].to_numpy(),
        wx["temp_wet_bulb"].to_numpy(),
        prep.spec.cooling.value,
    )


def site_summary(prep: PreparedSite, ds: xr.Dataset) -> SiteSummary:
    """Energy, emissions, water and cost of one solved site."""
    supply = prep.supply
    techs = {t.name: t for t in supply.techs}
    dispatch = ds["dispatch_mw"]
    capacity = {
        str(k): float(v)
        for k, v in zip(ds["technology"].values, ds["capacity_mw"].values, strict=True)
    }
    energy = {str(k): float(dispatch.sel(technology=k).sum()) for k in ds["technology"].values}
    by_source = dict(energy)
    if supply.grid_import_cap_mw > 0:
        by_source["grid"] = float(ds["grid_import_mw"].sum())
    unserved = float(ds["unserved_mw"].sum())
    costs = economics.site_costs(
        prep.costs,
        capacity,
        {name: techs[name].existing_mw for name in prep.costs},
        energy,
        grid_import_mw=ds["grid_import_mw"],
        grid_price=supply.hourly(supply.grid_price),
        grid_export_mw=ds["grid_export_mw"],
        grid_export_price=supply.hourly(supply.grid_export_price),
        grid_carbon=supply.hourly(supply.grid_carbon),
        carbon_price=supply.carbon_price,
        demand_charges_usd=demand_charges_usd(prep, ds),
        fixed_charges_usd=prep.grid.fixed_usd_per_year,
        unserved_mwh=unserved,
        value_of_lost_load=supply.value_of_lost_load or 0.0,
    )
    total = costs.total
    load = float(ds["load_mw"].sum())
    it_energy = float(served_it_mw(prep, ds).sum())
    water = _water(prep, ds)
    storage_mwh = {}
    if "storage_energy_mwh" in ds:
        storage_mwh = {
            str(k): float(v)
            for k, v in zip(ds["storage"].values, ds["storage_energy_mwh"].values, strict=True)
        }
    site = SiteSummary(
        site=prep.spec.id,
        latitude=prep.latitude,
        longitude=prep.longitude,
        it_energy_mwh=it_energy,
        facility_energy_mwh=load,
        pue_annual=load / it_energy if it_energy > 0 else float("nan"),
        capacity_mw=capacity,
        storage_mwh=storage_mwh,
        energy_by_source_mwh=by_source,
        grid_export_mwh=float(ds["grid_export_mw"].sum()),
        cfe_share=cfe_share(ds, supply),
        emissions_tco2e=costs.emissions_tco2e,
        nox_t=costs.nox_t,
        water_m3=float(water.sum()),
        wue_l_per_kwh=float(water.sum()) / it_energy if it_energy > 0 else 0.0,
        unserved_mwh=unserved,
        curtailed_mwh=float(ds["curtailed_mw"].sum()),
        peak_grid_import_mw=float(ds["grid_import_mw"].max()),
        cost_breakdown_usd=CostBreakdown(
            capex_annualised=costs.capex_annualised,
            fixed_om=costs.fixed_om,
            ppa=costs.ppa,
            fuel=costs.fuel,
            variable_om=costs.variable_om,
            grid_energy=costs.grid_energy,
            export_revenue=-costs.export_revenue,
            carbon=costs.carbon,
            demand_charges=costs.demand_charges,
            fixed_charges=costs.fixed_charges,
            unserved=costs.unserved,
        ),
        cost_by_technology_usd=costs.by_technology,
        total_annual_cost_usd=total,
        lcoe_usd_per_mwh=economics.levelised(total, load - unserved),
        solve_seconds=float(ds.attrs["solve_seconds"]),
        cfe_annual_matching=annual_matching(ds, supply),
        unserved_hours=int((ds["unserved_mw"] > SOLUTION_ZERO_MW).sum()),
        peak_load_mw=float(ds["load_mw"].max()),
        grid_import_cap_mw=supply.grid_import_cap_mw,
        tariff=prep.grid.tariff,
        demand_peaks_mw=dict(ds.attrs.get("demand_peaks_mw", {})),
        reliability=reliability_summary(supply, capacity),
        contracts=contract_summaries(prep, ds, capacity, costs.by_technology),
    )
    site.marginals = marginal_summary(prep, ds, capacity)
    site.warnings = site_warnings(prep, site)
    return site


def flexibility(flexible: SiteSummary, rigid: SiteSummary) -> Flexibility:
    """What letting training slow down is worth: the same site solved both ways."""
    saved = rigid.total_annual_cost_usd - flexible.total_annual_cost_usd
    return Flexibility(
        total_annual_cost_usd_flexible=flexible.total_annual_cost_usd,
        total_annual_cost_usd_rigid=rigid.total_annual_cost_usd,
        savings_usd=saved,
        savings_share=saved / rigid.total_annual_cost_usd if rigid.total_annual_cost_usd else 0.0,
        capacity_mw_rigid=rigid.capacity_mw,
        peak_grid_import_mw_rigid=rigid.peak_grid_import_mw,
        emissions_tco2e_rigid=rigid.emissions_tco2e,
        unserved_mwh_rigid=rigid.unserved_mwh,
    )


def compute_summary(
    prep: PreparedSite,
    energy_supply_usd: float,
    pue_annual: float,
    carbon_t_per_mwh: float,
    wacc: float,
) -> SiteCompute:
    """Fleet, training runs, inference services and compute economics of one site.

    Parameters
    ----------
    prep : PreparedSite
        A site with compute.
    energy_supply_usd : float
        Annual cost of the site's energy supply [USD/yr].
    pue_annual : float
        Annual PUE [-].
    carbon_t_per_mwh : float
        Emissions per MWh of facility energy [tCO2e/MWh].
    wacc : float
        Real discount rate [-].
    """
    plan = prep.compute
    assert plan is not None
    spec = prep.spec.compute
    assert spec is not None
    n_total = sum(plan.accelerators.values())
    hardware = sum(
        economics.annualised_capex(
            compute.hardware_capex(plan.hardware[name], n),
            wacc,
            plan.hardware[name].params["life_years"],
        )
        for name, n in plan.accelerators.items()
    )
    peak_it = float(np.max(prep.supply.max_load_mw / prep.pue))
    facility_capex = economics.facility_cost(
        spec.facility_capex_usd_per_mw, plan.nameplate_it_mw, wacc
    )
    tco = hardware + facility_capex + energy_supply_usd
    per_hour = economics.usd_per_accelerator_hour(tco, n_total)
    runs = []
    boundary = spec.boundary.value
    for t, r in plan.training:
        power_w = compute.training_it_power_w(t.accelerator, r) / r.accelerators
        energy = compute.boundary_energy_mwh(
            boundary,
            r.accelerator_hours,
            t.accelerator.params["tdp_w"],
            r.accelerator_hours * power_w / W_PER_MW,
            pue_annual,
        )
        runs.append(
            TrainingRun(
                name=t.name,
                accelerator=r.accelerator,
                accelerators=r.accelerators,
                flops=r.flops,
                days=r.days,
                accelerator_hours=r.accelerator_hours,
                goodput=r.goodput,
                interruptions=r.interruptions,
                checkpoint_interval_min=r.checkpoint_interval_s / MINUTES_PER_HOUR,
                boundary=boundary,
                energy_mwh=energy,
                emissions_tco2e=energy * carbon_t_per_mwh,
                cost_usd=r.accelerator_hours * per_hour,
            )
        )
    services = []
    for served in plan.inference:
        s, perf, count = served.job, served.performance, served.accelerators
        tokens_year = s.tokens_per_day * DAYS_PER_YEAR
        energy = compute.boundary_energy_mwh(  # MWh per year
            boundary,
            count * len(served.it_mw),
            s.accelerator.params["tdp_w"],
            float(served.it_mw.sum()),
            pue_annual,
        )
        queries = tokens_year / s.model.output_tokens
        services.append(
            InferenceService(
                name=s.name,
                accelerator=s.accelerator.name,
                accelerators=count,
                tokens_per_s=s.tokens_per_day / SECONDS_PER_DAY,
                tokens_per_s_per_accelerator=perf.tokens_per_s,
                tpot_ms=perf.tpot_s * MS_PER_S,
                ttft_ms=perf.ttft_s * MS_PER_S,
                tpot_met=s.tpot_target_s is None or perf.tpot_s <= s.tpot_target_s,
                ttft_met=s.ttft_target_s is None or perf.ttft_s <= s.ttft_target_s,
                boundary=boundary,
                wh_per_query=energy * W_PER_MW / queries,
                energy_mwh=energy,
                emissions_tco2e=energy * carbon_t_per_mwh,
                usd_per_million_tokens=economics.usd_per_million_tokens(
                    count, per_hour, tokens_year
                ),
            )
        )
    rent = spec.rent_usd_per_accelerator_hour
    return SiteCompute(
        accelerators=plan.accelerators,
        it_capacity_mw=plan.nameplate_it_mw,
        peak_it_mw=peak_it,
        training=_training_totals(runs),
        training_runs=runs,
        inference=_inference_totals(services),
        inference_services=services,
        usd_per_accelerator_hour=per_hour,
        total_cost_of_ownership_usd=tco,
        cost_of_ownership_usd=OwnershipCost(
            accelerators_servers_network=hardware,
            facility=facility_capex,
            energy_supply=energy_supply_usd,
        ),
        rent_usd_per_accelerator_hour=rent,
        breakeven_utilisation_vs_rent=per_hour / rent,
    )


def _training_totals(runs: list[TrainingRun]) -> TrainingTotals | None:
    if not runs:
        return None
    hours = float(sum(r.accelerator_hours for r in runs))
    return TrainingTotals(
        flops=float(sum(r.flops for r in runs)),
        accelerator_hours=hours,
        interruptions=float(sum(r.interruptions for r in runs)),
        energy_mwh=float(sum(r.energy_mwh for r in runs)),
        emissions_tco2e=float(sum(r.emissions_tco2e for r in runs)),
        cost_usd=float(sum(r.cost_usd for r in runs)),
        days=max(r.days for r in runs),
        goodput=sum(r.goodput * r.accelerator_hours for r in runs) / hours,
    )


def _inference_totals(services: list[InferenceService]) -> InferenceTotals | None:
    if not services:
        return None
    tokens = sum(s.tokens_per_s for s in services)
    queries = sum(s.energy_mwh * W_PER_MW / s.wh_per_query for s in services)
    cost = sum(s.usd_per_million_tokens * s.tokens_per_s for s in services)
    return InferenceTotals(
        tokens_per_s=tokens,
        wh_per_query=sum(s.energy_mwh for s in services) * W_PER_MW / queries,
        usd_per_million_tokens=cost / tokens,
    )


def aggregate_compute(computes: list[SiteCompute]) -> FleetSummary:
    """The campus-wide compute section: fleets merged, runs and services listed."""
    accelerators: dict[str, int] = {}
    for c in computes:
        for name, count in c.accelerators.items():
            accelerators[name] = accelerators.get(name, 0) + count
    runs = [run for c in computes for run in c.training_runs]
    services = [svc for c in computes for svc in c.inference_services]
    tco = sum(c.total_cost_of_ownership_usd for c in computes)
    return FleetSummary(
        accelerators=accelerators,
        it_capacity_mw=sum(c.it_capacity_mw for c in computes),
        training=_training_totals(runs),
        training_runs=runs,
        inference=_inference_totals(services),
        inference_services=services,
        usd_per_accelerator_hour=economics.usd_per_accelerator_hour(
            tco, sum(accelerators.values())
        ),
        total_cost_of_ownership_usd=tco,
    )


def _merge(parts: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in parts:
        for k, v in part.items():
            out[k] = out.get(k, 0.0) + v
    return out


def aggregate(scenario_name: str, sites: list[SiteSummary]) -> Summary:
    """The campus-wide summary: energy and cost added up, shares weighted by energy."""

    def add(key: str) -> float:
        return float(sum(getattr(s, key) for s in sites))

    it, fac = add("it_energy_mwh"), add("facility_energy_mwh")
    total = add("total_annual_cost_usd")
    unserved = add("unserved_mwh")
    cfe_weighted = sum(s.cfe_share * s.facility_energy_mwh for s in sites)
    breakdown = _merge([s.cost_breakdown_usd.to_dict() for s in sites])
    return Summary(
        scenario=scenario_name,
        it_energy_mwh=it,
        facility_energy_mwh=fac,
        pue_annual=fac / it if it > 0 else float("nan"),
        capacity_mw=_merge([s.capacity_mw for s in sites]),
        storage_mwh=_merge([s.storage_mwh for s in sites]),
        energy_by_source_mwh=_merge([s.energy_by_source_mwh for s in sites]),
        cfe_share=cfe_weighted / fac if fac > 0 else 0.0,
        emissions_tco2e=add("emissions_tco2e"),
        nox_t=add("nox_t"),
        total_annual_cost_usd=total,
        cost_breakdown_usd=CostBreakdown(**breakdown),
        lcoe_usd_per_mwh=economics.levelised(total, fac - unserved),
        unserved_mwh=unserved,
        curtailed_mwh=add("curtailed_mwh"),
        water_m3=add("water_m3"),
        wue_l_per_kwh=add("water_m3") / it if it > 0 else 0.0,
        solve_seconds=add("solve_seconds"),
        sites=sites,
        cfe_annual_matching=sum(s.cfe_annual_matching * s.facility_energy_mwh for s in sites) / fac
        if fac > 0
        else 0.0,
        unserved_hours=int(sum(s.unserved_hours for s in sites)),
        design_power_mw=float(
            sum(s.reliability.design_power_mw for s in sites if s.reliability is not None)
        ),
        warnings=[w for s in sites for w in s.warnings],
    )


def series(prep: PreparedSite, ds: xr.Dataset) -> xr.Dataset:
    """A solved site's hourly series with the inputs that explain them, units in attrs."""
    out = ds.copy()
    extra = {
        "it_mw": (served_it_mw(prep, ds), "MW"),
        "pue": (prep.pue, "1"),
        "water_m3": (_water(prep, ds), "m3"),
        "temp_air": (prep.weather["temp_air"].to_numpy(), "degC"),
        "ghi": (prep.weather["ghi"].to_numpy(), "W/m2"),
        "grid_price_usd_per_mwh": (
            np.asarray(prep.supply.hourly(prep.supply.grid_price)),
            "USD/MWh",
        ),
        "grid_cfe_share": (np.asarray(prep.supply.hourly(prep.supply.grid_cfe_share)), "1"),
    }
    # all at once, as (dims, values, attrs) on the solution's own hours: one merge, not one
    # alignment per series
    added: dict[str, Any] = {
        name: ("time", np.asarray(values), {"units": unit})
        for name, (values, unit) in extra.items()
    }
    if prep.capacity_factors:
        names = list(prep.capacity_factors)
        added["capacity_factor"] = (
            ("variable_technology", "time"),
            np.stack([prep.capacity_factors[n] for n in names]),
            {"units": "1"},
        )
        out = out.assign_coords(variable_technology=names)
    out = out.assign(added)
    out.attrs = {}
    # NetCDF has no time zones: store naive UTC and say so.
    # (from the index: its values as an array would be 8,760 Timestamp objects, 15 ms)
    out = out.assign_coords(time=pd.DatetimeIndex(out.indexes["time"]).tz_localize(None))
    out["time"].attrs["timezone"] = "UTC"
    return out


def size_site(prep: PreparedSite, wacc: float) -> SizedSite:
    """A prepared site sized without the supply LP: all from the grid, at its full tariff.

    Energy at the hourly price, demand and coincident-peak charges on the facility load, and
    fixed charges; emissions at the grid's hourly intensity.
    """
    supply = prep.supply
    it = prep.it_mw if supply.flexible_it_mw is None else prep.it_mw + supply.flexible_it_mw
    facility_mw = it * prep.pue
    price = supply.hourly(supply.grid_price).to_numpy()
    carbon = supply.hourly(supply.grid_carbon).to_numpy()
    facility_mwh = float(facility_mw.sum())
    emissions = float((facility_mw * carbon).sum())
    site = SizedSite(
        it_energy_mwh=float(it.sum()),
        facility_energy_mwh=facility_mwh,
        pue_annual=float(facility_mw.sum() / it.sum()) if it.sum() > 0 else float("nan"),
        peak_facility_mw=float(facility_mw.max()),
        total_annual_cost_usd=float((facility_mw * price).sum())
        + grid_charges_usd(supply, facility_mw)
        + prep.grid.fixed_usd_per_year,
        emissions_tco2e=emissions,
    )
    if prep.compute is not None:
        site.compute = compute_summary(
            prep,
            site.total_annual_cost_usd,
            site.pue_annual,
            emissions / facility_mwh if facility_mwh else 0.0,
            wacc,
        )
    return site
