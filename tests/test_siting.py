"""Compare as a siting study: each site's own grid facts, a visible weighted ranking."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import gigafactory
from gigafactory import catalog
from gigafactory.pipeline.grid_terms import _cfe_share
from gigafactory.pipeline.site_comparison import _spec_at, _user_rtt_ms, siting_scores
from gigafactory.scenario import load_scenario


def _share_of_imports(spec) -> float:
    """The annual carbon-free share the LP gives this site's imports (flat intensity)."""
    entry = catalog.get_site(spec.catalog)
    return float(_cfe_share(spec, entry, np.full(24, 400.0), 24).mean())


def test_each_candidate_brings_its_own_feed_and_tariff():
    # the Korea southwest campus asks for a 100 MW KEPCO feed and holds a Jeonnam PPA
    template = load_scenario("korea-southwest").sites[0]
    seoul, dropped, source = _spec_at(template, "seoul_metro")
    # the site library: KEPCO grants 40 MW in the capital region (an estimate)
    assert seoul.grid.import_cap_mw == 40.0
    assert source == "site library"
    # the PPA was signed for the southwest coast: left out elsewhere, and named
    assert dropped == ["contract jeonnam-wind-ppa"]
    assert seoul.contracts == []
    # each site's grid brings its own carbon-free share from the site library
    assert seoul.grid.cfe_share is None
    assert _share_of_imports(seoul) == pytest.approx(0.387)  # Korea, Ember 2023
    memphis, dropped, source = _spec_at(template, "memphis")
    # TVA approved 150 MW; the campus asks 100: the campus's ask is kept
    assert memphis.grid.import_cap_mw == 100.0
    assert source == "scenario"
    assert "wind_offshore" in dropped  # inland
    assert _share_of_imports(memphis) == pytest.approx(0.6)  # TVA, not KEPCO's 0.387
    paris, _, _ = _spec_at(template, "paris")
    # France 2023: 471.0 of 514.1 TWh low-carbon (OWID / Ember) = 0.916
    assert _share_of_imports(paris) == pytest.approx(471.0 / 514.1, abs=5e-4)
    own, dropped, source = _spec_at(template, "korea_southwest")
    assert own.grid == template.grid and own.contracts == template.contracts and dropped == []


def test_weighted_score_by_hand():
    table = pd.DataFrame(
        {
            "site": ["a", "b", "c", "d"],
            "total_annual_cost_usd": [100.0, 200.0, 150.0, math.nan],  # d: infeasible
            "emissions_tco2e": [30.0, 10.0, 20.0, math.nan],
            "grid_wait_years": [5.0, 1.0, 3.0, 2.0],
            "water_stress": [math.nan, math.nan, math.nan, math.nan],
        }
    )
    score, used = siting_scores(
        table, {"cost": 0.5, "carbon": 0.25, "time_to_power": 0.25, "water": 0.5, "latency": 0.0}
    )
    # water: no site has a value, so its weight drops out and the rest renormalise to 1
    assert used == {"cost": 0.5, "carbon": 0.25, "time_to_power": 0.25}
    # a: cost 0, carbon 1, wait 1 -> 0.5; b: 1, 0, 0 -> 0.5; c: 0.5, 0.5, 0.5 -> 0.5
    assert score.iloc[:3].tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert math.isnan(score.iloc[3])
    score, _ = siting_scores(table, {"cost": 1.0})
    assert score.iloc[:3].tolist() == pytest.approx([0.0, 1.0, 0.5])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "cots=1",
            "--weights: unknown criterion 'cots'; did you mean 'cost'?; allowed: cost, "
            "carbon, time_to_power, water, latency",
        ),
        ("cost=-1", "--weights: cost=-1: give a non-negative number, e.g. cost=0.5"),
        ("cost=lots", "--weights: cost=lots: give a non-negative number, e.g. cost=0.5"),
        ("cost=0", "--weights: give at least one positive weight, e.g. cost=1"),
    ],
)
def test_weights_errors(text, message):
    with pytest.raises(gigafactory.ScenarioError) as err:
        gigafactory.siting_weights(text)
    assert str(err.value) == message


def test_weights_parse_and_unnamed_are_zero():
    assert gigafactory.siting_weights("cost=2, latency=1") == {
        "cost": 2.0,
        "carbon": 0.0,
        "time_to_power": 0.0,
        "water": 0.0,
        "latency": 1.0,
    }


def test_user_latency_is_population_weighted_fibre_rtt():
    users = pd.DataFrame(
        {"latitude": [37.57, 35.18], "longitude": [126.98, 129.08], "population": [3, 1]}
    )
    # Seoul to itself: the 4 ms fixed overhead; to Busan ~325 km of great circle
    from gigafactory.placement import latency

    busan = float(latency.fibre_rtt_ms(latency.great_circle_km(37.57, 126.98, 35.18, 129.08)))
    assert _user_rtt_ms(37.57, 126.98, users) == pytest.approx((3 * 4.0 + busan) / 4)
    assert math.isnan(_user_rtt_ms(37.57, 126.98, users.iloc[:0]))


def test_a_given_cfe_share_wins_over_the_library_even_at_zero():
    template = load_scenario("korea-southwest").sites[0]
    assert template.grid.cfe_share == 0.387  # the preset gives KEPCO's share itself
    unset = template.model_copy(
        update={"grid": template.grid.model_copy(update={"cfe_share": None})}
    )
    assert _share_of_imports(unset) == pytest.approx(0.387)  # the site library's
    zero = template.model_copy(update={"grid": template.grid.model_copy(update={"cfe_share": 0.0})})
    assert _share_of_imports(zero) == 0.0  # a planner who counts no grid MWh as clean


def test_a_site_without_an_optimal_solve_ranks_last_and_the_rest_go_on(monkeypatch):
    # HiPO once ended undecided at one of the 43 library sites and stopped the whole
    # comparison; now that site is named, ranked last, and every other site is solved
    from conftest import small_scenario
    from gigafactory.pipeline import site_comparison

    real_run = site_comparison.run
    why = "site 'paris': the solver stopped without an optimal solution (ok, unknown)"

    def run(scenario):
        if scenario.sites[0].id == "paris":
            raise gigafactory.SolverError(why)
        return real_run(scenario)

    monkeypatch.setattr(site_comparison, "run", run)
    scenario = gigafactory.scenario_from_dict(small_scenario())
    table, results = gigafactory.compare(scenario, ["paris", "memphis"], weights={"cost": 1})
    assert list(table["site"]) == ["memphis", "paris"]
    assert list(table["rank"]) == [1, 2]
    assert list(table["not_solved"]) == ["", why]
    assert list(table["infeasible"]) == ["", ""]
    assert list(results) == ["memphis"]
