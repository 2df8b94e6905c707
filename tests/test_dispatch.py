"""Rule-based dispatch against the LP, invariants, and fault models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gigafactory
from conftest import small_scenario
from gigafactory.compute import reliability
from gigafactory.scenario import scenario_from_dict
from gigafactory.supply import SiteSupply, SupplyTech, optimise
from gigafactory.supply import rules as dispatch


def hours(n):
    return pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC")


def test_matches_lp_without_arbitrage():
    # flat grid price, gas dearer than the grid, a battery charged only from solar surplus:
    # the LP has nothing to gain from timing, so the rules give its operating cost
    n = 96
    solar = np.tile(np.r_[np.zeros(8), np.full(8, 0.9), np.zeros(8)], 4)
    site = SiteSupply(
        name="s",
        time=hours(n),
        load_mw=np.full(n, 50.0),
        techs=(
            SupplyTech(
                "solar",
                "variable",
                1e4,
                availability=solar,
                clean=True,
                existing_mw=120,
                max_mw=120,
            ),
            SupplyTech(
                "battery",
                "storage",
                1e4,
                charge_efficiency=0.95,
                discharge_efficiency=0.95,
                duration_h=4,
                existing_mw=20,
                max_mw=20,
            ),
            SupplyTech("gas", "thermal", 1e4, marginal_cost=120.0, existing_mw=40, max_mw=40),
        ),
        grid_import_cap_mw=30.0,
        grid_price=60.0,
        value_of_lost_load=10_000.0,
    )
    ds = optimise(site, method="simplex")
    caps = {
        str(k): float(v)
        for k, v in zip(ds["technology"].values, ds["capacity_mw"].values, strict=True)
    }
    fixed = sum(t.fixed_cost * caps[t.name] for t in site.techs)
    lp_operating = ds.attrs["objective_usd"] - fixed
    replay = dispatch.replay(site, caps)
    assert replay.unserved.sum() == pytest.approx(float(ds["unserved_mw"].sum()), abs=1e-6)
    assert replay.operating_cost_usd == pytest.approx(lp_operating, rel=1e-6)


@st.composite
def sites(draw):
    n = draw(st.integers(24, 96))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    techs = (
        SupplyTech("solar", "variable", 1.0, availability=rng.uniform(0, 1, n), clean=True),
        SupplyTech(
            "battery", "storage", 1.0, charge_efficiency=0.9, discharge_efficiency=0.9, duration_h=4
        ),
        SupplyTech("gas", "thermal", 1.0, marginal_cost=80.0),
    )
    site = SiteSupply(
        "r",
        hours(n),
        rng.uniform(10, 100, n),
        techs,
        grid_import_cap_mw=draw(st.floats(0, 60)),
        grid_price=rng.uniform(20, 150, n),
        value_of_lost_load=5000.0,
    )
    caps = {
        "solar": draw(st.floats(0, 200)),
        "battery": draw(st.floats(0, 50)),
        "gas": draw(st.floats(0, 80)),
    }
    return site, caps


@settings(max_examples=40, deadline=None)
@given(sites())
def test_replay_balances_and_respects_limits(case):
    site, caps = case
    r = dispatch.replay(site, caps)
    supply = (
        sum(r.dispatch.values()) - sum(r.charge.values()) + r.grid_import + r.unserved - r.curtailed
    )
    np.testing.assert_allclose(supply, site.load_mw, atol=1e-6)
    soc = r.soc["battery"]
    assert soc.min() >= -1e-9
    assert soc.max() <= 4 * caps["battery"] + 1e-9
    assert r.dispatch["gas"].max() <= caps["gas"] + 1e-9
    assert r.grid_import.max() <= site.grid_import_cap_mw + 1e-9


def test_grid_outages_and_forced_outages_statistics():
    rng = np.random.default_rng(1)
    up = reliability.grid_outages(8760 * 50, per_year=2.0, mean_hours=6.0, rng=rng)
    # 2 a year x ~6 h (at least 1 h each): ~12 h down a year
    assert (~up).sum() / 50 == pytest.approx(12, rel=0.25)
    share = reliability.forced_outages(
        8760 * 5, units=20, forced_outage_rate=0.05, mean_repair_hours=50, rng=rng
    )
    assert 1 - share.mean() == pytest.approx(0.05, rel=0.2)
    assert share.min() >= 0 and share.max() <= 1


def test_faults_report_for_a_compute_site():
    data = small_scenario(
        load=None,
        compute={
            "training": [
                {
                    "name": "t",
                    "accelerator": "h100_sxm",
                    "flops": 1e24,
                    "accelerators": 8000,
                    "checkpoint_s": 30,
                }
            ]
        },
        grid={"import_cap_mw": 20},
    )
    data["sites"][0].pop("load")
    data["sites"][0]["technologies"] = {"solar_fixed": {"max_mw": 50}}
    result = gigafactory.faults(
        scenario_from_dict(data), grid_outages_per_year=12, outage_hours=10
    )["campus"]
    # without on-site firm supply every outage hour with load above solar is short
    assert result.outage_hours > 0
    assert result.shortfall_hours > 0
    assert result.lost_accelerator_hours > 0
    assert result.training_days_lost >= result.shortfall_hours / 24
    rt = result.ride_through
    assert rt.battery_mwh == pytest.approx(rt.battery_mw * 8, rel=0.2)
