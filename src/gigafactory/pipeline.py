"""The one place that chains the steps: scenario -> series -> facility -> supply -> economics.

``run(scenario)`` returns :class:`~gigafactory.results.Results`. Nothing else in the package
calls more than one model module.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory import catalog, economics, facility, iotools, solar, weather, wind
from gigafactory.errors import ScenarioError
from gigafactory.results import Results, run_info
from gigafactory.scenario import Mode, Scenario, SiteSpec
from gigafactory.supply import SiteSupply, SupplyTech, cfe_share, optimise
from gigafactory.units import HOURS_PER_YEAR, MWH_PER_MMBTU

__all__ = ["PreparedSite", "prepare_site", "run"]

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
    if spec.series.weather_csv is not None:
        import pvlib

        data, _ = iotools.read_hourly_csv(
            spec.series.weather_csv,
            ["ghi", "temp_air", "relative_humidity"],
            bounds={"ghi": (0, 1500), "temp_air": (-60, 60), "relative_humidity": (0, 100)},
        )
        mid = index + pd.Timedelta(minutes=30)
        solpos = pvlib.location.Location(lat, lon, altitude=elevation).get_solarposition(mid)
        parts = pvlib.irradiance.erbs(data["ghi"].to_numpy(), solpos["zenith"].to_numpy(), mid)
        frame = pd.DataFrame(
            {
                "ghi": data["ghi"].to_numpy(),
                "dni": np.nan_to_num(np.asarray(parts["dni"], dtype=float)),
                "dhi": np.nan_to_num(np.asarray(parts["dhi"], dtype=float)),
                "solar_zenith": solpos["apparent_zenith"].to_numpy(),
                "solar_azimuth": solpos["azimuth"].to_numpy(),
                "temp_air": data["temp_air"].to_numpy(),
                "relative_humidity": data["relative_humidity"].to_numpy(),
            },
            index=index,
        )
        frame["temp_wet_bulb"] = weather.wet_bulb_stull(
            frame["temp_air"].to_numpy(), frame["relative_humidity"].to_numpy()
        )
        return frame
    if spec.catalog is None:
        msg = (
            f"{where}.series.weather_csv: required for a site without a catalog entry "
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
    if spec.load.profile_csv is not None:
        data, _ = iotools.read_hourly_csv(
            spec.load.profile_csv, ["it_mw"], n_hours=n_hours, bounds={"it_mw": (0, 1e6)}
        )
        return data["it_mw"].to_numpy()
    assert spec.load.it_mw is not None
    return np.full(n_hours, float(spec.load.it_mw))


def _grid_series(
    spec: SiteSpec, entry: catalog.Site | None, n_hours: int
) -> tuple[np.ndarray, np.ndarray]:
    grid = spec.grid
    if grid.price_csv is not None:
        price = iotools.read_hourly_csv(
            grid.price_csv,
            ["price_usd_per_mwh"],
            n_hours=n_hours,
            bounds={"price_usd_per_mwh": (-1e4, 1e5)},
        )[0]["price_usd_per_mwh"].to_numpy()
    elif grid.price_usd_per_mwh is not None:
        price = np.full(n_hours, grid.price_usd_per_mwh)
    else:
        price = np.full(n_hours, entry.params["grid_price_usd_per_mwh"] if entry else 0.0)
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
    elif grid.carbon_kg_per_mwh is not None:
        carbon = np.full(n_hours, grid.carbon_kg_per_mwh / 1e3)
    else:
        carbon = np.full(n_hours, entry.params["grid_carbon_t_per_mwh"] if entry else 0.0)
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
    temp, wet = wx["temp_air"].to_numpy(), wx["temp_wet_bulb"].to_numpy()
    pue = facility.pue(temp, wet, spec.cooling.value)
    water = facility.water_use(it, temp, wet, spec.cooling.value)
    facility_load = it * pue
    price, carbon = _grid_series(spec, entry, len(time_index))
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
        from_intensity = policy.co2_cap_t_per_mwh * float(facility_load.sum())
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
    )
    return PreparedSite(spec, lat, lon, wx, cfs, it, pue, water, supply, costs)


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
    it_energy = float(prep.it_mw.sum())
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
        "water_m3": float(prep.water_m3.sum()),
        "wue_l_per_kwh": float(prep.water_m3.sum()) / it_energy if it_energy > 0 else 0.0,
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
        "it_mw": (prep.it_mw, "MW"),
        "pue": (prep.pue, "1"),
        "water_m3": (prep.water_m3, "m3"),
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
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    prepared = []
    for i, spec in enumerate(scenario.sites):
        say(f"{spec.id}: weather, capacity factors and facility load")
        prepared.append(prepare_site(scenario, i))
    method, limit = scenario.solver.method.value, scenario.solver.time_limit_s
    jobs = [(p.supply, method, limit) for p in prepared]
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
    say("economics and results")
    site_summaries = [_site_summary(p, ds) for p, ds in zip(prepared, solved, strict=True)]
    summary = {"scenario": scenario.name, **_aggregate(site_summaries), "sites": site_summaries}
    series = {p.spec.id: _series(p, ds) for p, ds in zip(prepared, solved, strict=True)}
    summary["run_seconds"] = time.perf_counter() - started
    return Results(summary=summary, series=series, scenario=scenario, info=run_info(scenario))
