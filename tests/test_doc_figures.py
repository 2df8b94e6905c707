"""The figures the worked examples quote are the figures the runs print.

docs/example-korea.md and docs/firm.md walk through bundled presets and variants of them,
quoting what ``gigafactory run`` prints. Each case below is one of those scenarios: a preset
and the edit the page shows. Each claim is a phrase of the page, formatted from that case's
summary. A change to the model or the data that moves a quoted figure fails here, naming the
page and the phrase to write instead. The presets as bundled are read from the stored runs
of tests/test_regression.py, which holds them to the code; the variants are solved here.

Duals are quoted rounded to three figures ("about 150,000 USD"): where the optimum is
degenerate they are not unique (docs/model.md), so their last digits are not the model's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gigafactory
from gigafactory.pipeline.prepare import prepare_site

DOCS = Path(__file__).parents[1] / "docs"
STORED = Path(__file__).parent / "data" / "regression"

Edit = Callable[[dict[str, Any]], None]


def _site(data: dict[str, Any]) -> dict[str, Any]:
    site: dict[str, Any] = data["sites"][0]
    return site


def _cfe_80(data: dict[str, Any]) -> None:
    data.setdefault("policy", {})["cfe_target"] = 0.8


def _unserved_at(usd_per_mwh: float) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data["reliability"] = {
            "allow_unserved": True,
            "value_of_lost_load_usd_per_mwh": usd_per_mwh,
        }

    return edit


def _ride_through(data: dict[str, Any]) -> None:
    data["reliability"] = {"ride_through_hours": 8}


def _ride_through_on_diesel(data: dict[str, Any]) -> None:
    _ride_through(data)
    _site(data)["technologies"]["diesel_genset"] = {"backup_only": True}


def _late_feed(data: dict[str, Any]) -> None:
    site = _site(data)
    site["grid"]["in_service"] = "2025-07-01"
    site["gas_price_usd_per_mmbtu"] = 12
    site["technologies"]["gas_recip"] = {"retire": "2025-07-01"}


WIND_PPA = {"name": "jeonnam-wind-ppa", "preset": "kr_jeonnam_offshore_wind_ppa"}


def _ppa_offered(data: dict[str, Any]) -> None:
    _site(data)["contracts"] = [WIND_PPA]


def _both_ppas_at_cfe_80(data: dict[str, Any]) -> None:
    _cfe_80(data)
    _site(data)["contracts"] = [
        WIND_PPA,
        {"name": "jeonnam-solar-ppa", "preset": "kr_jeonnam_solar_ppa"},
    ]


def _from_scratch_n_minus_1(data: dict[str, Any]) -> None:
    data["reliability"] = {"planning_reserve_margin": 0.15, "n_minus_1": True}
    _site(data)["technologies"] = {
        "gas_ct_mobile": {"max_mw": 400, "unit_mw": 16, "scr": True},
        "megapack_4h": {"max_mw": 300},
    }


def _without_scr(data: dict[str, Any]) -> None:
    _site(data)["technologies"]["gas_ct_mobile"]["scr"] = False


def _flat_tariff(data: dict[str, Any]) -> None:
    _site(data)["grid"]["tariff"] = "flat"


CASES: dict[str, tuple[str, Edit | None]] = {
    "korea": ("korea-southwest", None),
    "korea cfe 80": ("korea-southwest", _cfe_80),
    "korea unserved 5000": ("korea-southwest", _unserved_at(5_000)),
    "korea unserved 10000": ("korea-southwest", _unserved_at(10_000)),
    "korea ride-through": ("korea-southwest", _ride_through),
    "korea ride-through diesel": ("korea-southwest", _ride_through_on_diesel),
    "korea late feed": ("korea-southwest", _late_feed),
    "korea ppa offered": ("korea-southwest", _ppa_offered),
    "korea both ppas": ("korea-southwest", _both_ppas_at_cfe_80),
    "memphis": ("memphis-gas", None),
    "memphis n-1": ("memphis-gas", _from_scratch_n_minus_1),
    "memphis no scr": ("memphis-gas", _without_scr),
    "abilene": ("stargate-abilene", None),
    "abilene flat": ("stargate-abilene", _flat_tariff),
    "colossus": ("colossus", None),
    "pohang": ("korea-pohang", None),
    "ulsan": ("korea-ulsan", None),
    "pine island": ("pine-island", None),
    "colossus buildout": ("colossus-buildout", None),
    "korea buildout": ("stargate-korea-buildout", None),
}

_solved: dict[str, dict[str, Any]] = {}


def summary(case: str) -> dict[str, Any]:
    """The summary of one case as a dict: stored for a bundled preset, else solved once."""
    if case not in _solved:
        preset, edit = CASES[case]
        if edit is None:
            stored = json.loads((STORED / f"run-{preset}.json").read_text())
            _solved[case] = stored
        else:
            scenario = gigafactory.load_scenario(preset)
            data = scenario.model_dump(mode="json", exclude_unset=True)
            edit(data)
            edited = type(scenario).model_validate(data)
            _solved[case] = gigafactory.run(edited).summary.to_dict()
    return _solved[case]


def site(case: str) -> dict[str, Any]:
    return _site(summary(case))


def cap(case: str, technology: str) -> float:
    value: float = site(case)["capacity_mw"][technology]
    return value


def stored_mwh(case: str, technology: str) -> float:
    value: float = site(case)["storage_mwh"][technology]
    return value


def gwh(case: str, source: str) -> float:
    value: float = site(case)["energy_by_source_mwh"][source] / 1e3
    return value


def musd(case: str, item: str | None = None) -> float:
    """The total annual cost, or one item of its breakdown [M USD]."""
    if item is None:
        total: float = summary(case)["total_annual_cost_usd"] / 1e6
        return total
    part: float = site(case)["cost_breakdown_usd"][item] / 1e6
    return part


def contract(case: str, name: str) -> dict[str, Any]:
    terms: dict[str, Any] = site(case)["contracts"][name]
    return terms


def marginal(case: str, technology: str) -> float:
    for row in site(case)["marginals"]["technologies"]:
        if row["technology"] == technology:
            value: float = row["reduced_cost_usd_per_mw_year"]
            return value
    raise KeyError(technology)


def three_figures(value: float) -> str:
    """A dual as the docs quote it: three significant figures, thousands separated."""
    return f"{float(f'{value:.3g}'):,.0f}"


def korea_example() -> list[str]:
    k, k80 = "korea", "korea cfe 80"
    facility = site(k)["facility_energy_mwh"]
    factors = prepare_site(gigafactory.load_scenario("korea-southwest"), 0).capacity_factors
    wind_cf, pv_cf = (float(np.mean(factors[t])) for t in ("wind_offshore", "solar_fixed"))
    return [
        f"gives a {wind_cf:.1%} capacity factor on the IEA".replace("%", " %"),
        f"Fixed PV at a {pv_cf:.1%} capacity factor".replace("%", " %"),
        f"facility energy | {facility / 1e3:.1f} GWh (IT {site(k)['it_energy_mwh'] / 1e3:.1f}"
        f" GWh, annual PUE {site(k)['pue_annual']:.2f}); design power"
        f" {summary(k)['design_power_mw']:.1f} MW",
        f"capacity | solar {cap(k, 'solar_fixed'):.1f} MW, Li-ion {cap(k, 'liion_4h'):.1f} MW"
        f" / {stored_mwh(k, 'liion_4h'):,.0f} MWh, offshore wind {cap(k, 'wind_offshore'):.1f}"
        f" MW, wind PPA {cap(k, 'jeonnam-wind-ppa'):.1f} MW (signed)",
        f"energy by source | grid {gwh(k, 'grid'):.1f} GWh, solar {gwh(k, 'solar_fixed'):.1f}"
        f" GWh, wind PPA {gwh(k, 'jeonnam-wind-ppa'):.1f} GWh, Li-ion discharge"
        f" {gwh(k, 'liion_4h'):.1f} GWh, offshore wind {gwh(k, 'wind_offshore'):.1f} GWh",
        f"total annual cost | {musd(k):.2f} million USD (grid energy"
        f" {musd(k, 'grid_energy'):.1f}, demand charge {musd(k, 'demand_charges'):.1f}, PPA"
        f" {musd(k, 'ppa'):.1f}); LCOE {site(k)['lcoe_usd_per_mwh']:.1f} USD/MWh",
        f"hourly CFE share | {site(k)['cfe_share']:.1%} (annual match"
        f" {site(k)['cfe_annual_matching']:.1%})".replace("%", " %"),
        f"emissions | {site(k)['emissions_tco2e'] / 1e3:.1f} ktCO2e",
        f"{contract(k, 'jeonnam-wind-ppa')['produced_mwh'] / 1e3:.1f} GWh a year produced",
        f"{contract(k, 'jeonnam-wind-ppa')['cost_usd'] / 1e6:.1f} M USD,"
        f" {contract(k, 'jeonnam-wind-ppa')['usd_per_delivered_mwh']:.0f} USD per MWh delivered",
        f"the year costs {musd('korea ppa offered'):.2f} M USD: the signed wind is"
        f" {musd(k) - musd('korea ppa offered'):.1f} M USD a year dearer",
        f"and is built to {cap(k, 'solar_fixed'):.0f} MW. The LP still builds"
        f" {cap(k, 'wind_offshore'):.1f} MW of offshore wind",
        f"takes {cap(k, 'liion_4h'):.1f} MW / {stored_mwh(k, 'liion_4h'):,.0f} MWh of Li-ion",
        f"would shed {site('korea unserved 5000')['unserved_mwh']:.1f} MWh in"
        f" {site('korea unserved 5000')['unserved_hours']} hours with"
        f" {cap('korea unserved 5000', 'liion_4h'):.1f} MW of Li-ion and cost"
        f" {musd(k) - musd('korea unserved 5000'):.2f} M USD a year less",
        f"| solar | {cap(k, 'solar_fixed'):.1f} MW | {cap(k80, 'solar_fixed'):.1f} MW (at its"
        " limit) |",
        f"| offshore wind | {cap(k, 'wind_offshore'):.1f} MW on site + 35 MW PPA |"
        f" {cap(k80, 'wind_offshore'):.1f} MW on site + 35 MW PPA |",
        f"| Li-ion | {cap(k, 'liion_4h'):.1f} MW / {stored_mwh(k, 'liion_4h'):,.0f} MWh |"
        f" {cap(k80, 'liion_4h'):.1f} MW / {stored_mwh(k80, 'liion_4h'):,.0f} MWh |",
        f"| grid energy | {gwh(k, 'grid'):.1f} GWh | {gwh(k80, 'grid'):.1f} GWh |",
        f"| curtailed | {site(k)['curtailed_mwh'] / 1e3:.1f} GWh |"
        f" {site(k80)['curtailed_mwh'] / 1e3:.1f} GWh |",
        f"| hourly CFE share | {site(k)['cfe_share']:.1%} | {site(k80)['cfe_share']:.1%}"
        f" (annual match {site(k80)['cfe_annual_matching']:.1%}) |".replace("%", " %"),
        f"| emissions | {site(k)['emissions_tco2e'] / 1e3:.1f} kt |"
        f" {site(k80)['emissions_tco2e'] / 1e3:.1f} kt |",
        f"| total annual cost | {musd(k):.2f} M USD | {musd(k80):.2f} M USD |",
        f"| LCOE | {site(k)['lcoe_usd_per_mwh']:.1f} USD/MWh |"
        f" {site(k80)['lcoe_usd_per_mwh']:.1f} USD/MWh |",
        f"Cutting emissions by {1 - site(k80)['emissions_tco2e'] / site(k)['emissions_tco2e']:.0%}"
        f" costs {musd(k80) - musd(k):.1f} million USD a year,"
        f" {(musd(k80) - musd(k)) * 1e6 / facility:.1f} USD/MWh".replace("%", " %"),
        f"would save up to about {three_figures(-marginal(k80, 'solar_fixed'))} USD a year",
        f"costs at least {site(k80)['marginals']['cfe_target_usd_per_point'] / 1e6:.3g} million"
        " USD a year",
    ]


def firm_page() -> list[str]:
    k, u = "korea", "korea unserved 5000"
    ride, diesel, late = "korea ride-through", "korea ride-through diesel", "korea late feed"
    both, m, n1, noscr = "korea both ppas", "memphis", "memphis n-1", "memphis no scr"
    reliability = site(n1)["reliability"]
    credit = site(k)["reliability"]["capacity_credit"]["solar_fixed"]
    wind = contract(both, "jeonnam-wind-ppa")
    solar = contract(both, "jeonnam-solar-ppa")
    return [
        f"the design LP builds {cap(k, 'solar_fixed'):.1f} MW of PV and"
        f" {cap(k, 'liion_4h'):.1f} MW / {stored_mwh(k, 'liion_4h'):,.0f} MWh of Li-ion",
        f"every hour: {musd(k):.2f} million USD a year, LCOE"
        f" {site(k)['lcoe_usd_per_mwh']:.1f} USD/MWh",
        f"| PV / Li-ion | {cap(k, 'solar_fixed'):.1f} MW / {cap(k, 'liion_4h'):.1f} MW,"
        f" {stored_mwh(k, 'liion_4h'):,.0f} MWh | {cap(u, 'solar_fixed'):.1f} MW /"
        f" {cap(u, 'liion_4h'):.1f} MW, {stored_mwh(u, 'liion_4h'):,.0f} MWh |",
        f"| unserved | 0 | {site(u)['unserved_mwh']:.1f} MWh in {site(u)['unserved_hours']}"
        " hours |",
        f"| total (lost load included) | {musd(k):.2f} M USD | {musd(u):.2f} M USD, of which"
        f" {musd(u, 'unserved'):.2f} M lost load |",
        f"jeonnam: {site(u)['unserved_mwh']:.1f} MWh unserved in {site(u)['unserved_hours']}"
        f" hours (reliability.allow_unserved at 5,000 USD/MWh; {musd(u, 'unserved'):.2f} M USD"
        " counted in the total)",
        f"Firmness costs {musd(k) - musd(u):.2f} M USD a year here: the supply it takes costs"
        f" about {round((musd(k) - musd(u) + musd(u, 'unserved')) * 1e6 / site(u)['unserved_mwh'], -2):,.0f}"
        " USD per MWh not shed",
        f"so the LP builds {cap(n1, 'gas_ct_mobile'):.1f} MW of turbines",
        f"accredited {reliability['accredited_firm_mw']:.1f} MW, reserve margin"
        f" {reliability['reserve_margin']:.1%}".replace("%", " %"),
        f"highest load ({credit:.1%}, hot summer afternoons)".replace("%", " %"),
        f"already holds {site(k)['reliability']['accredited_firm_mw']:.1f} MW accredited",
        f"PV goes to {cap(ride, 'solar_fixed'):.1f} MW and Li-ion to"
        f" {cap(ride, 'liion_4h'):.1f} MW / {stored_mwh(ride, 'liion_4h'):,.0f} MWh, and the"
        f" year costs {musd(ride):.2f} M USD (+{musd(ride) - musd(k):.1f} M;",
        f"{cap(diesel, 'diesel_genset'):.1f} MW of genset, the battery back at"
        f" {cap(diesel, 'liion_4h'):.1f} MW / {stored_mwh(diesel, 'liion_4h'):,.0f} MWh,"
        f" {musd(diesel):.2f} M USD (+{musd(diesel) - musd(k):.1f} M)",
        f"sized to the design power, {summary(k)['design_power_mw']:.1f} MW here",
        f"they run all year, {gwh(m, 'gas_ct_mobile'):,.1f} GWh and {site(m)['nox_t']:.1f} t of"
        " NOx",
        f"the year costs {musd(m):.2f} M USD. Without the SCR",
        f"the permit holds the turbines to {gwh(noscr, 'gas_ct_mobile'):,.1f} GWh and the TVA"
        f" feed carries {gwh(noscr, 'grid'):,.1f} GWh; the year costs {musd(noscr):.2f} M USD"
        f" ({musd(noscr, 'demand_charges'):.2f} M of it TVA demand charges",
        f"is worth {musd(noscr) - musd(m):.1f} M USD a year here",
        f"the LP rents {cap(late, 'gas_recip'):.1f} MW of gas engines",
        f"the year costs {musd(late):.2f} M USD, {musd(late) - musd(k):.1f} M more than with the"
        " grid from January",
        f"it delivers {contract(late, 'jeonnam-wind-ppa')['delivered_mwh'] / 1e3:.1f} GWh of its"
        f" {contract(late, 'jeonnam-wind-ppa')['produced_mwh'] / 1e3:.1f} GWh and is paid on all"
        f" of it ({contract(late, 'jeonnam-wind-ppa')['usd_per_delivered_mwh']:.0f} USD per MWh"
        " delivered)",
        f"The engines emit {site(late)['nox_t']:,.1f} t of NOx uncontrolled",
        f"(above: {musd(late) - musd(k):.1f} M USD for six months)",
        f"the year costs {musd('korea ppa offered'):.2f} M USD,"
        f" {musd(k) - musd('korea ppa offered'):.1f} M less",
        f"| produced | {wind['produced_mwh']:,.0f} MWh | {solar['produced_mwh']:,.0f} MWh |",
        f"| used on site | {wind['delivered_mwh']:,.0f} MWh | {solar['delivered_mwh']:,.0f} MWh |",
        f"| cost | {wind['cost_usd'] / 1e6:.2f} M USD | {solar['cost_usd'] / 1e6:.2f} M USD |",
        f"certified energy produced over the year) is {site(both)['cfe_annual_matching']:.1%}".replace(
            "%", " %"
        ),
        f"The year costs {musd(both):.2f} M USD against {musd('korea cfe 80'):.2f} M with the"
        " wind PPA alone",
        f"makes it build {cap('abilene', 'gas_ct'):.1f} MW of gas turbines instead of the"
        f" {cap('abilene flat', 'gas_ct'):.1f} MW it builds on the flat",
        f"the year costs {musd('abilene'):.2f} M USD against {musd('abilene flat'):.2f} M",
    ]


def seed_systems() -> list[str]:
    k, c, a = "korea", "colossus", "abilene"
    return [
        f"{cap(k, 'solar_fixed'):.0f} MW of PV and {cap(k, 'liion_4h'):.0f} MW /"
        f" {stored_mwh(k, 'liion_4h'):,.0f} MWh of Li-ion, {musd(k):.1f} M USD/yr",
        f"sliver ({cap(k, 'wind_offshore'):.1f} MW)",
        f"PV at its 200 MW limit (one more MW of limit would save up to"
        f" {three_figures(-marginal('pohang', 'solar_fixed'))} USD/yr),"
        f" {cap('pohang', 'liion_4h'):.0f} MW of Li-ion and"
        f" {cap('pohang', 'wind_offshore'):.0f} MW of offshore wind",
        f"builds {cap('ulsan', 'gas_cc'):.0f} MW of gas combined cycle",
        f"TVA carries {gwh(c, 'grid'):,.0f} GWh, the Megapacks discharge"
        f" {gwh(c, 'megapack_4h'):.1f} GWh a year",
        f"{musd(c):.1f} M USD/yr. The campus is {site(c)['cfe_share']:.0%} hourly CFE".replace(
            "%", " %"
        ),
        f"The LP builds {cap(a, 'gas_ct'):.0f} MW of gas turbines and"
        f" {cap(a, 'wind_onshore'):.0f} MW of onshore wind beside the 1 GW ERCOT feed,"
        f" {musd(a):.1f} M USD/yr",
        f"The campus is {site(a)['cfe_share']:.0%} hourly CFE".replace("%", " %"),
        f"met with {cap('pine island', 'wind_onshore'):,.0f} MW of wind,"
        f" {cap('pine island', 'solar_tracking'):.0f} MW of solar (at its limit) and"
        f" {cap('pine island', 'ironair_100h'):.0f} MW /"
        f" {stored_mwh('pine island', 'ironair_100h'):,.0f} MWh of iron-air",
        f"one more point costs at least"
        f" {site('pine island')['marginals']['cfe_target_usd_per_point'] / 1e6:.3g} M USD/yr",
        f"{musd('pine island'):.1f} M USD/yr; iron-air delivers"
        f" {gwh('pine island', 'ironair_100h'):,.0f} GWh a year",
        f"and {site('pine island')['curtailed_mwh'] / 1e3:,.0f} GWh of wind and solar are curtailed",
    ]


def roadmap_page() -> list[str]:
    first, second = summary("colossus buildout")["roadmap"]["sites"][0]["stages"]
    jeonnam = summary("korea buildout")["roadmap"]["sites"][0]
    _, hub_2029, hub_2030, _ = jeonnam["stages"]
    colossus_pv = summary("colossus buildout")["roadmap"]["sites"][0]["present_value_usd"]
    megapack = second["capacity_mw"]["megapack_4h"]
    return [
        f"{first['peak_load_mw']:.0f} MW peak on the 150 MW feed;"
        f" {first['built_mw']['gas_ct_mobile']:.0f} MW of backup turbines built for the 2 h"
        f" ride-through, no Megapacks; {first['annual_cost_usd'] / 1e6:.1f} M USD/yr",
        f"{megapack:.0f} MW / {megapack * 4:,.0f} MWh of Megapacks",
        f"{second['annual_cost_usd'] / 1e6:.1f} M USD/yr (the full-size single-year run:",
        f"capex {first['capex_usd'] / 1e6:.0f} M USD (2024) + {second['capex_usd'] / 1e6:.0f} M"
        f" USD (2025) of power assets; present value {colossus_pv / 1e9:.2f} billion USD",
        f"{hub_2029['built_mw']['solar_fixed']:.0f} MW PV and"
        f" {hub_2029['built_mw']['liion_4h']:.0f} MW Li-ion built"
        f" ({hub_2029['capex_usd'] / 1e6:.0f} M USD); {hub_2029['cfe_share']:.0%} CFE,"
        f" {hub_2029['annual_cost_usd'] / 1e6:.1f} M USD/yr".replace("%", " %"),
        f"PV to {hub_2030['capacity_mw']['solar_fixed']:.0f} MW, Li-ion to"
        f" {hub_2030['capacity_mw']['liion_4h']:.0f} MW ({hub_2030['capex_usd'] / 1e6:.0f} M"
        f" USD); {hub_2030['annual_cost_usd'] / 1e6:.1f} M USD/yr",
        f"present value {jeonnam['present_value_usd'] / 1e9:.2f} billion USD at 7 %",
        *time_to_power_example(),
    ]


def time_to_power_example() -> list[str]:
    """roadmap.md's `gigafactory time-to-power stargate-abilene --decided 2025 --years 4`."""
    scenario = gigafactory.load_scenario("stargate-abilene")
    starts = gigafactory.time_to_power(scenario, decided=2025, years=4)
    names = {"gas_ct": "gas turbines", "wind_onshore": "onshore wind"}
    lines = []
    for start in starts:
        if start.annual_cost_usd is None:
            lines.append(f"{start.year} cannot run")
            continue
        assert start.built_mw is not None and start.extra_cost_usd is not None
        built = ", ".join(f"{names[k]} {v:,.0f}" for k, v in start.built_mw.items() if v >= 0.5)
        lines.append(
            f"{start.year} {start.grid_import_cap_mw:,.0f} {start.annual_cost_usd / 1e6:.1f}"
            f" {start.extra_cost_usd / 1e6:+.1f} {built}"
        )
    extra = max(s.extra_cost_usd or 0.0 for s in starts)
    return [*lines, f"costs {extra / 1e6:.1f} M USD a year more on wind alone"]


