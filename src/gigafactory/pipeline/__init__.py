"""The pipeline: the only room that chains the others.

* :mod:`~gigafactory.pipeline.prepare`: a site's weather, capacity factors, loads and
  costs -> the supply LP's inputs, with :mod:`~gigafactory.pipeline.grid_terms` (tariff,
  carbon, CFE share, charges) and :mod:`~gigafactory.pipeline.supply_techs` (technologies,
  permits, contracts);
* :mod:`~gigafactory.pipeline.runner`: :func:`run` (prepare, solve, summarise) and
  :func:`size` (no LP);
* :mod:`~gigafactory.pipeline.summarise`: solved sites -> the typed summary, with
  :mod:`~gigafactory.pipeline.firm_summary` (reliability, contracts, grid charges, notices);
* studies: :func:`compare` (sites), :func:`orbit`, :func:`place` (inference placement),
  :func:`faults` (fault replays), :func:`deal_compute` (compute deals),
  :func:`campus_cash_flow` (NPV, IRR, payback), :func:`plan_roadmap` (a build-out over
  stages in one LP).
"""

from gigafactory.pipeline.cashflow_study import (
    CampusCashFlow,
    CapitalStructure,
    campus_cash_flow,
    cash_flow_summary,
    roadmap_cash_flow,
)
from gigafactory.pipeline.chips_study import ChipCost, chip_costs
from gigafactory.pipeline.deals import (
    ComputeDeal,
    DealCompute,
    IndustryScale,
    deal_compute,
    deal_presets,
    deal_table,
    industry_scale,
    price_covering,
)
from gigafactory.pipeline.delay_study import (
    DelayCase,
    StartYear,
    bridge_note,
    grid_delay,
    time_to_power,
)
from gigafactory.pipeline.fault_study import faults
from gigafactory.pipeline.grid_terms import contract_overview, tariff_overview
from gigafactory.pipeline.orbit_study import orbit
from gigafactory.pipeline.placement_study import place
from gigafactory.pipeline.prepare import PreparedSite, prepare_site
from gigafactory.pipeline.roadmap_study import plan_roadmap
from gigafactory.pipeline.runner import Progress, check, run, run_prepared, size
from gigafactory.pipeline.site_comparison import (
    COMPARE_COLUMNS,
    CRITERIA,
    DEFAULT_WEIGHTS,
    FEED_DECIDES_USD_PER_MW_YEAR,
    compare,
    siting_weights,
)

__all__ = [
    "COMPARE_COLUMNS",
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "FEED_DECIDES_USD_PER_MW_YEAR",
    "CampusCashFlow",
    "CapitalStructure",
    "ChipCost",
    "ComputeDeal",
    "DealCompute",
    "DelayCase",
    "IndustryScale",
    "PreparedSite",
    "Progress",
    "StartYear",
    "bridge_note",
    "campus_cash_flow",
    "cash_flow_summary",
    "check",
    "chip_costs",
    "compare",
    "contract_overview",
    "deal_compute",
    "deal_presets",
    "deal_table",
    "faults",
    "grid_delay",
    "industry_scale",
    "orbit",
    "place",
    "plan_roadmap",
    "prepare_site",
    "price_covering",
    "roadmap_cash_flow",
    "run",
    "run_prepared",
    "siting_weights",
    "size",
    "tariff_overview",
    "time_to_power",
]
