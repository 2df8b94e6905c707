"""Representative periods: typical days with storage linked across the year."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import gigafactory
from conftest import small_scenario
from gigafactory.errors import InfeasibleError, ScenarioError
from gigafactory.pipeline.aggregation import (
    CFE_OVERSHOOT,
    design_notice,
    design_on_year,
    settle_periods,
)
from gigafactory.pipeline.prepare import prepare_site
from gigafactory.scenario import scenario_from_dict
from gigafactory.supply import DemandCharge, SiteSupply, SupplyTech, optimise
from gigafactory.supply.periods import (
    cluster_periods,
    expand_solution,
    typical_site,
    weather_regime,
    with_periods_alone,
    year_of_typical_periods,
)
from gigafactory.supply.solve import _reach, build_reach_model, dispatch_design
from gigafactory.supply.year_checks import cfe_reach, fixed_design, stress_periods


def hours(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC")


SUNNY = np.clip(np.sin((np.arange(24) - 6) / 12 * np.pi), 0, None)
DULL = 0.3 * SUNNY
CALM = np.full(24, 0.05)
WINDY = np.full(24, 0.8)
# 28 days of four kinds in an irregular order: every kind recurs exactly
DAYS = [0, 0, 1, 2, 3, 0, 1, 1, 2, 0, 3, 3, 0, 1, 2, 2, 0, 0, 3, 1, 0, 2, 1, 3, 0, 0, 1, 2]


def _repeating_site(days: list[int], *, storage: bool) -> SiteSupply:
    solar = np.concatenate([[SUNNY, DULL, SUNNY, DULL][d] for d in days])
    wind = np.concatenate([[CALM, CALM, WINDY, WINDY][d] for d in days])
    load = np.concatenate([np.where(np.arange(24) >= 18, 120.0, 100.0) for _ in days])
    price = np.tile(np.where(np.arange(24) < 7, 40.0, 90.0), len(days))
    week = np.repeat(np.arange(len(days) // 7), 7 * 24)  # billing period of each hour
    stores = (
        SupplyTech(
            "battery",
            "storage",
            fixed_cost=50_000.0,
            charge_efficiency=0.95,
            discharge_efficiency=0.95,
            duration_h=4.0,
        ),
        SupplyTech(
            "iron-air",
            "storage",
            fixed_cost=30_000.0,
            charge_efficiency=0.7,
            discharge_efficiency=0.6,
            duration_h=100.0,
        ),
    )
    return SiteSupply(
        name="repeating",
        time=hours(24 * len(days)),
        load_mw=load,
        techs=(
            SupplyTech("solar", "variable", fixed_cost=60_000.0, availability=solar, clean=True),
            SupplyTech("wind", "variable", fixed_cost=110_000.0, availability=wind, clean=True),
            *(stores if storage else ()),
            SupplyTech("gas", "thermal", fixed_cost=90_000.0, marginal_cost=70.0, co2=0.4),
        ),
        grid_import_cap_mw=80.0,
        grid_price=price,
        grid_carbon=0.5,
        demand_charges=(DemandCharge("weekly", 2_000.0, week),),
        cfe_target=0.6,
    )


def test_typical_days_reproduce_a_year_whose_days_repeat():
    # The 28 days are four kinds repeated in an irregular order; without storage nothing
    # links the days, so four typical days lose nothing: the LP on 4 x 24 hours gives the
    # year's optimum (cost weighted by the days each kind stands for, the CFE target over
    # the weighted year, and each week's demand-charge peak over its typical hours).
    site = _repeating_site(DAYS, storage=False)
    periods = cluster_periods(site, 24, 4, extremes=False)
    kinds = np.array(DAYS)
    # days in one group are of one kind, and the weights count the days of each kind
    assert all(len(set(kinds[periods.order == k])) == 1 for k in range(4))
    assert sorted(periods.count.tolist()) == sorted(np.bincount(kinds).tolist())
    year = optimise(site)
    typical = optimise(typical_site(site, periods))
    assert typical.attrs["objective_usd"] == pytest.approx(year.attrs["objective_usd"], rel=1e-6)
    np.testing.assert_allclose(
        typical.attrs["demand_peaks_mw"]["weekly"],
        year.attrs["demand_peaks_mw"]["weekly"],
        atol=1e-3,
    )
    # the expanded solution is the year: same load and the same grid energy
    expanded = expand_solution(typical, periods, site.time)
    assert expanded.sizes["time"] == len(site.time)
    np.testing.assert_allclose(expanded["load_mw"], site.load_mw)
    assert float(expanded["grid_import_mw"].sum()) == pytest.approx(
        float(year["grid_import_mw"].sum()), rel=1e-4
    )
    np.testing.assert_array_equal(year_of_typical_periods(site, periods).load_mw, site.load_mw)


def test_a_typical_week_with_storage_reproduces_a_year_of_that_week():
    # Four identical weeks with a battery and a 100 h iron-air store: the year's optimum
    # repeats each week, so one typical week standing for four, its storage state linked
    # from week to week, gives the same cost, capacities and weekly peaks.
    site = _repeating_site(DAYS[:7] * 4, storage=True)
    periods = cluster_periods(site, 168, 1, extremes=False)
    assert periods.count.tolist() == [4]
    year = optimise(site)
    typical = optimise(typical_site(site, periods))
    assert typical.attrs["objective_usd"] == pytest.approx(year.attrs["objective_usd"], rel=1e-6)
    for tech in ("solar", "wind", "battery", "iron-air", "gas"):
        assert float(typical["capacity_mw"].sel(technology=tech)) == pytest.approx(
            float(year["capacity_mw"].sel(technology=tech)), abs=1e-3
        )


def test_seasonal_storage_carries_energy_across_typical_days():
    # 10 windy days (wind availability 1) then 10 calm days (0); load 1 MW; only wind and a
    # lossless 240 h store. By hand: the calm days need 10 x 24 = 240 MWh, banked on the
    # windy days, so wind is 2 MW (1 MW for the load, 1 MW to charge), the store 1 MW of
    # power and 240 MWh. Two typical days stand for the 20: only a state of charge linked
    # across them can carry the 240 MWh.
    wind = np.concatenate([np.ones(240), np.zeros(240)])
    site = SiteSupply(
        name="seasonal",
        time=hours(480),
        load_mw=np.ones(480),
        techs=(
            SupplyTech("wind", "variable", fixed_cost=1000.0, availability=wind, clean=True),
            SupplyTech("store", "storage", fixed_cost=10.0, duration_h=240.0),
        ),
    )
    periods = cluster_periods(site, 24, 2, extremes=False)
    assert periods.count.tolist() == [10, 10]
    ds = optimise(typical_site(site, periods), method="simplex")
    assert float(ds["capacity_mw"].sel(technology="wind")) == pytest.approx(2.0, rel=1e-6)
    assert float(ds["capacity_mw"].sel(technology="store")) == pytest.approx(1.0, rel=1e-6)
    soc = expand_solution(ds, periods, site.time)["storage_soc_mwh"].sel(storage="store")
    assert float(soc.max()) == pytest.approx(240.0, rel=1e-6)  # full when the calm begins
    assert float(soc.min()) == pytest.approx(0.0, abs=1e-6)  # empty when it ends


def test_extreme_days_are_typical_days_of_their_own():
    # the day of peak load (day 3) and the day of least wind (day 5) each stand for a group
    load = np.full(24 * 8, 10.0)
    load[3 * 24 + 18] = 30.0
    wind = np.full(24 * 8, 0.5)
    wind[5 * 24 : 6 * 24] = 0.01
    site = SiteSupply(
        name="extremes",
        time=hours(24 * 8),
        load_mw=load,
        techs=(SupplyTech("wind", "variable", fixed_cost=1.0, availability=wind),),
    )
    periods = cluster_periods(site, 24, 1)
    assert 3 in periods.representative and 5 in periods.representative
    assert periods.count.sum() == 8


def test_days_of_one_shape_in_a_windy_week_and_in_a_lull_are_told_apart_by_a_long_store():
    # 30 days in blocks of three: windy (0.9, 0.5, 0.9) and calm (0.1, 0.5, 0.1). The 0.5
    # days are alike hour by hour, but with a 72 h store one charges in a windy block and
    # the other draws down in a lull, while a typical day gives its days one dispatch. The
    # wind's mean over the 72 h around each hour (the weather regime) is ~0.77 on the
    # first and ~0.23 on the second (hand: (0.9 + 0.5 + 0.9) / 3, (0.1 + 0.5 + 0.1) / 3),
    # so four typical days group them apart; with a 4 h store only the hours matter and
    # they share one group.
    kinds = np.array([0.9, 0.5, 0.9, 0.1, 0.5, 0.1] * 5)
    wind = np.repeat(kinds, 24)

    def site(duration_h: float) -> SiteSupply:
        return SiteSupply(
            name="regimes",
            time=hours(len(wind)),
            load_mw=np.ones(len(wind)),
            techs=(
                SupplyTech("wind", "variable", fixed_cost=1000.0, availability=wind),
                SupplyTech("store", "storage", fixed_cost=10.0, duration_h=duration_h),
            ),
        )

    windy_mid, calm_mid = np.arange(1, 30, 6), np.arange(4, 30, 6)
    long = cluster_periods(site(72.0), 24, 4, extremes=False)
    assert long.count.tolist() == [10, 5, 5, 10]
    assert len(set(long.order[windy_mid])) == len(set(long.order[calm_mid])) == 1
    assert long.order[windy_mid[0]] != long.order[calm_mid[0]]
    short = cluster_periods(site(4.0), 24, 4, extremes=False)
    assert len(set(short.order[np.concatenate([windy_mid, calm_mid])])) == 1
    assert weather_regime(wind, 72)[24 + 12] == pytest.approx((0.9 + 0.5 + 0.9) / 3)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60),
    window=st.integers(1, 60),
)
def test_a_weather_regime_is_a_moving_mean_around_the_year(values, window):
    # each hour the mean of the window's hours, the year wrapping around: by hand for one
    # hour, and over the year every hour counted `window` times, so the mean is kept
    availability = np.array(values)
    window = min(window, len(values))
    regime = weather_regime(availability, window)
    around = [(5 - window // 2 + k) % len(values) for k in range(window)] if len(values) > 5 else []
    if around:
        assert regime[5] == pytest.approx(availability[around].mean(), abs=1e-12)
    assert regime.mean() == pytest.approx(availability.mean(), abs=1e-12)
    assert availability.min() - 1e-12 <= regime.min() <= regime.max() <= availability.max() + 1e-12


def test_period_must_divide_the_year():
    with pytest.raises(
        ValueError, match=r"^period of 100 h does not divide the 672 hours; use e.g. 24$"
    ):
        cluster_periods(_repeating_site(DAYS, storage=False), 100, 3)


def test_a_run_on_typical_days_reports_its_error_against_the_year():
    data = small_scenario()
    year = gigafactory.run(scenario_from_dict(data)).summary.sites[0]
    data["time"] = {"aggregation": {"count": 6, "compare_exact": True}}
    results = gigafactory.run(scenario_from_dict(data))
    site = results.summary.sites[0]
    aggregation = site.aggregation
    assert aggregation is not None and aggregation.period_hours == 24
    # six typical days plus the day of peak load, the day of least sun and the days of
    # its poorest runs of two and three days (at most 1 + 1 + 2 + 3)
    assert 6 < aggregation.typical_periods <= 13
    # the full year solved alongside is the ordinary run
    assert aggregation.total_annual_cost_usd_exact == pytest.approx(
        year.total_annual_cost_usd, rel=1e-6
    )
    assert aggregation.cost_error_share == pytest.approx(
        site.total_annual_cost_usd / year.total_annual_cost_usd - 1
    )
    assert aggregation.capacity_error_mw["gas_ct"] == pytest.approx(
        site.capacity_mw["gas_ct"] - year.capacity_mw["gas_ct"]
    )
    # the summary describes the year laid out from typical days: hourly, and adding up
    assert results.series["campus"].sizes["time"] == 8760
    assert sum(site.cost_breakdown_usd.to_dict().values()) == pytest.approx(
        site.total_annual_cost_usd
    )
    assert site.unserved_mwh == 0.0
    # and the run says so, with its error, in a note a planner reads before the numbers
    notes = [n.text for n in site.warnings if n.text.startswith("solved on")]
    worst = max(aggregation.capacity_error_mw, key=lambda k: abs(aggregation.capacity_error_mw[k]))
    assert notes == [
        f"solved on {aggregation.typical_periods} typical periods of 24 h standing for the "
        f"year (time.aggregation); against the year in full: cost "
        f"{aggregation.cost_error_share:+.2%}, {worst} "
        f"{aggregation.capacity_error_mw[worst]:+,.1f} MW"
    ]


def test_the_year_and_the_design_on_it_are_costed_on_the_years_own_tariff():
    # KEPCO's seasonal time-of-use tariff and a grid that serves part of the load: the
    # typical days laid onto the year carry other prices than the year's own hours
    data = small_scenario(
        grid={"import_cap_mw": 60, "tariff": "kepco_industrial_tou"},
        technologies={"solar_fixed": {"max_mw": 200}, "liion_4h": {"max_mw": 50}},
    )
    year = gigafactory.run(scenario_from_dict(data)).summary.sites[0]
    data["time"] = {"aggregation": {"count": 6, "compare_exact": True}}
    summary = gigafactory.run(scenario_from_dict(data)).summary
    site = summary.sites[0]
    aggregation = site.aggregation
    assert aggregation is not None
    # the year solved alongside is costed as the ordinary run costs it (priced on the
    # typical days' tariff it was 1.1e-5 off)
    assert aggregation.total_annual_cost_usd_exact == pytest.approx(
        year.total_annual_cost_usd, rel=1e-9
    )
    design = aggregation.design_on_year
    assert design is not None and design.infeasible == ""
    # the design dispatched over the year is a feasible point of the year's LP: it cannot
    # cost less than the year's optimum (to the solvers' tolerance), whatever the typical
    # days' own estimate of it says
    assert design.total_annual_cost_usd >= year.total_annual_cost_usd * (1 - 1e-7)
    assert design.regret_share == pytest.approx(
        design.total_annual_cost_usd / year.total_annual_cost_usd - 1
    )
    assert design.total_annual_cost_usd != pytest.approx(site.total_annual_cost_usd, rel=1e-4)
    assert design.unserved_mwh == 0.0 and design.unserved_hours == 0
    regret = 0.0 if abs(design.regret_share) < 5e-5 else design.regret_share
    assert [n.text for n in site.warnings if n.text.startswith("dispatched")] == [
        "dispatched over the year in full with its capacities fixed, the design costs "
        f"{regret:+.2%} against the year's optimum"
    ]
    # and a sweep keeps both errors, case by case
    metrics = gigafactory.case_metrics(summary)
    assert metrics["aggregation.campus.cost_error_share"] == aggregation.cost_error_share
    assert metrics["aggregation.campus.design_regret_share"] == design.regret_share
    assert metrics["aggregation.campus.design_unserved_mwh"] == 0.0


def year_summary(total_usd: float) -> Any:
    """What :func:`design_on_year` reads of the year's optimum."""
    return SimpleNamespace(total_annual_cost_usd=total_usd)


