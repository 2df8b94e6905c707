"""The typed summary of a run and of each study: what every interface reads, by attribute.

Pure data (pydantic models), no model code: the pipeline fills them, :mod:`gigafactory.results`
writes and reads them as JSON, and the CLI, the report, the web app and sweeps read their
attributes. Units are in the field names (``_mwh``, ``_usd``, ``_t``) as in ``summary.json``.

JSON has no NaN: :meth:`Section.to_dict` keeps NaN (Python floats) and
:func:`gigafactory.results.Results.to_json` writes it as ``null``; reading ``null`` back into
a number field gives NaN again. Optional sections (``flexibility``, ``compute``, ``orbit``,
``placement``) are left out of the JSON when absent; a training or inference total of a fleet
without runs or services is written as ``{}``.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field

from gigafactory.summary.base import TECHNOLOGY_LABELS, Number, Section, label
from gigafactory.summary.compute import (
    FleetSummary,
    InferenceService,
    InferenceTotals,
    OwnershipCost,
    SiteCompute,
    TrainingRun,
    TrainingTotals,
)
from gigafactory.summary.finance import CashFlowSummary, DealRow, DealTable
from gigafactory.summary.margins import MarginalValues, TechnologyMargin, why_this_mix
from gigafactory.summary.time import Aggregation, DesignOnYear, WeatherYear, WeatherYears

__all__ = [
    "TECHNOLOGY_LABELS",
    "Aggregation",
    "AssignmentRow",
    "Assumption",
    "CashFlowSummary",
    "ContractSummary",
    "CostBreakdown",
    "DealRow",
    "DealTable",
    "DesignOnYear",
    "FaultReplay",
    "FleetSummary",
    "Flexibility",
    "InferenceService",
    "InferenceTotals",
    "MarginalValues",
    "Notice",
    "OrbitDesignSummary",
    "OrbitGround",
    "OrbitSensitivity",
    "OrbitSummary",
    "OwnershipCost",
    "PlacementSummary",
    "ReliabilitySummary",
    "RideThrough",
    "RoadmapStageSummary",
    "RoadmapSummary",
    "Section",
    "SiteCompute",
    "SiteRoadmap",
    "SiteSummary",
    "SizedSite",
    "Summary",
    "TechnologyMargin",
    "TornadoEntry",
    "TrainingRun",
    "TrainingTotals",
    "WeatherYear",
    "WeatherYears",
    "headline",
    "label",
    "notice_text",
    "to_plain",
    "why_this_mix",
]


class CostBreakdown(Section):
    """Annual cost of a site's energy supply by kind [USD/yr]."""

    capex_annualised: Number
    fixed_om: Number
    ppa: Number
    fuel: Number
    variable_om: Number
    grid_energy: Number
    export_revenue: Number
    carbon: Number
    demand_charges: Number = 0.0
    fixed_charges: Number = 0.0
    unserved: Number = 0.0


class Flexibility(Section):
    """What letting training slow down is worth: the same site solved both ways."""

    total_annual_cost_usd_flexible: Number
    total_annual_cost_usd_rigid: Number
    savings_usd: Number
    savings_share: Number
    capacity_mw_rigid: dict[str, Number]
    peak_grid_import_mw_rigid: Number
    emissions_tco2e_rigid: Number
    unserved_mwh_rigid: Number


class Notice(Section):
    """One line a planner must read before trusting the numbers.

    ``level`` is ``warning`` (the result is not what a firm design promises: unserved
    energy) or ``note`` (a fallback, a binding limit, a technology not built, a target that
    does not bind).
    """

    level: str
    text: str
    template: str = ""
    """The English text with ``{name}`` fields, the key of its translations [-]."""
    values: dict[str, str] = Field(default_factory=dict)
    """Each field's value as written into ``text`` (a ``tech`` field names a technology)."""

    @classmethod
    def of(cls, level: str, template: str, **values: str) -> Notice:
        """A notice whose text is ``template`` filled with ``values``, translatable.

        >>> Notice.of("note", "{site}: {tech} is at its build limit", site="a", tech="x").text
        'a: x is at its build limit'
        """
        return cls(level=level, text=template.format(**values), template=template, values=values)


class ReliabilitySummary(Section):
    """How firm a solved site is: accredited capacity against its design power."""

    design_power_mw: Number
    accredited_firm_mw: Number
    reserve_margin: Number
    required_reserve_margin: float | None = None
    largest_contingency_mw: Number
    n_minus_1_met: bool
    ride_through_hours: int
    backup_mw: Number
    capacity_credit: dict[str, Number]


