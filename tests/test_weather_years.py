"""Several weather years in one LP: shared capacities, per-year dispatch, the mean year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gigafactory
from conftest import small_scenario
from gigafactory.errors import ScenarioError
from gigafactory.scenario import scenario_from_dict
from gigafactory.supply import DemandCharge, SiteSupply, SupplyTech, optimise
from gigafactory.supply.years import split_years, stack_years, year_times

SUNNY = np.clip(np.sin((np.arange(24) - 6) / 12 * np.pi), 0, None)


def _year(solar_days: list[float], *, charge: float = 2_000.0) -> SiteSupply:
    """A 'year' of a few days: solar scaled per day, a battery, gas, a grid with a demand
    charge billed per two days."""
    n = 24 * len(solar_days)
    solar = np.concatenate([scale * SUNNY for scale in solar_days])
    return SiteSupply(
        name="years",
        time=pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC"),
        load_mw=np.tile(np.where(np.arange(24) >= 18, 120.0, 100.0), len(solar_days)),
        techs=(
            SupplyTech("solar", "variable", fixed_cost=40_000.0, availability=solar, clean=True),
            SupplyTech(
                "battery",
                "storage",
                fixed_cost=20_000.0,
                charge_efficiency=0.95,
                discharge_efficiency=0.95,
                duration_h=4.0,
            ),
            SupplyTech("gas", "thermal", fixed_cost=90_000.0, marginal_cost=70.0, co2=0.4),
        ),
        grid_import_cap_mw=60.0,
        grid_price=np.tile(np.where(np.arange(24) < 7, 40.0, 90.0), len(solar_days)),
        demand_charges=(DemandCharge("two-day", charge, np.arange(n) // 48),),
    )


def test_two_identical_weather_years_give_the_one_year_answer():
    year = _year([1.0, 0.4, 1.0, 0.8])
    one = optimise(year)
    two = optimise(stack_years([year, year]))
    # the battery and the demand charge both matter, so storage across the new year and
    # the charges divided by the two years are both exercised
    assert float(one["capacity_mw"].sel(technology="battery")) > 1.0
    assert one.attrs["demand_peaks_mw"]["two-day"] != [0.0, 0.0]
    assert two.attrs["objective_usd"] == pytest.approx(one.attrs["objective_usd"], rel=1e-6)
    np.testing.assert_allclose(two["capacity_mw"], one["capacity_mw"], atol=1e-4)
    first, second = split_years(two, [year.time, year.time])
    assert first.attrs["demand_peaks_mw"]["two-day"] == pytest.approx(
        one.attrs["demand_peaks_mw"]["two-day"], abs=1e-4
    )
    assert float(second["grid_import_mw"].sum()) == pytest.approx(
        float(one["grid_import_mw"].sum()), rel=1e-4
    )


def test_stacked_years_share_capacities_and_pay_the_mean_years_bill():
    bright, dull = _year([1.0, 1.0, 1.0, 1.0]), _year([0.3, 0.2, 0.3, 0.2])
    stacked = stack_years([bright, dull])
    assert stacked.weather_years == 2
    assert len(stacked.time) == 2 * 96
    assert stacked.time[96] == bright.time[0] + pd.DateOffset(years=1)
    # each period of the second year is billed after the first's: periods 0, 1 then 2, 3
    assert np.unique(stacked.demand_charges[0].period).tolist() == [0, 1, 2, 3]
    both = optimise(stacked)
    alone = [optimise(bright).attrs["objective_usd"], optimise(dull).attrs["objective_usd"]]
    # one design for both years costs at least the mean of each year's own optimum
    assert both.attrs["objective_usd"] >= np.mean(alone) * (1 - 1e-9)
    # the demand-charge term is the mean year's: 2,000 USD/MW x the four peaks / 2
    peaks = both.attrs["demand_peaks_mw"]["two-day"]
    assert len(peaks) == 4
    without = optimise(
        stack_years([_year([1.0] * 4, charge=0.0), _year([0.3, 0.2] * 2, charge=0.0)])
    )
    assert (
        both.attrs["objective_usd"] - without.attrs["objective_usd"]
        <= 2_000.0 * sum(peaks) / 2 + 1e-3
    )


def test_year_times_follow_one_another():
    time = pd.date_range("2025-01-01", periods=8760, freq="h", tz="UTC")
    years = year_times(time, 3)
    assert [t[0].year for t in years] == [2025, 2026, 2027]
    assert all(t.is_unique and len(t) == 8760 for t in years)


def test_a_run_over_weather_years_reports_the_mean_year_and_the_spread():
    plain = gigafactory.run(scenario_from_dict({**small_scenario(), "seed": 1})).summary.sites[0]
    same = gigafactory.run(
        scenario_from_dict({**small_scenario(), "seed": 1, "time": {"weather_years": [1, 1]}})
    )
    site = same.summary.sites[0]
    assert site.total_annual_cost_usd == pytest.approx(plain.total_annual_cost_usd, rel=1e-6)
    assert site.capacity_mw == pytest.approx(plain.capacity_mw, abs=1e-3)
    assert site.cost_breakdown_usd.demand_charges == pytest.approx(
        plain.cost_breakdown_usd.demand_charges, rel=1e-6
    )
    assert site.weather_years is not None
    assert [y.seed for y in site.weather_years.years] == [1, 1]
    assert site.weather_years.cost_spread_usd == pytest.approx(0.0, abs=1.0)
    # the hourly results are the first weather year's
    assert same.series["campus"].sizes["time"] == 8760
    varied = gigafactory.run(
        scenario_from_dict({**small_scenario(), "time": {"weather_years": [1, 2, 3]}})
    ).summary.sites[0]
    assert varied.weather_years is not None
    costs = [y.total_annual_cost_usd for y in varied.weather_years.years]
    assert varied.total_annual_cost_usd == pytest.approx(np.mean(costs), rel=1e-9)
    assert varied.weather_years.cost_spread_usd == pytest.approx(max(costs) - min(costs))
    assert varied.weather_years.costliest_seed == [1, 2, 3][int(np.argmax(costs))]
    assert len(set(costs)) == 3  # each seed is its own weather


def test_weather_years_errors():
    with pytest.raises(ScenarioError, match=r"time.weather_years"):
        scenario_from_dict({**small_scenario(), "time": {"weather_years": []}})


def test_typical_days_drawn_from_all_weather_years_against_the_years_solved_in_full():
    years = {**small_scenario(), "time": {"weather_years": [1, 2]}}
    full = gigafactory.run(scenario_from_dict(years)).summary.sites[0]
    typical_run = {
        **small_scenario(),
        "time": {"weather_years": [1, 2], "aggregation": {"count": 6, "compare_exact": True}},
    }
    site = gigafactory.run(scenario_from_dict(typical_run)).summary.sites[0]
    assert site.aggregation is not None and site.weather_years is not None
    # the exact side is the two years solved in full, as a plain weather-years run does
    assert site.aggregation.total_annual_cost_usd_exact == pytest.approx(
        full.total_annual_cost_usd, rel=1e-6
    )
    # six typical days plus extremes and the days of the poorest runs of sun (at most 2 and
    # 3 days) from 730 days stand for both years
    assert 6 < site.aggregation.typical_periods <= 13
    assert [y.seed for y in site.weather_years.years] == [1, 2]
    assert abs(site.aggregation.cost_error_share) < 0.01
    # each year's costs add up to its total, on the inputs laid out from the typical days
    for year in site.weather_years.years:
        assert year.total_annual_cost_usd > 0
    assert sum(site.cost_breakdown_usd.to_dict().values()) == pytest.approx(
        site.total_annual_cost_usd, rel=1e-9
    )
