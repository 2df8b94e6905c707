"""A standing corpus of bad inputs, through ``gigafactory validate`` as a user would type it.

Every case must end with exit code 1, one line on stderr that starts with ``error:`` and
names the field path (and the closest valid name where there is one), and no traceback.
Then every preset is mutated field by field with values a careless user could write: each
mutation is either a valid scenario or one such line, never another exception.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import small_scenario
from gigafactory import ScenarioError, dump_scenario, load_scenario, preset_names
from gigafactory.cli import app
from gigafactory.scenario import scenario_from_dict

runner = CliRunner()

BASE: dict[str, Any] = small_scenario()
"""One site at Memphis (50 MW IT, a 40 MW feed, PV and gas allowed) that solves in seconds."""

HOURLY = 8760


def _site(d: dict[str, Any]) -> dict[str, Any]:
    site: dict[str, Any] = d["sites"][0]
    return site


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change that sets ``path`` (``sites.0.load.it_mw``) to ``value``."""

    def change(d: dict[str, Any]) -> None:
        keys = path.split(".")
        node: Any = d
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        node[keys[-1]] = value

    return change


def _csv(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


# (change, field path the message must name, a hint it must give or None)
SCHEMA_CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str | None]] = {
    "load as text": (_set("sites.0.load.it_mw", "lots"), "sites[0].load.it_mw", None),
    "load negative": (_set("sites.0.load.it_mw", -5), "sites[0].load.it_mw", None),
    "load as bool": (_set("sites.0.load.it_mw", True), "sites[0].load.it_mw", "give a number"),
    "load infinite": (_set("sites.0.load.it_mw", math.inf), "sites[0].load.it_mw", "finite"),
    "load nan": (_set("sites.0.load.it_mw", math.nan), "sites[0].load.it_mw", "finite"),
    "load 1e308": (_set("sites.0.load.it_mw", 1e308), "sites[0].load.it_mw", "not even in kW"),
    "load in kW": (_set("sites.0.load.it_mw", 100_000), "sites[0].load.it_mw", "did you mean kW"),
    "load zero": (_set("sites.0.load.it_mw", 0), "sites[0].load.it_mw", "nothing to supply"),
    "load a list": (_set("sites.0.load.it_mw", [50]), "sites[0].load.it_mw", None),
    "load a mapping": (_set("sites.0.load.it_mw", {"mw": 50}), "sites[0].load.it_mw", None),
    "field case": (_set("sites.0.load.IT_MW", 50), "sites[0].load.IT_MW", "did you mean 'it_mw'"),
    "site typo": (_set("sites.0.colling", "air"), "sites[0].colling", "did you mean 'cooling'"),
    "top typo": (_set("sede", 3), "sede", "did you mean 'seed'"),
    "cooling typo": (_set("sites.0.cooling", "immerson"), "sites[0].cooling", "'immersion'"),
    "cooling number": (_set("sites.0.cooling", 3), "sites[0].cooling", None),
    "catalog typo": (_set("sites.0.catalog", "memphs"), "sites[0].catalog", "'memphis'"),
    "catalog case": (_set("sites.0.catalog", "Memphis"), "sites[0].catalog", "'memphis'"),
    # found by hypothesis: a name with a line break was echoed as two lines
    "catalog with a line break": (
        _set("sites.0.catalog", "mem\nphis"),
        "sites[0].catalog: unknown site 'mem\\nphis'",
        "did you mean 'memphis'",
    ),
    "catalog number": (_set("sites.0.catalog", 7), "sites[0].catalog", None),
    "technology typo": (
        _set("sites.0.technologies.solar_fixd", {}),
        "sites[0].technologies.solar_fixd",
        "'solar_fixed'",
    ),
    "technology option typo": (
        _set("sites.0.technologies.solar_fixed.max_MW", 5),
        "sites[0].technologies.solar_fixed.max_MW",
        "did you mean 'max_mw'",
    ),
    "max below existing": (
        _set("sites.0.technologies.solar_fixed.existing_mw", 500),
        "sites[0].technologies.solar_fixed",
        None,
    ),
    "max negative": (
        _set("sites.0.technologies.gas_ct.max_mw", -1),
        "sites[0].technologies.gas_ct.max_mw",
        None,
    ),
    "grid as technology": (_set("sites.0.technologies.grid", {}), "technologies.grid", None),
    "grid cap text": (_set("sites.0.grid.import_cap_mw", "x"), "sites[0].grid.import_cap_mw", None),
    "grid cap negative": (
        _set("sites.0.grid.import_cap_mw", -10),
        "sites[0].grid.import_cap_mw",
        None,
    ),
    "grid cap in kW": (
        _set("sites.0.grid.import_cap_mw", 40_000),
        "sites[0].grid.import_cap_mw",
        "did you mean kW (40 MW)?",
    ),
    "capex in USD/MW": (
        _set("sites.0.technologies.solar_fixed.capex_usd_per_kw", 1_430_000),
        "sites[0].technologies.solar_fixed.capex_usd_per_kw",
        "did you mean USD/MW (1,430 USD/kW)?",
    ),
    "energy capex in USD/MWh": (
        _set("sites.0.technologies.liion_4h", {"capex_usd_per_kwh": 165_000}),
        "sites[0].technologies.liion_4h.capex_usd_per_kwh",
        "did you mean USD/MWh (165 USD/kWh)?",
    ),
    "grid cap infinite": (
        _set("sites.0.grid.import_cap_mw", math.inf),
        "sites[0].grid.import_cap_mw",
        "finite",
    ),
    "grid field typo": (
        _set("sites.0.grid.import_cap", 10),
        "sites[0].grid.import_cap",
        "did you mean 'import_cap_mw'",
    ),
    "grid price negative": (
        _set("sites.0.grid.price_usd_per_mwh", -50),
        "sites[0].grid.price_usd_per_mwh",
        None,
    ),
    "grid price in USD/kWh": (
        _set("sites.0.grid.price_usd_per_mwh", 0.13),
        "sites[0].grid.price_usd_per_mwh",
        "did you mean USD/kWh (130 USD/MWh)?",
    ),
    "grid carbon in t/MWh": (
        _set("sites.0.grid.carbon_kg_per_mwh", 0.417),
        "sites[0].grid.carbon_kg_per_mwh",
        "did you mean t/MWh (417 kg/MWh)?",
    ),
    "grid carbon negative": (
        _set("sites.0.grid.carbon_kg_per_mwh", -1),
        "sites[0].grid.carbon_kg_per_mwh",
        None,
    ),
    "tariff typo": (
        _set("sites.0.grid.tariff", "tva_large_genral"),
        "sites[0].grid.tariff",
        "did you mean 'tva_large_general'",
    ),
    "latitude above 90": (_set("sites.0.latitude", 91), "sites[0].latitude", None),
    "longitude below -180": (_set("sites.0.longitude", -200), "sites[0].longitude", None),
    "id missing": (lambda d: _site(d).pop("id"), "sites[0].id", None),
    "load and compute missing": (lambda d: _site(d).pop("load"), "sites[0]", "give load"),
    "no location": (lambda d: _site(d).pop("catalog"), "sites[0]", "latitude and longitude"),
    "sites empty": (_set("sites", []), "sites", None),
    "sites a mapping": (_set("sites", {"id": "a"}), "sites", None),
    "sites a string": (_set("sites", "memphis"), "sites", None),
    "name a list": (_set("name", ["a"]), "name", None),
    "seed text": (_set("seed", "one"), "seed", None),
    "seed bool": (_set("seed", True), "seed", None),
    "year old": (_set("year", 1800), "year", None),
    "wacc above 1": (_set("finance.wacc", 7), "finance.wacc", None),
    "wacc negative": (_set("finance.wacc", -0.1), "finance.wacc", None),
    "finance typo": (_set("finance.wac", 0.07), "finance.wac", "did you mean 'wacc'"),
    "cfe target above 1": (_set("policy.cfe_target", 80), "policy.cfe_target", None),
    "co2 cap negative": (_set("policy.co2_cap_t", -1), "policy.co2_cap_t", None),
    "carbon price text": (
        _set("policy.carbon_price_usd_per_t", "high"),
        "policy.carbon_price_usd_per_t",
        None,
    ),
    "policy typo": (_set("policy.cfe_targt", 0.8), "policy.cfe_targt", "did you mean"),
    "solver time limit negative": (
        _set("solver.time_limit_s", -1),
        "solver.time_limit_s",
        None,
    ),
    "solver method typo": (_set("solver.method", "simplx"), "solver.method", "'simplex'"),
    "reliability typo": (
        _set("reliability.allow_unservd", True),
        "reliability.allow_unservd",
        "did you mean 'allow_unserved'",
    ),
    "old lost-load field": (
        _set("solver.value_of_lost_load_usd_per_mwh", 1000),
        "solver",
        "reliability.allow_unserved",
    ),
    "accelerator typo": (
        _set("sites.0.compute", {"idle_accelerators": {"H10O": 8}}),
        "sites[0].compute.idle_accelerators.H10O",
        "did you mean",
    ),
    "accelerator count negative": (
        _set("sites.0.compute", {"idle_accelerators": {"h100_sxm": -8}}),
        "sites[0].compute.idle_accelerators.h100_sxm",
        None,
    ),
    "contract preset typo": (
        _set("sites.0.contracts", [{"name": "w", "preset": "jeonnam-wind-pa"}]),
        "sites[0].contracts[0]",
        "did you mean",
    ),
    "duplicate site ids": (
        lambda d: d["sites"].append(copy.deepcopy(_site(d))),
        "sites",
        None,
    ),
    "missing load file": (
        _set("sites.0.load", {"profile_csv": "nowhere.csv"}),
        "sites[0].load.profile_csv",
        "file not found",
    ),
    "missing weather file": (
        _set("sites.0.series", {"weather_file": "nowhere.epw"}),
        "sites[0].series.weather_file",
        "file not found",
    ),
    "missing cfe file": (
        _set("sites.0.grid.cfe_csv", "nowhere.csv"),
        "sites[0].grid.cfe_csv",
        "file not found",
    ),
}