def test_a_fixed_design_dispatches_the_hours_and_leaves_short_what_it_cannot_serve():
    site = SiteSupply(
        "short",
        hours(48),
        np.full(48, 10.0),
        (
            SupplyTech("gas", "thermal", fixed_cost=1_000.0, marginal_cost=60.0, max_mw=50.0),
            SupplyTech("solar", "variable", 500.0, availability=0.1, clean=True, max_mw=50.0),
        ),
    )
    ds = optimise(fixed_design(site, {"gas": 8.0, "solar": 3.0}))
    # the capacities are the design's, not what the LP would build (10 MW of gas)
    assert ds["capacity_mw"].sel(technology="gas") == pytest.approx(8.0)
    assert ds["capacity_mw"].sel(technology="solar") == pytest.approx(3.0)
    # 10 - 8 - 0.1 x 3 MW short in each of 48 hours, by hand
    assert float(ds["unserved_mw"].sum()) == pytest.approx(1.7 * 48, rel=1e-6)
    # a CFE target beyond the design's reach: held at the most it reaches, 0.3 of 10 MW
    # from solar, by hand, and the rest from gas (none unserved: unserved counts as emitting)
    clean = replace(site, cfe_target=0.5)
    with pytest.raises(InfeasibleError, match=r"it reaches at most 3\.0% hourly CFE"):
        optimise(fixed_design(clean, {"gas": 10.0, "solar": 3.0}))
    held, reach = dispatch_design(clean, {"gas": 10.0, "solar": 3.0})
    assert reach == pytest.approx(0.03, rel=1e-6)
    assert isinstance(held, xr.Dataset)
    assert float(held["dispatch_mw"].sel(technology="gas").sum()) == pytest.approx(
        9.7 * 48, rel=1e-4
    )
    assert float(held["unserved_mw"].sum()) == pytest.approx(0.0, abs=1e-4)
    # a limit that no dispatch keeps (a 4 h ride-through on a 1 MW store) is explained
    store = SupplyTech("battery", "storage", 1.0, duration_h=4.0, max_mw=50.0)
    riding = SiteSupply(
        "ride",
        hours(48),
        np.full(48, 10.0),
        (store,),
        grid_import_cap_mw=20.0,
        grid_price=50.0,
        ride_through_hours=4,
    )
    missed, reach = dispatch_design(riding, {"battery": 1.0})
    assert reach is None
    assert missed == (
        "site 'ride': the load can be met, but not within the 4 h ride-through "
        "(reliability.ride_through_hours); allow more carbon-free capacity, storage or "
        "backup, or relax it"
    )
    # the run reports what the design misses, not how a scenario could relax it
    summary = design_on_year(missed.removeprefix("site 'ride': "), year_summary(1.0))
    assert summary.infeasible == (
        "the load can be met, but not within the 4 h ride-through (reliability.ride_through_hours)"
    )
    assert design_notice(summary).level == "warning"
    assert design_notice(summary).text == (
        "dispatched over the year in full with its capacities fixed, the design cannot keep "
        "within the site's limits: the load can be met, but not within the 4 h ride-through "
        "(reliability.ride_through_hours); raise time.aggregation.count"
    )


