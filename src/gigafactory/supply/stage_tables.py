"""A solved build-out read back per stage: in service, built, retired, energy and cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from gigafactory.supply.extract import capacity_of
from gigafactory.supply.inputs import per_hour
from gigafactory.supply.roadmap import VintagePlan
from gigafactory.supply.terms import online_matrix, stage_matrix

__all__ = ["StageTable", "stage_tables"]


@dataclass(frozen=True)
class StageTable:
    """One stage of a solved build-out, per technology and in total.

    Attributes
    ----------
    year : int
        Calendar year of the stage.
    weight_years : float
        Discounted years it stands for [yr].
    capacity_mw, built_mw, retired_mw : dict
        Per technology: in service, entering service in this stage, leaving service
        since the previous stage [MW].
    energy_mwh : dict
        Per technology: annual output; ``grid`` the imports [MWh/yr].
    capex_usd : float
        Overnight capex of what enters service in this stage [USD].
    fixed_cost_usd : float
        Annuities, fixed O&M and contract payments of what is in service [USD/yr].
    om_usd : float
        The fixed O&M and contract payments in it [USD/yr].
    operating_cost_usd : float
        Fuel, variable O&M, carbon, grid energy less exports, unserved energy and demand
        charges [USD/yr].
    load_mwh, peak_load_mw, unserved_mwh, emissions_tco2e, cfe_share : float
        Facility energy [MWh/yr], its peak [MW], energy not served [MWh/yr], emissions
        [tCO2e/yr] and hourly-matched carbon-free share [-].
    """

    year: int
    weight_years: float
    capacity_mw: dict[str, float]
    built_mw: dict[str, float]
    retired_mw: dict[str, float]
    energy_mwh: dict[str, float]
    capex_usd: float
    fixed_cost_usd: float
    operating_cost_usd: float
    om_usd: float
    load_mwh: float
    peak_load_mw: float
    unserved_mwh: float
    emissions_tco2e: float
    cfe_share: float

    @property
    def annual_cost_usd(self) -> float:
        """Fixed plus operating cost of the stage's year [USD/yr]."""
        return self.fixed_cost_usd + self.operating_cost_usd


def stage_tables(ds: xr.Dataset, plan: VintagePlan) -> list[StageTable]:
    """Read a solved build-out back per stage.

    Parameters
    ----------
    ds : xarray.Dataset
        The solution of the plan's LP on its own hours (:func:`gigafactory.supply.extract`).
    plan : VintagePlan
        What was solved.

    Returns
    -------
    list of StageTable
        In stage order; the present value of the annual costs is the LP's objective.
    """
    site = plan.site
    assert site.stages is not None
    techs = {t.name: t for t in site.techs}
    capacity = capacity_of(ds)
    if site.techs:
        online = online_matrix(site, list(site.techs))
        share = stage_matrix(site, online, "mean")
        present = stage_matrix(site, online, "max") > 0
    dispatch = ds["dispatch_mw"].to_numpy()
    tech_names = [str(t) for t in ds["dispatch_mw"].technology.values]
    grid_import = ds["grid_import_mw"].to_numpy()
    grid_export = ds["grid_export_mw"].to_numpy()
    unserved = ds["unserved_mw"].to_numpy()
    load = ds["load_mw"].to_numpy()
    price = per_hour(site.grid_price, len(site.time)) + site.carbon_price * per_hour(
        site.grid_carbon, len(site.time)
    )
    operating_hourly = price * grid_import - per_hour(site.grid_export_price, len(site.time)) * (
        grid_export
    )
    emissions_hourly = per_hour(site.grid_carbon, len(site.time)) * grid_import
    emitting_hourly = (1.0 - per_hour(site.grid_cfe_share, len(site.time))) * grid_import
    emitting_hourly = emitting_hourly + unserved
    if site.value_of_lost_load is not None:
        operating_hourly = operating_hourly + site.value_of_lost_load * unserved
    for i, name in enumerate(tech_names):
        tech = techs[name]
        if tech.kind == "thermal":
            cost = tech.marginal_cost + site.carbon_price * tech.co2
            operating_hourly = operating_hourly + cost * dispatch[i]
            emissions_hourly = emissions_hourly + tech.co2 * dispatch[i]
        if not tech.clean and tech.kind != "storage":
            emitting_hourly = emitting_hourly + dispatch[i]
    peaks = ds.attrs.get("demand_peaks_mw", {})
    charges = np.zeros(site.stages.count)
    for charge in site.demand_charges:
        stage = int(site.stages.of_hour[np.asarray(charge.period) >= 0][0])
        weight = site.stages.weight_years[stage]
        charges[stage] += sum(peaks.get(charge.name, [])) * charge.usd_per_mw / weight
    coincident = per_hour(site.grid_coincident_usd_per_mw, len(site.time))
    flow = grid_import.copy()  # through the feed: imports and off-site contract energy
    for i, name in enumerate(tech_names):
        if techs[name].off_site:
            flow = flow + dispatch[i]
    per_stage_op = site.per_stage(operating_hourly)
    per_stage_em = site.per_stage(emissions_hourly)
    per_stage_emitting = site.per_stage(emitting_hourly)
    per_stage_load = site.per_stage(load)
    per_stage_unserved = site.per_stage(unserved)
    energy = {name: site.per_stage(dispatch[i]) for i, name in enumerate(tech_names)}
    grid_energy = site.per_stage(grid_import)
    of_hour = np.asarray(site.stages.of_hour)
    out: list[StageTable] = []
    previous: dict[str, float] = {}
    for s, year in enumerate(plan.years):
        weight = float(site.stages.weight_years[s])
        coincident_usd = float((coincident * flow)[of_hour == s].sum())
        in_service: dict[str, float] = {}
        built: dict[str, float] = {}
        energy_s: dict[str, float] = {}
        capex = fixed = om = 0.0
        for vintage in plan.vintages:
            mw = capacity.get(vintage.name, 0.0)
            of = vintage.technology
            energy_s[of] = energy_s.get(of, 0.0) + float(energy[vintage.name][s])
            if bool(present.sel(technology=vintage.name).isel(stage=s)):
                in_service[of] = in_service.get(of, 0.0) + mw
                served = mw * float(share.sel(technology=vintage.name).isel(stage=s))
                fixed += served * vintage.fixed_usd_per_mw_year
                om += served * vintage.om_usd_per_mw_year
            if vintage.build_year == year:
                built[of] = built.get(of, 0.0) + mw
                capex += mw * vintage.capex_usd_per_mw
        retired = {
            tech: previous[tech] - in_service.get(tech, 0.0) + built.get(tech, 0.0)
            for tech in previous
            if previous[tech] - in_service.get(tech, 0.0) + built.get(tech, 0.0) > 1e-6
        }
        if site.grid_import_cap_mw > 0:
            energy_s["grid"] = float(grid_energy[s])
        served = float(per_stage_load[s])
        out.append(
            StageTable(
                year=year,
                weight_years=weight,
                capacity_mw=in_service,
                built_mw=built,
                retired_mw=retired,
                energy_mwh=energy_s,
                capex_usd=capex,
                fixed_cost_usd=fixed,
                om_usd=om,
                operating_cost_usd=float(per_stage_op[s]) + charges[s] + coincident_usd / weight,
                load_mwh=served,
                peak_load_mw=float(load[of_hour == s].max()),
                unserved_mwh=float(per_stage_unserved[s]),
                emissions_tco2e=float(per_stage_em[s]),
                cfe_share=min(max(1.0 - float(per_stage_emitting[s]) / served, 0.0), 1.0)
                if served > 0
                else 0.0,
            )
        )
        previous = in_service
    return out
