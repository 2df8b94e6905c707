"""Prepare one site for the supply LP.

Weather, capacity factors, IT and facility load, grid series, technology costs, and the
:class:`~gigafactory.supply.SiteSupply` they make.

The first half of the pipeline; :func:`prepare_site` is the only function here that other
rooms call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from gigafactory import catalog, compute, economics, facility
from gigafactory.errors import DataFileError, ScenarioError, did_you_mean
from gigafactory.pipeline.grid_terms import GridTerms, grid_terms
from gigafactory.pipeline.supply_techs import (
    contract_technologies,
    site_catalog,
    supply_technologies,
    tech_costs,
)
from gigafactory.resource import iotools, solar, weather, wind
from gigafactory.resource.kept import Kept, kept_call
from gigafactory.scenario import (
    ComputeSpec,
    Contract,
    Scenario,
    SiteSpec,
    data_files,
    resolve_contract,
)
from gigafactory.supply import SiteSupply, nominal_load_mw

__all__ = ["WIND_CURVES", "WIND_SPEED_PARAMETER", "PreparedSite", "prepare_site"]

DEGREES_PER_HOUR = 15.0
"""Longitude per hour of solar time [deg/h] (360 deg in 24 h)."""

IT_LOAD_BOUNDS_MW = (0.0, 1e6)
"""Accepted hourly IT load in a load profile CSV [MW]; outside is a data error (an estimate:
a thousand times the largest campus announced)."""

WIND_CURVES = {
    "wind_onshore": "nrel_atb2020_7mw_200",
    "wind_offshore": "iea_15mw_240",
    "wind_offshore_floating": "iea_15mw_240",
}
"""Power curve used by each wind technology (see ``data/power_curves.csv``); onshore, a site
whose mean speed is above IEC class III's 7.5 m/s gets ``catalog.onshore_curve`` instead."""

_WEATHER, _PV, _SUNNY_DAYS, _WIND_SPEED = Kept(), Kept(), Kept(), Kept()
"""The last synthesised weather years, PV outputs, sunny-day drivers and wind speeds, by
their inputs (:mod:`gigafactory.resource.kept`): a sweep's cases prepare the same site
again and again."""


def wind_curve(name: str, mean_speed_m_s: float | None) -> str:
    """The power curve of a wind technology at a site of this mean hub-height speed [m/s].

    >>> wind_curve("wind_offshore", 6.0), wind_curve("wind_onshore", 8.0)
    ('iea_15mw_240', 'enercon_e141_4200')
    """
    if name == "wind_onshore" and mean_speed_m_s is not None:
        return catalog.onshore_curve(mean_speed_m_s)
    return WIND_CURVES[name]


def turbine_sizes(names: list[str], entry: catalog.Site | None) -> dict[str, float]:
    """One turbine of each wind technology at the site [MW] (see :func:`wind_curve`)."""
    sizes = {}
    for name in names:
        if name in WIND_CURVES:
            key = WIND_SPEED_PARAMETER[name]
            speed = entry.params.get(key) if entry is not None else None
            sizes[name] = catalog.rated_mw(wind_curve(name, speed))
    return sizes


TIME_COLUMNS = {"time", "timestamp", "datetime", "hour", "utc_time"}
"""Column names a capacity-factor CSV may carry besides its technologies (lower case)."""

WIND_SPEED_PARAMETER = {
    "wind_onshore": "wind_speed_onshore_m_s",
    "wind_offshore": "wind_speed_offshore_m_s",
    "wind_offshore_floating": "wind_speed_offshore_m_s",
}
"""Catalog site parameter holding the mean wind speed each wind technology sees [m/s]."""


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
    supply: SiteSupply
    costs: dict[str, economics.TechnologyCost]
    grid: GridTerms
    contracts: tuple[Contract, ...]
    """The site's contracts, resolved (presets and defaults filled in)."""
    compute: compute.ComputePlan | None = None
    cost_notes: tuple[catalog.CostNote, ...] = ()
    """Where the catalog had no price for the asked-for cost year, region or scope."""
    turbine_mw: dict[str, float] = field(default_factory=dict)
    """One turbine of each wind technology [MW]: a build below it is a margin, not a farm."""


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
    inputs = ("weather", index, float(lat), float(lon), float(elevation), normals)
    return kept_call(
        _WEATHER,
        inputs,
        lambda: weather.synthesise_weather(index, lat, lon, elevation, normals, rng),
        rng,
    )


