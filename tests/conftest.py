"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a mapping (or raw text) as a YAML file in tmp_path and return its path."""

    def write(data: object, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


REGRESSION = Path(__file__).parent / "data" / "regression"
"""Stored outputs of every preset (see test_regression.py)."""


def stored_summary(preset: str) -> dict:
    """The summary ``gigafactory run PRESET --json`` printed when the data were stored."""
    import json

    return json.loads((REGRESSION / f"run-{preset}.json").read_text(encoding="utf-8"))


def stored_site(preset: str):
    """The first site of a preset's stored summary, as the typed SiteSummary."""
    from gigafactory.summary import SiteSummary

    return SiteSummary.from_dict(stored_summary(preset)["sites"][0])


def small_scenario(**site_overrides: object) -> dict:
    """A one-site scenario at a catalog site that solves in about a second."""
    site = {
        "id": "campus",
        "catalog": "memphis",
        "load": {"it_mw": 50},
        "cooling": "direct_liquid",
        "grid": {"import_cap_mw": 40},
        "technologies": {"solar_fixed": {"max_mw": 200}, "gas_ct": {"max_mw": 100}},
    }
    site.update(site_overrides)
    return {"name": "small", "seed": 1, "sites": [site]}
