"""Scenario loading: presets, round trip and one-line errors with pinned messages."""

from __future__ import annotations

import copy

import pytest

from conftest import small_scenario
from gigafactory import (
    ScenarioError,
    did_you_mean,
    dump_scenario,
    load_scenario,
    preset_names,
    presets,
)
from gigafactory.scenario import (
    parse_setting,
    scenario_from_dict,
    scenario_from_yaml,
    with_settings,
)

BASE = {
    "name": "t",
    "sites": [
        {
            "id": "a",
            "catalog": "memphis",
            "load": {"it_mw": 50},
            "grid": {"import_cap_mw": 10},
            "technologies": {"solar_fixed": {"max_mw": 100}},
        }
    ],
}


def test_required_presets_exist_with_titles_and_sources():
    names = preset_names()
    assert {"korea-southwest", "memphis-gas", "pine-island"} <= set(names)
    for name in names:
        scenario = load_scenario(name)
        assert scenario.title, name
        assert "Sources:" in scenario.description or "source" in scenario.description.lower(), name
    assert presets()["memphis-gas"].startswith("xAI Colossus 1, Memphis")


def test_round_trip_through_yaml(write_yaml):
    scenario = load_scenario("pine-island")
    path = write_yaml(dump_scenario(scenario))
    assert load_scenario(path) == scenario


def mutate(change):
    data = copy.deepcopy(BASE)
    change(data)
    return data


