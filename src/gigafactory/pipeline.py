"""The one place that chains the steps: scenario -> series -> facility -> supply -> economics.

``run(scenario)`` returns :class:`~gigafactory.results.Results`. Nothing else in the package
calls more than one model module.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory import (
    catalog,
    compute,
    dispatch,
    economics,
    facility,
    iotools,
    latency,
    orbital,
    placement,
    solar,
    weather,
    wind,
)
from gigafactory import grid as gridshape
from gigafactory.errors import ScenarioError
from gigafactory.results import Results, run_info
from gigafactory.scenario import GridShapeName, Mode, Scenario, SiteSpec
from gigafactory.supply import SiteSupply, SupplyTech, cfe_share, optimise
from gigafactory.units import HOURS_PER_YEAR, MWH_PER_MMBTU

__all__ = [
    "COMPARE_COLUMNS",
    "PreparedSite",
    "compare",
    "faults",
    "orbit",
    "place",
    "prepare_site",
    "run",
    "size",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

WIND_CURVES = {"wind_onshore": "nrel_atb2020_7mw_200", "wind_offshore": "iea_15mw_240"}
"""Power curve used by each wind technology (see ``data/power_curves.csv``)."""


@dataclass(frozen=True)
class PreparedSite:
    """Everything computed for one site before the LP."""

    spec: SiteSpec
    latitude: float
    longitude: float
    weather: pd.DataFrame
    capacity_factors: dict[str, np.ndarray]
    it_mw: np.ndarray
    pue: np.ndarray
    water_m3: np.ndarray
    supply: SiteSupply
    costs: dict[str, dict[str, float]]
    compute: compute.ComputePlan | None = None


def _site_seed(scenario: Scenario, index: int) -> np.random.Generator:
    # One independent, reproducible stream per site.
    return np.random.default_rng([scenario.seed, index])


def _site_location(spec: SiteSpec) -> tuple[float, float, float, catalog.Site | None]:
    entry = catalog.get_site(spec.catalog) if spec.catalog else None
    lat = spec.latitude if spec.latitude is not None else entry.latitude  # type: ignore[union-attr]
    lon = spec.longitude if spec.longitude is not None else entry.longitude  # type: ignore[union-attr]
    elevation = entry.params["elevation_m"] if entry else 0.0
    return float(lat), float(lon), float(elevation), entry


def _weather(
    spec: SiteSpec,
    where: str,
    index: pd.DatetimeIndex,
    lat: float,
    lon: float,
    elevation: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    if spec.series.weather_file is not None:
        data, _ = iotools.read_weather_file(spec.series.weather_file)
        return weather.from_observations(data, index, lat, lon, elevation)
    if spec.catalog is None:
        msg = (
            f"{where}.series.weather_file: required for a site without a catalog entry "
            "(no climate normals)"
        )
        raise ScenarioError(msg)
    normals = catalog.site_climate(spec.catalog)
    return weather.synthesise_weather(index, lat, lon, elevation, normals, rng)


def _capacity_factors(
    spec: SiteSpec,
    where: str,
    wx: pd.DataFrame,
    lat: float,
    entry: catalog.Site | None,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    techs = catalog.technologies()
    variable = [name for name in spec.technologies if techs[name].kind == "variable"]
    given: dict[str, np.ndarray] = {}
    if spec.series.capacity_factors_csv is not None and variable:
        frame, meta = iotools.read_hourly_csv(spec.series.capacity_factors_csv, [], bounds=None)
        present = [name for name in variable if name in meta["columns"]]
        frame, _ = iotools.read_hourly_csv(
            spec.series.capacity_factors_csv, present, bounds=dict.fromkeys(present, (0.0, 1.0))
        )
        given = {name: frame[name].to_numpy() for name in present}
    out: dict[str, np.ndarray] = {}
    for name in variable:
        if name in given:
            out[name] = given[name]
            continue
        tech = techs[name]
        if name.startswith("solar"):
            out[name] = solar.pv_capacity_factor(
                wx,
                lat,
                tracking=name == "solar_tracking",
                system_loss=tech.params["system_loss"],
                gamma_pdc=tech.params["gamma_pdc_per_degc"],
                dc_ac_ratio=tech.params["dc_ac_ratio"],
            )
        elif name in WIND_CURVES:
            key = "wind_speed_offshore_m_s" if name == "wind_offshore" else "wind_speed_onshore_m_s"
            if entry is None or entry.params.get(key, 0.0) <= 0:
                msg = (
                    f"{where}.technologies.{name}: the site has no "
                    f"{name.removeprefix('wind_')} wind "
                    "resource in the catalog; give series.capacity_factors_csv with a "
                    f"'{name}' column"
                )
                raise ScenarioError(msg)
            speed = wind.synthesise_wind_speed(
                len(wx), entry.params[key], rng, k=entry.params["weibull_k"]
            )
            curve_speed, curve_power = catalog.power_curve(WIND_CURVES[name])
            out[name] = wind.power_curve_output(
                speed, curve_speed, curve_power, losses=tech.params["losses"]
            )
        else:  # pragma: no cover - every variable technology is handled above
            msg = f"{where}.technologies.{name}: no capacity-factor model"
            raise ScenarioError(msg)
    return out


def _it_load(spec: SiteSpec, n_hours: int) -> np.ndarray:
    if spec.load is None:
        return np.zeros(n_hours)
    if spec.load.profile_csv is not None:
        data, _ = iotools.read_hourly_csv(
            spec.load.profile_csv, ["it_mw"], n_hours=n_hours, bounds={"it_mw": (0, 1e6)}
        )
        return data["it_mw"].to_numpy()
    assert spec.load.it_mw is not None
    return np.full(n_hours, float(spec.load.it_mw))


def _grid_series(
    spec: SiteSpec,
    entry: catalog.Site | None,
    index: pd.DatetimeIndex,
    longitude: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    grid = spec.grid
    n_hours = len(index)
    typical = grid.shape == GridShapeName.typical
    if grid.price_csv is not None:
        price = iotools.read_hourly_csv(
            grid.price_csv,
            ["price_usd_per_mwh"],
            n_hours=n_hours,
            bounds={"price_usd_per_mwh": (-1e4, 1e5)},
        )[0]["price_usd_per_mwh"].to_numpy()
    else:
        mean = (
            grid.price_usd_per_mwh
            if grid.price_usd_per_mwh is not None
            else (entry.params["grid_price_usd_per_mwh"] if entry else 0.0)
        )
        price = (
            gridshape.shaped_series(index, mean, longitude, gridshape.PRICE_SHAPE, rng)
            if typical
            else np.full(n_hours, mean)
        )
    if grid.carbon_csv is not None:
        carbon = (
            iotools.read_hourly_csv(
                grid.carbon_csv,
                ["carbon_kg_per_mwh"],
                n_hours=n_hours,
                bounds={"carbon_kg_per_mwh": (0, 2000)},
            )[0]["carbon_kg_per_mwh"].to_numpy()
            / 1e3
        )
    else:
        mean = (
            grid.carbon_kg_per_mwh / 1e3
            if grid.carbon_kg_per_mwh is not None
            else (entry.params["grid_carbon_t_per_mwh"] if entry else 0.0)
        )
        carbon = (
            gridshape.shaped_series(index, mean, longitude, gridshape.CARBON_SHAPE, rng)
            if typical
            else np.full(n_hours, mean)
        )
    return price, carbon


def _tech_costs(
    scenario: Scenario, spec: SiteSpec, entry: catalog.Site | None
) -> dict[str, dict[str, float]]:
    """Per-technology cost and emission parameters in model units."""
    wacc = scenario.finance.wacc
    gas_price = (
        spec.gas_price_usd_per_mmbtu / MWH_PER_MMBTU
        if spec.gas_price_usd_per_mmbtu is not None
        else (entry.params["gas_price_usd_per_mwh_th"] if entry else float("nan"))
    )
    out: dict[str, dict[str, float]] = {}
    for name, options in spec.technologies.items():
        tech = catalog.get_technology(name)
        p = dict(tech.params)
        if options.capex_usd_per_kw is not None:
            p["capex_usd_per_mw"] = options.capex_usd_per_kw * 1e3
        if options.capex_usd_per_kwh is not None:
            p["capex_energy_usd_per_mwh"] = options.capex_usd_per_kwh * 1e3
        if options.lifetime_years is not None:
            p["lifetime_years"] = options.lifetime_years
        capex = p.get("capex_usd_per_mw", 0.0) + p.get("duration_h", 0.0) * p.get(
            "capex_energy_usd_per_mwh", 0.0
        )
        if options.fom_usd_per_kw_year is not None:
            p["fom_usd_per_mw_year"] = options.fom_usd_per_kw_year * 1e3
        elif "fom_fraction_of_capex" in p:
            p["fom_usd_per_mw_year"] = p["fom_fraction_of_capex"] * capex
        annuity = economics.annualised_capex(capex, wacc, p["lifetime_years"]) if capex > 0 else 0.0
        cost = {
            "capex_usd_per_mw": capex,
            "annuity_usd_per_mw_year": annuity,
            "fom_usd_per_mw_year": p.get("fom_usd_per_mw_year", 0.0),
            "vom_usd_per_mwh": p.get("vom_usd_per_mwh", 0.0),
            "fuel_usd_per_mwh": 0.0,
            "co2_t_per_mwh": 0.0,
            "nox_kg_per_mwh": 0.0,
            "ppa_usd_per_mw_year": 0.0,
        }
        if tech.kind == "thermal":
            if not np.isfinite(gas_price):
                msg = (
                    f"site '{spec.id}': gas_price_usd_per_mmbtu is required for gas at a site "
                    "without a catalog entry"
                )
                raise ScenarioError(msg)
            eff = p["efficiency"]
            cost["fuel_usd_per_mwh"] = gas_price / eff
            cost["co2_t_per_mwh"] = p["co2_t_per_mwh_th"] / eff
            cost["nox_kg_per_mwh"] = p.get("nox_kg_per_mwh_th", 0.0) / eff
        if tech.kind == "contract":
            # Take-or-pay: the full contracted energy is paid whether used or spilled.
            cost["ppa_usd_per_mw_year"] = (
                p["ppa_price_usd_per_mwh"] * p["availability"] * HOURS_PER_YEAR
            )
        out[name] = cost
    return out


def prepare_site(scenario: Scenario, index: int) -> PreparedSite:
    """Compute weather, capacity factors, facility load and LP inputs of one site."""
    spec = scenario.sites[index]
    where = f"sites[{index}]"
    rng = _site_seed(scenario, index)
    time_index = weather.hourly_index(scenario.year)
    lat, lon, elevation, entry = _site_location(spec)
    wx = _weather(spec, where, time_index, lat, lon, elevation, rng)
    cfs = _capacity_factors(spec, where, wx, lat, entry, rng)
    it = _it_load(spec, len(time_index))
    plan = None
    if spec.compute is not None:
        # local solar hour is close enough for a diurnal demand shape
        hour_local = (np.asarray(time_index.hour) + lon / 15.0) % 24
        plan = compute.plan_compute(spec.compute, hour_local)
        it = it + plan.firm_it_mw
    temp, wet = wx["temp_air"].to_numpy(), wx["temp_wet_bulb"].to_numpy()
    pue = facility.pue(temp, wet, spec.cooling.value)
    flexible = plan.flexible_it_mw if plan is not None else None
    flex = plan.flexible if plan is not None else None
    if flexible is not None and flex is not None and flex.floor >= 1 and flex.ceiling <= 1:
        it, flexible = it + flexible, None  # no room to move: firm load
    water = facility.water_use(it, temp, wet, spec.cooling.value)
    facility_load = it * pue
    price, carbon = _grid_series(spec, entry, time_index, lon, rng)
    costs = _tech_costs(scenario, spec, entry)
    techs_catalog = catalog.technologies()
    dispatch_only = scenario.solver.mode == Mode.dispatch
    supply_techs = []
    for name, options in spec.technologies.items():
        tech = techs_catalog[name]
        cost = costs[name]
        max_mw = options.existing_mw if dispatch_only else options.max_mw
        common: dict[str, Any] = {
            "fixed_cost": cost["annuity_usd_per_mw_year"]
            + cost["fom_usd_per_mw_year"]
            + cost["ppa_usd_per_mw_year"],
            "existing_mw": options.existing_mw,
            "max_mw": max_mw,
        }
        if tech.kind == "variable":
            supply_techs.append(
                SupplyTech(name, "variable", availability=cfs[name], clean=True, **common)
            )
        elif tech.kind == "contract":
            supply_techs.append(
                SupplyTech(
                    name, "contract", availability=tech.params["availability"], clean=True, **common
                )
            )
        elif tech.kind == "thermal":
            supply_techs.append(
                SupplyTech(
                    name,
                    "thermal",
                    marginal_cost=cost["fuel_usd_per_mwh"] + cost["vom_usd_per_mwh"],
                    co2=cost["co2_t_per_mwh"],
                    **common,
                )
            )
        elif tech.kind == "storage":
            supply_techs.append(
                SupplyTech(
                    name,
                    "storage",
                    charge_efficiency=tech.params["charge_efficiency"],
                    discharge_efficiency=tech.params["discharge_efficiency"],
                    duration_h=tech.params["duration_h"],
                    **common,
                )
            )
    policy = scenario.policy
    co2_cap = policy.co2_cap_t
    if policy.co2_cap_t_per_mwh is not None:
        nominal = facility_load if flexible is None else facility_load + pue * flexible
        from_intensity = policy.co2_cap_t_per_mwh * float(nominal.sum())
        co2_cap = from_intensity if co2_cap is None else min(co2_cap, from_intensity)
    supply = SiteSupply(
        name=spec.id,
        time=time_index,
        load_mw=facility_load,
        techs=tuple(supply_techs),
        grid_import_cap_mw=spec.grid.import_cap_mw,
        grid_price=price,
        grid_carbon=carbon,
        grid_export_cap_mw=spec.grid.export_cap_mw,
        grid_export_price=price * spec.grid.export_price_fraction,
        grid_cfe_share=spec.grid.cfe_share,
        value_of_lost_load=scenario.solver.value_of_lost_load_usd_per_mwh,
        co2_cap_t=co2_cap,
        carbon_price=policy.carbon_price_usd_per_t,
        cfe_target=policy.cfe_target,
        flexible_it_mw=flexible,
        flexible_pue=pue,
        flexible_floor=flex.floor if flex else 1.0,
        flexible_ceiling=flex.ceiling if flex else 1.0,
        flexible_window_h=flex.window_hours if flex else 168,
    )
    return PreparedSite(spec, lat, lon, wx, cfs, it, pue, water, supply, costs, plan)


def _served_it(prep: PreparedSite, ds: xr.Dataset) -> np.ndarray:
    """IT load as served: firm plus flexible training as the LP scheduled it [MW]."""
    if "flexible_it_mw" in ds:
        return np.asarray(prep.it_mw + ds["flexible_it_mw"].to_numpy())
    return prep.it_mw


def _water(prep: PreparedSite, ds: xr.Dataset) -> np.ndarray:
    wx = prep.weather
    return facility.water_use(
        _served_it(prep, ds),
        wx["temp_air"].to_numpy(),
        wx["temp_wet_bulb"].to_numpy(),
        prep.spec.cooling.value,
    )


def _optimise(args: tuple[SiteSupply, str, float | None]) -> xr.Dataset:
    site, method, limit = args
    return optimise(site, method=method, time_limit_s=limit)


def _site_summary(prep: PreparedSite, ds: xr.Dataset) -> dict[str, Any]:
    """Energy, emissions, water and cost of one solved site."""
    supply = prep.supply
    techs = {t.name: t for t in supply.techs}
    dispatch = ds["dispatch_mw"]
    capacity = {
        str(k): float(v)
        for k, v in zip(ds["technology"].values, ds["capacity_mw"].values, strict=True)
    }
    energy = {str(k): float(dispatch.sel(technology=k).sum()) for k in ds["technology"].values}
    grid_import = float(ds["grid_import_mw"].sum())
    grid_export = float(ds["grid_export_mw"].sum())
    by_source = dict(energy)
    if supply.grid_import_cap_mw > 0:
        by_source["grid"] = grid_import
    fuel = vom = capex = fom = ppa = 0.0
    co2 = float((ds["grid_import_mw"] * supply.hourly(supply.grid_carbon)).sum())
    nox_kg = 0.0
    cost_by_tech: dict[str, float] = {}
    for name, cost in prep.costs.items():
        cap = capacity[name]
        new = max(cap - techs[name].existing_mw, 0.0)
        c_capex = cost["annuity_usd_per_mw_year"] * new
        c_fom = cost["fom_usd_per_mw_year"] * cap
        c_ppa = cost["ppa_usd_per_mw_year"] * cap
        c_fuel = cost["fuel_usd_per_mwh"] * energy[name]
        c_vom = cost["vom_usd_per_mwh"] * energy[name]
        capex, fom, ppa, fuel, vom = (
            capex + c_capex,
            fom + c_fom,
            ppa + c_ppa,
            fuel + c_fuel,
            vom + c_vom,
        )
        co2 += cost["co2_t_per_mwh"] * energy[name]
        nox_kg += cost["nox_kg_per_mwh"] * energy[name]
        cost_by_tech[name] = c_capex + c_fom + c_ppa + c_fuel + c_vom
    grid_cost = float((ds["grid_import_mw"] * supply.hourly(supply.grid_price)).sum())
    export_revenue = float((ds["grid_export_mw"] * supply.hourly(supply.grid_export_price)).sum())
    carbon_cost = supply.carbon_price * co2
    total = capex + fom + ppa + fuel + vom + grid_cost - export_revenue + carbon_cost
    load = float(ds["load_mw"].sum())
    unserved = float(ds["unserved_mw"].sum())
    served = load - unserved
    cfe = cfe_share(ds, supply)
    it_energy = float(_served_it(prep, ds).sum())
    water = _water(prep, ds)
    storage_mwh = {}
    if "storage_energy_mwh" in ds:
        storage_mwh = {
            str(k): float(v)
            for k, v in zip(ds["storage"].values, ds["storage_energy_mwh"].values, strict=True)
        }
    return {
        "site": prep.spec.id,
        "latitude": prep.latitude,
        "longitude": prep.longitude,
        "it_energy_mwh": it_energy,
        "facility_energy_mwh": load,
        "pue_annual": load / it_energy if it_energy > 0 else float("nan"),
        "capacity_mw": capacity,
        "storage_mwh": storage_mwh,
        "energy_by_source_mwh": by_source,
        "grid_export_mwh": grid_export,
        "cfe_share": cfe,
        "emissions_tco2e": co2,
        "nox_t": nox_kg / 1e3,
        "water_m3": float(water.sum()),
        "wue_l_per_kwh": float(water.sum()) / it_energy if it_energy > 0 else 0.0,
        "unserved_mwh": unserved,
        "curtailed_mwh": float(ds["curtailed_mw"].sum()),
        "peak_grid_import_mw": float(ds["grid_import_mw"].max()),
        "cost_breakdown_usd": {
            "capex_annualised": capex,
            "fixed_om": fom,
            "ppa": ppa,
            "fuel": fuel,
            "variable_om": vom,
            "grid_energy": grid_cost,
            "export_revenue": -export_revenue,
            "carbon": carbon_cost,
        },
        "cost_by_technology_usd": cost_by_tech,
        "total_annual_cost_usd": total,
        "lcoe_usd_per_mwh": economics.levelised(total, served),
        "solve_seconds": float(ds.attrs["solve_seconds"]),
    }


def _flexibility(flexible: dict[str, Any], rigid: dict[str, Any]) -> dict[str, Any]:
    """What letting training slow down is worth: the same site solved both ways."""
    saved = rigid["total_annual_cost_usd"] - flexible["total_annual_cost_usd"]
    return {
        "total_annual_cost_usd_flexible": flexible["total_annual_cost_usd"],
        "total_annual_cost_usd_rigid": rigid["total_annual_cost_usd"],
        "savings_usd": saved,
        "savings_share": saved / rigid["total_annual_cost_usd"]
        if rigid["total_annual_cost_usd"]
        else 0.0,
        "capacity_mw_rigid": rigid["capacity_mw"],
        "peak_grid_import_mw_rigid": rigid["peak_grid_import_mw"],
        "emissions_tco2e_rigid": rigid["emissions_tco2e"],
        "unserved_mwh_rigid": rigid["unserved_mwh"],
    }


def _compute_summary(prep: PreparedSite, site: dict[str, Any], wacc: float) -> dict[str, Any]:
    """Fleet, training runs, inference services and compute economics of one site."""
    plan = prep.compute
    assert plan is not None
    spec = prep.spec.compute
    assert spec is not None
    n_total = sum(plan.accelerators.values())
    hardware = sum(compute.ownership_cost(name, n, wacc) for name, n in plan.accelerators.items())
    peak_it = float(np.max(prep.supply.max_load_mw / prep.pue))
    facility_capex = (
        spec.facility_capex_usd_per_mw
        * plan.nameplate_it_mw  # the building is sized for every server at full power
        * economics.capital_recovery_factor(wacc, compute.FACILITY_LIFE_YEARS)
    )
    tco = hardware + facility_capex + site["total_annual_cost_usd"]
    per_hour = tco / (n_total * HOURS_PER_YEAR) if n_total else float("nan")
    pue = site["pue_annual"]
    intensity = (
        site["emissions_tco2e"] / site["facility_energy_mwh"]
        if site["facility_energy_mwh"]
        else 0.0
    )
    runs = []
    for t, r in plan.training:
        power_w = compute.training_it_power_w(t, r) / r.accelerators
        energy = r.accelerator_hours * power_w / 1e6 * pue
        runs.append(
            {
                "name": t.name,
                "accelerator": r.accelerator,
                "accelerators": r.accelerators,
                "flops": r.flops,
                "days": r.days,
                "accelerator_hours": r.accelerator_hours,
                "goodput": r.goodput,
                "interruptions": r.interruptions,
                "checkpoint_interval_min": r.checkpoint_interval_s / 60,
                "energy_mwh": energy,
                "emissions_tco2e": energy * intensity,
                "cost_usd": r.accelerator_hours * per_hour,
            }
        )
    services = []
    for s, perf, count, power_mw in plan.inference:
        tokens_year = s.tokens_per_day * 365
        energy = float(power_mw.sum()) * pue  # MWh per year
        queries = tokens_year / s.output_tokens
        services.append(
            {
                "name": s.name,
                "accelerator": s.accelerator,
                "accelerators": count,
                "tokens_per_s": s.tokens_per_day / 86_400,
                "tokens_per_s_per_accelerator": perf.tokens_per_s,
                "tpot_ms": perf.tpot_s * 1e3,
                "ttft_ms": perf.ttft_s * 1e3,
                "tpot_met": s.tpot_target_s is None or perf.tpot_s <= s.tpot_target_s,
                "ttft_met": s.ttft_target_s is None or perf.ttft_s <= s.ttft_target_s,
                "wh_per_query": energy * 1e6 / queries,
                "energy_mwh": energy,
                "usd_per_million_tokens": count * per_hour * HOURS_PER_YEAR / tokens_year * 1e6,
            }
        )
    rent = spec.rent_usd_per_accelerator_hour
    return {
        "accelerators": plan.accelerators,
        "it_capacity_mw": plan.nameplate_it_mw,
        "peak_it_mw": peak_it,
        "training": _training_totals(runs),
        "training_runs": runs,
        "inference": _inference_totals(services),
        "inference_services": services,
        "usd_per_accelerator_hour": per_hour,
        "total_cost_of_ownership_usd": tco,
        "cost_of_ownership_usd": {
            "accelerators_servers_network": hardware,
            "facility": facility_capex,
            "energy_supply": site["total_annual_cost_usd"],
        },
        "rent_usd_per_accelerator_hour": rent,
        "breakeven_utilisation_vs_rent": per_hour / rent,
    }


def _training_totals(runs: list[dict[str, Any]]) -> dict[str, Any]:
    if not runs:
        return {}
    total = {
        k: float(sum(r[k] for r in runs))
        for k in (
            "flops",
            "accelerator_hours",
            "interruptions",
            "energy_mwh",
            "emissions_tco2e",
            "cost_usd",
        )
    }
    total["days"] = max(r["days"] for r in runs)
    hours = total["accelerator_hours"]
    total["goodput"] = sum(r["goodput"] * r["accelerator_hours"] for r in runs) / hours
    return total


def _inference_totals(services: list[dict[str, Any]]) -> dict[str, Any]:
    if not services:
        return {}
    tokens = sum(s["tokens_per_s"] for s in services)
    queries = sum(s["energy_mwh"] * 1e6 / s["wh_per_query"] for s in services)
    cost = sum(s["usd_per_million_tokens"] * s["tokens_per_s"] for s in services)
    return {
        "tokens_per_s": tokens,
        "wh_per_query": sum(s["energy_mwh"] for s in services) * 1e6 / queries,
        "usd_per_million_tokens": cost / tokens,
    }


def _aggregate_compute(computes: list[dict[str, Any]]) -> dict[str, Any]:
    """The campus-wide compute section: fleets merged, runs and services listed."""
    accelerators: dict[str, int] = {}
    for c in computes:
        for name, count in c["accelerators"].items():
            accelerators[name] = accelerators.get(name, 0) + count
    runs = [run for c in computes for run in c["training_runs"]]
    services = [svc for c in computes for svc in c["inference_services"]]
    tco = sum(c["total_cost_of_ownership_usd"] for c in computes)
    hours = sum(accelerators.values()) * HOURS_PER_YEAR
    return {
        "accelerators": accelerators,
        "it_capacity_mw": sum(c["it_capacity_mw"] for c in computes),
        "training": _training_totals(runs),
        "training_runs": runs,
        "inference": _inference_totals(services),
        "inference_services": services,
        "usd_per_accelerator_hour": tco / hours if hours else float("nan"),
        "total_cost_of_ownership_usd": tco,
    }


def _aggregate(sites: list[dict[str, Any]]) -> dict[str, Any]:
    def add(key: str) -> float:
        return float(sum(s[key] for s in sites))

    def merge(key: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for s in sites:
            for k, v in s[key].items():
                out[k] = out.get(k, 0.0) + v
        return out

    it, fac = add("it_energy_mwh"), add("facility_energy_mwh")
    total = add("total_annual_cost_usd")
    unserved = add("unserved_mwh")
    cfe_weighted = sum(s["cfe_share"] * s["facility_energy_mwh"] for s in sites)
    return {
        "it_energy_mwh": it,
        "facility_energy_mwh": fac,
        "pue_annual": fac / it if it > 0 else float("nan"),
        "capacity_mw": merge("capacity_mw"),
        "storage_mwh": merge("storage_mwh"),
        "energy_by_source_mwh": merge("energy_by_source_mwh"),
        "cfe_share": cfe_weighted / fac if fac > 0 else 0.0,
        "emissions_tco2e": add("emissions_tco2e"),
        "nox_t": add("nox_t"),
        "total_annual_cost_usd": total,
        "cost_breakdown_usd": merge("cost_breakdown_usd"),
        "lcoe_usd_per_mwh": economics.levelised(total, fac - unserved),
        "unserved_mwh": unserved,
        "curtailed_mwh": add("curtailed_mwh"),
        "water_m3": add("water_m3"),
        "wue_l_per_kwh": add("water_m3") / it if it > 0 else 0.0,
        "solve_seconds": add("solve_seconds"),
    }


def _series(prep: PreparedSite, ds: xr.Dataset) -> xr.Dataset:
    out = ds.copy()
    extra = {
        "it_mw": (_served_it(prep, ds), "MW"),
        "pue": (prep.pue, "1"),
        "water_m3": (_water(prep, ds), "m3"),
        "temp_air": (prep.weather["temp_air"].to_numpy(), "degC"),
        "ghi": (prep.weather["ghi"].to_numpy(), "W/m2"),
        "grid_price_usd_per_mwh": (
            np.asarray(prep.supply.hourly(prep.supply.grid_price)),
            "USD/MWh",
        ),
    }
    for name, (values, unit) in extra.items():
        out[name] = xr.DataArray(
            values, coords={"time": ds["time"]}, dims="time", attrs={"units": unit}
        )
    if prep.capacity_factors:
        names = list(prep.capacity_factors)
        out["capacity_factor"] = xr.DataArray(
            np.stack([prep.capacity_factors[n] for n in names]),
            coords={"variable_technology": names, "time": ds["time"]},
            dims=("variable_technology", "time"),
            attrs={"units": "1"},
        )
    out.attrs = {}
    # NetCDF has no time zones: store naive UTC and say so.
    out = out.assign_coords(time=pd.DatetimeIndex(out["time"].to_numpy()).tz_localize(None))
    out["time"].attrs["timezone"] = "UTC"
    return out


def run(scenario: Scenario, *, progress: Progress | None = None) -> Results:
    """Run a scenario end to end.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`gigafactory.load_scenario`).
    progress : callable, optional
        Called with a short message as each step starts.

    Returns
    -------
    Results
        Summary, hourly series per site, the scenario as run and version information.

    Raises
    ------
    InfeasibleError
        When a site cannot meet its load within its limits; the message names the site,
        the hours and the MW short.
    """
    return _run(scenario, progress)[0]


def _run(scenario: Scenario, progress: Progress | None) -> tuple[Results, list[PreparedSite]]:
    """:func:`run`, also returning the prepared sites for callers that replay them."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    prepared = []
    for i, spec in enumerate(scenario.sites):
        say(f"{spec.id}: weather, capacity factors and facility load")
        prepared.append(prepare_site(scenario, i))
    method, limit = scenario.solver.method.value, scenario.solver.time_limit_s
    jobs = [(p.supply, method, limit) for p in prepared]
    # Sites with flexible training are solved again with training held at its nominal
    # pace, to report what the flexibility is worth.
    rigid = [
        (replace(p.supply, flexible_floor=1.0, flexible_ceiling=1.0), method, limit)
        for p in prepared
        if p.supply.flexible_it_mw is not None
    ]
    jobs += rigid
    workers = min(scenario.solver.threads, len(jobs))
    for p in prepared:
        say(
            f"{p.spec.id}: optimising supply ({len(p.supply.time):,} hours, "
            f"{len(p.supply.techs)} technologies)"
        )
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            solved = list(pool.map(_optimise, jobs))
    else:
        solved = [_optimise(job) for job in jobs]
    solved, rigid_solved = solved[: len(prepared)], iter(solved[len(prepared) :])
    say("economics and results")
    site_summaries = []
    for p, ds in zip(prepared, solved, strict=True):
        site = _site_summary(p, ds)
        if p.supply.flexible_it_mw is not None:
            site["flexibility"] = _flexibility(site, _site_summary(p, next(rigid_solved)))
        if p.compute is not None:
            site["compute"] = _compute_summary(p, site, scenario.finance.wacc)
        site_summaries.append(site)
    summary = {"scenario": scenario.name, **_aggregate(site_summaries), "sites": site_summaries}
    computes = [site["compute"] for site in site_summaries if "compute" in site]
    if computes:
        summary["compute"] = _aggregate_compute(computes)
    if scenario.orbit is not None:
        say("orbital alternative")
        summary["orbit"] = _orbit(scenario, prepared[0])
    if scenario.placement is not None:
        say("placement of inference demand")
        summary["placement"] = place(scenario)
    series = {p.spec.id: _series(p, ds) for p, ds in zip(prepared, solved, strict=True)}
    summary["run_seconds"] = time.perf_counter() - started
    results = Results(summary=summary, series=series, scenario=scenario, info=run_info(scenario))
    return results, prepared


