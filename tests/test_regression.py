"""Every bundled preset gives the numbers stored in ``tests/data/regression``.

The stored JSON is what ``gigafactory run P --json`` (and ``orbit``, ``place``, ``size``,
``faults`` for a few presets) printed at commit ef62d8a, before the package was split into
rooms (issue 11). A change that moves code must leave every field equal; only timings may
differ. "Equal" is to the solver's accuracy, not to the last bit: HiGHS stops at feasibility
and optimality tolerances of 1e-7, and where the optimum is not a single point (a MWh
curtailed or stored and lost costs the same, a PPA's MWh or the site's own solar) the same
binary picks a different optimal vertex on an Intel and on an AMD processor (Pohang's
curtailment 279.4 or 282.5 MWh, Abilene's grid energy 11,057,329 or 11,057,342 USD). So each
number is compared to 1e-6 relative, or within a floor set by the run's own scale: 1e-4 of
its facility energy for MWh, of its design power for MW, 1e-6 of its annual cost for USD,
1e-4 for shares and 1e-3 relative for prices per unit delivered, 2e-3 for duals (not unique either)
and the numbers printed in sentences. A moved coefficient moves
the total cost, which is held to 1e-6. A change that is meant to move a number regenerates
the files on purpose::

    python tests/test_regression.py --update

and says in its commit which numbers moved and why.
"""

from __future__ import annotations

import html
import json
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "regression"
TIMINGS = {"solve_seconds", "run_seconds"}
RTOL = 1e-6
PRICE_RTOL = 1e-3  # USD per MWh delivered: a degenerate split moves the MWh under it
SHARE_ATOL = 1e-4
ENERGY_FLOOR = 1e-4  # of the run's facility energy [MWh]
POWER_FLOOR = 1e-4  # of the run's design power [MW]
COST_FLOOR = 1e-6  # of the run's annual cost [USD]
WATER_FLOOR = 1e-4  # of the run's water use [m3]: it follows the hours the load runs in
ATOL = 1e-6
PRICE_ATOL = 1e-3  # a reduced cost of zero comes back as a few 1e-6 [USD/MW-year]
# duals are not unique where the optimum is degenerate: an entry price 3,125 or 3,128 USD/kW
DUAL_RTOL = 2e-3
DUAL_ATOL = 10.0  # 1e-4 of a ~100,000 USD/MW-year annualised capex [USD/MW-year]
UNITS = ("_mwh", "_mw", "_usd", "_m3", "_share", "_matching", "_tco2e", "_t")


def _scale(tree: Any, key: str) -> float:
    """The first value of ``key`` anywhere in ``tree`` (0 where there is none)."""
    if isinstance(tree, dict):
        if isinstance(tree.get(key), (int, float)):
            return float(tree[key])
        trees = list(tree.values())
    elif isinstance(tree, list):
        trees = tree
    else:
        return 0.0
    return next((s for s in (_scale(t, key) for t in trees) if s), 0.0)


def _tolerance(path: str, scales: dict[str, float]) -> tuple[float, float]:
    """Relative and absolute tolerance for the number at ``path``, by its unit."""
    parts = [p.split("[")[0] for p in path.split(".")]
    # the innermost name that carries a unit; technology names (liion_4h) carry none
    unit_of = next((p for p in reversed(parts) if p.endswith(UNITS) or "_per_" in p), "")
    floors = {
        "_mwh": ENERGY_FLOOR * scales["energy"],
        "_mw": POWER_FLOOR * scales["power"],
        "_usd": COST_FLOOR * scales["cost"],
        "_m3": WATER_FLOOR * scales["water"],
    }
    if "marginals" in parts:
        tolerance = (DUAL_RTOL, DUAL_ATOL)
    elif "_per_" in unit_of:
        tolerance = (PRICE_RTOL, PRICE_ATOL)
    elif unit_of.startswith("cfe") or unit_of.endswith(("_share", "_matching")):
        tolerance = (RTOL, SHARE_ATOL)
    else:
        floor = next((f for suffix, f in floors.items() if unit_of.endswith(suffix)), 0.0)
        tolerance = (RTOL, max(ATOL, floor))
    return tolerance


