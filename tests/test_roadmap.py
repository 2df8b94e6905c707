"""A build-out in one LP: stages, vintages, lead times and bridges, checked by hand."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import gigafactory
from conftest import small_scenario
from gigafactory.cli import app
from gigafactory.scenario import scenario_from_dict
from gigafactory.supply import SiteSupply, SupplyTech, optimise
from gigafactory.supply.model import build_model
from gigafactory.supply.roadmap import (
    discounted_years,
    interpolated_cost,
    vintage_site,
)
from gigafactory.supply.stage_tables import stage_tables

runner = CliRunner()

HOURS = 4
"""Hours per stage in the toys: every hour alike, so 4 stand for the year exactly."""


def _stage(year: int, load_mw: float, techs: tuple[SupplyTech, ...], **grid: float) -> SiteSupply:
    return SiteSupply(
        name="toy",
        time=pd.date_range(f"{year}-01-01", periods=HOURS, freq="h", tz="UTC"),
        load_mw=np.full(HOURS, load_mw),
        techs=techs,
        **grid,
    )


def _solar_plan(solar_2028: float, *, earliest: int = 2026):
    """10 MW of load in 2026-2029 at a 50 USD/MWh grid; solar at half output in every hour
    costs 150,000 USD/MW/yr built in 2026 and ``solar_2028`` built in 2028; no discounting."""
    solar = SupplyTech("solar", "variable", fixed_cost=0.0, availability=0.5, clean=True)
    stages = [
        _stage(y, 10.0, (solar,), grid_import_cap_mw=100.0, grid_price=50.0) for y in (2026, 2028)
    ]
    weights = discounted_years([2026, 2028], 2030, 0.0)
    return vintage_site(
        stages,
        [2026, 2028],
        weights,
        life_years={"solar": 30.0},
        earliest_year={"solar": earliest},
        fixed_usd_per_mw_year={"solar": {2026: 150_000.0, 2028: solar_2028}},
        capex_usd_per_mw={"solar": {2026: 1.5e6, 2028: 1.0e6}},
    )


# One MW of solar saves 0.5 MW x 8,760 h x 50 USD/MWh = 219,000 USD a year of grid energy.
# Built in 2026 it saves and pays 150,000 for four years; built in 2028, two years at
# solar_2028. Early wins when 4 (219,000 - 150,000) > 2 (219,000 - solar_2028), that is
# when solar_2028 > 2 x 150,000 - 219,000 = 81,000 USD/MW/yr. 20 MW covers the 10 MW load.
GRID_2026_2027_USD = 10.0 * 8760 * 50.0 * 2  # 8.76 M USD: two years of imports


def test_a_slow_cost_decline_builds_early():
    plan = _solar_plan(100_000.0)
    ds = optimise(plan.site)
    early = 20.0 * 150_000.0 * 4  # 12.0 M USD; waiting: 8.76 M + 20 x 100,000 x 2 = 12.76 M
    assert ds.attrs["objective_usd"] == pytest.approx(early, rel=1e-6)
    first, second = stage_tables(ds, plan)
    assert first.built_mw["solar"] == pytest.approx(20.0, abs=1e-4)
    assert second.built_mw.get("solar", 0.0) == pytest.approx(0.0, abs=1e-4)
    assert second.capacity_mw["solar"] == pytest.approx(20.0, abs=1e-4)  # carried over
    assert first.capex_usd == pytest.approx(20.0 * 1.5e6, rel=1e-6)
    assert first.fixed_cost_usd == pytest.approx(20.0 * 150_000.0, rel=1e-6)
    assert first.energy_mwh.get("grid", 0.0) == pytest.approx(0.0, abs=1e-3)


def test_a_steep_cost_decline_waits():
    plan = _solar_plan(50_000.0)
    ds = optimise(plan.site)
    late = GRID_2026_2027_USD + 20.0 * 50_000.0 * 2  # 10.76 M USD against 12.0 M early
    assert ds.attrs["objective_usd"] == pytest.approx(late, rel=1e-6)
    first, second = stage_tables(ds, plan)
    assert first.capacity_mw.get("solar", 0.0) == pytest.approx(0.0, abs=1e-4)
    assert second.built_mw["solar"] == pytest.approx(20.0, abs=1e-4)
    assert first.energy_mwh["grid"] == pytest.approx(10.0 * 8760, rel=1e-6)
    assert first.operating_cost_usd == pytest.approx(10.0 * 8760 * 50.0, rel=1e-6)
    assert second.capex_usd == pytest.approx(20.0 * 1.0e6, rel=1e-6)
    # the present value is the stages' annual costs times their discounted years
    pv = sum(s.annual_cost_usd * s.weight_years for s in (first, second))
    assert pv == pytest.approx(ds.attrs["objective_usd"], rel=1e-6)


def test_a_lead_time_keeps_a_technology_out_of_early_stages():
    plan = _solar_plan(100_000.0, earliest=2028)  # early would win, but cannot be had
    assert [v.name for v in plan.vintages] == ["solar@2028"]
    ds = optimise(plan.site)
    assert ds.attrs["objective_usd"] == pytest.approx(
        GRID_2026_2027_USD + 20.0 * 100_000.0 * 2, rel=1e-6
    )


def test_a_grid_wait_forces_a_bridge_that_retires():
    """No grid before 2028: 10 MW of rented turbines (life 2 years) bridge 2026-2027 and
    leave; from 2028 the 60 USD/MWh grid is cheaper than the turbines' 80 USD/MWh fuel."""
    turbine = SupplyTech("turbine", "thermal", fixed_cost=0.0, marginal_cost=80.0)
    stages = [
        _stage(2026, 10.0, (turbine,), grid_import_cap_mw=0.0),
        _stage(2028, 10.0, (turbine,), grid_import_cap_mw=50.0, grid_price=60.0),
    ]
    plan = vintage_site(
        stages,
        [2026, 2028],
        discounted_years([2026, 2028], 2030, 0.0),
        life_years={"turbine": 2.0},
        earliest_year={"turbine": 2026},
        fixed_usd_per_mw_year={"turbine": {2026: 120_000.0, 2028: 120_000.0}},
        capex_usd_per_mw={"turbine": {2026: 0.6e6, 2028: 0.6e6}},
    )
    ds = optimise(plan.site)
    first, second = stage_tables(ds, plan)
    assert first.built_mw["turbine"] == pytest.approx(10.0, abs=1e-4)
    assert second.retired_mw["turbine"] == pytest.approx(10.0, abs=1e-4)
    assert second.capacity_mw.get("turbine", 0.0) == pytest.approx(0.0, abs=1e-4)
    # 2026-2027: 10 MW x 120,000 + 87,600 MWh x 80 USD = 8.208 M USD a year;
    # 2028-2029: 87,600 MWh x 60 USD = 5.256 M USD a year
    assert first.annual_cost_usd == pytest.approx(1.2e6 + 87_600 * 80.0, rel=1e-6)
    assert second.annual_cost_usd == pytest.approx(87_600 * 60.0, rel=1e-6)
    assert ds.attrs["objective_usd"] == pytest.approx(
        2 * (1.2e6 + 87_600 * 80.0) + 2 * 87_600 * 60.0, rel=1e-6
    )