def size(scenario: Scenario) -> dict[str, Any]:
    """Size the compute of every site without solving the supply LP.

    Energy is priced at the site's average grid tariff and carbon intensity (or its given
    ones), so the figures are a first estimate; :func:`run` optimises the supply.

    Returns
    -------
    dict
        Per site id: ``it_energy_mwh``, ``facility_energy_mwh``, ``pue_annual``,
        ``energy_cost_usd``, ``emissions_tco2e`` and the ``compute`` section of a run.
    """
    return {
        spec.id: _size_site(prepare_site(scenario, i), scenario.finance.wacc)
        for i, spec in enumerate(scenario.sites)
    }


def _size_site(prep: PreparedSite, wacc: float) -> dict[str, Any]:
    """:func:`size` of one prepared site."""
    supply = prep.supply
    it = prep.it_mw if supply.flexible_it_mw is None else prep.it_mw + supply.flexible_it_mw
    facility_mw = it * prep.pue
    price = supply.hourly(supply.grid_price).to_numpy()
    carbon = supply.hourly(supply.grid_carbon).to_numpy()
    site: dict[str, Any] = {
        "it_energy_mwh": float(it.sum()),
        "facility_energy_mwh": float(facility_mw.sum()),
        "pue_annual": float(facility_mw.sum() / it.sum()) if it.sum() > 0 else float("nan"),
        "peak_facility_mw": float(facility_mw.max()),
        "total_annual_cost_usd": float((facility_mw * price).sum()),
        "emissions_tco2e": float((facility_mw * carbon).sum()),
    }
    if prep.compute is not None:
        site["compute"] = _compute_summary(prep, site, wacc)
    return site