PRESETS = sorted(p.stem.removeprefix("run-") for p in DATA.glob("run-*.json"))
STUDIES = sorted(
    p.stem
    for p in DATA.glob("*.json")
    if p.stem.split("-", 1)[0] in {"orbit", "place", "size", "faults"}
)


def _command(stem: str, folder: Path) -> list[str]:
    kind, preset = stem.split("-", 1)
    exe = str(Path(sys.executable).with_name("gigafactory"))
    if kind in {"run", "orbit", "place"}:
        return [exe, kind, preset, "--json", "--output", str(folder)]
    return [exe, kind, preset, "--json"]


def _differences(
    expected: Any, actual: Any, path: str = "", scales: dict[str, float] | None = None
) -> list[str]:
    """Every place where ``actual`` differs from ``expected`` beyond the tolerance."""
    if scales is None:
        scales = {
            "energy": _scale(expected, "facility_energy_mwh"),
            "power": _scale(expected, "design_power_mw"),
            "cost": _scale(expected, "total_annual_cost_usd"),
            "water": _scale(expected, "water_m3"),
        }
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}" if path else key
            if key in TIMINGS:
                continue
            if key not in actual:
                out.append(f"{where}: missing")
            elif key not in expected:
                out.append(f"{where}: unexpected")
            else:
                out += _differences(expected[key], actual[key], where, scales)
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items, expected {len(expected)}"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in _differences(e, a, f"{path}[{i}]", scales)
        ]
    numbers = (int, float)
    if (
        isinstance(expected, numbers)
        and not isinstance(expected, bool)
        and isinstance(actual, numbers)
    ):
        rtol, atol = _tolerance(path, scales)
        if math.isclose(expected, actual, rel_tol=rtol, abs_tol=atol) or (
            math.isnan(expected) and math.isnan(actual)
        ):
            return []
        return [f"{path}: {actual!r}, expected {expected!r}"]
    same = expected == actual or (
        isinstance(expected, str) and isinstance(actual, str) and _same_text(expected, actual)
    )
    return [] if same else [f"{path}: {actual!r}, expected {expected!r}"]


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _same_text(expected: str, actual: str) -> bool:
    """The same sentence, its printed numbers equal to the duals' tolerance."""
    if NUMBER.sub("#", expected) != NUMBER.sub("#", actual):
        return False
    pairs = zip(NUMBER.findall(expected), NUMBER.findall(actual), strict=True)
    return all(
        math.isclose(float(e.replace(",", "")), float(a.replace(",", "")), rel_tol=DUAL_RTOL)
        for e, a in pairs
    )


def test_differences_finds_a_moved_number_and_ignores_timings():
    expected = {"a": 1.0, "b": [1, {"c": "x"}], "solve_seconds": 3.0}
    assert (
        _differences(expected, {"a": 1.0 + 1e-7, "b": [1, {"c": "x"}], "solve_seconds": 9.0}) == []
    )
    assert _differences(expected, {"a": 1.0 + 1e-5, "b": [1, {"c": "y"}]}) == [
        "a: 1.00001, expected 1.0",
        "b[1].c: 'y', expected 'x'",
    ]
    assert _differences({"a": {"b": 1}}, {"a": {}}) == ["a.b: missing"]