def sweeps_page() -> list[str]:
    faults = json.loads((STORED / "faults-korea-southwest.json").read_text())["jeonnam"]
    return [
        f"leaves {faults['unserved_without_faults_mwh']:.1f} MWh unserved in"
        f" {faults['shortfall_hours']} hours where the LP serves every hour",
    ]


def sites_page() -> list[str]:
    """sites.md's worked example: the korea-southwest campus at the four Korean sites."""
    table, _ = gigafactory.compare(
        gigafactory.load_scenario("korea-southwest"),
        ["korea_southwest", "pohang", "ulsan", "seoul_metro"],
        users=["KR"],
    )
    names = {
        "ulsan": "Ulsan",
        "pohang": "Pohang",
        "korea_southwest": "Jeonnam (southwest)",
        "seoul_metro": "Seoul metro",
    }
    rows = []
    for row in table.sort_values("rank").itertuples():
        rows.append(
            f"| {row.rank} | {names[row.site]} | {row.score:.2f} |"
            f" {row.total_annual_cost_usd / 1e6:.1f} M USD | {row.cfe_share:.1%} |"
            f" {row.emissions_tco2e / 1e3:.0f} kt |".replace("%", " %")
        )
    return rows


PAGES: dict[str, Callable[[], list[str]]] = {
    "sites.md": sites_page,
    "sweeps.md": sweeps_page,
    "roadmap.md": roadmap_page,
    "seed-systems.md": seed_systems,
    "example-korea.md": korea_example,
    "firm.md": firm_page,
}


def _flat(text: str) -> str:
    """Text with every run of whitespace one space and markdown's emphasis dropped."""
    return re.sub(r"\s+", " ", text.replace("**", ""))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_worked_examples_quote_what_the_runs_print(page: str) -> None:
    text = _flat((DOCS / page).read_text())
    missing = [claim for claim in map(_flat, PAGES[page]()) if claim not in text]
    assert not missing, f"docs/{page} no longer quotes: " + " || ".join(missing)


def test_lost_load_at_10000_usd_per_mwh_is_not_shed_on_korea_southwest() -> None:
    """firm.md: "At 10,000 USD/MWh the LP sheds nothing and builds the firm design"."""
    assert site("korea unserved 10000")["unserved_mwh"] < 1e-3
    firm = cap("korea", "liion_4h")
    assert cap("korea unserved 10000", "liion_4h") == pytest.approx(firm, abs=0.05)