def _capacity_factors(
    spec: SiteSpec,
    where: str,
    wx: pd.DataFrame,
    lat: float,
    lon: float,
    entry: catalog.Site | None,
    rng: np.random.Generator,
    contracted: list[str],
    techs: dict[str, catalog.Technology],
) -> dict[str, np.ndarray]:
    names = list(dict.fromkeys([*spec.technologies, *contracted]))
    variable = [name for name in names if techs[name].kind == "variable"]
    given: dict[str, np.ndarray] = {}
    if spec.series.capacity_factors_csv is not None and variable:
        frame, meta = iotools.read_hourly_csv(spec.series.capacity_factors_csv, [], bounds=None)
        known = sorted(name for name, tech in techs.items() if tech.kind == "variable")
        for column in meta["columns"]:
            if column not in known and column.lower() not in TIME_COLUMNS:
                msg = (
                    f"{where}.series.capacity_factors_csv: {meta['path']}: column '{column}' "
                    f"is not a variable technology{did_you_mean(column, known)}; allowed: "
                    f"{', '.join(known)} (and a time column)"
                )
                raise ScenarioError(msg)
        present = [name for name in variable if name in meta["columns"]]
        frame, _ = iotools.read_hourly_csv(
            spec.series.capacity_factors_csv, present, bounds=dict.fromkeys(present, (0.0, 1.0))
        )
        given = {name: frame[name].to_numpy() for name in present}
    out: dict[str, np.ndarray] = {}
    hours = pd.DatetimeIndex(wx.index)
    sunny_days: np.ndarray | None = None
    for name in variable:
        if name in given:
            out[name] = given[name]
            continue
        tech = techs[name]
        if name.startswith("solar"):
            tracking = name == "solar_tracking"
            losses = [tech.params[p] for p in ("system_loss", "gamma_pdc_per_degc", "dc_ac_ratio")]
            out[name] = kept_call(
                _PV,
                ("pv", wx, float(lat), tracking, *losses),
                partial(
                    solar.pv_capacity_factor,
                    wx,
                    lat,
                    tracking=tracking,
                    system_loss=losses[0],
                    gamma_pdc=losses[1],
                    dc_ac_ratio=losses[2],
                ),
            )
        elif name in WIND_CURVES:
            key = WIND_SPEED_PARAMETER[name]
            if entry is None or entry.params.get(key, 0.0) <= 0:
                msg = (
                    f"{where}.technologies.{name}: the site has no "
                    f"{name.removeprefix('wind_').removesuffix('_floating')} wind "
                    "resource in the catalog; give series.capacity_factors_csv with a "
                    f"'{name}' column"
                )
                raise ScenarioError(msg)
            mean_speed = entry.params[key]
            if sunny_days is None:  # once per site: every wind technology shares the driver
                ghi = wx["ghi"].to_numpy()
                sunny_days = kept_call(
                    _SUNNY_DAYS,
                    ("sunny days", ghi, hours, float(lon)),
                    partial(wind.daily_solar_score, ghi, hours, lon),
                )
            shape = _wind_shape(entry, hours, lon, offshore=name != "wind_onshore")
            k = entry.params["weibull_k"]
            correlation = entry.params.get("wind_solar_correlation", 0.0)
            speed = kept_call(
                _WIND_SPEED,
                ("wind speed", len(wx), mean_speed, k, shape, sunny_days, correlation),
                partial(
                    wind.synthesise_wind_speed,
                    len(wx),
                    mean_speed,
                    rng,
                    k=k,
                    shape=shape,
                    common=sunny_days,
                    correlation=correlation,
                ),
                rng,
            )
            curve_speed, curve_power = catalog.power_curve(wind_curve(name, mean_speed))
            out[name] = wind.power_curve_output(
                speed, curve_speed, curve_power, losses=tech.params["losses"]
            )
        else:  # pragma: no cover - every variable technology is handled above
            msg = f"{where}.technologies.{name}: no capacity-factor model"
            raise ScenarioError(msg)
    return out


