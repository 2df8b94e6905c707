"""A report that explains itself: the headline sentence and the assumptions behind it."""

from __future__ import annotations

import pytest

import gigafactory
from conftest import small_scenario, stored_site
from gigafactory.scenario import scenario_from_dict
from gigafactory.summary import headline


def test_headline_of_the_default_demo():
    site = stored_site("korea-southwest")
    assert headline(site) == (
        "jeonnam: least cost is 1 MW offshore wind, 273 MW fixed PV, Li-ion 100 MW / 398 MWh, "
        "a 35 MW contract (jeonnam-wind-ppa) and a 100 MW grid feed, 130.4 M USD/yr at 66 % "
        "hourly CFE, no unserved energy."
    )
    assert site.headline == headline(site)  # as the run stored it


def test_headline_says_what_was_not_built_and_at_what_price_it_would_be():
    sentence = headline(stored_site("stargate-abilene"))
    assert sentence.endswith(
        "; not built: tracking PV would need less than 1,300 USD/kW to enter (now 1,606)."
    )
    assert "152 MW onshore wind and a 1,000 MW grid feed" in sentence


@pytest.mark.parametrize("preset", ["korea-southwest", "colossus", "pine-island", "korea-ulsan"])
def test_every_preset_summary_has_a_headline_and_its_assumptions(preset):
    site = stored_site(preset)
    assert site.headline.startswith(f"{site.site}: least cost is ")
    items = {a.item for a in site.assumptions}
    assert {"WACC", "tariff", "grid import cap"} <= items
    for a in site.assumptions:
        assert a.source, a.item
        assert "data/" not in a.source, a  # a public document, not a file of ours


def test_assumptions_carry_catalog_sources_and_the_users_own_values():
    data = small_scenario(
        technologies={"solar_fixed": {"max_mw": 200, "capex_usd_per_kw": 900}, "gas_ct": {}},
        grid={"import_cap_mw": 40, "carbon_kg_per_mwh": 300},
    )
    results = gigafactory.run(scenario_from_dict(data))
    site = results.summary.sites[0]
    by_item = {a.item: a for a in site.assumptions}
    capex = by_item["solar_fixed capex"]
    assert (capex.value, capex.unit, capex.source) == (900, "USD/kW", "scenario")
    gas = by_item["gas_ct capex"]
    assert gas.unit == "USD/kW" and gas.source not in {"", "scenario"}
    assert by_item["WACC"].value == pytest.approx(0.07)
    assert by_item["solar_fixed build limit"].value == pytest.approx(200.0)
    # the grid's intensity is the scenario's, not the library's 365 kg/MWh (eGRID SRTV) ...
    carbon = by_item["grid carbon intensity"]
    assert (carbon.value, carbon.unit, carbon.source) == (300, "kg/MWh", "scenario")
    # ... and its carbon-free share, not given, is the site library's for TVA
    share = by_item["grid carbon-free share"]
    assert share.value == pytest.approx(0.6) and share.source.startswith("TVA")
    page = gigafactory.report_html(results)
    # the report opens with the sentence, then the warnings, and lists the assumptions
    assert page.index("class='headline'") < page.index("<h2>")
    assert f"<strong>{site.headline}</strong>" in page
    assert "<h3>Assumptions</h3>" in page
    assert "<td>solar_fixed capex</td><td class='n'>900</td><td>USD/kW</td>" in page
    assert "site_climate.csv" not in page