# (file name, contents, where the scenario names it, field path, a hint or None)
DATA_CASES: dict[str, tuple[str, str | bytes, str, str, str | None]] = {
    "load short": ("l.csv", _csv("it_mw", ["40"] * 3), "sites.0.load", "load.profile_csv", "8760"),
    "load empty": ("l.csv", "it_mw\n", "sites.0.load", "load.profile_csv", "0 data rows"),
    "load nothing": ("l.csv", "", "sites.0.load", "load.profile_csv", None),
    "load long": (
        "l.csv",
        _csv("it_mw", ["40"] * (HOURLY + 5)),
        "sites.0.load",
        "load.profile_csv",
        "8760",
    ),
    "load text": (
        "l.csv",
        _csv("it_mw", ["40"] * 4 + ["abc"] + ["40"] * (HOURLY - 5)),
        "sites.0.load",
        "load.profile_csv",
        "'abc' is not a number",
    ),
    "load column": (
        "l.csv",
        _csv("it_kw", ["40"] * HOURLY),
        "sites.0.load",
        "load.profile_csv",
        "it_mw",
    ),
    "load negative": (
        "l.csv",
        _csv("it_mw", ["-40"] * HOURLY),
        "sites.0.load",
        "load.profile_csv",
        None,
    ),
    "load nan": (
        "l.csv",
        _csv("it_mw", ["40"] * 9 + ["nan"] + ["40"] * (HOURLY - 10)),
        "sites.0.load",
        "load.profile_csv",
        None,
    ),
    "load binary": ("l.csv", b"\x00\xff\xfe\x00" * 50, "sites.0.load", "load.profile_csv", None),
    "price column": (
        "p.csv",
        _csv("usd", ["50"] * HOURLY),
        "sites.0.grid",
        "grid.price_csv",
        None,
    ),
    "price text": (
        "p.csv",
        _csv("price_usd_per_mwh", ["cheap"] * HOURLY),
        "sites.0.grid",
        "grid.price_csv",
        "is not a number",
    ),
    "price in USD/kWh": (
        "p.csv",
        _csv("price_usd_per_mwh", ["0.13"] * HOURLY),
        "sites.0.grid",
        "grid.price_csv",
        "its mean, 0.13 USD/MWh is below 1 USD/MWh, below any grid's annual average; did you "
        "mean USD/kWh (130 USD/MWh)?",
    ),
    "carbon in t/MWh": (
        "c.csv",
        _csv("carbon_kg_per_mwh", ["0.417"] * HOURLY),
        "sites.0.grid",
        "grid.carbon_csv",
        "did you mean t/MWh (417 kg/MWh)?",
    ),
    "carbon negative": (
        "c.csv",
        _csv("carbon_kg_per_mwh", ["-5"] * HOURLY),
        "sites.0.grid",
        "grid.carbon_csv",
        None,
    ),
    "cfe above one": (
        "f.csv",
        _csv("cfe_share", ["1.5"] * HOURLY),
        "sites.0.grid",
        "grid.cfe_csv",
        None,
    ),
    "capacity factor above one": (
        "cf.csv",
        _csv("solar_fixed", ["1.5"] * HOURLY),
        "sites.0.series",
        "series.capacity_factors_csv",
        None,
    ),
    "capacity factor column typo": (
        "cf.csv",
        _csv("solar_fixd", ["0.2"] * HOURLY),
        "sites.0.series",
        "series.capacity_factors_csv",
        "did you mean 'solar_fixed'",
    ),
    "weather garbage": (
        "w.epw",
        "this is not an EPW file\n",
        "sites.0.series",
        "series.weather_file",
        "not a readable EPW file: no 'altitude' field",
    ),
    "weather empty": ("w.epw", "", "sites.0.series", "series.weather_file", None),
    "weather json": ("w.json", '{"not": "pvgis"}', "sites.0.series", "series.weather_file", None),
    "weather unknown kind": (
        "w.xlsx",
        "a,b\n",
        "sites.0.series",
        "series.weather_file",
        None,
    ),
}