COMPARE_COLUMNS = (
    "site",
    "name",
    "total_annual_cost_usd",
    "lcoe_usd_per_mwh",
    "usd_per_accelerator_hour",
    "cfe_share",
    "emissions_tco2e",
    "water_m3",
    "peak_grid_import_mw",
    "pue_annual",
    "unserved_mwh",
    "capacity_mw",
)
"""Columns of a site comparison, one row per site."""


def _spec_at(template: SiteSpec, name: str) -> tuple[SiteSpec, list[str]]:
    """The template campus moved to catalog site ``name``.

    Technologies without a resource there are dropped (and named).
    """
    entry = catalog.get_site(name)
    techs = {}
    dropped = []
    for tech, options in template.technologies.items():
        key = {"wind_offshore": "wind_speed_offshore_m_s", "wind_onshore": "wind_speed_onshore_m_s"}
        if tech in key and entry.params.get(key[tech], 0.0) <= 0:
            dropped.append(tech)
            continue
        techs[tech] = options
    # site-specific inputs go back to the catalog defaults of the new place
    grid = template.grid.model_copy(
        update={
            "price_usd_per_mwh": None,
            "price_csv": None,
            "carbon_kg_per_mwh": None,
            "carbon_csv": None,
        }
    )
    spec = template.model_copy(
        update={
            "id": name,
            "catalog": name,
            "latitude": None,
            "longitude": None,
            "grid": grid,
            "gas_price_usd_per_mmbtu": None,
            "technologies": techs,
            "series": template.series.model_copy(update={"weather_file": None}),
        }
    )
    return spec, dropped


