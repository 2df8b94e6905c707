"""Each seed preset keeps the shape of the system it is named after.

Read from the stored regression summaries (``tests/data/regression/run-P.json``), which
``test_regression`` proves the current code reproduces to 1e-9, so these checks cost no
solve. What each shape stands for, with its sources, is in ``docs/seed-systems.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "regression"


def _summary(preset: str) -> dict[str, Any]:
    return json.loads((DATA / f"run-{preset}.json").read_text(encoding="utf-8"))


def _margin(site: dict[str, Any], technology: str) -> dict[str, Any]:
    [margin] = [m for m in site["marginals"]["technologies"] if m["technology"] == technology]
    return margin


def test_korea_southwest_takes_offshore_wind_under_its_signed_ppa():
    summary = _summary("korea-southwest")
    site = summary["sites"][0]
    ppa = site["contracts"]["jeonnam-wind-ppa"]
    assert ppa["technology"] == "wind_offshore"
    assert ppa["mw"] == pytest.approx(35.0)  # the Jeonnam zone's 35 MW supplier cap
    assert ppa["delivered_mwh"] > 0.2 * 35 * 8760 * 0.2  # most of what it produces is used
    assert summary["unserved_mwh"] == 0.0
    # ... and on-site offshore wind sits at break-even at Korean project cost (6,317 USD/kW):
    # with the winter-monsoon wind beside the winter-poor sun a sliver of its 600 MW is built,
    # and the summary says it is at the optimum rather than printing a bare number
    wind = _margin(site, "wind_offshore")
    assert wind["price"] == pytest.approx(6317.0)
    assert wind["capacity_mw"] < 5.0
    assert wind["entry_price"] == pytest.approx(wind["price"], rel=0.01)
    assert "at the optimum" in wind["text"]


def test_colossus_runs_on_tva_with_turbines_and_megapacks_beside_it():
    summary = _summary("colossus")
    site = summary["sites"][0]
    energy = summary["energy_by_source_mwh"]
    assert energy["grid"] > 0.9 * summary["facility_energy_mwh"]  # TVA carries the load
    assert site["capacity_mw"]["gas_ct_mobile"] == pytest.approx(247.0)  # 15 x SMT-130
    # the 150 MW that exist are kept, to the interior point's tolerance (149.99999999986)
    assert site["capacity_mw"]["megapack_4h"] >= 150.0 - 1e-6
    assert energy["megapack_4h"] > 100.0  # the Megapacks shave TVA's monthly peaks
    assert site["reliability"]["ride_through_hours"] == 2
    assert site["reliability"]["backup_mw"] == pytest.approx(247.0)


def test_memphis_gas_says_what_the_permit_allows():
    summary = _summary("memphis-gas")
    assert summary["nox_t"] <= 78.9 + 1e-6  # Shelby County: 87 short tons a rolling year


def test_abilene_campus_design_power_is_the_published_range():
    summary = _summary("stargate-abilene")
    assert 900.0 <= summary["design_power_mw"] <= 1200.0  # 0.9-1.2 GW published


def test_pine_island_builds_the_announced_mix_under_its_clean_firm_target():
    summary = _summary("pine-island")
    site = summary["sites"][0]
    assert summary["cfe_share"] == pytest.approx(0.90, abs=0.005)  # the target binds
    assert site["marginals"]["cfe_target_usd_per_point"] > 0
    capacity = site["capacity_mw"]
    # announced (pv-magazine, 25 Feb 2026): 1,400 MW wind, 200 MW solar and a 300 MW / 30 GWh
    # iron-air battery; the LP is free to build less of each, and at 90 % it builds close to
    # all of it (at 80 % no iron-air: docs/seed-systems.md)
    assert capacity["wind_onshore"] == pytest.approx(1400.0, rel=0.10)
    assert capacity["solar_tracking"] == pytest.approx(200.0)
    assert capacity["ironair_100h"] == pytest.approx(300.0, rel=0.10)
    assert site["storage_mwh"]["ironair_100h"] == pytest.approx(100.0 * capacity["ironair_100h"])
    assert "at the optimum" in _margin(site, "ironair_100h")["text"]
    # ... and it is used across days: more than ten full cycles of its store a year
    assert site["energy_by_source_mwh"]["ironair_100h"] > 10 * site["storage_mwh"]["ironair_100h"]
    assert summary["unserved_mwh"] == 0.0


def test_ulsan_builds_on_the_floating_row_beside_its_lng_plant():
    site = _summary("korea-ulsan")["sites"][0]
    assert "wind_offshore_floating" in site["capacity_mw"]
    assert "wind_offshore" not in site["capacity_mw"]
    assert site["capacity_mw"]["gas_cc"] > 0.0


@pytest.mark.parametrize("preset", ["korea-pohang", "korea-ulsan", "korea-southwest"])
def test_the_korean_sites_keep_their_own_presets(preset):
    summary = _summary(preset)
    assert summary["scenario"] == preset
    assert summary["unserved_mwh"] == 0.0