FIELD_OF_SECTION = {
    "load.profile_csv": "profile_csv",
    "grid.price_csv": "price_csv",
    "grid.carbon_csv": "carbon_csv",
    "grid.cfe_csv": "cfe_csv",
    "series.capacity_factors_csv": "capacity_factors_csv",
    "series.weather_file": "weather_file",
}

# text given as the scenario file itself
FILE_CASES: dict[str, tuple[str | bytes, str]] = {
    "empty file": ("", "a scenario is a mapping"),
    "a list": ("- 1\n- 2\n", "a scenario is a mapping"),
    "a number": ("42\n", "a scenario is a mapping"),
    "unclosed bracket": ("name: [x\n", "line"),
    "tab indent": ("name: x\nsites:\n\t- id: a\n", "line"),
    "binary": (b"\x00\x01\x02\xff", ""),
    "alias bomb": (
        "".join(
            f"{k}: &{k} [{', '.join([p] * 9)}]\n"
            for k, p in zip("abcdefg", ["x", "*a", "*b", "*c", "*d", "*e", "*f"], strict=True)
        )
        + "name: *g\nsites: *g\n",
        "aliases",
    ),
    "deep nesting": ("name: x\nsites: " + "[" * 500 + "]" * 500 + "\n", "nested"),
    "duplicate key": ("name: a\nname: b\nsites: []\n", "key 'name' given twice"),
}