def test_a_period_that_does_not_divide_the_year_names_the_field():
    data = small_scenario()
    data["time"] = {"aggregation": {"period_hours": 100, "count": 6}}
    with pytest.raises(ScenarioError) as err:
        gigafactory.run(scenario_from_dict(data))
    assert str(err.value) == (
        "time.aggregation: sites[0] (campus): period of 100 h does not divide the 8,760 "
        "hours; use e.g. 24"
    )


def _calm_run_site() -> SiteSupply:
    # 12 days of load 10 MW on 20 MW of wind already built and a lossless 24 h store: wind
    # at full output except on day 5 (calm) and days 6 and 10 (0.3 of capacity, 6 MW)
    wind = np.ones(12)
    wind[5], wind[6], wind[10] = 0.0, 0.3, 0.3
    return SiteSupply(
        name="calm-run",
        time=hours(24 * 12),
        load_mw=np.full(24 * 12, 10.0),
        techs=(
            SupplyTech(
                "wind",
                "variable",
                fixed_cost=1000.0,
                existing_mw=20.0,
                max_mw=20.0,
                availability=np.repeat(wind, 24),
                clean=True,
            ),
            SupplyTech("store", "storage", fixed_cost=1000.0, duration_h=24.0),
        ),
    )


def test_stress_days_of_a_design_are_found_and_settle_it():
    # By hand: the year needs 240 MWh on calm day 5 and 24 x (10 - 6) = 96 MWh on day 6,
    # so 336 MWh stored before day 5, a 14 MW store (24 h). Two typical days put day 5 in
    # with the weak-wind days 6 and 10; their medoid (0.3) is scaled to the group's energy,
    # (0 + 0.3 + 0.3) / 3 = 0.2, so the LP sees days 5 and 6 each 6 MW short: 288 MWh, a
    # 12 MW store. Even full when day 5 begins, that store is 336 - 288 = 48 MWh short of
    # the two days (each day alone it serves): days 5 and 6 become typical days of their
    # own (the weak days' medoid too: as a medoid it holds the group's energy, 0.2, not its
    # own day's; the group is left its nearest other day), and the LP then builds the
    # year's 14 MW.
    site = _calm_run_site()
    periods = cluster_periods(site, 24, 2, extremes=False)
    assert len(periods.representative) == 2
    first = optimise(typical_site(site, periods), method="simplex")
    assert float(first["capacity_mw"].sel(technology="store")) == pytest.approx(12.0, rel=1e-6)
    weak = int(periods.representative[periods.order[6]])  # the weak days' medoid: 6 or 10
    assert weak in (6, 10)
    design = {"wind": 20.0, "store": 12.0}
    assert stress_periods(site, periods, design) == [5, 6]
    # with the year's 14 MW (336 MWh) no run falls short
    assert stress_periods(site, periods, {"wind": 20.0, "store": 14.0}) == []
    # a stress day stands for itself, and the LP sizes the store on the year's run
    forced = with_periods_alone(periods, [5])
    assert forced.count[forced.order[5]] == 1 and 5 in forced.representative
    again = optimise(typical_site(site, forced), method="simplex")
    assert float(again["capacity_mw"].sel(technology="store")) == pytest.approx(14.0, rel=1e-6)
    # the pipeline's loop does the same from the blurred periods, then stops
    settled, solution, added = settle_periods(
        site, periods, lambda s: optimise(s, method="simplex"), print
    )
    assert added == 2 and {5, 6} <= set(settled.representative[settled.count == 1].tolist())
    assert float(solution["capacity_mw"].sel(technology="store")) == pytest.approx(14.0, rel=1e-6)
    assert solution.attrs["objective_usd"] == pytest.approx(
        optimise(site, method="simplex").attrs["objective_usd"], rel=1e-9
    )


