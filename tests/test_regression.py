"""Every bundled preset gives the numbers stored in ``tests/data/regression``.

The stored JSON is what ``gigafactory run P --json`` (and ``orbit``, ``place``, ``size``,
``faults`` for a few presets) printed at commit ef62d8a, before the package was split into
rooms (issue 11). A change that moves code must leave every field equal to 1e-9 relative;
only timings may differ. A change that is meant to move a number regenerates the files on
purpose::

    python tests/test_regression.py --update

and says in its commit which numbers moved and why.
"""

from __future__ import annotations

import html
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "regression"
TIMINGS = {"solve_seconds", "run_seconds"}
RTOL = 1e-9
ATOL = 1e-9

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


def _differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every place where ``actual`` differs from ``expected`` beyond the tolerance."""
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
                out += _differences(expected[key], actual[key], where)
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items, expected {len(expected)}"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in _differences(e, a, f"{path}[{i}]")
        ]
    numbers = (int, float)
    if (
        isinstance(expected, numbers)
        and not isinstance(expected, bool)
        and isinstance(actual, numbers)
    ):
        if math.isclose(expected, actual, rel_tol=RTOL, abs_tol=ATOL) or (
            math.isnan(expected) and math.isnan(actual)
        ):
            return []
        return [f"{path}: {actual!r}, expected {expected!r}"]
    return [] if expected == actual else [f"{path}: {actual!r}, expected {expected!r}"]


def test_differences_finds_a_moved_number_and_ignores_timings():
    expected = {"a": 1.0, "b": [1, {"c": "x"}], "solve_seconds": 3.0}
    assert (
        _differences(expected, {"a": 1.0 + 1e-12, "b": [1, {"c": "x"}], "solve_seconds": 9.0}) == []
    )
    assert _differences(expected, {"a": 1.0 + 1e-6, "b": [1, {"c": "y"}]}) == [
        "a: 1.000001, expected 1.0",
        "b[1].c: 'y', expected 'x'",
    ]
    assert _differences({"a": {"b": 1}}, {"a": {}}) == ["a.b: missing"]


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