CASES = {
    "wrong type": (
        lambda d: d["sites"][0]["load"].update(it_mw="lots"),
        "sites[0].load.it_mw: Input should be a valid number, unable to parse string as a "
        "number (got 'lots')",
    ),
    "unknown field": (
        lambda d: d["sites"][0].update(colling="immersion"),
        "sites[0].colling: unknown field 'colling'; did you mean 'cooling'?; allowed: catalog, "
        "compute, contracts, cooling, gas_price_usd_per_mmbtu, grid, id, latitude, load, "
        "longitude, series, technologies",
    ),
    "negative capacity": (
        lambda d: d["sites"][0]["technologies"]["solar_fixed"].update(max_mw=-5),
        "sites[0].technologies.solar_fixed.max_mw: Input should be greater than or equal to 0 (got -5)",
    ),
    "boolean for a number": (
        lambda d: d["sites"][0]["load"].update(it_mw=True),
        "sites[0].load.it_mw: true is not a number; give a number (got True)",
    ),
    "implausible load": (
        lambda d: d["sites"][0]["load"].update(it_mw=100_000),
        "sites[0].load.it_mw: 100,000 MW is above 20,000 MW, four times the largest campus "
        "announced (5 GW); did you mean kW (100 MW)? (got 100000)",
    ),
    "infinite number": (
        lambda d: d["sites"][0]["load"].update(it_mw=float("inf")),
        "sites[0].load.it_mw: Input should be a finite number (got inf)",
    ),
    "unknown site": (
        lambda d: d["sites"][0].update(catalog="memphs"),
        "sites[0].catalog: unknown site 'memphs'; did you mean 'memphis'?; allowed: 43 sites, "
        "listed by `gigafactory sites`",
    ),
    "unknown technology": (
        lambda d: d["sites"][0]["technologies"].update(irnoair_100h={}),
        "sites[0].technologies.irnoair_100h: unknown technology 'irnoair_100h'; did you mean "
        "'ironair_100h'?; allowed: diesel_genset, gas_cc, gas_ct, gas_ct_mobile, gas_recip, grid, "
        "ironair_100h, liion_4h, megapack_2h, megapack_4h, nuclear_ppa, solar_fixed, "
        "solar_tracking, wind_offshore, wind_offshore_floating, wind_onshore",
    ),
    "bad enum": (
        lambda d: d["sites"][0].update(cooling="immerson"),
        "sites[0].cooling: Input should be 'air_economiser', 'direct_liquid' or 'immersion'; "
        "did you mean 'immersion'? (got 'immerson')",
    ),
    "grid as technology": (
        lambda d: d["sites"][0]["technologies"].update(grid={}),
        "sites[0].technologies.grid: the grid is configured under the site's 'grid:' field, "
        "not as a technology",
    ),
    "existing above limit": (
        lambda d: d["sites"][0]["technologies"]["solar_fixed"].update(existing_mw=200),
        "sites[0].technologies.solar_fixed: max_mw (100.0) is below existing_mw (200.0) "
        "(got {'max_mw': 100, 'existing_mw': 200})",
    ),
    "no location": (
        lambda d: d["sites"][0].pop("catalog"),
        "sites[0]: give a catalog site or both latitude and longitude (got {'id': 'a', 'load': "
        "{'it_mw': 50}, 'grid': {'import_cap_mw': 10}, 'technologies': {'solar_fixed': "
        "{'max_mw': 100}}})",
    ),
    "no load": (
        lambda d: d["sites"][0].pop("load"),
        "sites[0]: give load, compute or both (got {'id': 'a', 'catalog': 'memphis', 'grid': "
        "{'import_cap_mw': 10}, 'technologies': {'solar_fixed': {'max_mw': 100}}})",
    ),
    "missing field": (
        lambda d: d["sites"][0].pop("id"),
        "sites[0].id: Field required (missing)",
    ),
    "unknown accelerator": (
        lambda d: d["sites"][0].update(compute={"idle_accelerators": {"h100": 8}}),
        "sites[0].compute.idle_accelerators.h100: unknown accelerator 'h100'; did you mean "
        "'h100_sxm'?; allowed: a100_40gb, a100_80gb, b200, gb200, gb300, h100_sxm, h200_sxm, "
        "h800_sxm, mi300x, mi325x, mi355x, rebel_quad, rngd, tpu7x, tpu_v5p, tpu_v6e, "
        "trainium2, trainium3, v100_sxm2, or define it under the scenario's accelerators:",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_error_messages_are_pinned(case, write_yaml):
    change, expected = CASES[case]
    path = write_yaml(mutate(change))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == f"{path}: {expected}"


def test_missing_series_file_is_named(write_yaml, tmp_path):
    data = mutate(lambda d: d["sites"][0].update(load={"profile_csv": "nope.csv"}))
    path = write_yaml(data)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert (
        str(err.value)
        == f"{path}: sites[0].load.profile_csv: file not found: {tmp_path / 'nope.csv'}"
    )


def test_malformed_yaml_names_line_and_column(write_yaml):
    path = write_yaml("name: t\nsites:\n  - id: a\n   catalog: x\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"{path}: line 4, column 4: malformed YAML: expected <block end>, but found "
        "'<block mapping start>'"
    )


def test_missing_file_and_near_preset():
    with pytest.raises(ScenarioError, match=r"^missing\.yaml: file not found$"):
        load_scenario("missing.yaml")
    with pytest.raises(ScenarioError) as err:
        load_scenario("korea-soutwest")
    assert str(err.value) == (
        "'korea-soutwest' is neither a file nor a preset; did you mean 'korea-southwest'?; "
        "presets: colossus, colossus-buildout, edge-to-space, korea-pohang, korea-seoul-metro, "
        "korea-southwest, korea-ulsan, memphis-gas, pine-island, starcloud-40mw, "
        "stargate-abilene, stargate-korea-buildout, suncatcher"
    )


def test_not_a_mapping():
    with pytest.raises(
        ScenarioError, match=r"^<scenario>: a scenario is a mapping of fields, got list$"
    ):
        scenario_from_dict([1, 2])


def test_duplicate_site_ids():
    data = mutate(lambda d: d["sites"].append(copy.deepcopy(d["sites"][0])))
    with pytest.raises(ScenarioError, match="site ids must be unique; repeated: a"):
        scenario_from_dict(data)


def test_unknown_field_inside_a_mapping_lists_its_fields():
    data = copy.deepcopy(BASE)
    data["sites"][0]["technologies"] = {"solar_fixed": {"max_MW": 5}}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, source="s.yaml")
    assert str(err.value).startswith(
        "s.yaml: sites[0].technologies.solar_fixed.max_MW: unknown field 'max_MW'; did you "
        "mean 'max_mw'?; allowed: backup_only, capacity_credit, capex_usd_per_kw,"
    )


def test_suggestions_ignore_case():
    assert did_you_mean("H10O", ["h100_sxm", "b200"]) == "; did you mean 'h100_sxm'?"


BOMB = "".join(
    f"{k}: &{k} [{', '.join([prev] * 9)}]\n"
    for k, prev in zip("abcdefg", ["x", "*a", "*b", "*c", "*d", "*e", "*f"], strict=True)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # 9**7 = 4.8 million values from about 300 bytes
        (
            BOMB + "name: *g\nsites: *g\n",
            "b.yaml: more than 200,000 values once YAML aliases are expanded; a scenario "
            "needs a few hundred (remove the repeated aliases)",
        ),
        (
            "name: x\nsites: " + "[" * 500 + "]" * 500 + "\n",
            "b.yaml: nested too deeply to read; a scenario needs about 8 levels",
        ),
        (
            "name: x\nsites: " + "[" * 45 + "]" * 45 + "\n",
            "b.yaml: nested deeper than 40 levels; a scenario needs about 8",
        ),
        (
            "name: "
            + "[" * 30
            + "]" * 30
            + "\nsites: [{id: a, catalog: memphis, load: {it_mw: 5}}]\n",
            "b.yaml: name: Input should be a valid string (got [[[[[...]]]]])",
        ),
    ],
)
def test_hostile_yaml_gets_one_short_line(text, message):
    with pytest.raises(ScenarioError) as err:
        scenario_from_yaml(text, "b.yaml")
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("time.aggregation.count=24", ("time.aggregation.count", 24)),
        ("policy.cfe_target=0.8", ("policy.cfe_target", 0.8)),
        ("time.weather_years=[1, 2]", ("time.weather_years", [1, 2])),
        ("time.aggregation.compare_exact=true", ("time.aggregation.compare_exact", True)),
        ("time.aggregation=null", ("time.aggregation", None)),
        ("sites[0].cooling=immersion", ("sites[0].cooling", "immersion")),
    ],
)
def test_parse_setting_reads_json_values_and_text(spec, expected):
    assert parse_setting(spec) == expected