def compare(
    scenario: Scenario, sites: list[str], *, progress: Callable[[str, int], None] | None = None
) -> tuple[pd.DataFrame, dict[str, Results]]:
    """Run the scenario's first campus at each catalog site and rank the sites.

    Parameters
    ----------
    scenario : Scenario
        Its first site is the template: load or compute, cooling, grid cap, technologies.
    sites : list of str
        Catalog site names.
    progress : callable, optional
        Called with a message and the number of sites done.

    Returns
    -------
    table : pandas.DataFrame
        :data:`COMPARE_COLUMNS` plus ``rank`` (1 = lowest total annual cost) and ``dropped``
        (technologies without a resource at that site).
    results : dict of str to Results
        Each site's full results.
    """
    say = progress or (lambda _msg, _done: None)
    template = scenario.sites[0]
    for name in sites:
        catalog.get_site(name)  # fail before any solving
    rows = []
    results: dict[str, Results] = {}
    for done, name in enumerate(sites):
        say(f"{name}: solving", done)
        spec, dropped = _spec_at(template, name)
        one = scenario.model_copy(update={"name": f"{scenario.name} at {name}", "sites": [spec]})
        result = run(one)
        results[name] = result
        s = result.summary
        rows.append(
            {
                "site": name,
                "name": catalog.get_site(name).label,
                "total_annual_cost_usd": s["total_annual_cost_usd"],
                "lcoe_usd_per_mwh": s["lcoe_usd_per_mwh"],
                "usd_per_accelerator_hour": s.get("compute", {}).get(
                    "usd_per_accelerator_hour", float("nan")
                ),
                "cfe_share": s["cfe_share"],
                "emissions_tco2e": s["emissions_tco2e"],
                "water_m3": s["water_m3"],
                "peak_grid_import_mw": s["sites"][0]["peak_grid_import_mw"],
                "pue_annual": s["pue_annual"],
                "unserved_mwh": s["unserved_mwh"],
                "capacity_mw": "; ".join(
                    f"{k} {v:,.0f}" for k, v in s["capacity_mw"].items() if v >= 0.5
                ),
                "dropped": ", ".join(dropped),
            }
        )
    say("done", len(sites))
    table = pd.DataFrame(rows)
    table["rank"] = table["total_annual_cost_usd"].rank(method="min").astype(int)
    return table.sort_values("rank").reset_index(drop=True), results