def _check_one_line(result: Any, field: str, hint: str | None) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: "), err
    assert field in err, err
    if hint is not None:
        assert hint in err, err
    assert len(err) < 1_000, err
    return err


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_schema_corpus(case, tmp_path):
    change, field, hint = SCHEMA_CASES[case]
    data = copy.deepcopy(BASE)
    change(data)
    result = runner.invoke(app, ["validate", str(_write(tmp_path, data))])
    err = _check_one_line(result, field, hint)
    assert str(tmp_path / "scenario.yaml") in err  # the file is named too


@pytest.mark.parametrize("case", DATA_CASES)
def test_data_file_corpus(case, tmp_path):
    # was: `validate` said "ok" for malformed data files that `run` then rejected, and the
    # errors did not name the scenario field pointing at the file
    name, content, section, field, hint = DATA_CASES[case]
    target = tmp_path / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    data = copy.deepcopy(BASE)
    _set(f"{section}.{FIELD_OF_SECTION[field]}", name)(data)
    if field == "load.profile_csv":
        _site(data)["load"].pop("it_mw", None)
    if field == "series.capacity_factors_csv":
        _site(data)["technologies"] = {"solar_fixed": {"max_mw": 100}}
    result = runner.invoke(app, ["validate", str(_write(tmp_path, data))])
    err = _check_one_line(result, f"sites[0].{field}", hint)
    assert name in err
    assert str(tmp_path / "scenario.yaml") in err