def _wind_shape(
    entry: catalog.Site, index: pd.DatetimeIndex, lon: float, *, offshore: bool
) -> np.ndarray:
    """The site's seasonal (monthly normals) and diurnal (hub-height profile) wind shape."""
    monthly = catalog.site_climate(entry.name)["wind_ratio"].to_numpy()
    amplitude, peak_hour = catalog.diurnal_shape("offshore" if offshore else "onshore")
    return wind.hourly_shape(index, lon, monthly, amplitude, peak_hour)


def _it_load(spec: SiteSpec, n_hours: int) -> np.ndarray:
    if spec.load is None:
        return np.zeros(n_hours)
    if spec.load.profile_csv is not None:
        data, _ = iotools.read_hourly_csv(
            spec.load.profile_csv, ["it_mw"], n_hours=n_hours, bounds={"it_mw": IT_LOAD_BOUNDS_MW}
        )
        return data["it_mw"].to_numpy()
    assert spec.load.it_mw is not None
    return np.full(n_hours, float(spec.load.it_mw))


def _workloads(
    spec: ComputeSpec, table: dict[str, catalog.Accelerator]
) -> tuple[
    list[compute.TrainingJob], list[compute.InferenceJob], list[tuple[catalog.Accelerator, int]]
]:
    """The scenario's workloads as the compute model takes them (accelerators resolved once)."""
    training = [
        compute.TrainingJob(
            name=t.name,
            accelerator=table[t.accelerator],
            flops=t.flops
            if t.flops is not None
            else compute.training_flops(t.parameters or 0, t.tokens or 0),
            precision=t.precision.value,
            mfu=t.mfu,
            accelerators=t.accelerators,
            deadline_days=t.deadline_days,
            parameters=t.parameters,
            checkpoint_s=t.checkpoint_s,
            restart_s=t.restart_s,
            flexible=compute.FlexibleWindow(
                t.flexible.floor, t.flexible.ceiling, t.flexible.window_hours
            )
            if t.flexible is not None
            else None,
        )
        for t in spec.training
    ]
    inference = [
        compute.InferenceJob(
            name=s.name,
            accelerator=table[s.accelerator],
            model=compute.InferenceModel(
                active_parameters=s.active_parameters,
                bytes_per_parameter=s.bytes_per_parameter,
                kv_bytes_per_token=s.kv_bytes_per_token,
                prompt_tokens=s.prompt_tokens,
                output_tokens=s.output_tokens,
                max_batch=s.max_batch,
            ),
            tokens_per_day=s.tokens_per_day,
            peak_to_mean=s.peak_to_mean,
            peak_hour_local=s.peak_hour_local,
            tpot_target_s=s.tpot_target_s,
            ttft_target_s=s.ttft_target_s,
            mfu=s.mfu,
            tokens_per_s_per_accelerator=s.tokens_per_s_per_accelerator,
        )
        for s in spec.inference
    ]
    idle = [(table[name], count) for name, count in spec.idle_accelerators.items()]
    return training, inference, idle


def design_power_mw(
    spec: SiteSpec, plan: compute.ComputePlan | None, n_hours: int, pue: np.ndarray
) -> float:
    """Design (nameplate) facility power: every server at full power at the peak PUE [MW].

    Nameplate IT of the compute fleet plus the peak of any other IT load, times the highest
    hourly PUE; the connection, reserve and backup are sized to it, energy to the hourly
    load.
    """
    other = float(np.max(_it_load(spec, n_hours))) if spec.load is not None else 0.0
    nameplate = plan.nameplate_it_mw if plan is not None else 0.0
    return float((nameplate + other) * np.max(pue))


def prepare_site(scenario: Scenario, index: int) -> PreparedSite:
    """Compute weather, capacity factors, facility load and LP inputs of one site.

    A data file's error names the scenario field that points at it
    (``sites[0].load.profile_csv: load.csv: row 5, ...``).
    """
    try:
        return _prepare_site(scenario, index)
    except DataFileError as err:
        message = str(err)
        for field, path in data_files(scenario.sites[index]).items():
            if message.startswith(f"{path}:"):
                message = f"sites[{index}].{field}: {message}"
                break
        raise DataFileError(message) from None