def _orbit_design(
    options: dict[str, Any], plan: compute.ComputePlan, wacc: float
) -> orbital.OrbitalDesign:
    hardware_capex = sum(compute.hardware_capex(name, n) for name, n in plan.accelerators.items())
    keys = (
        "altitude_km",
        "inclination_deg",
        "cell_efficiency",
        "array_specific_power_w_kg",
        "array_usd_per_w",
        "radiator_temperature_c",
        "radiator_kg_m2",
        "radiator_usd_m2",
        "battery_wh_kg",
        "battery_usd_per_kwh",
        "structure_fraction",
        "launch_usd_per_kg",
        "launch_capacity_kg",
        "hardware_life_years",
        "system_life_years",
    )
    return orbital.design(
        it_power_w=plan.nameplate_it_mw * 1e6,
        accelerators=sum(plan.accelerators.values()),
        accelerator_capex_usd=hardware_capex,
        accelerator_mass_kg=options["accelerator_mass_kg"],
        wacc=wacc,
        **{k: options[k] for k in keys},
    )


def orbit(scenario: Scenario) -> dict[str, Any]:
    """Put the first site's compute fleet in orbit and compare it with that site.

    The ground side is sized without the supply LP (energy at the site's tariff, see
    :func:`size`); the orbital side follows :func:`gigafactory.orbital.design` for the base
    options and each variant. Costs are compared per useful accelerator-hour (orbital hours
    derated for radiation).

    Returns
    -------
    dict
        ``sunlit_fraction``, ``eclipse_max_min``, ``array_m2``, ``radiator_m2``, ``mass_t``,
        ``launches``, ``usd_per_accelerator_hour``, ``breakeven_launch_usd_per_kg`` for the
        base design, plus ``ground`` (the site's figures), ``variants`` (the same keys per
        variant) and ``sensitivity`` (cost per accelerator-hour against launch price, and a
        tornado of the other assumptions).
    """
    if scenario.orbit is None:
        msg = "orbit: the scenario has no 'orbit' section"
        raise ScenarioError(msg)
    return _orbit(scenario, prepare_site(scenario, 0))