def test_a_week_of_weak_days_is_a_stress_run_though_each_two_days_pass():
    # 12 days of 10 MW load on 20 MW of wind and a lossless 24 h store; wind at 0.4 on days
    # 3-6 (8 MW: 2 MW and 48 MWh short a day), at full output otherwise. By hand, a 5 MW
    # store (120 MWh) full at the start bridges any two weak days (96 MWh) but no three
    # (144 MWh): the 3-day runs from days 3 and 4 fail, so days 3-6 are stress days, though
    # no run of one or two days fails (the check of runs of 1 and 2 days alone missed such
    # weeks: korea-southwest's campus at Stockholm came out 7 % cheap on 24 typical days).
    # The longer failing runs (5 and 7 days) add none: each holds those days already.
    wind = np.ones(12)
    wind[3:7] = 0.4
    site = replace(
        _calm_run_site(),
        techs=(
            replace(_calm_run_site().techs[0], availability=np.repeat(wind, 24)),
            _calm_run_site().techs[1],
        ),
    )
    periods = cluster_periods(site, 24, 2, extremes=False)
    weak = int(periods.representative[periods.order[3]])
    assert weak in range(3, 7)
    # (the weak days' medoid among them: it holds the group's mean day, not its own)
    assert stress_periods(site, periods, {"wind": 20.0, "store": 5.0}) == [3, 4, 5, 6]
    # 8 MW (192 MWh) carries the four weak days: the year's own design
    assert stress_periods(site, periods, {"wind": 20.0, "store": 8.0}) == []