def test_a_build_limit_holds_over_the_vintages_in_service():
    """At most 15 MW of solar at the site: what 2026 built counts against 2028's room."""
    solar = SupplyTech(
        "solar", "variable", fixed_cost=0.0, availability=0.5, clean=True, max_mw=15.0
    )
    stages = [
        _stage(y, 10.0, (solar,), grid_import_cap_mw=100.0, grid_price=50.0) for y in (2026, 2028)
    ]
    plan = vintage_site(
        stages,
        [2026, 2028],
        discounted_years([2026, 2028], 2030, 0.0),
        life_years={"solar": 30.0},
        earliest_year={"solar": 2026},
        fixed_usd_per_mw_year={"solar": {2026: 150_000.0, 2028: 100_000.0}},
        capex_usd_per_mw={"solar": {2026: 1.5e6, 2028: 1.0e6}},
    )
    ds = optimise(plan.site)
    first, second = stage_tables(ds, plan)
    assert first.capacity_mw["solar"] == pytest.approx(15.0, abs=1e-4)
    assert second.capacity_mw["solar"] == pytest.approx(15.0, abs=1e-4)
    assert second.built_mw.get("solar", 0.0) == pytest.approx(0.0, abs=1e-4)


def test_a_stage_without_a_vintage_in_service_has_no_build_limit_row():
    """Solar first in service in 2028 has no vintage in 2026: its limit there would read
    0 <= 15 MW, a row of no terms that linopy's solve drops after numbering the rows, so
    that HiGHS's duals came back one row short (an IndexError from linopy where a
    build-out's infeasibility was being explained; stargate-korea-buildout with Pohang's
    2026 feed at 0). Solar saves 0.5 x 8,760 h x 50 USD/MWh = 219,000 USD/MW-yr for
    100,000: 15 MW, the limit, from 2028, the 2030 vintage adding none."""
    solar = SupplyTech(
        "solar", "variable", fixed_cost=0.0, availability=0.5, clean=True, max_mw=15.0
    )
    years = [2026, 2028, 2030]
    stages = [_stage(y, 10.0, (solar,), grid_import_cap_mw=100.0, grid_price=50.0) for y in years]
    plan = vintage_site(
        stages,
        years,
        discounted_years(years, 2032, 0.0),
        life_years={"solar": 30.0},
        earliest_year={"solar": 2028},
        fixed_usd_per_mw_year={"solar": {2028: 100_000.0, 2030: 100_000.0}},
        capex_usd_per_mw={"solar": {2028: 1.0e6, 2030: 1.0e6}},
    )
    model = build_model(plan.site)
    limit = model.constraints["vintage-limit"]
    assert (limit.labels.sel(stage=0) == -1).all()  # no row in 2026
    assert (limit.labels.sel(stage=[1, 2]) >= 0).all()
    ds = optimise(plan.site, method="simplex")
    first, second, third = stage_tables(ds, plan)
    assert first.capacity_mw.get("solar", 0.0) == pytest.approx(0.0, abs=1e-6)
    assert second.capacity_mw["solar"] == pytest.approx(15.0, abs=1e-4)
    assert third.capacity_mw["solar"] == pytest.approx(15.0, abs=1e-4)


