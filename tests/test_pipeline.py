"""End to end: scenario -> results, user series, determinism, presets, results folder."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml

import gigafactory
from conftest import small_scenario
from gigafactory import InfeasibleError, Results, load_scenario
from gigafactory.pipeline.prepare import prepare_site
from gigafactory.resource import weather
from gigafactory.results import SUMMARY_KEYS
from gigafactory.scenario import scenario_from_dict

TIMING_KEYS = {"solve_seconds", "run_seconds"}


@pytest.fixture(scope="module")
def small_results():
    return gigafactory.run(scenario_from_dict(small_scenario()))


def test_summary_has_every_key_per_site_and_total(small_results):
    summary = small_results.summary
    for key in SUMMARY_KEYS:
        assert hasattr(summary, key), key
        assert hasattr(summary.sites[0], key), key
    # the JSON has the same keys, and reads back into the same summary
    data = json.loads(small_results.to_json())
    assert set(SUMMARY_KEYS) <= set(data) and set(SUMMARY_KEYS) <= set(data["sites"][0])
    assert gigafactory.Summary.from_dict(data).to_dict() == summary.to_dict()


def test_energy_and_cost_accounting(small_results):
    s = small_results.summary
    data = small_results.series["campus"]
    # 50 MW IT all year = 438,000 MWh; facility energy = sum of IT * PUE(t)
    assert s.it_energy_mwh == pytest.approx(50 * 8760)
    assert s.facility_energy_mwh == pytest.approx(float((data["it_mw"] * data["pue"]).sum()))
    assert s.pue_annual >= 1.0
    # 1 m3 per MWh is 1 L per kWh
    assert s.wue_l_per_kwh == pytest.approx(s.water_m3 / s.it_energy_mwh)
    # supply = load + storage charging; no storage here, so sources sum to served energy
    served = s.facility_energy_mwh - s.unserved_mwh
    assert sum(s.energy_by_source_mwh.values()) == pytest.approx(served, rel=1e-6)
    # cost parts add up to the total and the total matches the LP objective less VoLL
    assert sum(s.cost_breakdown_usd.to_dict().values()) == pytest.approx(s.total_annual_cost_usd)
    assert s.lcoe_usd_per_mwh == pytest.approx(s.total_annual_cost_usd / served)
    # grid carbon: Memphis (TVA) 0.365 t/MWh on imports; gas at its catalog intensity
    gas = gigafactory.catalog.get_technology("gas_ct").params
    expected = (
        0.365 * s.energy_by_source_mwh["grid"]
        + gas["co2_t_per_mwh_th"] / gas["efficiency"] * s.energy_by_source_mwh["gas_ct"]
    )
    assert s.emissions_tco2e == pytest.approx(expected, rel=1e-6)
    assert s.nox_t > 0
    assert 0 <= s.cfe_share <= 1
    assert s.capacity_mw["gas_ct"] <= 100 + 1e-6
    assert float(data["grid_import_mw"].max()) <= 40 + 1e-6


def test_same_seed_same_numbers(small_results):
    again = gigafactory.run(scenario_from_dict(small_scenario()))

    def strip(summary):
        out = {k: v for k, v in summary.to_dict().items() if k not in TIMING_KEYS | {"sites"}}
        return json.loads(json.dumps(out))

    assert strip(again.summary) == strip(small_results.summary)


def test_user_series_override_synthesised(tmp_path):
    cf = np.tile(np.r_[np.zeros(8), np.full(8, 0.5), np.zeros(8)], 365)
    (tmp_path / "cf.csv").write_text("solar_fixed\n" + "\n".join(map(str, cf)) + "\n")
    load = np.where(np.arange(8760) % 24 < 12, 40.0, 60.0)
    (tmp_path / "load.csv").write_text("# source: test\nit_mw\n" + "\n".join(map(str, load)) + "\n")
    price = np.full(8760, 80.0)
    (tmp_path / "price.csv").write_text("price_usd_per_mwh\n" + "\n".join(map(str, price)) + "\n")
    data = small_scenario(
        load={"profile_csv": "load.csv"},
        grid={"import_cap_mw": 40, "price_csv": "price.csv"},
        series={"capacity_factors_csv": "cf.csv"},
    )
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    results = gigafactory.run(load_scenario(path))
    series = results.series["campus"]
    np.testing.assert_allclose(series["capacity_factor"].sel(variable_technology="solar_fixed"), cf)
    np.testing.assert_allclose(series["it_mw"], load)
    np.testing.assert_allclose(series["grid_price_usd_per_mwh"], 80.0)
    assert results.summary.it_energy_mwh == pytest.approx(50 * 8760)


def test_capacity_factor_column_with_a_typo_is_an_error(tmp_path):
    # was: a 'solar_fixd' column silently ignored and solar synthesised instead
    (tmp_path / "cf.csv").write_text("solar_fixd\n" + "0.2\n" * 8760)
    data = small_scenario(series={"capacity_factors_csv": "cf.csv"})
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(gigafactory.ScenarioError) as err:
        gigafactory.run(load_scenario(path))
    assert str(err.value) == (
        f"sites[0].series.capacity_factors_csv: {tmp_path / 'cf.csv'}: column 'solar_fixd' is "
        "not a variable technology; did you mean 'solar_fixed'?; allowed: solar_fixed, "
        "solar_tracking, wind_offshore, wind_offshore_floating, wind_onshore (and a time column)"
    )


def test_dispatch_mode_keeps_existing_capacity():
    data = small_scenario(
        technologies={"gas_ct": {"existing_mw": 30}, "solar_fixed": {"existing_mw": 20}}
    )
    data["solver"] = {"mode": "dispatch"}
    results = gigafactory.run(scenario_from_dict(data))
    assert results.summary.capacity_mw == pytest.approx({"gas_ct": 30.0, "solar_fixed": 20.0})
    # existing plant carries no capex, only fixed O&M
    assert results.summary.cost_breakdown_usd.capex_annualised == pytest.approx(0.0, abs=1e-3)


def test_infeasible_scenario_says_where_and_how_much():
    data = small_scenario(technologies={"gas_ct": {"max_mw": 5}}, grid={"import_cap_mw": 10})
    data["solver"] = {"method": "simplex"}
    with pytest.raises(
        InfeasibleError, match=r"^site 'campus': supply is short in 8,760 of 8,760 hours"
    ):
        gigafactory.run(scenario_from_dict(data))


def test_results_folder_round_trip_and_atomic(small_results, tmp_path, monkeypatch):
    folder = gigafactory.write_results(small_results, tmp_path / "run")
    assert {p.name for p in folder.iterdir()} == {
        "summary.json",
        "scenario.yaml",
        "run.json",
        "series",
        "report.html",
    }
    loaded = Results.load(folder)
    assert loaded.summary.total_annual_cost_usd == pytest.approx(
        small_results.summary.total_annual_cost_usd
    )
    assert loaded.scenario == small_results.scenario
    assert loaded.info["seed"] == 1
    assert loaded.info["solver"]["name"] == "HiGHS"
    np.testing.assert_allclose(
        loaded.series["campus"]["load_mw"], small_results.series["campus"]["load_mw"]
    )
    report = (folder / "report.html").read_text()
    # offline: plotly.js inlined, nothing fetched
    assert "Plotly.newPlot" in report and "<script src=" not in report

    # a failing write leaves the earlier folder untouched and no staging debris
    from pathlib import Path

    real_write = Path.write_text

    def broken(self, *args, **kwargs):
        if self.name == "report.html":
            raise OSError("disk full")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", broken)
    with pytest.raises(OSError, match="disk full"):
        gigafactory.write_results(small_results, folder)
    monkeypatch.undo()
    assert Results.load(folder).summary == loaded.summary
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def compute_scenario(flexible: bool = True) -> dict:
    training = {
        "name": "run",
        "accelerator": "h100_sxm",
        "flops": 1e24,
        "accelerators": 8_000,
        "checkpoint_s": 30,
    }
    if flexible:
        training["flexible"] = {"floor": 0.5, "ceiling": 1.2}
    return small_scenario(
        load=None,
        compute={
            "training": [training],
            "inference": [
                {
                    "name": "chat",
                    "accelerator": "h200_sxm",
                    "active_parameters": 70e9,
                    "tokens_per_day": 2e9,
                }
            ],
        },
        grid={"import_cap_mw": 8},
    )


def test_compute_sets_the_it_load_and_flexibility_pays():
    data = compute_scenario()
    data["sites"][0].pop("load")
    results = gigafactory.run(scenario_from_dict(data))
    site = results.summary.sites[0]
    comp = site.compute
    # 8,000 H100 training: 8,000 x 1,275 W x 1.1 = 11.22 MW at full power; inference for
    # 2e9 tokens/day at a 1.5 peak-to-mean ratio: 34,722 tokens/s peak / 3,568 per H200 ->
    # 10 H200 (one per replica)
    assert comp.accelerators["h100_sxm"] == 8_000
    assert comp.accelerators["h200_sxm"] == math.ceil(2e9 / 86_400 * 1.5 / 3_568)
    assert comp.it_capacity_mw == pytest.approx(
        (8_000 * 1_275 + comp.accelerators["h200_sxm"] * 1_275) * 1.1 / 1e6
    )
    training = comp.training
    assert training is not None
    assert training.flops == 1e24
    assert training.days > 0 and 0 < training.goodput <= 1
    assert training.accelerator_hours == pytest.approx(8_000 * training.days * 24)
    assert comp.inference is not None
    for key in ("tokens_per_s", "wh_per_query", "usd_per_million_tokens"):
        assert getattr(comp.inference, key) > 0
    # training energy delivered in every week equals its nominal energy
    series = results.series["campus"]
    flexible = series["flexible_it_mw"].to_numpy()
    weeks = np.arange(8760) // 168
    nominal = flexible.mean()  # flat nominal pace
    for w in np.unique(weeks):
        assert flexible[weeks == w].sum() == pytest.approx(nominal * (weeks == w).sum(), rel=1e-6)
    assert flexible.min() >= 0.5 * nominal * (1 - 1e-6)
    assert flexible.max() <= 1.2 * nominal * (1 + 1e-6)
    # flexibility can only lower the cost (the rigid schedule is one of its options)
    flex = site.flexibility
    assert flex.total_annual_cost_usd_flexible <= flex.total_annual_cost_usd_rigid * (1 + 1e-7)
    top = results.summary.compute
    assert top.accelerators == comp.accelerators
    assert top is not None and top.training is not None
    assert top.training.flops == 1e24
    assert top.usd_per_accelerator_hour == pytest.approx(comp.usd_per_accelerator_hour)
    assert comp.usd_per_accelerator_hour == pytest.approx(
        comp.total_cost_of_ownership_usd / (sum(comp.accelerators.values()) * 8760)
    )


def test_size_without_lp():
    data = compute_scenario(flexible=False)
    data["sites"][0].pop("load")
    scenario = scenario_from_dict(data)
    sized = gigafactory.size(scenario)["campus"]
    assert sized.pue_annual >= 1.0
    # Memphis is billed on TVA's large general schedule (SDE GSC, Tupelo Water & Light,
    # 2016): energy 2.440 + 1.855 fuel = 4.295 c/kWh, 15.78 USD/kW on each month's peak
    # (months in Memphis time), 1,850 USD a month fixed
    facility_mw = prepare_site(scenario, 0).supply.load_mw
    month = pd.DatetimeIndex(weather.hourly_index(2025)).tz_convert("America/Chicago").month
    peaks = pd.Series(facility_mw).groupby(np.asarray(month)).max().sum()
    expected = 42.95 * facility_mw.sum() + 15_780.0 * peaks + 1_850.0 * 12
    assert sized.facility_energy_mwh == pytest.approx(facility_mw.sum())
    assert sized.total_annual_cost_usd == pytest.approx(expected, rel=1e-9)
    assert sized.compute.training_runs[0].accelerators == 8_000


def test_grid_carbon_csv_in_kg_and_typical_tariff_shape(tmp_path):
    # carbon given hourly in kg/MWh: 300 by night, 500 by day; the model works in t/MWh
    carbon = np.where(np.arange(8760) % 24 < 12, 300.0, 500.0)
    (tmp_path / "carbon.csv").write_text("carbon_kg_per_mwh\n" + "\n".join(map(str, carbon)) + "\n")
    data = small_scenario(
        grid={
            "import_cap_mw": 40,
            "carbon_csv": "carbon.csv",
            "shape": "typical",
            "tariff": "flat",
        },
        technologies={"gas_ct": {"max_mw": 100}},
    )
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    results = gigafactory.run(load_scenario(path))
    series = results.series["campus"]
    gas = gigafactory.catalog.get_technology("gas_ct").params
    by_hand = (
        float((series["grid_import_mw"] * carbon / 1e3).sum())
        + gas["co2_t_per_mwh_th"]
        / gas["efficiency"]
        * results.summary.energy_by_source_mwh["gas_ct"]
    )
    assert results.summary.emissions_tco2e == pytest.approx(by_hand, rel=1e-9)
    # the typical shape moves the tariff through the day but keeps Memphis's annual mean
    price = series["grid_price_usd_per_mwh"].to_numpy()
    memphis = gigafactory.catalog.get_site("memphis").params["grid_price_usd_per_mwh"]
    assert price.mean() == pytest.approx(memphis, rel=1e-6)
    assert price.max() > 1.1 * memphis