def test_a_lull_of_two_and_three_days_stands_for_itself():
    # daily wind 0.6 except a run of 0.2, 0.1, 0.2 on days 3-5 and 0.15 on day 9: the
    # poorest 2-day run is days 3-4 (0.3, ties with 4-5; the first is kept), the poorest
    # 3-day run days 3-5 (0.5): each a typical day of its own
    daily = np.full(12, 0.6)
    daily[[3, 4, 5, 9]] = [0.2, 0.1, 0.2, 0.15]
    daily[[1, 7]] = [0.7, 0.5]
    site = SiteSupply(
        name="lull",
        time=hours(24 * 12),
        load_mw=np.full(24 * 12, 10.0),
        techs=(SupplyTech("wind", "variable", fixed_cost=1.0, availability=np.repeat(daily, 24)),),
    )
    periods = cluster_periods(site, 24, 2)
    for day in (3, 4, 5):
        assert day in periods.representative and periods.count[periods.order[day]] == 1
    # the least-wind day (4) is an extreme too; day 9 alone is not a lull
    assert periods.count.sum() == 12


def test_sites_on_typical_days_in_worker_processes_match_one_process():
    # two sites settled on typical days in a process pool give what one process gives
    data = small_scenario()
    second = {**data["sites"][0], "id": "annex", "load": {"it_mw": 30}}
    data["sites"].append(second)
    data["time"] = {"aggregation": {"count": 6}}
    one = gigafactory.run(scenario_from_dict({**data, "solver": {"threads": 1}})).summary
    two = gigafactory.run(scenario_from_dict({**data, "solver": {"threads": 2}})).summary
    for a, b in zip(one.sites, two.sites, strict=True):
        assert b.total_annual_cost_usd == pytest.approx(a.total_annual_cost_usd, rel=1e-9)
        assert b.aggregation is not None and a.aggregation is not None
        assert b.aggregation.typical_periods == a.aggregation.typical_periods
        assert b.aggregation.stress_days == a.aggregation.stress_days


