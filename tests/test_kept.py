"""Kept model results (gigafactory.resource.kept): the same numbers as computing them."""

from __future__ import annotations

import numpy as np
import pytest

import gigafactory
from gigafactory.pipeline import prepare
from gigafactory.resource import weather
from gigafactory.resource.kept import Kept, digest, kept_call


def test_a_kept_site_gives_the_numbers_of_a_computed_one(monkeypatch):
    # korea-pohang draws its weather, then its offshore wind and grid from the same
    # generator: a kept weather year must leave the generator where drawing it would have
    for store in ("_WEATHER", "_PV", "_SUNNY_DAYS", "_WIND_SPEED"):
        monkeypatch.setattr(prepare, store, Kept())
    monkeypatch.setattr(weather, "_SUN", Kept())
    scenario = gigafactory.load_scenario("korea-pohang")
    computed = prepare.prepare_site(scenario, 0)
    kept = prepare.prepare_site(scenario, 0)
    assert len(prepare._WEATHER._results) == len(prepare._PV._results) == 1
    assert len(prepare._WIND_SPEED._results) == 1
    assert kept.weather.equals(computed.weather)
    assert kept.weather is not computed.weather
    assert (
        computed.capacity_factors.keys()
        == kept.capacity_factors.keys()
        == {
            "solar_fixed",
            "wind_offshore",
        }
    )
    for name, values in computed.capacity_factors.items():
        np.testing.assert_array_equal(kept.capacity_factors[name], values, err_msg=name)
    np.testing.assert_array_equal(kept.supply.load_mw, computed.supply.load_mw)
    np.testing.assert_array_equal(
        np.asarray(kept.supply.grid_price), np.asarray(computed.supply.grid_price)
    )
    # another seed: another year, computed
    other = prepare.prepare_site(scenario.model_copy(update={"seed": scenario.seed + 1}), 0)
    assert not other.weather.equals(computed.weather)
    assert len(prepare._WEATHER._results) == 2


def test_a_kept_array_is_the_callers_own():
    kept = Kept()
    first = kept_call(kept, ("ones",), lambda: np.ones(3))
    first[0] = 5.0
    assert kept_call(kept, ("ones",), lambda: np.zeros(3)).tolist() == [1.0, 1.0, 1.0]


def test_only_the_last_results_are_kept():
    kept = Kept(size=2)
    for n in range(3):
        kept_call(kept, (n,), lambda n=n: np.full(2, float(n)))
    assert kept_call(kept, (0,), lambda: np.full(2, -1.0)).tolist() == [-1.0, -1.0]
    assert kept_call(kept, (2,), lambda: np.full(2, -1.0)).tolist() == [2.0, 2.0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((np.arange(3.0),), (np.arange(3),)),  # dtype
        ((np.zeros((2, 3)),), (np.zeros((3, 2)),)),  # shape
        ((1.0, 2.0), (2.0, 1.0)),  # order
        (("ab", "c"), ("a", "bc")),
        ((np.random.default_rng(1),), (np.random.default_rng(2),)),
    ],
)
def test_different_inputs_have_different_digests(a, b):
    assert digest(*a) != digest(*b)