@pytest.mark.parametrize("case", FILE_CASES)
def test_scenario_file_corpus(case, tmp_path):
    content, hint = FILE_CASES[case]
    path = tmp_path / "scenario.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    _check_one_line(result, str(path), hint or None)


def test_the_corpus_is_at_least_a_hundred_cases():
    cases = len(SCHEMA_CASES) + len(DATA_CASES) + len(FILE_CASES) + len(MUTATIONS)
    cases += len(RUN_CASES)
    assert cases >= 100, cases


# ---- every preset, mutated field by field -------------------------------------------------

BAD_VALUES: list[object] = [
    "abc",
    -1.0,
    -1e12,
    1e308,
    math.inf,
    math.nan,
    True,
    None,
    [],
    {},
    "",
]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    else:
        yield path


PRESETS = {name: yaml.safe_load(dump_scenario(load_scenario(name))) for name in preset_names()}
MUTATIONS = [
    (name, path, value)
    for name, data in PRESETS.items()
    for path in list(_leaves(data))[:12]
    for value in ("abc", -1.0)
]
"""A deterministic slice: the first twelve fields of each preset, as text and as -1."""


def _mutated(name: str, path: tuple[Any, ...], value: object) -> dict[str, Any]:
    data = copy.deepcopy(PRESETS[name])
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _field(path: tuple[Any, ...]) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _valid_or_one_line(data: dict[str, Any], path: tuple[Any, ...]) -> None:
    try:
        scenario_from_dict(data, "m.yaml")
    except ScenarioError as err:
        message = str(err)
        assert "\n" not in message
        assert message.startswith("m.yaml: ")
        assert len(message) < 1_000
        # the message names the field, or the section above it for a cross-field check
        parent = _field(path[:-1])
        assert _field(path) in message or parent in message or "sites" in message, message


@pytest.mark.parametrize(("name", "path", "value"), MUTATIONS)
def test_preset_mutations(name, path, value):
    _valid_or_one_line(_mutated(name, path, value), path)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_preset_field_any_bad_value(data):
    name = data.draw(st.sampled_from(sorted(PRESETS)))
    path = data.draw(st.sampled_from(list(_leaves(PRESETS[name]))))
    value = data.draw(st.sampled_from(BAD_VALUES) | st.floats() | st.integers() | st.text())
    _valid_or_one_line(_mutated(name, path, value), path)


# ---- scenarios that load but cannot give a meaningful result ------------------------------

RUN_CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    # was: 100 % unserved and a total cost of 0.00, exit 0
    "no supply at all": (
        lambda d: _site(d).update(grid={"import_cap_mw": 0}, technologies={}),
        "site 'campus': no technology, grid or unserved energy can meet the load; allow "
        "technologies, raise grid.import_cap_mw, or set reliability.allow_unserved",
    ),
    "zero CO2 with grid only": (
        lambda d: (
            _site(d).update(grid={"import_cap_mw": 100}, technologies={}),
            d.update(policy={"co2_cap_t": 0}),
        ),
        # the grid alone: 486,731 MWh of facility energy (50 MW IT at an annual PUE of 1.111)
        # x 0.365 t/MWh (eGRID2022 SRTV) = 177,657 t
        "site 'campus': the load can be met, but not within the CO2 cap of 0 t (policy.co2_cap_t; "
        "it emits at least 177,657 t); allow more carbon-free capacity, storage or backup, or "
        "relax it",
    ),
}