@settings(max_examples=25, deadline=None)
@given(
    early=st.floats(60_000.0, 300_000.0),
    late=st.floats(20_000.0, 300_000.0),
    price=st.floats(20.0, 120.0),
    rate=st.floats(0.0, 0.12),
)
def test_the_build_year_follows_the_hand_rule_and_costs_add_up(early, late, price, rate):
    """Solar at half output in every hour saves ``v = 0.5 x 8,760 x price`` per MW-year.
    With discounted years W1, W2 a 2026 MW gains ``(v - early)(W1 + W2)``, a 2028 MW
    ``(v - late) W2``, nothing 0: the LP takes the best of the three for all 20 MW, and the
    stages' annual costs times their discounted years are its objective."""
    solar = SupplyTech("solar", "variable", fixed_cost=0.0, availability=0.5, clean=True)
    stages = [
        _stage(y, 10.0, (solar,), grid_import_cap_mw=100.0, grid_price=price) for y in (2026, 2028)
    ]
    weights = discounted_years([2026, 2028], 2030, rate)
    plan = vintage_site(
        stages,
        [2026, 2028],
        weights,
        life_years={"solar": 30.0},
        earliest_year={"solar": 2026},
        fixed_usd_per_mw_year={"solar": {2026: early, 2028: late}},
        capex_usd_per_mw={"solar": {2026: 1.0, 2028: 1.0}},
    )
    ds = optimise(plan.site)
    value = 0.5 * 8760 * price
    gains = {
        "2026": (value - early) * weights.sum(),
        "2028": (value - late) * weights[1],
        "none": 0.0,
    }
    grid = 10.0 * 8760 * price * weights.sum()
    assert ds.attrs["objective_usd"] == pytest.approx(grid - 20.0 * max(gains.values()), rel=1e-6)
    tables = stage_tables(ds, plan)
    pv = sum(t.annual_cost_usd * t.weight_years for t in tables)
    assert pv == pytest.approx(ds.attrs["objective_usd"], rel=1e-6)


