"""gigafactory: planner and simulator for AI compute infrastructure.

The public API, which the CLI, the web app and sweeps use and nothing else::

    >>> import gigafactory
    >>> scenario = gigafactory.load_scenario("korea-southwest")
    >>> scenario.sites[0].load.it_mw
    100.0

``gigafactory.run(scenario)`` returns :class:`Results`: a typed :class:`Summary` (read by
attribute), hourly series, the scenario as run and version information;
``gigafactory.write_results(results, folder)`` writes them with their report. Studies:
:func:`size`, :func:`compare`, :func:`orbit`, :func:`place`, :func:`faults`, and sweeps
(:func:`run_sweep` over :func:`grid_cases`, :func:`sample_cases` or :func:`read_cases`).
"""

from __future__ import annotations

from importlib import metadata

from gigafactory.catalog import catalog_table, site_overview
from gigafactory.economics import irr, payback_years, wacc
from gigafactory.errors import (
    CatalogError,
    DataFileError,
    GigafactoryError,
    InfeasibleError,
    MissingExtraError,
    ScenarioError,
    SolverError,
    did_you_mean,
    import_extra,
    one_line,
)
from gigafactory.i18n import LANGUAGES, money_usd, number, translator
from gigafactory.pipeline import (
    COMPARE_COLUMNS,
    CRITERIA,
    DEFAULT_WEIGHTS,
    CampusCashFlow,
    CapitalStructure,
    ComputeDeal,
    DealCompute,
    IndustryScale,
    campus_cash_flow,
    check,
    compare,
    contract_overview,
    deal_compute,
    deal_presets,
    faults,
    industry_scale,
    orbit,
    place,
    price_covering,
    run,
    siting_weights,
    size,
    tariff_overview,
)
from gigafactory.report import (
    FIRM_STYLE,
    charts_html,
    compare_html,
    compare_runs_html,
    dispatch_side_by_side_html,
    figures,
    firm_html,
    marginals_html,
    notices_html,
    orbit_html,
    page_html,
    placement_html,
    report_body_html,
    report_html,
    sweep_body_html,
    sweep_html,
    write_report,
    write_results,
)
from gigafactory.results import Results, json_safe, write_text_atomic
from gigafactory.scenario import (
    Scenario,
    check_references,
    data_files,
    dump_scenario,
    load_scenario,
    preset_names,
    presets,
    read_yaml,
    scenario_diff,
    scenario_from_dict,
    scenario_from_yaml,
)
from gigafactory.solver import WarmStarts
from gigafactory.summary import (
    FaultReplay,
    MarginalValues,
    Notice,
    OrbitSummary,
    PlacementSummary,
    SiteSummary,
    SizedSite,
    Summary,
    TechnologyMargin,
    headline,
    label,
    to_plain,
)
from gigafactory.sweep import (
    METRICS,
    Vary,
    case_id,
    case_metrics,
    case_table,
    grid_cases,
    parse_vary,
    read_cases,
    run_sweep,
    sample_cases,
    set_path,
)

try:
    __version__ = metadata.version("gigafactory")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "COMPARE_COLUMNS",
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "FIRM_STYLE",
    "LANGUAGES",
    "METRICS",
    "CampusCashFlow",
    "CapitalStructure",
    "CatalogError",
    "ComputeDeal",
    "DataFileError",
    "DealCompute",
    "FaultReplay",
    "GigafactoryError",
    "IndustryScale",
    "InfeasibleError",
    "MarginalValues",
    "MissingExtraError",
    "Notice",
    "OrbitSummary",
    "PlacementSummary",
    "Results",
    "Scenario",
    "ScenarioError",
    "SiteSummary",
    "SizedSite",
    "SolverError",
    "Summary",
    "TechnologyMargin",
    "Vary",
    "WarmStarts",
    "__version__",
    "campus_cash_flow",
    "case_id",
    "case_metrics",
    "case_table",
    "catalog_table",
    "charts_html",
    "check",
    "check_references",
    "compare",
    "compare_html",
    "compare_runs_html",
    "contract_overview",
    "data_files",
    "deal_compute",
    "deal_presets",
    "did_you_mean",
    "dispatch_side_by_side_html",
    "dump_scenario",
    "faults",
    "figures",
    "firm_html",
    "grid_cases",
    "headline",
    "import_extra",
    "industry_scale",
    "irr",
    "json_safe",
    "label",
    "load_scenario",
    "marginals_html",
    "money_usd",
    "notices_html",
    "number",
    "one_line",
    "orbit",
    "orbit_html",
    "page_html",
    "parse_vary",
    "payback_years",
    "place",
    "placement_html",
    "preset_names",
    "presets",
    "price_covering",
    "read_cases",
    "read_yaml",
    "report_body_html",
    "report_html",
    "run",
    "run_sweep",
    "sample_cases",
    "scenario_diff",
    "scenario_from_dict",
    "scenario_from_yaml",
    "set_path",
    "site_overview",
    "siting_weights",
    "size",
    "sweep_body_html",
    "sweep_html",
    "tariff_overview",
    "to_plain",
    "translator",
    "wacc",
    "write_report",
    "write_results",
    "write_text_atomic",
]