def test_typical_days_keep_each_groups_renewable_energy():
    # the calm-run year holds (9 x 1 + 0 + 0.3 + 0.3) x 24 = 230.4 MWh per MW of wind; its
    # two typical days, the windy medoid (1.0) and the weak one scaled from 0.3 to 0.2,
    # give the same: 9 x 24 + 3 x 0.2 x 24
    site = _calm_run_site()
    periods = cluster_periods(site, 24, 2, extremes=False)
    year = year_of_typical_periods(site, periods)
    wind = np.asarray(year.techs[0].availability)
    assert wind.sum() == pytest.approx(230.4, rel=1e-12)
    np.testing.assert_allclose(np.unique(wind.round(12)), [0.2, 1.0])
    # and the LP's weighted hours add up to the same energy
    typical = typical_site(site, periods)
    weights = periods.count.repeat(24)
    assert float(np.sum(weights * np.asarray(typical.techs[0].availability))) == pytest.approx(
        230.4, rel=1e-12
    )


def _windy_then_calm_site(
    store_mw: float,
    *,
    wind: np.ndarray | None = None,
    wind_mw: float = 20.0,
    duration_h: float = 24.0,
    efficiency: float = 1.0,
    grid_cfe_share: float = 0.5,
) -> SiteSupply:
    """10 MW of load for 48 h, fixed wind (by default blowing on day 1 only) and a store."""
    if wind is None:
        wind = np.concatenate([np.ones(24), np.zeros(24)])
    return SiteSupply(
        name="windy-then-calm",
        time=hours(48),
        load_mw=np.full(48, 10.0),
        techs=(
            SupplyTech(
                "wind",
                "variable",
                fixed_cost=1.0,
                availability=wind,
                clean=True,
                existing_mw=wind_mw,
                max_mw=wind_mw,
            ),
            SupplyTech(
                "store",
                "storage",
                fixed_cost=1.0,
                duration_h=duration_h,
                charge_efficiency=efficiency,
                discharge_efficiency=efficiency,
                existing_mw=store_mw,
                max_mw=store_mw,
            ),
        ),
        grid_import_cap_mw=100.0,
        grid_price=50.0,
        grid_cfe_share=grid_cfe_share,
    )