def test_discounted_years_by_hand():
    # 2026 and 2027 at 7 %: 1 + 1/1.07 = 1.934579; 2028-2030: 1/1.07^2 + 1/1.07^3 + 1/1.07^4
    weights = discounted_years([2026, 2028], 2031, 0.07)
    assert weights[0] == pytest.approx(1.0 + 1 / 1.07, rel=1e-9)
    assert weights[1] == pytest.approx(sum(1.07**-k for k in (2, 3, 4)), rel=1e-9)
    with pytest.raises(ValueError, match="stages must be in ascending years"):
        discounted_years([2028, 2026], 2030, 0.07)


def test_interpolated_cost_follows_the_catalog_years():
    # NREL ATB 2024 utility PV (tracking) 1,606 USD/kW in 2025, 1,285 in 2030 (technologies.csv)
    assert interpolated_cost({2025: 1606.0, 2030: 1285.0}, 2028) == pytest.approx(
        1606.0 + 3 / 5 * (1285.0 - 1606.0)
    )
    assert interpolated_cost({2025: 1606.0, 2030: 1285.0}, 2024) == 1606.0


# --- the pipeline: scenarios with a roadmap section ------------------------------------


def _small(**roadmap: object) -> dict:
    data = small_scenario()
    data["sites"][0]["technologies"]["liion_4h"] = {"max_mw": 50}
    data["sites"][0]["technologies"]["gas_ct"]["existing_mw"] = 20
    data["policy"] = {"cfe_target": 0.5}
    data["time"] = {"aggregation": {"count": 8}}
    if roadmap:
        data["roadmap"] = roadmap
    return data


def test_one_stage_gives_the_single_year_run():
    """A roadmap of the scenario's own year, decided long before (no lead time binds), is
    the single-year run: same capacities, and its present value over one undiscounted
    year is the run's annual cost (existing gas pays fixed O&M only in both)."""
    once = gigafactory.run(scenario_from_dict(_small())).summary
    plan = gigafactory.plan_roadmap(
        scenario_from_dict(_small(stages=[{"year": 2025}], decided=2020))
    )
    (site,) = plan.sites
    (stage,) = site.stages
    assert stage.weight_years == 1.0
    assert site.present_value_usd == pytest.approx(once.total_annual_cost_usd, rel=1e-6)
    assert stage.annual_cost_usd == pytest.approx(once.total_annual_cost_usd, rel=1e-6)
    for name, mw in once.capacity_mw.items():
        assert stage.capacity_mw[name] == pytest.approx(mw, abs=1e-3), name
    assert stage.cfe_share == pytest.approx(0.5, abs=1e-6)  # the target binds
    assert stage.built_mw["gas_ct"] == pytest.approx(once.capacity_mw["gas_ct"] - 20.0, abs=1e-3)


