"""The typed summary reads every stored summary back and writes it out unchanged."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigafactory.summary import (
    FaultReplay,
    OrbitSummary,
    PlacementSummary,
    Section,
    SizedSite,
    Summary,
    to_plain,
)

DATA = Path(__file__).parent / "data" / "regression"
KINDS: dict[str, type[Section]] = {
    "run": Summary,
    "orbit": OrbitSummary,
    "place": PlacementSummary,
}


def _json_ready(value):
    """NaN as JSON's null, the way ``summary.json`` writes it."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda p: p.stem)
def test_stored_summaries_round_trip(path):
    data = json.loads(path.read_text())
    kind = path.stem.split("-", 1)[0]
    if kind in KINDS:
        typed = KINDS[kind].from_dict(data)
        out = typed.to_dict()
    else:  # size and faults give one section per site
        section = SizedSite if kind == "size" else FaultReplay
        out = to_plain({site: section.from_dict(v) for site, v in data.items()})
    # same keys in the same order, same values (NaN written as null)
    assert json.dumps(_json_ready(out)) == json.dumps(_json_ready(data))


def test_absent_sections_are_left_out_and_empty_totals_are_empty():
    data = json.loads((DATA / "run-colossus.json").read_text())
    summary = Summary.from_dict(data)
    assert summary.orbit is None and summary.placement is None
    assert "orbit" not in summary.to_dict()
    compute = summary.sites[0].compute
    assert compute is not None and compute.inference is None  # training only
    assert compute.to_dict()["inference"] == {}


def test_unknown_fields_are_rejected():
    data = json.loads((DATA / "run-korea-southwest.json").read_text())
    data["total_cost"] = 1.0
    with pytest.raises(ValueError, match="total_cost"):
        Summary.from_dict(data)


@given(st.floats(allow_nan=True, allow_infinity=False) | st.none())
def test_numbers_read_null_as_nan(value):
    data = json.loads((DATA / "run-korea-southwest.json").read_text())
    data["pue_annual"] = value
    read = Summary.from_dict(data).pue_annual
    if value is None or math.isnan(value):
        assert math.isnan(read)
    else:
        assert read == value