def test_cfe_reach_is_the_share_a_dispatch_of_the_design_reaches():
    # By hand: 10 MW of load; 20 MW of wind blowing on day 1 and calm on day 2; a lossless
    # 5 MW / 120 MWh store. Day 1: wind serves the load and fills the store (5 MW x 24 h).
    # Day 2: the store gives 120 MWh, the grid the other 120 MWh, half of it emitting: 60 of
    # the 480 MWh, 87.5 % hourly CFE. The LP cannot do better with that design.
    site = _windy_then_calm_site(5.0)
    design = {"wind": 20.0, "store": 5.0}
    assert cfe_reach(site, design) == pytest.approx(1 - 60 / 480)
    least = _reach(site, "cfe", "simplex")  # the year's emitting energy [MWh], scaled
    assert least is not None
    assert 1 - least / site.annual(site.load_mw) == pytest.approx(1 - 60 / 480)
    # without the store the grid serves all of day 2: 120 of 480 MWh emitting
    assert cfe_reach(site, {"wind": 20.0}) == pytest.approx(1 - 120 / 480)
    # flexible training is credited by the CFE row itself: no simple bound
    assert cfe_reach(replace(site, flexible_it_mw=np.full(48, 1.0)), design) is None


@settings(max_examples=15, deadline=None)
@given(
    wind=st.lists(st.floats(0.0, 1.0), min_size=48, max_size=48),
    wind_mw=st.floats(0.0, 40.0),
    store_mw=st.floats(0.0, 10.0),
    share=st.floats(0.0, 1.0),
)
def test_cfe_reach_never_exceeds_what_the_lp_reaches(wind, wind_mw, store_mw, share):
    site = _windy_then_calm_site(
        store_mw,
        wind=np.array(wind),
        wind_mw=wind_mw,
        duration_h=4.0,
        efficiency=0.9,
        grid_cfe_share=share,
    )
    bound = cfe_reach(site, {"wind": wind_mw, "store": store_mw})
    least = _reach(site, "cfe", "simplex")  # None where nothing can emit (a clean grid)
    assert bound is not None
    # the simplex's tolerances (1e-7) leave the LP's share a little below the true one
    assert bound <= (1.0 if least is None else 1 - least / site.annual(site.load_mw)) + 1e-6