def test_a_campus_that_doubles_builds_in_steps_and_lead_times_bind():
    """Half the campus in 2025, all of it from 2027, decided in 2025: PV and Li-ion (one
    year's lead time) cannot serve 2025, gas turbines (three years) not before 2028, so
    2025 runs on the 40 MW feed and the 20 MW of gas standing; the 2027 stage builds."""
    plan = gigafactory.plan_roadmap(
        scenario_from_dict(
            _small(stages=[{"year": 2025, "scale": 0.5}, {"year": 2027}], decided=2025)
        ).model_copy(update={"policy": gigafactory.scenario.Policy()})
    )
    (site,) = plan.sites
    first, second = site.stages
    assert site.earliest_year == {"solar_fixed": 2026, "gas_ct": 2028, "liion_4h": 2026}
    assert first.built_mw == {}
    assert first.capacity_mw == {"gas_ct": pytest.approx(20.0)}
    assert first.unserved_mwh == 0.0
    assert second.built_mw.get("gas_ct", 0.0) == 0.0  # not before 2028
    assert second.capacity_mw["gas_ct"] == pytest.approx(20.0)
    assert second.built_mw["liion_4h"] + second.built_mw["solar_fixed"] > 1.0
    assert second.peak_load_mw == pytest.approx(2 * first.peak_load_mw, rel=0.05)
    # 2025-2026 and 2027 (end defaults to the gap before the last stage: 2027-2028) at 7 %
    assert [s.calendar_years for s in site.stages] == [2, 2]
    assert first.weight_years == pytest.approx(1 + 1 / 1.07)
    pv = sum(s.annual_cost_usd * s.weight_years for s in site.stages)
    assert site.present_value_usd == pytest.approx(pv, rel=1e-6)
    notes = [n.text for n in site.warnings]
    assert notes[-2] == (
        "gas_ct cannot be in service before 2028 (lead time from the decision); no stage reaches it"
    )
    # the first design on 8 typical days a stage could not serve 3 days of the stages' years
    # (one a group's medoid, which holds its group's energy, not its own day's): they were
    # solved again as typical days of their own, which gives the design of the stages'
    # years in full (PV 6.81 MW, Li-ion 1.04 MW), and the note says so
    assert site.stress_days == 3 and site.typical_periods == 31
    data = _small(stages=[{"year": 2025, "scale": 0.5}, {"year": 2027}], decided=2025)
    del data["time"]
    (full,) = gigafactory.plan_roadmap(
        scenario_from_dict(data).model_copy(update={"policy": gigafactory.scenario.Policy()})
    ).sites
    for name, mw in full.stages[1].capacity_mw.items():
        assert second.capacity_mw[name] == pytest.approx(mw, rel=1e-6), name
    assert notes[-1] == (
        "solved on 31 typical days over the 2 stages, 3 of them days the first design could "
        "not serve (each stage's own, extremes included): check a chosen build-out with a "
        "full-year run of its stages"
    )


def test_what_cannot_exist_in_time_is_named():
    data = _small(stages=[{"year": 2025}])  # decided 2025: nothing new before 2026
    data["sites"][0]["grid"] = {"import_cap_mw": 10}
    data["sites"][0]["technologies"]["gas_ct"]["existing_mw"] = 0
    with pytest.raises(gigafactory.InfeasibleError) as err:
        gigafactory.plan_roadmap(scenario_from_dict(data))
    assert str(err.value).startswith("roadmap: site 'campus'")
    assert str(err.value).endswith(
        "first years in service after lead times from 2025: solar_fixed 2026, liion_4h 2026, "
        "gas_ct 2028 (an earlier roadmap.decided or a technology's lead_time_years changes "
        "them)"
    )


@pytest.mark.parametrize(
    ("roadmap", "message"),
    [
        (
            {"stages": [{"year": 2028}, {"year": 2026}]},
            "<scenario>: roadmap: stages: years [2028, 2026] must be distinct and ascending (got ",
        ),
        (
            {"stages": [{"year": 2026, "import_cap_mw": {"campsu": 50}}]},
            # the scenario's own check, which names the field: no echo of the whole scenario
            "<scenario>: roadmap.stages[0].import_cap_mw.campsu: no such site; "
            "sites: campus; did you mean 'campus'?",
        ),
        (
            {"stages": [{"year": 2026}], "end": 2026},
            "<scenario>: roadmap: end: 2026 is not after the last stage (2026) (got ",
        ),
        (
            {"stages": [{"year": 2026, "import_cap_mw": {"campus": -5}}]},
            "<scenario>: roadmap.stages[0].import_cap_mw.campus: Input should be greater than "
            "or equal to 0 (got -5)",
        ),
        (
            {"stages": [{"year": 2026}], "decided": 2027},
            "<scenario>: roadmap: decided: 2027 is after the first stage (2026) (got ",
        ),
    ],
)
def test_bad_roadmaps_are_named(roadmap, message):
    with pytest.raises(gigafactory.ScenarioError) as err:
        scenario_from_dict(_small(**roadmap))
    assert str(err.value).startswith(message)


