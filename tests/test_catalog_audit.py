"""Catalog audit: each changed row pinned to its source's number, and the cost variants.

Every expected value is the cited document's figure, or arithmetic on it written here.
"""

from __future__ import annotations

import pytest

import gigafactory
from conftest import small_scenario
from gigafactory import catalog
from gigafactory.errors import CatalogError
from gigafactory.scenario import scenario_from_dict


def _param(name: str, key: str, **variant: object) -> float:
    return catalog.technologies(**variant)[name].params[key]  # type: ignore[arg-type]


def test_megapack_4h_ex_works_is_the_configurator_price():
    # Tesla configurator (Jan 2024): 1,227,090 USD per 3,916 kWh unit, installation excluded.
    assert _param("megapack_4h", "capex_energy_usd_per_mwh", scope="ex-works") == pytest.approx(
        1_227_090 / 3_916 * 1e3, rel=1e-3
    )


def test_megapack_4h_installed_adds_the_megablock_scale_installation():
    # 313.3 USD/kWh + 60 % of the single-unit installation quote, 802,200 / 3,916 USD/kWh.
    expected = (1_227_090 + 0.6 * 802_200) / 3_916 * 1e3
    assert _param("megapack_4h", "capex_energy_usd_per_mwh") == pytest.approx(expected, rel=1e-3)
    # ... which is below generic ATB Li-ion 4 h (375.6 USD/kWh + 497.7 USD/kW / 4 h)
    assert expected < (375.6 + 497.7 / 4) * 1e3


def test_megapack_2h_is_the_two_hour_configuration():
    # 1,278,860 USD per 1,927 kW / 3,854 kWh unit, RTE 92.0 %, 8,830 USD/yr maintenance.
    tech = catalog.technologies(scope="ex-works")["megapack_2h"]
    assert tech.params["capex_energy_usd_per_mwh"] == pytest.approx(1_278_860 / 3_854 * 1e3, 1e-3)
    assert tech.params["duration_h"] == 2
    assert tech.params["round_trip_efficiency"] == pytest.approx(0.92)
    assert tech.params["fom_usd_per_mw_year"] == pytest.approx(8_830 / 1_927 * 1e3, rel=1e-3)


def test_liion_by_region_and_year():
    # NREL ATB 2024: 375.6 USD/kWh + 497.7 USD/kW (2025), 274.3 + 465.8 (2030);
    # BNEF 2024 survey: global turnkey 165 USD/kWh, China 4 h 85 USD/kWh.
    assert _param("liion_4h", "capex_energy_usd_per_mwh") == pytest.approx(375_600)
    assert _param("liion_4h", "capex_usd_per_mw") == pytest.approx(497_700)
    assert _param("liion_4h", "capex_energy_usd_per_mwh", year=2030) == pytest.approx(274_300)
    assert _param("liion_4h", "capex_usd_per_mw", year=2030) == pytest.approx(465_800)
    assert _param("liion_4h", "capex_energy_usd_per_mwh", region="KR") == pytest.approx(165_000)
    assert _param("liion_4h", "capex_usd_per_mw", region="KR") == 0.0
    assert _param("liion_4h", "capex_energy_usd_per_mwh", region="CN") == pytest.approx(85_000)


def test_a_missing_variant_is_said_not_guessed():
    (note,) = catalog.technologies(region="KR")["liion_4h"].notes
    assert note == catalog.CostNote(
        "liion_4h", ("capex", "capex_energy"), catalog.VariantMiss("scope", "installed", "turnkey")
    )
    assert note.text == "liion_4h capex, capex_energy: no installed price, the turnkey one is used"
    (floating,) = catalog.technologies()["wind_offshore_floating"].notes
    assert floating.miss == catalog.VariantMiss("cost year", "2025", "2030")
    assert floating.text == (
        "wind_offshore_floating capex, fom: no 2025 value, the 2030 one is used"
    )
    assert catalog.technologies()["solar_fixed"].notes == ()


def test_ironair_2030_is_form_energys_recommendation():
    # Form Energy (2023): EUR 31.6/kWh (2025) and 21.0 (2030), EUR2023, x 1.0813 USD/EUR.
    assert _param("ironair_100h", "capex_energy_usd_per_mwh") == pytest.approx(31.6 * 1081.3, 1e-3)
    assert _param("ironair_100h", "capex_energy_usd_per_mwh", year=2030) == pytest.approx(
        21.0 * 1081.3, rel=1e-3
    )


def test_offshore_wind_fixed_floating_and_korean():
    # ATB 2024: fixed-bottom 6,326 (2025) and 4,790 (2030), floating 10,107 (2030) USD/kW;
    # Sinan Wui: 3.4 trillion KRW for 390 MW at 1,380 KRW/USD.
    assert _param("wind_offshore", "capex_usd_per_mw") == pytest.approx(6_326_000)
    assert _param("wind_offshore", "capex_usd_per_mw", year=2030) == pytest.approx(4_790_000)
    assert _param("wind_offshore_floating", "capex_usd_per_mw") == pytest.approx(10_107_000)
    korean = 3.4e12 / 390_000 / 1_380 * 1e3
    assert _param("wind_offshore", "capex_usd_per_mw", region="KR") == pytest.approx(korean, 1e-3)


def test_gas_cc_at_todays_market_and_atb_2030():
    # BNEF (2025): ~2,157 USD/kW; NREL ATB 2024 2030: 1,510 USD/kW.
    assert _param("gas_cc", "capex_usd_per_mw") == pytest.approx(2_157_000)
    assert _param("gas_cc", "capex_usd_per_mw", year=2030) == pytest.approx(1_510_000)


def test_mobile_turbines_burn_more_than_tva_charges():
    # ~11,000 Btu/kWh: at 4 USD/MMBtu fuel is 4 x 3.412 / 0.31 = 44.0 USD/MWh, + 5 VOM.
    tech = catalog.technologies()["gas_ct_mobile"]
    assert tech.params["efficiency"] == pytest.approx(0.31)
    assert 4.0 * 3.412 / tech.params["efficiency"] + 5.0 == pytest.approx(49.03, abs=0.01)


def test_every_price_row_states_its_scope():
    prices = {"capex", "capex_energy", "fom", "fom_pct", "vom", "ppa_price", "fuel_price"}
    rows = catalog.technology_table()
    missing = rows[rows["parameter"].isin(prices) & ~rows["scope"].isin(catalog.SCOPES)]
    assert missing.empty, missing[["technology", "parameter"]].to_string()


def test_no_source_points_outside_the_repository():
    for table in (catalog.technology_table(), catalog.site_table(), catalog.accelerator_table()):
        assert not table["source"].str.contains("shared/").any()


def test_an_unknown_variant_is_an_error():
    with pytest.raises(CatalogError, match=r"^region 'JP' not in US, KR, CN, EU$"):
        catalog.technologies(region="JP")


def test_a_scenario_chooses_its_cost_variant():
    # A small Memphis site whose load above its 40 MW feed is carried by PV and Li-ion:
    # priced with ATB's 2030 Li-ion (274.3 USD/kWh against 375.6) it costs less.
    site = {"technologies": {"solar_fixed": {"max_mw": 400}, "liion_4h": {}}}
    base = scenario_from_dict(small_scenario(**site))
    later = scenario_from_dict({**small_scenario(**site), "costs": {"year": 2030}})
    assert later.costs.year == 2030
    cost_2025 = gigafactory.run(base).summary.total_annual_cost_usd
    cost_2030 = gigafactory.run(later).summary.total_annual_cost_usd
    assert cost_2030 < cost_2025