def _orbit(scenario: Scenario, prep: PreparedSite) -> dict[str, Any]:
    """:func:`orbit` with the first site already prepared."""
    spec = scenario.orbit
    assert spec is not None
    site_id = prep.spec.id
    ground_site = _size_site(prep, scenario.finance.wacc)
    plan = prep.compute
    assert plan is not None
    ground = ground_site["compute"]
    n = sum(plan.accelerators.values())
    wacc = scenario.finance.wacc
    base = spec.model_dump(exclude={"variants", "launch_prices_usd_per_kg"})

    def evaluate(options: dict[str, Any]) -> dict[str, Any]:
        d = _orbit_design(options, plan, wacc)
        useful_hours = n * HOURS_PER_YEAR * options["radiation_derate"]
        target = ground["usd_per_accelerator_hour"] * useful_hours
        it_mwh = plan.nameplate_it_mw * HOURS_PER_YEAR
        energy_system = (
            d.annual_cost_usd["launch_system"] + d.annual_cost_usd["power_thermal_hardware"]
        )
        return {
            "sunlit_fraction": d.sunlight.sunlit_fraction,
            "eclipse_max_min": d.sunlight.eclipse_max_min,
            "eclipse_days": d.sunlight.eclipse_days,
            "load_mw": d.load_w / 1e6,
            "array_mw": d.array_w / 1e6,
            "array_m2": d.array_m2,
            "radiator_m2": d.radiator_m2,
            "battery_mwh": d.battery_wh / 1e6,
            "mass_t": d.mass_t,
            "mass_breakdown_t": {k: v / 1e3 for k, v in d.mass_kg.items()},
            "launches": d.launches,
            "launches_per_year": d.launches_per_year,
            "annual_cost_usd": d.total_annual_cost_usd,
            "cost_breakdown_usd": d.annual_cost_usd,
            "usd_per_accelerator_hour": d.total_annual_cost_usd / useful_hours,
            "usd_per_mwh_equivalent": energy_system / it_mwh,
            "breakeven_launch_usd_per_kg": orbital.breakeven_launch_price(
                d, options["launch_usd_per_kg"], target
            ),
        }

    result = evaluate(base)
    variants = {name: evaluate({**base, **over}) for name, over in spec.variants.items()}
    prices = list(spec.launch_prices_usd_per_kg)
    curves = {
        "base": [
            evaluate({**base, "launch_usd_per_kg": p})["usd_per_accelerator_hour"] for p in prices
        ]
    }
    for name, over in spec.variants.items():
        merged = {**base, **over}
        curves[name] = [
            evaluate({**merged, "launch_usd_per_kg": p})["usd_per_accelerator_hour"] for p in prices
        ]
    swings = {
        "launch_usd_per_kg": (base["launch_usd_per_kg"] / 3, base["launch_usd_per_kg"] * 3),
        "array_usd_per_w": (base["array_usd_per_w"] / 3, base["array_usd_per_w"] * 3),
        "hardware_life_years": (
            base["hardware_life_years"] * 0.6,
            base["hardware_life_years"] * 1.4,
        ),
        "array_specific_power_w_kg": (
            base["array_specific_power_w_kg"] * 0.5,
            base["array_specific_power_w_kg"] * 2,
        ),
        "radiator_kg_m2": (base["radiator_kg_m2"] * 0.5, base["radiator_kg_m2"] * 2),
    }
    tornado = {
        key: {
            "low_value": low,
            "high_value": high,
            "low_usd_per_accelerator_hour": evaluate({**base, key: low})[
                "usd_per_accelerator_hour"
            ],
            "high_usd_per_accelerator_hour": evaluate({**base, key: high})[
                "usd_per_accelerator_hour"
            ],
        }
        for key, (low, high) in swings.items()
    }
    ground_energy = ground_site["total_annual_cost_usd"]
    return {
        **result,
        "accelerators": plan.accelerators,
        "ground": {
            "site": site_id,
            "usd_per_accelerator_hour": ground["usd_per_accelerator_hour"],
            "total_cost_of_ownership_usd": ground["total_cost_of_ownership_usd"],
            "energy_usd_per_it_mwh": ground_energy / ground_site["it_energy_mwh"],
            "pue_annual": ground_site["pue_annual"],
        },
        "variants": variants,
        "sensitivity": {
            "launch_usd_per_kg": prices,
            "usd_per_accelerator_hour": curves,
            "tornado": tornado,
        },
    }