class ContractSummary(Section):
    """One power purchase agreement or storage toll of a solved site."""

    technology: str
    shape: str
    location: str
    certificates: bool
    mw: Number
    produced_mwh: Number
    delivered_mwh: Number
    cost_usd: Number
    usd_per_delivered_mwh: float | None = None


class Assumption(Section):
    """One input that shaped a site's result, with where it came from."""

    item: str
    """What it is: ``solar_fixed capex``, ``grid price``, ``WACC``."""
    value: Number | str
    unit: str
    source: str
    """A public document, ``scenario`` (the user's own value) or ``model`` (a default)."""
    year: int | None = None
    estimate: bool = False
    scope: str = ""
    """What a price covers: installed, turnkey or ex-works."""


class SiteSummary(Section):
    """Energy, emissions, water and cost of one solved site."""

    site: str
    latitude: Number
    longitude: Number
    it_energy_mwh: Number
    facility_energy_mwh: Number
    pue_annual: Number
    capacity_mw: dict[str, Number]
    storage_mwh: dict[str, Number]
    energy_by_source_mwh: dict[str, Number]
    grid_export_mwh: Number
    cfe_share: Number
    emissions_tco2e: Number
    nox_t: Number
    water_m3: Number
    wue_l_per_kwh: Number
    unserved_mwh: Number
    curtailed_mwh: Number
    peak_grid_import_mw: Number
    cost_breakdown_usd: CostBreakdown
    cost_by_technology_usd: dict[str, Number]
    total_annual_cost_usd: Number
    lcoe_usd_per_mwh: Number
    solve_seconds: Number
    cfe_annual_matching: Number = math.nan
    unserved_hours: int = 0
    peak_load_mw: Number = math.nan
    grid_import_cap_mw: Number = 0.0
    tariff: str = "flat"
    demand_peaks_mw: dict[str, list[Number]] = {}
    reliability: ReliabilitySummary | None = None
    contracts: dict[str, ContractSummary] = {}
    warnings: list[Notice] = []
    marginals: MarginalValues | None = None
    flexibility: Flexibility | None = None
    aggregation: Aggregation | None = None
    weather_years: WeatherYears | None = None
    compute: SiteCompute | None = None
    headline: str = ""
    """The answer in one sentence: what is built, what it costs, what is not built and why."""
    assumptions: list[Assumption] = []


class OrbitDesignSummary(Section):
    """One orbital design: geometry, sizing, mass, launches and cost."""

    sunlit_fraction: Number
    eclipse_max_min: Number
    eclipse_days: Number
    load_mw: Number
    array_mw: Number
    array_m2: Number
    radiator_m2: Number
    battery_mwh: Number
    mass_t: Number
    mass_breakdown_t: dict[str, Number]
    launches: int
    launches_per_year: Number
    annual_cost_usd: Number
    cost_breakdown_usd: dict[str, Number]
    usd_per_accelerator_hour: Number
    usd_per_mwh_equivalent: Number
    breakeven_launch_usd_per_kg: Number


class OrbitGround(Section):
    """The ground site the orbit is compared with."""

    site: str
    usd_per_accelerator_hour: Number
    total_cost_of_ownership_usd: Number
    energy_usd_per_it_mwh: Number
    pue_annual: Number


class TornadoEntry(Section):
    """Cost per accelerator-hour at the low and high value of one assumption."""

    low_value: Number
    high_value: Number
    low_usd_per_accelerator_hour: Number
    high_usd_per_accelerator_hour: Number


class OrbitSensitivity(Section):
    """Cost per accelerator-hour against launch price, and a tornado of the rest."""

    launch_usd_per_kg: list[Number]
    usd_per_accelerator_hour: dict[str, list[Number]]
    tornado: dict[str, TornadoEntry]


class OrbitSummary(OrbitDesignSummary):
    """The base orbital design, its variants and sensitivities, against the ground."""

    accelerators: dict[str, int]
    ground: OrbitGround
    variants: dict[str, OrbitDesignSummary]
    sensitivity: OrbitSensitivity


class AssignmentRow(Section):
    """Accelerators serving one user region from one site."""

    region: str
    region_country: str
    site: str
    kind: str
    accelerators: Number
    rtt_ms: Number


class PlacementSummary(Section):
    """Where inference demand is served from, under the SLO."""

    served_share: Number
    rtt_p50_ms: Number
    rtt_p95_ms: Number
    cost_usd: Number
    by_site: dict[str, Number]
    regions: int
    demand_accelerators: Number
    assignment: list[AssignmentRow]