def _prepare_site(scenario: Scenario, index: int) -> PreparedSite:
    spec = scenario.sites[index]
    where = f"sites[{index}]"
    rng = _site_seed(scenario, index)
    time_index = weather.hourly_index(scenario.year)
    lat, lon, elevation, entry = _site_location(spec)
    wx = _weather(spec, where, time_index, lat, lon, elevation, rng)
    contracts = [
        resolve_contract(c, f"{where}.contracts[{i}]") for i, c in enumerate(spec.contracts)
    ]
    contracted = [c.technology or "" for c in contracts]
    table = site_catalog(scenario, spec)
    cfs = _capacity_factors(spec, where, wx, lat, lon, entry, rng, contracted, table)
    it = _it_load(spec, len(time_index))
    plan = None
    if spec.compute is not None:
        # local solar hour is close enough for a diurnal demand shape
        hour_local = (np.asarray(time_index.hour) + lon / DEGREES_PER_HOUR) % 24
        plan = compute.plan_compute(
            *_workloads(spec.compute, scenario.accelerator_table()), hour_local
        )
        it = it + plan.firm_it_mw
    temp, wet = wx["temp_air"].to_numpy(), wx["temp_wet_bulb"].to_numpy()
    pue = facility.pue(temp, wet, spec.cooling.value)
    flexible = plan.flexible_it_mw if plan is not None else None
    flex = plan.flexible if plan is not None else None
    if flexible is not None and flex is not None and flex.floor >= 1 and flex.ceiling <= 1:
        it, flexible = it + flexible, None  # no room to move: firm load
    facility_load = it * pue
    grid = grid_terms(spec, where, entry, time_index, lon, temp, rng)
    costs = tech_costs(scenario, spec, entry, table)
    supply_techs = supply_technologies(scenario, spec, where, costs, cfs, time_index, table)
    contract_techs, contract_costs = contract_technologies(
        scenario, spec, where, contracts, costs, cfs, table
    )
    costs.update(contract_costs)
    policy = scenario.policy
    co2_cap = policy.co2_cap_t
    if policy.co2_cap_t_per_mwh is not None:
        nominal = nominal_load_mw(facility_load, flexible, pue)
        from_intensity = policy.co2_cap_t_per_mwh * float(nominal.sum())
        co2_cap = from_intensity if co2_cap is None else min(co2_cap, from_intensity)
    reliability = scenario.reliability
    design = design_power_mw(spec, plan, len(time_index), pue)
    supply = SiteSupply(
        name=spec.id,
        time=time_index,
        load_mw=facility_load,
        techs=tuple(supply_techs + contract_techs),
        grid_import_cap_mw=design if spec.grid.size_to_design else spec.grid.import_cap_mw,
        grid_price=grid.price_usd_per_mwh,
        grid_carbon=grid.carbon_t_per_mwh,
        grid_export_cap_mw=spec.grid.export_cap_mw,
        grid_export_price=grid.export_price_usd_per_mwh,
        grid_cfe_share=grid.cfe_share,
        grid_online=grid.online,
        demand_charges=grid.demand_charges,
        grid_coincident_usd_per_mw=grid.coincident_usd_per_mw,
        value_of_lost_load=reliability.value_of_lost_load_usd_per_mwh
        if reliability.allow_unserved
        else None,
        co2_cap_t=co2_cap,
        carbon_price=policy.carbon_price_usd_per_t,
        cfe_target=policy.cfe_target,
        flexible_it_mw=flexible,
        flexible_pue=pue,
        flexible_floor=flex.floor if flex else 1.0,
        flexible_ceiling=flex.ceiling if flex else 1.0,
        flexible_window_h=flex.window_hours if flex else 168,
        design_load_mw=design,
        reserve_margin=reliability.planning_reserve_margin,
        n_minus_1=reliability.n_minus_1,
        ride_through_hours=reliability.ride_through_hours,
    )
    used = dict.fromkeys([*spec.technologies, *contracted])
    notes = tuple(note for name in used for note in table[name].notes)
    turbines = turbine_sizes(list(used), entry)
    return PreparedSite(
        spec,
        lat,
        lon,
        wx,
        cfs,
        it,
        pue,
        supply,
        costs,
        grid,
        tuple(contracts),
        plan,
        notes,
        turbines,
    )
