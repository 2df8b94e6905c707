"""Firm supply: demand charges, contracts, reserve, ride-through, backup, permits, tariffs.

Every expected number is a hand calculation written next to it.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import gigafactory
from conftest import small_scenario
from gigafactory import catalog
from gigafactory.cli import app
from gigafactory.errors import InfeasibleError, ScenarioError
from gigafactory.resource.tariff import hourly_tariff
from gigafactory.scenario import scenario_from_dict
from gigafactory.supply import (
    DemandCharge,
    SiteSupply,
    SupplyTech,
    firm_capacity_mw,
    optimise,
    replay,
)


def hours(n: int, start: str = "2025-01-01") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="h", tz="UTC")


# ---------------------------------------------------------------- demand charges


def test_demand_charge_on_a_two_month_toy():
    # January and February 2025 (744 + 672 = 1,416 hours). Load 10 MW, except 20 MW in one
    # February hour; grid only at 100 USD/MWh; 10 USD/kW-month = 10,000 USD/MW-month on each
    # month's peak import. Energy: (1,416 x 10 + 10) MWh = 14,170 MWh modelled, each hour
    # standing for 8,760 / 1,416 hours of the year: 14,170 x 100 x 8,760 / 1,416 USD.
    # Demand: 10,000 x (10 + 20) = 300,000 USD (billed per period, not scaled).
    time = hours(1416)
    load = np.full(1416, 10.0)
    load[800] = 20.0  # 2025-02-03 08:00, in February
    month = np.asarray(time.month) - 1
    site = SiteSupply(
        "toy",
        time,
        load,
        (),
        grid_import_cap_mw=50.0,
        grid_price=100.0,
        demand_charges=(DemandCharge("monthly", 10_000.0, month),),
    )
    ds = optimise(site, method="simplex")
    energy = 14_170 * 100 * 8760 / 1416
    assert ds.attrs["objective_usd"] == pytest.approx(energy + 300_000.0, rel=1e-9)
    assert ds.attrs["demand_peaks_mw"]["monthly"] == pytest.approx([10.0, 20.0])


def test_a_battery_shaves_the_peak_when_it_pays():
    # As above, with a 1 h battery (round trip 1) at 5,000 USD/MW a year. It shaves the
    # February spike to 10 + d (power P = 10 - d) and recharges by importing d above the
    # 10 MW load in February's other hours; it may also discharge e in every January hour to
    # cut January's peak to 10 - e. Energy balance: 671 d = (10 - d) + 744 e. The cost is
    # const - 10,000 e + 5,000 d = const + 74.40 - 4,464 e, so e grows until the battery is
    # full when the cyclic year wraps to January: the 615 February hours after the spike
    # charge 615 d <= P = 10 - d, so d = 10/616 and e = (672 d - 10) / 744.
    time = hours(1416)
    load = np.full(1416, 10.0)
    load[800] = 20.0
    month = np.asarray(time.month) - 1
    battery = SupplyTech("bat", "storage", fixed_cost=5_000.0, duration_h=1.0)
    site = SiteSupply(
        "toy",
        time,
        load,
        (battery,),
        grid_import_cap_mw=50.0,
        grid_price=100.0,
        demand_charges=(DemandCharge("monthly", 10_000.0, month),),
    )
    ds = optimise(site, method="simplex")
    d = 10 / 616
    e = (672 * d - 10) / 744
    energy = 14_170 * 100 * 8760 / 1416  # unchanged: no losses
    expected = energy + 10_000.0 * ((10 - e) + (10 + d)) + 5_000.0 * (10 - d)
    assert ds.attrs["objective_usd"] == pytest.approx(expected, rel=1e-9)
    assert float(ds["capacity_mw"].sel(technology="bat")) == pytest.approx(10 - d, rel=1e-9)
    assert ds.attrs["demand_peaks_mw"]["monthly"] == pytest.approx([10 - e, 10 + d], rel=1e-9)


# ---------------------------------------------------------------- reserve, N-1


def _reserve_site(**kw: object) -> SiteSupply:
    gas = SupplyTech("gas", "thermal", fixed_cost=50_000.0, marginal_cost=200.0)
    base: dict[str, object] = {"grid_import_cap_mw": 80.0, "grid_price": 100.0}
    base.update(kw)
    return SiteSupply("r", hours(24), np.full(24, 100.0), (gas,), **base)  # type: ignore[arg-type]


def test_planning_reserve_margin_binds():
    # Load 100 MW, grid 80 MW: without a reserve, gas covers the 20 MW gap, so 20 MW.
    # A 15 % reserve needs 115 MW accredited: grid 80 + 0.95 x gas >= 115 -> 36.842 MW.
    plain = optimise(_reserve_site(), method="simplex")
    assert float(plain["capacity_mw"].sel(technology="gas")) == pytest.approx(20.0, abs=1e-6)
    held = optimise(_reserve_site(reserve_margin=0.15), method="simplex")
    assert float(held["capacity_mw"].sel(technology="gas")) == pytest.approx(35 / 0.95)


def test_n_minus_1_loses_the_grid_feed():
    # N-1 with the 80 MW feed the largest contingency: 0.95 x gas >= 100 -> 105.263 MW.
    ds = optimise(_reserve_site(n_minus_1=True), method="simplex")
    assert float(ds["capacity_mw"].sel(technology="gas")) == pytest.approx(100 / 0.95)


def test_reserve_without_any_firm_option_says_by_how_much():
    site = SiteSupply(
        "bare", hours(3), np.full(3, 100.0), (), grid_import_cap_mw=100.0, reserve_margin=0.2
    )
    with pytest.raises(InfeasibleError) as err:
        optimise(site, method="simplex")
    assert str(err.value) == (
        "site 'bare': the planning reserve needs 20.0 MW more accredited capacity than the "
        "grid feed gives, and no technology allowed can provide it; allow thermal units or "
        "storage, or raise the import cap"
    )


# ---------------------------------------------------------------- ride-through, backup


def test_ride_through_sizes_storage_to_the_outage():
    # Load 10 MW, grid 20 MW at 50 USD/MWh, a 2 h battery discharging at 90 %. Surviving a
    # 6 h outage at any hour needs 6 x 10 = 60 MWh delivered, so 60 / 0.9 = 66.67 MWh held
    # at every hour: power = 66.67 / 2 = 33.33 MW (more than the 10 MW the outage draws).
    battery = SupplyTech(
        "bat", "storage", fixed_cost=1_000.0, duration_h=2.0, discharge_efficiency=0.9
    )
    site = SiteSupply(
        "rt",
        hours(48),
        np.full(48, 10.0),
        (battery,),
        grid_import_cap_mw=20.0,
        grid_price=50.0,
        ride_through_hours=6,
    )
    ds = optimise(site, method="simplex")
    assert float(ds["capacity_mw"].sel(technology="bat")) == pytest.approx(60 / 0.9 / 2)
    assert float(ds["storage_soc_mwh"].min()) == pytest.approx(60 / 0.9, rel=1e-6)


def test_backup_only_genset_carries_the_outage_and_never_runs_otherwise():
    # The same outage, now with a diesel genset at 2,000 USD/MW a year, backup-only: it is
    # cheaper than 3.3 MW of battery per MW of load, so 10 MW of genset, no battery, and the
    # genset does not run in normal hours even though its fuel (20 USD/MWh) is cheaper than
    # the grid (50 USD/MWh).
    battery = SupplyTech("bat", "storage", fixed_cost=1_000.0, duration_h=2.0)
    genset = SupplyTech(
        "diesel", "thermal", fixed_cost=2_000.0, marginal_cost=20.0, backup_only=True
    )
    site = SiteSupply(
        "rt",
        hours(48),
        np.full(48, 10.0),
        (battery, genset),
        grid_import_cap_mw=20.0,
        grid_price=50.0,
        ride_through_hours=6,
    )
    ds = optimise(site, method="simplex")
    assert float(ds["capacity_mw"].sel(technology="diesel")) == pytest.approx(10.0)
    assert float(ds["capacity_mw"].sel(technology="bat")) == pytest.approx(0.0, abs=1e-7)
    assert float(ds["dispatch_mw"].sel(technology="diesel").sum()) == 0.0
    # the fault replay runs it only while the grid is down
    up = np.ones(48, dtype=bool)
    up[10:16] = False
    replayed = replay(site, {"diesel": 10.0, "bat": 0.0}, grid_available=up)
    np.testing.assert_allclose(replayed.dispatch["diesel"][10:16], 10.0)
    assert replayed.dispatch["diesel"][up].sum() == 0.0
    assert replayed.unserved.sum() == 0.0


# ---------------------------------------------------------------- permits


def _gas_site(**tech: object) -> SiteSupply:
    # one week standing for a year (x 52.14); gas at 10 USD/MWh against a 100 USD/MWh grid
    gas = SupplyTech("gas", "thermal", fixed_cost=0.0, marginal_cost=10.0, **tech)  # type: ignore[arg-type]
    return SiteSupply(
        "p", hours(168), np.full(168, 10.0), (gas,), grid_import_cap_mw=20.0, grid_price=100.0
    )


def test_nox_cap_binds():
    # Unlimited, gas serves all 87,600 MWh a year at 1 kg NOx/MWh: 87.6 t. A 10 t permit
    # leaves gas 10,000 MWh a year.
    free = optimise(_gas_site(nox_kg_per_mwh=1.0), method="simplex")
    assert float(free["dispatch_mw"].sel(technology="gas").sum()) * 8760 / 168 == (
        pytest.approx(87_600.0)
    )
    capped = optimise(_gas_site(nox_kg_per_mwh=1.0, nox_cap_t=10.0), method="simplex")
    gas_mwh = float(capped["dispatch_mw"].sel(technology="gas").sum()) * 8760 / 168
    assert gas_mwh == pytest.approx(10_000.0, rel=1e-9)


def test_run_hour_permit_limits_full_load_hours():
    # 1,000 full-load hours with 10 MW of gas (max_mw): at most 10,000 MWh a year
    ds = optimise(_gas_site(max_mw=10.0, max_full_load_hours=1000.0), method="simplex")
    gas_mwh = float(ds["dispatch_mw"].sel(technology="gas").sum()) * 8760 / 168
    assert gas_mwh == pytest.approx(10_000.0, rel=1e-9)


# ---------------------------------------------------------------- firm by default


def test_firm_by_default_and_unserved_only_when_allowed():
    # 50 MW IT at Memphis (~55 MW facility) on a 40 MW feed and nothing else: infeasible
    data = small_scenario(technologies={})
    with pytest.raises(InfeasibleError, match=r"^site 'campus': supply is short in 8,760 of"):
        gigafactory.run(scenario_from_dict(data))
    data["reliability"] = {"allow_unserved": True, "value_of_lost_load_usd_per_mwh": 5000.0}
    s = gigafactory.run(scenario_from_dict(data)).summary
    assert s.unserved_mwh > 0
    # the lost load's cost is an item of the total and of the LCOE
    assert s.cost_breakdown_usd.unserved == pytest.approx(5000.0 * s.unserved_mwh)
    assert sum(s.cost_breakdown_usd.to_dict().values()) == pytest.approx(s.total_annual_cost_usd)
    warning = [n for n in s.warnings if n.level == "warning"]
    assert len(warning) == 1 and warning[0].text.startswith(
        f"campus: {s.unserved_mwh:,.1f} MWh unserved in 8,760 hours"
    )


def test_cli_prints_the_unserved_banner(write_yaml):
    data = small_scenario(technologies={})
    data["reliability"] = {"allow_unserved": True}
    path = write_yaml(data)
    result = CliRunner().invoke(app, ["run", str(path), "--no-report", "-o", str(path.parent)])
    assert result.exit_code == 0, result.output
    assert " WARNING  campus: " in result.output
    assert "MWh unserved in 8,760 hours" in result.output


def test_old_value_of_lost_load_field_says_where_it_went():
    data = small_scenario()
    data["solver"] = {"value_of_lost_load_usd_per_mwh": 10_000}
    with pytest.raises(ScenarioError, match="moved to reliability: supply is firm by default"):
        scenario_from_dict(data)


# ---------------------------------------------------------------- contracts


def test_baseload_ppa_cost_and_cfe():
    # 20 MW of off-site baseload at 50 USD/MWh: 20 x 8,760 x 50 = 8.76 M USD a year, all of
    # it carbon-free with certificates; the grid (counted 0 % carbon-free here, not TVA's
    # 60 % of the site library) supplies the rest, so hourly CFE = 20 x 8,760 / facility
    # energy.
    data = small_scenario(
        grid={"import_cap_mw": 80, "cfe_share": 0.0},
        technologies={},
        contracts=[
            {
                "name": "firm-clean",
                "technology": "nuclear_ppa",
                "shape": "baseload",
                "price_usd_per_mwh": 50.0,
                "mw": 20.0,
            }
        ],
    )
    results = gigafactory.run(scenario_from_dict(data))
    site = results.summary.sites[0]
    contract = site.contracts["firm-clean"]
    assert contract.cost_usd == pytest.approx(8_760_000.0)
    assert contract.delivered_mwh == pytest.approx(20 * 8760)
    assert contract.location == "off_site" and contract.certificates
    assert site.cfe_share == pytest.approx(20 * 8760 / site.facility_energy_mwh)
    # delivered over the 80 MW feed together with imports
    flow = results.series["campus"]["grid_import_mw"] + 20.0
    assert float(flow.max()) <= 80.0 + 1e-6


def test_as_produced_solar_ppa_pays_for_spilled_energy_too():
    # 100 MW of as-produced solar at 30 USD/MWh costs 30 x sum(cf) x 100 per year, used or
    # spilled; the annual match counts all of it, the hourly CFE only what the campus used
    # (the grid counted 0 % carbon-free, so the CFE is the PPA's alone).
    data = small_scenario(
        grid={"import_cap_mw": 80, "cfe_share": 0.0},
        technologies={},
        contracts=[
            {"name": "pv", "technology": "solar_fixed", "price_usd_per_mwh": 30.0, "mw": 100.0}
        ],
    )
    results = gigafactory.run(scenario_from_dict(data))
    site = results.summary.sites[0]
    cf = results.series["campus"]["capacity_factor"].sel(variable_technology="solar_fixed")
    assert site.contracts["pv"].cost_usd == pytest.approx(30.0 * float(cf.sum()) * 100.0)
    assert site.contracts["pv"].produced_mwh == pytest.approx(float(cf.sum()) * 100.0)
    assert site.cfe_annual_matching == pytest.approx(
        float(cf.sum()) * 100.0 / site.facility_energy_mwh
    )
    assert site.cfe_share < site.cfe_annual_matching


def test_library_contract_preset_and_off_site_needs_a_feed():
    presets = catalog.contract_presets()
    assert presets["kr_jeonnam_offshore_wind_ppa"]["max_mw"] == 35.0
    data = small_scenario(
        grid={"import_cap_mw": 0},
        technologies={"gas_ct": {}},
        contracts=[{"name": "w", "preset": "xcel_clean_energy_wind"}],
    )
    with pytest.raises(ScenarioError) as err:
        gigafactory.run(scenario_from_dict(data))
    assert str(err.value) == (
        "sites[0].contracts[0].location: off_site needs the grid feed, and "
        "grid.import_cap_mw is 0; give an import cap or location: on_site"
    )


# ---------------------------------------------------------------- tariffs


def test_kepco_tariff_is_calibrated_to_the_industrial_average():
    # A flat 1 MW load pays 182.7 KRW/kWh all-in: 182.7 / 1,384 x 1,000 = 132.01 USD/MWh,
    # of which the basic charge is 6,490 KRW/kW-month x 12 on the annual peak.
    index = hours(8760)
    tariff = hourly_tariff(
        "kepco_industrial_tou",
        catalog.tariffs()["kepco_industrial_tou"],
        index,
        np.full(8760, 20.0),
    )
    ((name, rate, period),) = tariff.demand
    assert name == "annual-peak" and rate == pytest.approx(6490 * 12 / 1384 * 1000)
    assert (period == 0).all()
    flat_bill = (tariff.energy_usd_per_mwh.sum() + rate) / 8760
    assert flat_bill == pytest.approx(182.7 / 1384 * 1000)
    local = index.tz_convert("Asia/Seoul")
    summer = np.asarray(local.month == 7)
    peak = tariff.energy_usd_per_mwh[summer & np.asarray(local.hour == 14)]
    light = tariff.energy_usd_per_mwh[summer & np.asarray(local.hour == 3)]
    assert peak.mean() > light.mean()


def test_ercot_4cp_is_four_hottest_afternoons():
    # 50 USD/kW-year on the mean of four monthly peaks: 12,500 USD/MW in each of 4 hours
    index = hours(8760)
    temp = np.zeros(8760)
    local = index.tz_convert("America/Chicago")
    hot_days = {6: 10, 7: 20, 8: 5, 9: 1}
    for month, day in hot_days.items():
        temp[np.asarray((local.month == month) & (local.day == day))] = 40.0
    tariff = hourly_tariff("ercot_4cp", catalog.tariffs()["ercot_4cp"], index, temp)
    charged = np.flatnonzero(tariff.coincident_usd_per_mw)
    assert len(charged) == 4
    assert tariff.coincident_usd_per_mw[charged] == pytest.approx(12_500.0)
    assert [(local[i].month, local[i].day, local[i].hour) for i in charged] == [
        (m, d, 16) for m, d in hot_days.items()
    ]


def test_temporary_units_pay_for_their_days_in_service():
    # gas_ct in service for January only (31 of 365 days): capex and O&M x 31/365, and no
    # output after January
    data = small_scenario(
        grid={"import_cap_mw": 80, "in_service": "2025-02-01"},
        technologies={"gas_ct": {"max_mw": 100, "retire": "2025-02-01"}},
    )
    results = gigafactory.run(scenario_from_dict(data))
    gas = results.series["campus"]["dispatch_mw"].sel(technology="gas_ct").to_numpy()
    grid = results.series["campus"]["grid_import_mw"].to_numpy()
    assert gas[31 * 24 :].max() == 0.0 and grid[: 31 * 24].max() == 0.0
    params = catalog.get_technology("gas_ct").params
    crf = gigafactory.economics.capital_recovery_factor(0.07, params["lifetime_years"])
    per_mw = (params["capex_usd_per_mw"] * crf + params["fom_usd_per_mw_year"]) * 31 / 365
    cap = results.summary.capacity_mw["gas_ct"]
    fuel_vom = results.summary.sites[0].cost_by_technology_usd["gas_ct"] - per_mw * cap
    energy = float(gas.sum())
    cost = gigafactory.economics.technology_cost(
        "thermal",
        params,
        0.07,
        gas_price_usd_per_mwh_th=catalog.get_site("memphis").params["gas_price_usd_per_mwh_th"],
    )
    assert fuel_vom == pytest.approx(cost.marginal_usd_per_mwh * energy, rel=1e-9)


def test_summary_reports_design_power_and_the_feed(tmp_path):
    data = small_scenario(grid={"import_cap_mw": 80}, technologies={})
    data["reliability"] = {"planning_reserve_margin": 0.1}
    # 50 MW IT x peak PUE; the feed must hold 10 % above it
    results = gigafactory.run(scenario_from_dict(data))
    site = results.summary.sites[0]
    pue_peak = float(results.series["campus"]["pue"].max())
    assert site.reliability is not None
    assert site.reliability.design_power_mw == pytest.approx(50 * pue_peak)
    assert site.reliability.accredited_firm_mw == pytest.approx(80.0)
    assert site.reliability.reserve_margin == pytest.approx(80 / (50 * pue_peak) - 1)
    text = json.loads(results.to_json())
    assert text["sites"][0]["grid_import_cap_mw"] == 80.0
    assert text["sites"][0]["tariff"] == "tva_large_general"


def test_grid_cfe_share_follows_the_carbon_shape(tmp_path):
    # Carbon 300 kg/MWh by night and 500 by day (mean 400), annual CFE share 0.5: the emitting
    # share 0.5 scales with intensity, so 1 - 0.5 x 300/400 = 0.625 by night and
    # 1 - 0.5 x 500/400 = 0.375 by day; the annual mean stays 0.5.
    carbon = np.where(np.arange(8760) % 24 < 12, 300.0, 500.0)
    (tmp_path / "carbon.csv").write_text("carbon_kg_per_mwh\n" + "\n".join(map(str, carbon)) + "\n")
    data = small_scenario(
        grid={"import_cap_mw": 80, "carbon_csv": str(tmp_path / "carbon.csv"), "cfe_share": 0.5},
        technologies={},
    )
    results = gigafactory.run(scenario_from_dict(data))
    share = results.series["campus"]["grid_cfe_share"].to_numpy()
    np.testing.assert_allclose(share[:12], 0.625)
    np.testing.assert_allclose(share[12:24], 0.375)
    assert share.mean() == pytest.approx(0.5)
    # grid only: hourly CFE is the import-weighted share
    site = results.summary.sites[0]
    load = results.series["campus"]["load_mw"].to_numpy()
    assert site.cfe_share == pytest.approx(float((share * load).sum() / load.sum()))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    load=st.lists(st.floats(5.0, 50.0), min_size=24, max_size=24),
    margin=st.floats(0.0, 0.5),
    rate=st.floats(0.0, 50_000.0),
    cap=st.floats(0.0, 40.0),
)
def test_reserve_and_demand_peaks_hold(load, margin, rate, cap):
    # Invariants on random days: accredited capacity covers the design load with the margin,
    # each billed peak is at least every import of its period, and the balance holds.
    techs = (
        SupplyTech("gas", "thermal", fixed_cost=60_000.0, marginal_cost=60.0),
        SupplyTech("bat", "storage", fixed_cost=30_000.0, duration_h=4.0),
    )
    site = SiteSupply(
        "h",
        hours(24),
        np.asarray(load),
        techs,
        grid_import_cap_mw=cap,
        grid_price=80.0,
        reserve_margin=margin,
        demand_charges=(DemandCharge("daily", rate, np.zeros(24, dtype=int)),),
    )
    ds = optimise(site, method="simplex")
    names, values = ds["technology"].values, ds["capacity_mw"].values
    capacity = {str(k): float(v) for k, v in zip(names, values, strict=True)}
    assert firm_capacity_mw(site, capacity) >= (1 + margin) * max(load) - 1e-6
    if cap > 0:
        (peak,) = ds.attrs["demand_peaks_mw"]["daily"]
        assert peak >= float(ds["grid_import_mw"].max()) - 1e-6
    supply = (
        ds["dispatch_mw"].sum("technology")
        - ds["storage_charge_mw"].sum("storage")
        + ds["grid_import_mw"]
    )
    assert (supply - ds["load_mw"] >= -1e-6).all()


def test_backup_is_sized_to_design_power_energy_to_the_load():
    # Hourly load 10 MW but a 15 MW design (nameplate at peak PUE): the genset is sized to
    # 15 MW although an outage never draws more than 10 MW.
    genset = SupplyTech("diesel", "thermal", fixed_cost=2_000.0, backup_only=True)
    site = SiteSupply(
        "rt",
        hours(24),
        np.full(24, 10.0),
        (genset,),
        grid_import_cap_mw=20.0,
        grid_price=50.0,
        ride_through_hours=4,
        design_load_mw=15.0,
    )
    ds = optimise(site, method="simplex")
    assert float(ds["capacity_mw"].sel(technology="diesel")) == pytest.approx(15.0)


def test_connection_sized_to_design_power():
    data = small_scenario(grid={"size_to_design": True}, technologies={})
    results = gigafactory.run(scenario_from_dict(data))
    site = results.summary.sites[0]
    assert site.reliability is not None
    assert site.grid_import_cap_mw == pytest.approx(site.reliability.design_power_mw)
    assert site.unserved_mwh == 0.0


def test_storage_toll_is_paid_per_kw_month():
    # A 20 MW Li-ion toll at 8 USD/kW-month: 8 x 12 x 1,000 x 20 = 1.92 M USD a year,
    # dispatched by the buyer like its own battery.
    data = small_scenario(
        grid={"import_cap_mw": 40},
        technologies={"gas_ct": {"max_mw": 100}},
        contracts=[
            {
                "name": "toll",
                "technology": "liion_4h",
                "shape": "tolling",
                "location": "on_site",
                "price_usd_per_kw_month": 8.0,
                "mw": 20.0,
            }
        ],
    )
    site = gigafactory.run(scenario_from_dict(data)).summary.sites[0]
    assert site.contracts["toll"].cost_usd == pytest.approx(1_920_000.0)
    assert site.contracts["toll"].mw == pytest.approx(20.0)
    assert site.storage_mwh["toll"] == pytest.approx(80.0)


def test_report_shows_the_banner_and_firm_supply():
    data = small_scenario(technologies={})
    data["reliability"] = {"allow_unserved": True}
    results = gigafactory.run(scenario_from_dict(data))
    page = gigafactory.report_html(results)
    text = results.summary.warnings[0].text
    assert f"<div class='banner' role='alert'>WARNING: {text}</div>" in page
    assert "<th>Firm supply</th>" in page and "tva_large_general" in page
    clean = gigafactory.report_html(gigafactory.run(scenario_from_dict(small_scenario())))
    assert "class='banner'" not in clean


def test_contract_errors_name_the_field():
    toll = {"name": "t", "technology": "liion_4h", "shape": "tolling", "location": "off_site"}
    data = small_scenario(contracts=[{**toll, "price_usd_per_kw_month": 8.0}])
    with pytest.raises(ScenarioError) as err:
        gigafactory.run(scenario_from_dict(data))
    assert str(err.value) == (
        "sites[0].contracts[0]: a toll needs a storage technology, price_usd_per_kw_month and "
        "location on_site"
    )
    # a contract's technology is checked when the scenario loads, not first in a run
    data = small_scenario(contracts=[{"name": "w", "technology": "wind_ofshore"}])
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    assert str(err.value).startswith(
        "<scenario>: sites[0].contracts[0].technology: unknown technology 'wind_ofshore'; "
        "did you mean 'wind_offshore'?; allowed: "
    )