class RoadmapStageSummary(Section):
    """One stage of a build-out: what is in service, built and retired, and what it costs."""

    year: int
    calendar_years: int
    """Years the stage stands for, from its own to the next stage's [yr]."""
    weight_years: Number
    """Discounted years its annual cost counts for in the present value [yr]."""
    scale: Number
    """Share of the scenario's IT load in service [-]."""
    grid_import_cap_mw: Number
    capacity_mw: dict[str, Number]
    built_mw: dict[str, Number]
    retired_mw: dict[str, Number]
    energy_mwh: dict[str, Number]
    capex_usd: Number
    """Overnight capex of what enters service in the stage [USD]."""
    fixed_cost_usd: Number
    """Annuities, fixed O&M and contracts of what is in service [USD/yr]."""
    om_usd: Number = 0.0
    """The fixed O&M and contracts in it, without the annuities [USD/yr]."""
    operating_cost_usd: Number
    """Fuel, variable O&M, carbon, grid energy and charges, unserved energy [USD/yr]."""
    annual_cost_usd: Number
    load_mwh: Number
    peak_load_mw: Number
    unserved_mwh: Number
    emissions_tco2e: Number
    cfe_share: Number


class SiteRoadmap(Section):
    """A site's build-out optimised in one LP over its stages."""

    site: str
    stages: list[RoadmapStageSummary]
    present_value_usd: Number
    """Present value of the stages' annual costs over the horizon [USD]."""
    discount_rate: Number
    decided_year: int
    end_year: int
    earliest_year: dict[str, int]
    """First year each technology can be in service: decision year plus lead time [-]."""
    solve_seconds: Number
    typical_periods: int = 0
    """Typical periods of all stages, extreme and stress days included; 0: every hour."""
    stress_days: int = 0
    """Days the first design could not serve, solved again as typical days of their own."""
    warnings: list[Notice] = []


class RoadmapSummary(Section):
    """The build-out of every site (``gigafactory roadmap``)."""

    scenario: str
    sites: list[SiteRoadmap]

    @property
    def present_value_usd(self) -> float:
        """Present value of every site's build-out [USD]."""
        return float(sum(site.present_value_usd for site in self.sites))


class Summary(Section):
    """Headline numbers of a run, campus-wide, with one :class:`SiteSummary` per site."""

    scenario: str
    it_energy_mwh: Number
    facility_energy_mwh: Number
    pue_annual: Number
    capacity_mw: dict[str, Number]
    storage_mwh: dict[str, Number]
    energy_by_source_mwh: dict[str, Number]
    cfe_share: Number
    emissions_tco2e: Number
    nox_t: Number
    total_annual_cost_usd: Number
    cost_breakdown_usd: CostBreakdown
    lcoe_usd_per_mwh: Number
    unserved_mwh: Number
    curtailed_mwh: Number
    water_m3: Number
    wue_l_per_kwh: Number
    solve_seconds: Number
    sites: list[SiteSummary]
    cfe_annual_matching: Number = math.nan
    unserved_hours: int = 0
    design_power_mw: Number = math.nan
    warnings: list[Notice] = []
    compute: FleetSummary | None = None
    orbit: OrbitSummary | None = None
    placement: PlacementSummary | None = None
    roadmap: RoadmapSummary | None = None
    run_seconds: Number = math.nan

    @property
    def headline(self) -> str:
        """Each site's one-sentence answer, in site order."""
        return " ".join(site.headline for site in self.sites if site.headline)


class SizedSite(Section):
    """A site sized without the supply LP: energy at its grid tariff."""

    it_energy_mwh: Number
    facility_energy_mwh: Number
    pue_annual: Number
    peak_facility_mw: Number
    total_annual_cost_usd: Number
    emissions_tco2e: Number
    compute: SiteCompute | None = None


class RideThrough(Section):
    """Battery or gas that would carry the load through the worst grid outage."""

    hours: int
    battery_mw: Number
    battery_mwh: Number
    gas_mw: Number


class FaultReplay(Section):
    """One site's optimised year replayed under seeded faults.

    ``unserved_without_faults_mwh`` is what the same rule-based dispatch leaves unserved in
    a year without faults (the rules do not time storage as the LP does); the difference is
    what the faults cost.
    """

    unserved_mwh: Number
    shortfall_hours: int
    outage_hours: int
    interruptions_from_power: int
    ride_through: RideThrough
    unserved_without_faults_mwh: float | None = None
    lost_accelerator_hours: float | None = None
    training_days_lost: float | None = None
    interruptions_from_accelerators: float | None = None


def to_plain(value: Any) -> Any:
    """Sections (and dicts or lists of them) as plain dicts and lists, ready for JSON."""
    if isinstance(value, Section):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


# the sentence reads the sections above
from gigafactory.summary.sentences import headline, notice_text  # noqa: E402
