"""gigafactory: planner and simulator for AI compute infrastructure.

The public API::

    >>> import gigafactory
    >>> scenario = gigafactory.load_scenario("korea-southwest")
    >>> scenario.sites[0].load.it_mw
    100.0

``gigafactory.run(scenario)`` returns :class:`Results` (summary, hourly series, the
scenario as run and version information); ``Results.save(folder)`` writes them.
"""

from __future__ import annotations

from importlib import metadata

from gigafactory.catalog import catalog_table, site_overview
from gigafactory.errors import (
    CatalogError,
    DataFileError,
    GigafactoryError,
    InfeasibleError,
    ScenarioError,
    SolverError,
)
from gigafactory.pipeline import compare, faults, orbit, place, run, size
from gigafactory.results import Results
from gigafactory.scenario import Scenario, dump_scenario, load_scenario, preset_names, presets

try:
    __version__ = metadata.version("gigafactory")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "CatalogError",
    "DataFileError",
    "GigafactoryError",
    "InfeasibleError",
    "Results",
    "Scenario",
    "ScenarioError",
    "SolverError",
    "__version__",
    "catalog_table",
    "compare",
    "dump_scenario",
    "faults",
    "load_scenario",
    "orbit",
    "place",
    "preset_names",
    "presets",
    "run",
    "site_overview",
    "size",
]
