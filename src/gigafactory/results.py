"""Results of a run and their folder on disk.

A results folder holds::

    summary.json        headline numbers (:class:`~gigafactory.summary.Summary`), one block per site
    series/<site>.nc    hourly series per site (NetCDF, units in variable attributes)
    scenario.yaml       the scenario as run, fully resolved
    run.json            package, solver and dependency versions, seed, platform
    report.html         interactive charts, when the caller hands one over (see
                        :func:`gigafactory.report.write_results`)

Folders are written atomically: everything goes to a temporary sibling first, which then
replaces the target in one rename, so a killed run never leaves a half-written result.
"""

from __future__ import annotations

import functools
import json
import math
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import xarray as xr

from gigafactory.errors import DataFileError
from gigafactory.scenario import Scenario, dump_scenario, scenario_from_dict
from gigafactory.summary import Summary

__all__ = ["SUMMARY_KEYS", "Results", "json_safe", "run_info", "write_text_atomic"]

SUMMARY_KEYS = (
    "it_energy_mwh",
    "facility_energy_mwh",
    "pue_annual",
    "capacity_mw",
    "storage_mwh",
    "energy_by_source_mwh",
    "cfe_share",
    "emissions_tco2e",
    "nox_t",
    "total_annual_cost_usd",
    "cost_breakdown_usd",
    "lcoe_usd_per_mwh",
    "unserved_mwh",
    "curtailed_mwh",
    "water_m3",
    "solve_seconds",
)
"""Keys every ``summary.json`` carries at the top level (and per site): fields of both
:class:`~gigafactory.summary.Summary` and :class:`~gigafactory.summary.SiteSummary`."""

_DEPENDENCIES = ("numpy", "pandas", "xarray", "pvlib", "linopy", "highspy", "pydantic")


@functools.cache  # installed versions do not change while the process runs
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def run_info(scenario: Scenario) -> dict[str, Any]:
    """Versions and settings that make a run reproducible.

    Returns
    -------
    dict
        ``gigafactory`` version, ``solver`` name and version, ``dependencies`` versions,
        ``python``, ``platform`` and the scenario ``seed``.
    """
    return {
        "gigafactory": _version("gigafactory"),
        "solver": {"name": "HiGHS", "highspy": _version("highspy")},
        "dependencies": {name: _version(name) for name in _DEPENDENCIES},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "seed": scenario.seed,
    }


def json_safe(value: Any) -> Any:
    """Make a summary JSON-safe: NaN and infinities become ``None`` (JSON ``null``).

    A summary leaves a figure undefined as NaN (no accelerator-hours: no price per
    accelerator-hour); JSON has no NaN, and strict readers (browsers, PostgreSQL's JSON type,
    FastAPI's responses) reject it.

    Examples
    --------
    >>> json_safe({"a": float("nan"), "b": [1.0, float("inf")], "c": "x"})
    {'a': None, 'b': [1.0, None], 'c': 'x'}
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp creates 0600; give the file the permissions a plain open() would.
        Path(tmp).chmod(0o666 & ~_umask())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Results:
    """What a run produced.

    Attributes
    ----------
    summary : Summary
        Headline numbers, read by attribute; ``summary.sites`` holds the same per site.
    series : dict of str to xarray.Dataset
        Hourly series per site id, dimension ``time`` (units in each variable's ``units``).
    scenario : Scenario
        The scenario as run.
    info : dict
        Versions and seed, see :func:`run_info`.
    """

    summary: Summary
    series: dict[str, xr.Dataset]
    scenario: Scenario
    info: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The summary as indented JSON (NaN written as ``null``)."""
        return json.dumps(json_safe(self.summary.to_dict()), indent=2, sort_keys=False)

    def save(self, folder: str | Path, *, pages: dict[str, str] | None = None) -> Path:
        """Write the results folder atomically and return its path.

        ``pages`` are extra text files (e.g. ``{"report.html": ...}``) written into the same
        folder before it appears. An existing folder at ``folder`` is replaced only once the
        new one is complete.
        """
        target = Path(folder).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
        staging.chmod(0o777 & ~_umask())
        try:
            (staging / "summary.json").write_text(self.to_json() + "\n", encoding="utf-8")
            (staging / "scenario.yaml").write_text(dump_scenario(self.scenario), encoding="utf-8")
            (staging / "run.json").write_text(
                json.dumps(self.info, indent=2) + "\n", encoding="utf-8"
            )
            (staging / "series").mkdir()
            for site, data in self.series.items():
                data.to_netcdf(staging / "series" / f"{site}.nc")
            for name, text in (pages or {}).items():
                (staging / name).write_text(text, encoding="utf-8")
            old = None
            if target.exists():
                old = target.with_name(f".{target.name}.old-{os.getpid()}")
                target.replace(old)
            staging.replace(target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return target

    @classmethod
    def load(cls, folder: str | Path) -> Results:
        """Read a results folder written by :meth:`save`."""
        root = Path(folder)
        summary_path = root / "summary.json"
        if not summary_path.is_file():
            msg = f"{root}: not a results folder (no summary.json)"
            raise DataFileError(msg)
        import yaml

        summary = Summary.from_dict(json.loads(summary_path.read_text(encoding="utf-8")))
        scenario_path = root / "scenario.yaml"
        scenario = scenario_from_dict(
            yaml.safe_load(scenario_path.read_text(encoding="utf-8")), str(scenario_path)
        )
        info_path = root / "run.json"
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
        series = {}
        for path in sorted((root / "series").glob("*.nc")):
            with xr.open_dataset(path) as data:
                series[path.stem] = data.load()
        return cls(summary=summary, series=series, scenario=scenario, info=info)