def place(scenario: Scenario) -> dict[str, Any]:
    """Solve the scenario's placement: which users are served from where, under the SLO.

    Returns
    -------
    dict
        ``served_share``, ``rtt_p50_ms``, ``rtt_p95_ms``, ``cost_usd`` (per year),
        ``by_site`` (accelerators), ``regions`` (count) and ``assignment`` (rows of region,
        site, kind, accelerators, rtt_ms).
    """
    spec = scenario.placement
    if spec is None:
        msg = "placement: the scenario has no 'placement' section"
        raise ScenarioError(msg)
    regions = latency.user_regions(
        spec.countries, min_population=spec.min_population, top=spec.top_regions
    )
    if regions.empty:
        msg = (
            f"placement.countries: no city of {spec.min_population:,} people or more in "
            f"{', '.join(spec.countries)}"
        )
        raise ScenarioError(msg)
    regions = regions.assign(
        demand=regions["population"] / 1e6 * spec.accelerators_per_million_people
    )
    candidates = []
    for c in spec.candidates:
        entry = catalog.get_site(c.catalog) if c.catalog else None
        lat = c.latitude if c.latitude is not None else (entry.latitude if entry else 0.0)
        lon = c.longitude if c.longitude is not None else (entry.longitude if entry else 0.0)
        country = c.country or (entry.country if entry else "LEO")
        candidates.append(
            placement.Candidate(
                c.name,
                c.kind.value,
                country,
                lat,
                lon,
                c.capacity_accelerators,
                c.usd_per_accelerator_hour,
                c.altitude_km,
            )
        )
    problem = placement.PlacementProblem(
        regions=regions,
        candidates=tuple(candidates),
        slo_rtt_ms=spec.slo_rtt_ms,
        sovereignty={k.upper(): [v.upper() for v in vs] for k, vs in spec.sovereignty.items()},
        unserved_penalty=spec.unserved_penalty_usd_per_accelerator_hour,
    )
    result = placement.solve_placement(problem)
    table = result.pop("assignment")
    return {
        **result,
        "regions": len(regions),
        "demand_accelerators": float(regions["demand"].sum()),
        "assignment": table.to_dict("records"),
    }