def test_differences_floors_follow_the_runs_scale():
    # 1 TWh a year, 120 MW, 100 M USD, 314,266 m3: floors of 100 MWh, 0.012 MW, 100 USD, 31 m3
    run = {
        "facility_energy_mwh": 1e6,
        "water_m3": 314266.3,
        "design_power_mw": 120.0,
        "total_annual_cost_usd": 1e8,
        "curtailed_mwh": 279.4,
        "capacity_mw": {"liion_4h": 0.0},
        "cost_breakdown_usd": {"fuel": 5e6},
        "cfe_share": 0.5,
        "contracts": {"ppa": {"usd_per_delivered_mwh": 200.0}},
    }

    def moved(path: str, value: float) -> list[str]:
        actual = json.loads(json.dumps(run))
        *parents, leaf = path.split(".")
        node = actual
        for key in parents:
            node = node[key]
        node[leaf] = value
        return _differences(run, actual)

    assert moved("curtailed_mwh", 282.5) == []  # Intel against AMD, same binary
    assert moved("water_m3", 314260.8) == []  # colossus: HiPO against IPX, training shifted
    assert moved("water_m3", 314230.0) == ["water_m3: 314230.0, expected 314266.3"]
    assert moved("curtailed_mwh", 380.0) == ["curtailed_mwh: 380.0, expected 279.4"]
    assert moved("capacity_mw.liion_4h", 0.01) == []
    assert moved("capacity_mw.liion_4h", 0.02) != []
    assert moved("cost_breakdown_usd.fuel", 5e6 + 90) == []
    assert moved("cost_breakdown_usd.fuel", 5e6 + 200) != []
    assert moved("cfe_share", 0.50009) == []
    assert moved("cfe_share", 0.5002) != []
    assert moved("contracts.ppa.usd_per_delivered_mwh", 200.1) == []
    assert moved("contracts.ppa.usd_per_delivered_mwh", 200.3) != []
    assert moved("total_annual_cost_usd", 1e8 * (1 + 5e-7)) == []
    assert moved("total_annual_cost_usd", 1e8 * (1 + 2e-6)) != []
    text = "it would need less than 3,128 USD/kW to enter (now 10,107 USD/kW)"
    assert _same_text(text, text.replace("3,128", "3,125"))
    assert not _same_text(text, text.replace("3,128", "3,200"))
    assert not _same_text(text, text.replace("enter", "exit"))


def _output(stem: str, folder: Path) -> Any:
    command = _command(stem, folder)
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


STEMS = [f"run-{p}" for p in PRESETS] + STUDIES


@pytest.fixture(scope="module")
def outputs(request, tmp_path_factory):
    """Every stored command's output and results folder, run two at a time.

    Each command is its own process with its own folder, and HiGHS solves each LP on one
    thread, so running them side by side changes no number; it halves the wall time on the
    two cores this suite is sized for.
    """
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("regression")

    def one(stem: str) -> tuple[Any, Path] | str:
        folder = root / stem / "out"
        try:
            return _output(stem, folder), folder
        except AssertionError as err:  # the command failed: reported by its own test
            return str(err)

    chosen = [  # only the cases this session runs (pytest -k pohang runs one)
        item.callspec.params["stem"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_same_numbers_as_stored"
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(chosen, pool.map(one, chosen), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_same_numbers_as_stored(stem, outputs):
    expected = json.loads((DATA / f"{stem}.json").read_text())
    result = outputs[stem]
    assert not isinstance(result, str), result
    actual, folder = result
    differences = _differences(expected, actual)
    assert not differences, "\n".join(differences[:20])
    if stem.startswith("run-"):
        # what every run promises, whatever its numbers: a results folder with the report
        # (plotly.js inlined, so over 1 MB), PUE >= 1, a cost, and flexible training that
        # never costs more than the rigid schedule (which is one of its options)
        saved = json.loads((folder / "summary.json").read_text())
        assert _differences(saved, actual) == []
        assert (folder / "report.html").stat().st_size > 1_000_000
        # every preset's report opens with its headline sentence and lists its assumptions
        report = (folder / "report.html").read_text(encoding="utf-8")
        body = report.split("<body>", 1)[1]
        first = actual["sites"][0]
        assert body.index("class='headline'") < body.index("<h2>")
        assert f"<strong>{html.escape(first['headline'])}</strong>" in body
        assert body.count("<h3>Assumptions</h3>") == len(actual["sites"])
        # a roadmap preset's report carries its build-out, one section per site
        roadmap = actual.get("roadmap")
        assert body.count(": build-out</h2>") == (0 if roadmap is None else len(roadmap["sites"]))
        assert actual["pue_annual"] >= 1.0
        assert actual["total_annual_cost_usd"] > 0
        for site in actual["sites"]:
            if "flexibility" in site:
                flex = site["flexibility"]
                rigid = flex["total_annual_cost_usd_rigid"]
                assert flex["total_annual_cost_usd_flexible"] <= rigid * (1 + 1e-6)


if __name__ == "__main__":  # regenerate on purpose: python tests/test_regression.py --update
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_regression.py --update")
    for stem in STEMS:
        with tempfile.TemporaryDirectory() as tmp:
            output = _output(stem, Path(tmp) / "out")
        (DATA / f"{stem}.json").write_text(json.dumps(output, indent=2) + "\n")
        print(stem)  # noqa: T201