def test_with_settings_changes_one_field_and_checks_it_again():
    base = scenario_from_dict(small_scenario())
    screen = with_settings(base, {"time.aggregation.count": 24}, "small --set")
    assert screen.time.aggregation is not None
    assert (screen.time.aggregation.count, screen.time.aggregation.period_hours) == (24, 24)
    assert base.time.aggregation is None  # the loaded scenario is left as it was
    assert with_settings(screen, {"time.aggregation": None}, "x").time.aggregation is None
    half = with_settings(base, {"sites[0].load.it_mw": 25}, "x")
    assert half.sites[0].load.it_mw == 25
    assert half.model_dump(exclude={"sites"}) == base.model_dump(exclude={"sites"})
    with pytest.raises(ScenarioError) as typo:
        with_settings(base, {"time.aggregation.cont": 24}, "small --set")
    # the misspelt name, not the required field it leaves missing, is what the line names
    assert str(typo.value) == (
        "small --set: time.aggregation.cont: unknown field 'cont'; did you mean 'count'?; "
        "allowed: compare_exact, count, period_hours (and 1 more error)"
    )
    with pytest.raises(ScenarioError, match=r"^--set path 'seed.x': 'seed' is a value, not a"):
        with_settings(base, {"seed.x": 1}, "x")
    with pytest.raises(ScenarioError, match=r"^--set path 'sites\[2\].id': no item \[2\]$"):
        with_settings(base, {"sites[2].id": "b"}, "x")
    with pytest.raises(ScenarioError, match=r"^--set 'seed': give path=value, e\.g\. time"):
        parse_setting("seed")