def test_roadmap_command_prints_the_stages_and_writes_a_page(tmp_path):
    path = tmp_path / "roadmap.html"
    data = _small(stages=[{"year": 2025, "scale": 0.5}, {"year": 2027}], decided=2024)
    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = runner.invoke(app, ["roadmap", str(scenario), "--report", str(path)])
    assert done.exit_code == 0, done.output
    assert "build-out decided in 2024" in done.stdout
    page = path.read_text(encoding="utf-8")
    assert "small: build-out roadmap" in page
    assert "First year in service after lead times" in page
    as_json = runner.invoke(app, ["--quiet", "roadmap", str(scenario), "--json"])
    stages = json.loads(as_json.stdout)["sites"][0]["stages"]
    assert [s["year"] for s in stages] == [2025, 2027]
    missing = runner.invoke(app, ["roadmap", "memphis-gas"])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == (
        "error: roadmap: the scenario has no roadmap section; add roadmap.stages (docs/roadmap.md)"
    )


def test_a_grid_wait_from_the_site_library_forces_a_bridge():
    """Memphis's library wait for a 100 MW-class feed is 2 years (an estimate): decided in
    2024, the feed serves from 2026. The 2025 stage runs on the 25 MW of gas standing, PV
    and Li-ion (one year's lead time) with no import; 2027 imports."""
    data = _small(
        stages=[{"year": 2025, "scale": 0.5}, {"year": 2027}], decided=2024, grid_wait=True
    )
    data["policy"] = {}
    data["sites"][0]["technologies"]["gas_ct"]["existing_mw"] = 25
    (site,) = gigafactory.plan_roadmap(scenario_from_dict(data)).sites
    first, second = site.stages
    assert (first.grid_import_cap_mw, second.grid_import_cap_mw) == (0.0, 40.0)
    assert first.energy_mwh["grid"] == 0.0
    assert first.unserved_mwh == 0.0
    assert first.built_mw["liion_4h"] + first.built_mw["solar_fixed"] > 1.0  # the bridge
    assert second.energy_mwh["grid"] > 0.0
    # a stage's own cap wins over the wait
    data["roadmap"]["stages"][0]["import_cap_mw"] = {"campus": 10.0}
    (site,) = gigafactory.plan_roadmap(scenario_from_dict(data)).sites
    assert site.stages[0].grid_import_cap_mw == 10.0


def test_site_scale_gives_one_site_its_own_size():
    data = _small(stages=[{"year": 2025, "scale": 0.5, "site_scale": {"campus": 0.25}}])
    data["roadmap"]["decided"] = 2020
    (site,) = gigafactory.plan_roadmap(scenario_from_dict(data)).sites
    assert site.stages[0].scale == 0.25
    full = gigafactory.plan_roadmap(
        scenario_from_dict(_small(stages=[{"year": 2025}], decided=2020))
    )
    # a quarter of the load, on typical days that differ by the stress days each design
    # could not serve (the load's weather-driven PUE differs by 0.01 % between them)
    assert site.stages[0].load_mwh == pytest.approx(full.sites[0].stages[0].load_mwh / 4, rel=1e-3)
    data["roadmap"]["stages"][0]["site_scale"] = {"campsu": 0.25}
    with pytest.raises(gigafactory.ScenarioError, match=r"site_scale\.campsu: no such site"):
        scenario_from_dict(data)


def test_a_sweep_keeps_the_roadmaps_figures():
    from gigafactory.summary import Summary

    data = _small(stages=[{"year": 2025, "scale": 0.5}, {"year": 2027}], decided=2020)
    summary = gigafactory.run(scenario_from_dict(data)).summary
    assert isinstance(summary, Summary) and summary.roadmap is not None
    metrics = gigafactory.case_metrics(summary)
    assert metrics["roadmap.present_value_usd"] == summary.roadmap.present_value_usd
    first = summary.roadmap.sites[0].stages[0]
    assert metrics["roadmap.campus.2025.annual_cost_usd"] == first.annual_cost_usd