@pytest.mark.parametrize("case", RUN_CASES)
def test_meaningless_runs_are_one_line_errors(case, tmp_path):
    change, message = RUN_CASES[case]
    data = copy.deepcopy(BASE)
    change(data)
    scenario, out = str(_write(tmp_path, data)), str(tmp_path / "o")
    result = runner.invoke(app, ["--quiet", "run", scenario, "-o", out])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {message}"
    assert not (tmp_path / "o").exists()  # nothing written


# ---- a study's own arguments: one line before any work ------------------------------------

STUDY_CASES: dict[str, tuple[list[str], str]] = {
    # was: a numpy traceback ("lam < 0 or lam is NaN") after a whole run
    "negative outage rate": (
        ["faults", "colossus", "--outages-per-year", "-1"],
        "grid_outages_per_year -1: allowed >= 0",
    ),
    "outages of no length": (
        ["faults", "colossus", "--outage-hours", "0"],
        "outage_hours 0: allowed > 0 (no outages: 0 a year)",
    ),
    "a certain forced outage": (
        ["faults", "colossus", "--forced-outage-rate", "1"],
        "forced_outage_rate 1: allowed 0 <= rate < 1",
    ),
    # was: a pydantic traceback for the roadmap stage it builds
    "decided before any data": (
        ["time-to-power", "stargate-abilene", "--decided", "1800"],
        "decided 1800: allowed 1990-2100",
    ),
    # was: "decided 2025: allowed 1990-1601", the year given and right
    "more start years than the calendar has": (
        ["time-to-power", "korea-southwest", "--years", "500"],
        "years 500: allowed 1-76 start years from 2025 to 2100",
    ),
    # was: a table for 300 % of the campus, exit 0
    "three campuses' load": (
        ["time-to-power", "stargate-abilene", "--it-share", "3"],
        "it_share 3: allowed 0 < share <= 1 of the site's IT load",
    ),
    # was: NPV and IRR of selling at -2 USD/h, exit 0
    "a negative price": (
        ["cashflow", "colossus", "--price", "-2"],
        "price_usd_per_accelerator_hour -2: allowed >= 0",
    ),
    "more hours sold than the fleet has": (
        ["cashflow", "colossus", "--price", "2", "--sold-share", "1.5"],
        "sold_share 1.5: allowed 0 < share <= 1",
    ),
    "a tax above the profit": (
        ["cashflow", "colossus", "--price", "2", "--tax-rate", "1.5"],
        "tax_rate 1.5: allowed 0 <= rate < 1",
    ),
    # was: a ValueError traceback from the cash flow model
    "debt above the capital": (
        ["cashflow", "colossus", "--price", "2", "--debt-share", "2"],
        "debt_share 2: allowed 0 <= share <= 1",
    ),
    "no years of operation": (
        ["cashflow", "colossus", "--price", "2", "--years", "0"],
        "operating_years 0: allowed >= 1",
    ),
    # was: "-0.00 trillion USD on AI campuses", exit 0
    "a negative spend": (["scale", "--spend", "-5"], "spend_usd -5: allowed > 0"),
    "a PUE below one": (["scale", "--spend", "3e12", "--pue", "0.5"], "pue 0.5: allowed >= 1"),
    # was: a ZeroDivisionError traceback
    "weights of no bytes": (
        ["chips", "--bytes-per-parameter", "0"],
        "bytes_per_parameter 0: allowed > 0",
    ),
    # was: cost per million tokens of a model with negative parameters, exit 0
    "a model of negative size": (
        ["chips", "--parameters", "-7e10"],
        "active_parameters -7e+10: allowed > 0",
    ),
    # was: a ValueError traceback
    "a fleet delivered in no time": (
        ["memory", "--deal", "nvidia_openai", "--months", "0"],
        "months 0: allowed > 0 (the delivery period)",
    ),
    # was: a deal's energy at 300 % utilisation, exit 0
    "utilisation above one": (
        ["deal", "oracle_openai", "--utilisation", "3"],
        "utilisation 3: allowed 0 < share <= 1",
    ),
    # was: -2.28 million accelerators and -5.52 GW, exit 0
    "a negative price per accelerator-hour": (
        ["deal", "oracle_openai", "--price", "-3"],
        "usd_per_accelerator_hour -3: allowed > 0",
    ),
    "a WACC below zero": (
        ["deal", "oracle_openai", "--wacc", "-0.5"],
        "wacc -0.5: allowed 0 <= wacc <= 0.5, as finance.wacc",
    ),
    "a negative energy price": (
        ["deal", "oracle_openai", "--energy-price", "-10"],
        "energy_price_usd_per_mwh -10: allowed >= 0",
    ),
    # was: a ValueError traceback
    "a margin above the revenue": (
        ["deal", "oracle_openai", "--margin", "-2"],
        "margin -2: allowed 0 <= share < 1 of the revenue",
    ),
    # was: "2 cases, 2 failed", exit 0, and no word of why
    "a sweep of a field the scenario lacks": (
        ["sweep", "memphis-gas", "--vary", "sites[0].gas_price_usd_per_mmbt=2,4"],
        "memphis-gas sweep, case 1 of 2: sites[0].gas_price_usd_per_mmbt: unknown field "
        "'gas_price_usd_per_mmbt'; did you mean 'gas_price_usd_per_mmbtu'?; allowed: catalog, "
        "compute, contracts, cooling, gas_price_usd_per_mmbtu, grid, id, latitude, load, "
        "longitude, series, technologies",
    ),
    # was: a latency criterion over Korea alone, the typo's country dropped, exit 0
    "a user country with no city": (
        ["compare", "korea-southwest", "--sites", "pohang,ulsan", "--users", "KR,UK"],
        "users: no city of 500,000 people or more in UK (the United Kingdom's ISO code is GB); "
        "give ISO 3166 country codes, e.g. KR,JP",
    ),
    # was: a ValueError traceback from pandas's calendar
    "a feed late beyond the calendar": (
        ["delay", "korea-southwest", "--months", "0,100000"],
        "months [0, 100000]: delays of at most 900 (the feed energised by 2100); 12 or more "
        "leaves the whole year without it",
    ),
    # was: HBM for -5 accelerators, exit 0
    "a fleet of negative size": (
        ["memory", "--fleet", "gb300=-5"],
        "fleet gb300 -5: allowed > 0 accelerators",
    ),
    # was: "0 sites", exit 0: no tariff compares with nan
    "a filter of nan": (["sites", "--max-tariff", "nan"], "--max-tariff nan: give a number"),
    # was: "negative dimensions are not allowed" from numpy
    "a sample of no cases": (
        [
            "sweep",
            "memphis-gas",
            "--sample",
            "-3",
            "--vary",
            "sites[0].gas_price_usd_per_mmbtu=2:8:4",
        ],
        "--sample -3: allowed 1 or more cases",
    ),
    # was: a table ranking Pohang against itself, exit 0
    "a site compared with itself": (
        ["compare", "korea-southwest", "--sites", "pohang,ulsan,pohang"],
        "compare: --sites names 'pohang' more than once",
    ),
    # was: "0 sites", exit 0
    "a country code with no site": (
        ["sites", "--country", "KR,UK"],
        "--country: 'UK' has no site in the library; the United Kingdom's ISO code is GB; "
        "countries: AE, AU, BR, CA, CH, CL, CN, ES, FI, FR, GB, HK, ID, IE, IN, IT, JP, KR, MY, "
        "NL, NO, PL, SA, SE, SG, TW, US, ZA",
    ),
}


@pytest.mark.parametrize("case", STUDY_CASES)
def test_a_studys_bad_argument_is_one_line(case):
    argv, message = STUDY_CASES[case]
    result = runner.invoke(app, ["--quiet", *argv])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"error: {message}"