def test_a_site_where_nothing_can_emit_has_no_least_emitting_energy():
    # found by the test above: with a carbon-free grid and no emitting unit the CFE row has
    # nothing to limit, and the reach model had no objective (an AttributeError)
    site = _windy_then_calm_site(5.0, grid_cfe_share=1.0)
    assert build_reach_model(site, "cfe") is None
    assert cfe_reach(site, {"wind": 20.0, "store": 5.0}) == pytest.approx(1.0)


def test_a_design_from_typical_days_that_beats_its_cfe_target_on_the_year_says_so():
    # pine-island: 90 % hourly CFE with 100 h iron-air. On 24 typical days every day of a
    # group has the same storage cycle, so the LP builds too much (18 % dear,
    # benchmarks/README.md); a dispatch of that design on the year beats the target, and
    # the run says so. The year's own optimum (stored run) does not: the bound is below
    # the 90 % that design reaches.
    scenario = gigafactory.load_scenario("pine-island")
    data = scenario.model_dump(mode="json", exclude_unset=True)
    data["time"] = {"aggregation": {"count": 24}}
    site = gigafactory.run(scenario_from_dict(data)).summary.sites[0]
    assert site.aggregation is not None
    reach = site.aggregation.cfe_share_year_bound
    assert reach > 0.9 + CFE_OVERSHOOT
    [warning] = [n for n in site.warnings if n.template.startswith("{site}: on the full year")]
    assert warning.level == "warning"
    assert warning.text.startswith(
        f"pine_island: on the full year this design reaches at least {reach:.1%} hourly CFE "
        "against its 90% target"
    )
    year = prepare_site(scenario, 0).supply
    stored = json.loads(
        (Path(__file__).parent / "data/regression/run-pine-island.json").read_text()
    )
    optimum = stored["sites"][0]["capacity_mw"]
    assert cfe_reach(year, optimum) <= 0.9
