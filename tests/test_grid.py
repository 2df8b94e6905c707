"""Hourly grid price and carbon shapes: annual means kept exactly, documented pattern."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gigafactory
from conftest import small_scenario
from gigafactory.resource import grid, weather
from gigafactory.scenario import scenario_from_dict

INDEX = weather.hourly_index(2025)


@settings(max_examples=30, deadline=None)
@given(st.floats(1, 500), st.floats(-180, 180), st.integers(0, 2**32 - 1))
def test_shape_keeps_the_mean_and_stays_positive(mean, longitude, seed):
    for shape in (grid.PRICE_SHAPE, grid.CARBON_SHAPE):
        x = grid.shaped_series(INDEX, mean, longitude, shape, np.random.default_rng(seed))
        assert x.mean() == pytest.approx(mean, rel=1e-12)
        assert x.min() > 0


def test_price_peaks_in_the_evening_and_carbon_dips_at_noon():
    # Seoul, 127 E: local solar time = UTC + 8.5 h
    price = grid.shaped_series(INDEX, 100.0, 127.0, grid.PRICE_SHAPE, np.random.default_rng(1))
    carbon = grid.shaped_series(INDEX, 0.4, 127.0, grid.CARBON_SHAPE, np.random.default_rng(1))
    local_hour = (INDEX.hour + 127.0 / 15) % 24
    evening = (local_hour >= 17) & (local_hour < 20)
    night = (local_hour >= 2) & (local_hour < 5)
    noon = (local_hour >= 12) & (local_hour < 15)
    # +25 % daily amplitude: evening ~ +22 %, small hours ~ -22 % on average
    assert price[evening].mean() / price[night].mean() == pytest.approx(1.22 / 0.78, rel=0.1)
    assert carbon[noon].mean() < 0.4 * 0.93


def test_scenario_with_typical_shape():
    # flat: the catalog's annual average revenue, shaped; not Memphis's TVA tariff
    data = small_scenario(grid={"import_cap_mw": 40, "shape": "typical", "tariff": "flat"})
    results = gigafactory.run(scenario_from_dict(data))
    price = results.series["campus"]["grid_price_usd_per_mwh"].to_numpy()
    assert price.mean() == pytest.approx(62.3)  # Memphis catalog tariff, EIA 2023
    assert price.std() > 5
