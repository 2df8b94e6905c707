"""CLI through Typer's runner: exit codes, one-line errors, JSON on stdout."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from conftest import small_scenario
from gigafactory import FEED_DECIDES_USD_PER_MW_YEAR
from gigafactory.cli import app

runner = CliRunner()


def test_presets_lists_required():
    result = runner.invoke(app, ["presets"])
    assert result.exit_code == 0
    for name in ("korea-southwest", "memphis-gas", "pine-island"):
        assert name in result.output


def test_validate_ok_and_error(write_yaml):
    ok = runner.invoke(app, ["validate", "memphis-gas"])
    assert ok.exit_code == 0
    assert ok.output.strip() == "ok: memphis-gas (1 site)"
    data = small_scenario(cooling="immerson")
    path = write_yaml(data)
    bad = runner.invoke(app, ["validate", str(path)])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == (
        f"error: {path}: sites[0].cooling: Input should be 'air_economiser', 'direct_liquid' or "
        "'immersion'; did you mean 'immersion'? (got 'immerson')"
    )
    assert "Traceback" not in bad.output


def test_unknown_preset_exits_1():
    result = runner.invoke(app, ["run", "memphis-gaz"])
    assert result.exit_code == 1
    assert "did you mean 'memphis-gas'?" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_catalog_tables():
    result = runner.invoke(app, ["catalog", "technologies", "--csv"])
    assert result.exit_code == 0
    header = result.output.splitlines()[0]
    assert (
        header == "technology,parameter,value,unit,source,year,estimate,note,scope,region,cost_year"
    )
    sites = runner.invoke(app, ["catalog", "sites"])
    assert sites.exit_code == 0
    assert "korea_southwest" in sites.output
    wrong = runner.invoke(app, ["catalog", "site"])
    assert wrong.exit_code == 2  # Typer's own usage error for a bad choice


def test_run_json_prints_only_json(write_yaml, tmp_path):
    path = write_yaml(small_scenario())
    result = runner.invoke(
        app, ["run", str(path), "--json", "--no-report", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["scenario"] == "small"
    assert (tmp_path / "out" / "summary.json").is_file()
    assert not (tmp_path / "out" / "report.html").exists()
    assert yaml.safe_load((tmp_path / "out" / "scenario.yaml").read_text())["name"] == "small"


def test_run_set_changes_a_field_for_this_run(write_yaml, tmp_path):
    path = str(write_yaml(small_scenario()))  # it_mw 50
    out = tmp_path / "half"
    args = ["run", path, "--json", "--no-report", "-o", str(out)]
    result = runner.invoke(app, [*args, "--set", "sites[0].load.it_mw=25"])
    assert result.exit_code == 0, result.output
    # 25 MW of IT for 8,760 hours
    assert json.loads(result.stdout)["it_energy_mwh"] == pytest.approx(25 * 8760)
    # the scenario as run is written with the change, so the folder reproduces the run
    assert yaml.safe_load((out / "scenario.yaml").read_text())["sites"][0]["load"]["it_mw"] == 25
    typo = runner.invoke(app, [*args, "--set", "sites[0].load.itmw=25"])
    assert typo.exit_code == 1
    assert typo.stderr.startswith(
        f"error: {path} --set: sites[0].load.itmw: unknown field 'itmw'; did you mean 'it_mw'?"
    )
    assert len(typo.stderr.splitlines()) == 1


def test_run_infeasible_is_one_line(write_yaml):
    data = small_scenario(technologies={"gas_ct": {"max_mw": 5}}, grid={"import_cap_mw": 10})
    data["solver"] = {"method": "simplex"}
    path = str(write_yaml(data))
    result = runner.invoke(app, ["--quiet", "run", path, "--no-report"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: site 'campus': supply is short in 8,760 of 8,760 hours")
    assert len(result.stderr.splitlines()) == 1
    # without --quiet, a pipe gets each stage as a plain line first, then the same error line
    loud = runner.invoke(app, ["run", path, "--no-report"])
    assert loud.exit_code == 1
    *stages, error = loud.stderr.splitlines()
    assert error == result.stderr.strip()
    assert [re.sub(r" \(\d+ s\)$", "", line) for line in stages] == [
        "small: campus: weather, capacity factors and facility load",
        "small: campus: optimising supply (8,760 hours, 1 technology)",
    ]


def test_catalog_accelerators_and_size():
    result = runner.invoke(app, ["catalog", "accelerators", "--csv"])
    assert result.exit_code == 0
    assert (
        result.output.splitlines()[0]
        == "accelerator,parameter,value,unit,source,year,estimate,note"
    )
    assert "h100_sxm,tdp,700,W," in result.output
    sized = runner.invoke(app, ["size", "colossus", "--json"])
    assert sized.exit_code == 0, sized.output
    data = json.loads(sized.stdout)
    comp = data["colossus"]["compute"]
    assert comp["accelerators"] == {"h100_sxm": 100_000}
    assert comp["it_capacity_mw"] == pytest.approx(140.25)  # 100k x 1,275 W x 1.1
    table = runner.invoke(app, ["size", "colossus"])
    assert table.exit_code == 0
    assert "dense-405b: goodput" in table.output


def test_compare_ranks_sites_and_writes_table(write_yaml, tmp_path):
    data = small_scenario(
        technologies={
            "solar_fixed": {"max_mw": 200},
            "wind_offshore": {"max_mw": 50},
            "gas_ct": {"max_mw": 100},
        }
    )
    data["sites"][0]["catalog"] = "ulsan"
    out = tmp_path / "cmp"
    result = runner.invoke(
        app,
        [
            "compare",
            str(write_yaml(data)),
            "--sites",
            "memphis,ulsan",
            "--weights",
            "cost=1",
            "--set",
            "sites[0].grid.import_cap_mw=60",  # the file says 40
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "compare.csv")
    assert list(table["grid_feed_mw"]) == [60.0, 60.0]
    # cost alone: the score is the cost scaled from cheapest (0) to dearest (1)
    assert list(table["site"]) == sorted(
        table["site"], key=dict(zip(table["site"], table["total_annual_cost_usd"], strict=True)).get
    )
    assert list(table["rank"]) == [1, 2]
    assert list(table["score"]) == [0.0, 1.0]
    assert "weights: cost 1.00" in result.output
    # Memphis is inland: offshore wind is left out there, and said so
    dropped = dict(zip(table["site"], table["dropped"].fillna(""), strict=True))
    assert dropped == {"memphis": "wind_offshore", "ulsan": ""}
    # each site's own grid: TVA 60 % carbon-free (press), KEPCO 38.7 % (Ember 2023)
    share = dict(zip(table["site"], table["grid_cfe_share"], strict=True))
    assert share == {"memphis": pytest.approx(0.6), "ulsan": pytest.approx(0.387)}
    assert "memphis: left out there: wind_offshore" in result.output
    assert "Plotly.newPlot" in (out / "compare.html").read_text()


def test_compare_says_where_the_feed_sets_a_sites_cost(write_yaml, tmp_path):
    # a 40 MW feed below the campus's ~55 MW: without firm supply on site, what is above
    # the feed comes from PV and Li-ion, at Oslo through the Nordic winter
    data = small_scenario(technologies={"solar_fixed": {"max_mw": 400}, "liion_4h": {}})
    out = tmp_path / "cmp"
    args = ["compare", str(write_yaml(data)), "--sites", "memphis,oslo", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "compare.csv").set_index("site")
    value = table["feed_value_usd_per_mw_year"]
    # the dual of the feed's cap, as each run's "why this mix" gives it, far above the
    # ~0.11 M USD a MW of gas turbine costs a year
    assert value["oslo"] > 10 * value["memphis"] > 10 * FEED_DECIDES_USD_PER_MW_YEAR
    said = " ".join(result.output.split())
    assert (
        "the feed sets the cost at 2 of 2 sites: their next MW of feed would save "
        f"{value['memphis'] / 1e6:,.1f}-{value['oslo'] / 1e6:,.1f} M USD/yr "
        "(feed_value_usd_per_mw_year), more than ten times a MW of gas turbine, so the ranking "
        "there compares how each covers the load above its feed; give a feed that covers the "
        "peak (--set sites[0].grid.import_cap_mw=...) to compare their energy"
    ) in said
    # and the outlier by name, its next MW of feed worth over 10 M USD a year
    assert (
        f"oslo: the 40 MW feed sets this site's cost: one more MW of it would save "
        f"{value['oslo'] / 1e6:,.1f} M USD/yr (the load above it is met on site: "
        f"{table.loc['oslo', 'capacity_mw']}); a larger feed or firm supply there would "
        "lower it"
    ) in said
    assert "memphis: the 40 MW feed" not in said
    # with a gas turbine allowed, Memphis's feed is no limit
    data["sites"][0]["technologies"]["gas_ct"] = {"max_mw": 100}
    args[1] = str(write_yaml(data))
    result = runner.invoke(app, args)
    table = pd.read_csv(out / "compare.csv").set_index("site")
    assert table.loc["memphis", "feed_value_usd_per_mw_year"] == pytest.approx(0.0, abs=1.0)
    # and at Oslo the turbine covers what is above the feed for 0.57 M USD/yr a MW: no line
    assert "the feed sets the cost" not in result.output


def test_compare_needs_two_sites_and_known_names():
    one = runner.invoke(app, ["compare", "memphis-gas"])
    assert one.exit_code == 1
    assert (
        one.stderr.strip()
        == "error: compare: give at least two sites with --sites a,b (catalog names)"
    )
    bad = runner.invoke(app, ["compare", "memphis-gas", "--sites", "memphis,abilen"])
    assert bad.exit_code == 1
    assert "unknown site 'abilen'; did you mean 'abilene'?" in bad.stderr


def test_sites_lists_and_filters():
    result = runner.invoke(app, ["sites", "--country", "KR", "--csv"])
    assert result.exit_code == 0
    table = pd.read_csv(io.StringIO(result.stdout))
    assert set(table["site"]) == {"busan", "korea_southwest", "pohang", "seoul_metro", "ulsan"}
    clean = runner.invoke(app, ["sites", "--max-carbon", "100", "--sort", "carbon", "--csv"])
    carbon = pd.read_csv(io.StringIO(clean.stdout))["grid_carbon_kg_per_mwh"]
    assert (carbon <= 100).all()
    assert list(carbon) == sorted(carbon)
    # the cleanest grids first: Oslo and Stockholm (OWID/Ember 2023: 98.5 and 98.3 %)
    cfe = runner.invoke(app, ["sites", "--sort", "cfe", "--csv"])
    share = pd.read_csv(io.StringIO(cfe.stdout))
    assert list(share["site"][:2]) == ["oslo", "stockholm"]
    assert list(share["grid_cfe_share"]) == sorted(share["grid_cfe_share"], reverse=True)
    bad = runner.invoke(app, ["sites", "--sort", "tarif"])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == (
        "error: --sort: 'tarif' is not a column; did you mean 'tariff'?; allowed: tariff, carbon, "
        "cfe, temp, ghi, water, wait, name"
    )


def test_time_limit_is_an_error_not_zeros(write_yaml, tmp_path):
    # HiGHS stops at a 1 ms limit with status ok and termination time_limit: linopy's
    # solution is then no answer, so the run must fail in one line instead of printing zeros
    data = small_scenario()
    data["solver"] = {"time_limit_s": 0.001}
    out = str(tmp_path / "out")
    result = runner.invoke(app, ["--quiet", "run", str(write_yaml(data)), "-o", out])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: site 'campus': the solver stopped at its time limit (0.001 s) before an "
        "optimal solution; raise solver.time_limit_s or remove it"
    )
    assert not (tmp_path / "out" / "summary.json").exists()


def test_a_missing_optional_part_is_one_line(monkeypatch):
    # was: `gigafactory serve` without the web extra ended in a ModuleNotFoundError traceback
    import importlib

    real = importlib.import_module

    def without_uvicorn(name, *args, **kwargs):
        if name == "uvicorn":
            raise ModuleNotFoundError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", without_uvicorn)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: the web app needs uvicorn, which is not installed: "
        "pip install 'gigafactory[web]' (make demo installs it)"
    )


def test_catalog_overview_of_technologies_prices_the_default_variant():
    # was: a ValueError traceback (several cost variants per parameter could not be pivoted)
    result = runner.invoke(app, ["catalog", "technologies"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "(US, 2025, installed)" in result.output
    import gigafactory

    overview = gigafactory.catalog_table("technologies", default_variant=True)
    assert not overview.duplicated(["technology", "parameter"]).any()
    row = overview[(overview.technology == "liion_4h") & (overview.parameter == "capex_energy")]
    # Li-ion 4 h: ATB's US 2025 installed energy capex, 375.6 USD/kWh, as the default run uses
    assert row["value"].tolist() == ["375.6"]
    assert row["unit"].tolist() == ["USD/kWh"]


def test_version_flag_and_help_keep_units_and_exit_codes():
    import gigafactory

    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0
    assert version.stdout == f"gigafactory {gigafactory.__version__}\n"
    # a unit in brackets is shown as written, not eaten as Rich markup
    sites = runner.invoke(app, ["sites", "--help"])
    assert "Grid carbon at most [kg/MWh]." in " ".join(sites.stdout.split())
    top = " ".join(runner.invoke(app, ["--help"]).stdout.split())
    assert "Exit status: 0 done; 1 bad input, an infeasible scenario" in top
    assert runner.invoke(app, ["run", "--frobnicate"]).exit_code == 2


def test_piped_tables_are_not_squeezed_to_80_columns(monkeypatch):
    # Typer's runner is a pipe: the table takes its natural width, up to 200 columns
    monkeypatch.delenv("COLUMNS", raising=False)
    result = runner.invoke(app, ["catalog", "technologies"])
    assert result.exit_code == 0
    widest = max(len(line) for line in result.stdout.splitlines())
    assert 80 < widest <= 200


def test_quiet_prints_no_table_but_keeps_json(write_yaml, tmp_path):
    quiet = runner.invoke(app, ["-q", "presets"])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    path = str(write_yaml(small_scenario()))
    as_json = runner.invoke(app, ["-q", "run", path, "--json", "-o", str(tmp_path / "o")])
    assert as_json.exit_code == 0 and as_json.stderr == ""
    assert json.loads(as_json.stdout)["scenario"] == "small"


def test_faults_shows_its_stages_in_a_pipe(write_yaml):
    result = runner.invoke(app, ["faults", str(write_yaml(small_scenario()))])
    assert result.exit_code == 0
    stages = [re.sub(r" \(\d+ s\)$", "", line) for line in result.stderr.splitlines()]
    assert stages == [
        "small: faults: campus: weather, capacity factors and facility load",
        "small: faults: campus: optimising supply (8,760 hours, 2 technologies)",
        "small: faults: economics and results",
        "small: faults: campus: replaying the year under faults",
    ]
    assert "campus under faults" in result.stdout


def test_sweep_says_why_cases_failed_and_fails_when_all_did(write_yaml, tmp_path):
    # 40 MW of feed and 1 or 2 MW of gas cannot carry the campus's ~60 MW peak: infeasible
    # when run (the message's shortfall is the peak less the feed and the gas); 100 MW can
    path = write_yaml(small_scenario())
    argv = ["sweep", str(path), "--workers", "1", "-o", str(tmp_path / "some")]
    some = runner.invoke(app, [*argv, "--vary", "sites[0].technologies.gas_ct.max_mw=1,100"])
    assert some.exit_code == 0, some.output
    assert "2 cases, 1 failed;" in some.output
    assert re.search(
        r"^  1 failed with: site 'campus': supply is short in .* by up to 19\.2 MW",
        some.stdout,
        re.M,
    )
    argv[-1] = str(tmp_path / "all")
    every = runner.invoke(app, [*argv, "--vary", "sites[0].technologies.gas_ct.max_mw=1,2"])
    assert every.exit_code == 1
    # each case short by its own amount: two errors, the first of them named
    assert every.stderr.splitlines()[-1].startswith(
        "error: sweep: all 2 cases failed; 1 of them with: site 'campus': supply is short in "
    )
    assert "Traceback" not in every.output