def faults(
    scenario: Scenario,
    *,
    grid_outages_per_year: float = 2.0,
    outage_hours: float = 6.0,
    ride_through_hours: int = 8,
    thermal_unit_mw: float = 20.0,
    forced_outage_rate: float = 0.05,
    mean_repair_hours: float = 50.0,
) -> dict[str, Any]:
    """Replay each site's optimised year under seeded faults.

    The capacities come from :func:`run`; the year is then replayed by
    :func:`gigafactory.dispatch.replay` with grid outages (Poisson starts, exponential
    durations), forced outages of thermal units (two-state Markov chains of
    ``thermal_unit_mw`` units; a 5 % forced outage rate and 50 h repairs are estimates),
    and, where compute is defined, accelerator failures from the goodput model.

    Returns
    -------
    dict
        Per site: ``unserved_mwh``, ``shortfall_hours``, ``outage_hours``,
        ``lost_accelerator_hours``, ``training_days_lost``, ``interruptions_from_power``,
        ``interruptions_from_accelerators``, and ``ride_through`` (battery MW and MWh, or
        gas MW, to carry the load through the worst ``ride_through_hours`` grid outage).
    """
    results, prepared = _run(scenario, None)
    out: dict[str, Any] = {}
    for i, (spec, prep) in enumerate(zip(scenario.sites, prepared, strict=True)):
        site = prep.supply
        rng = np.random.default_rng([scenario.seed, i, 7919])
        n = len(site.time)
        grid_up = dispatch.grid_outages(n, grid_outages_per_year, outage_hours, rng)
        capacity = results.summary["sites"][i]["capacity_mw"]
        thermal = {
            t.name: dispatch.forced_outages(
                n,
                max(1, round(capacity.get(t.name, 0.0) / thermal_unit_mw)),
                forced_outage_rate,
                mean_repair_hours,
                rng,
            )
            for t in site.of_kind("thermal")
        }
        replayed = dispatch.replay(
            site, capacity, grid_available=grid_up, thermal_available=thermal
        )
        load = np.asarray(site.load_mw, dtype=float)
        if site.flexible_it_mw is not None:
            load = load + np.asarray(site.flexible_pue) * site.flexible_it_mw
        short = replayed.unserved > 1e-6
        events = int(np.count_nonzero(short & ~np.roll(short, 1)))
        entry: dict[str, Any] = {
            "unserved_mwh": float(replayed.unserved.sum()),
            "shortfall_hours": int(short.sum()),
            "outage_hours": int((~grid_up).sum()) if site.grid_import_cap_mw > 0 else 0,
            "interruptions_from_power": events,
        }
        firm_onsite = sum(capacity.get(t.name, 0.0) for t in site.of_kind("thermal"))
        power_mw, energy_mwh = dispatch.ride_through(load, firm_onsite, ride_through_hours)
        entry["ride_through"] = {
            "hours": ride_through_hours,
            "battery_mw": power_mw,
            "battery_mwh": energy_mwh,
            "gas_mw": float(max(load.max() - firm_onsite, 0.0)),
        }
        comp = results.summary["sites"][i].get("compute")
        if comp:
            n_acc = sum(comp["accelerators"].values())
            lost_share = np.divide(replayed.unserved, load, out=np.zeros(n), where=load > 0)
            entry["lost_accelerator_hours"] = float(lost_share.sum() * n_acc)
            restart_h = compute.RESTART_SECONDS / 3600
            runs = comp["training_runs"]
            entry["training_days_lost"] = (
                float((short.sum() + events * restart_h) / 24) if runs else 0.0
            )
            entry["interruptions_from_accelerators"] = float(
                sum(r["interruptions"] / max(r["days"], 1e-9) * 365 for r in runs)
            )
        out[spec.id] = entry
    return out
