"""Scenario schema: the pydantic models of one scenario file.

A scenario is one YAML file: sites with their IT load, cooling, grid connection and allowed
technologies, plus policy, finance and solver options. The models below are the single
source for validation, error messages and documentation (each field's description ends in
its unit). Fields are in the units people quote (USD/kW, kg/MWh, USD/MMBtu); the properties
next to them give the model's canonical units (USD/MW, t/MWh, USD/MWh_th), converted here
once.
"""

from __future__ import annotations

import datetime as dt
import difflib
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from gigafactory import catalog
from gigafactory.errors import did_you_mean
from gigafactory.scenario.base import FIRST_YEAR, LAST_YEAR, MAX_WACC, NonNeg, ScenarioModel
from gigafactory.scenario.bounds import CAMPUS_MW_BOUND, CAPEX_BOUNDS, implausible
from gigafactory.scenario.compute import (
    AcceleratorSpec,
    AccountingBoundary,
    ComputeSpec,
    FlexibleTraining,
    InferenceSpec,
    Precision,
    TrainingSpec,
)
from gigafactory.scenario.costs import COUNTRY_REGIONS, CostRegion, Costs, CostScope
from gigafactory.scenario.firm import Contract, ContractLocation, ContractShape, Reliability
from gigafactory.scenario.grid import FLAT_TARIFF, GridConnection, GridShapeName
from gigafactory.scenario.studies import (
    CandidateKind,
    OrbitDesignOptions,
    OrbitSpec,
    PlacementCandidate,
    PlacementSpec,
    RoadmapSpec,
    RoadmapStage,
)
from gigafactory.units import MWH_PER_MMBTU, kw_to_mw_cost

__all__ = [
    "COUNTRY_REGIONS",
    "FLAT_TARIFF",
    "AcceleratorSpec",
    "AccountingBoundary",
    "CandidateKind",
    "ComputeSpec",
    "Contract",
    "ContractLocation",
    "ContractShape",
    "Cooling",
    "CostRegion",
    "CostScope",
    "Costs",
    "Finance",
    "FlexibleTraining",
    "GridConnection",
    "GridShapeName",
    "InferenceSpec",
    "LoadSpec",
    "Mode",
    "OrbitDesignOptions",
    "OrbitSpec",
    "PlacementCandidate",
    "PlacementSpec",
    "Policy",
    "Precision",
    "Reliability",
    "RoadmapSpec",
    "RoadmapStage",
    "Scenario",
    "SeriesOverrides",
    "SiteSpec",
    "SolveMethod",
    "SolverOptions",
    "TechnologyOptions",
    "TrainingSpec",
]


class Cooling(StrEnum):
    """Facility cooling type."""

    air_economiser = "air_economiser"
    direct_liquid = "direct_liquid"
    immersion = "immersion"


class SolveMethod(StrEnum):
    """LP algorithm: ``auto`` picks Clarabel's interior point above 500 variables, else HiGHS.

    ``clarabel``: Clarabel's interior point; ``ipm``: HiGHS's (HiPO); ``simplex``: HiGHS's
    dual simplex (a vertex: where the optimum is degenerate, often tighter entry prices).
    """

    auto = "auto"
    clarabel = "clarabel"
    ipm = "ipm"
    simplex = "simplex"


class Mode(StrEnum):
    """``expansion`` optimises capacities; ``dispatch`` keeps them at ``existing_mw``."""

    expansion = "expansion"
    dispatch = "dispatch"


class LoadSpec(ScenarioModel):
    """IT load of the campus."""

    it_mw: NonNeg | None = Field(None, description="Constant IT load [MW]")
    profile_csv: Path | None = Field(
        None, description="Hourly IT load CSV (8760 rows, column `it_mw`) [MW]"
    )

    @field_validator("it_mw")
    @classmethod
    def _plausible(cls, value: float | None) -> float | None:
        if value == 0:
            zero = (
                "0 MW of IT load leaves nothing to supply; give the campus's IT load, or "
                "leave load out where compute sets it"
            )
            raise ValueError(zero)
        msg = None if value is None else implausible(value, *CAMPUS_MW_BOUND)
        if msg is not None:
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _one_of(self) -> LoadSpec:
        if (self.it_mw is None) == (self.profile_csv is None):
            msg = "give exactly one of it_mw or profile_csv"
            raise ValueError(msg)
        return self


class TechnologyOptions(ScenarioModel):
    """Per-site options of one technology; cost fields override the catalog."""

    existing_mw: NonNeg = Field(0.0, description="Capacity already built (no capex) [MW]")
    max_mw: NonNeg | None = Field(
        None, description="Build limit incl. existing; none = unbounded [MW]"
    )
    capex_usd_per_kw: NonNeg | None = Field(
        None, description="Override of the power capex [USD/kW]"
    )
    capex_usd_per_kwh: NonNeg | None = Field(
        None, description="Override of the storage energy capex [USD/kWh]"
    )
    fom_usd_per_kw_year: NonNeg | None = Field(
        None, description="Override of fixed O&M [USD/kW/yr]"
    )
    lifetime_years: float | None = Field(None, gt=0, description="Override of the asset life [yr]")
    lead_time_years: NonNeg | None = Field(
        None,
        description="Override of the catalog's lead time from decision to service, used by "
        "roadmaps [yr]",
    )
    backup_only: bool = Field(
        False,
        description="Thermal unit that runs only in grid outages (ride-through); counts in "
        "the planning reserve [-]",
    )
    max_full_load_hours: float | None = Field(
        None, ge=0, le=8760, description="Run-hour permit, as full-load hours per year [h]"
    )
    nox_cap_t: NonNeg | None = Field(None, description="Annual NOx permit of this unit type [t]")
    scr: bool = Field(
        False, description="Selective catalytic reduction: cuts NOx by 90 % at a cost [-]"
    )
    unit_mw: float | None = Field(None, gt=0, description="Size of one unit, for N-1 [MW]")
    capacity_credit: float | None = Field(
        None, ge=0, le=1, description="Accredited firm share for the planning reserve [-]"
    )
    in_service: dt.date | None = Field(None, description="First day in service [-]")
    retire: dt.date | None = Field(
        None,
        description="Day it leaves (temporary units); fixed costs are paid for the "
        "days in service [-]",
    )

    @field_validator("capex_usd_per_kw", "capex_usd_per_kwh")
    @classmethod
    def _plausible_capex(cls, value: float | None, info: ValidationInfo) -> float | None:
        limit, unit, why, small = CAPEX_BOUNDS[str(info.field_name)]
        msg = None if value is None else implausible(value, limit, unit, why, small)
        if msg is not None:
            raise ValueError(msg)
        return value

    def catalog_overrides(self) -> dict[str, float]:
        """The cost and life overrides given, in the catalog's canonical units.

        Keys ``capex_usd_per_mw``, ``capex_energy_usd_per_mwh`` and ``lifetime_years``;
        fixed O&M is :attr:`fom_usd_per_mw_year`, since it also decides whether a catalog
        share of capex applies.
        """
        out: dict[str, float] = {}
        if self.capex_usd_per_kw is not None:
            out["capex_usd_per_mw"] = kw_to_mw_cost(self.capex_usd_per_kw)
        if self.capex_usd_per_kwh is not None:
            out["capex_energy_usd_per_mwh"] = kw_to_mw_cost(self.capex_usd_per_kwh)
        if self.lifetime_years is not None:
            out["lifetime_years"] = self.lifetime_years
        return out

    @property
    def fom_usd_per_mw_year(self) -> float | None:
        """Fixed O&M override [USD/MW/yr], or None."""
        if self.fom_usd_per_kw_year is None:
            return None
        return kw_to_mw_cost(self.fom_usd_per_kw_year)

    @model_validator(mode="after")
    def _limits(self) -> TechnologyOptions:
        if self.max_mw is not None and self.max_mw < self.existing_mw:
            msg = f"max_mw ({self.max_mw}) is below existing_mw ({self.existing_mw})"
            raise ValueError(msg)
        if self.in_service and self.retire and self.retire <= self.in_service:
            msg = f"retire ({self.retire}) is not after in_service ({self.in_service})"
            raise ValueError(msg)
        return self


class SeriesOverrides(ScenarioModel):
    """User hourly series that replace synthesised ones."""

    weather_file: Path | None = Field(
        None,
        description="Hourly weather: EPW, TMY3, PVGIS TMY (csv/json/epw), or CSV with `ghi` "
        "[W/m2], `temp_air` [degC], `relative_humidity` [%] in UTC [-]",
    )
    capacity_factors_csv: Path | None = Field(
        None, description="CSV with one column per variable technology (e.g. `solar_fixed`) [-]"
    )


class SiteSpec(ScenarioModel):
    """One campus at one place."""

    id: str = Field(description="Label used in results [-]", min_length=1)
    catalog: str | None = Field(None, description="Catalog site that supplies defaults [-]")
    latitude: float | None = Field(None, ge=-90, le=90, description="Latitude [deg]")
    longitude: float | None = Field(None, ge=-180, le=180, description="Longitude [deg]")
    load: LoadSpec | None = Field(None, description="IT load other than compute workloads [-]")
    compute: ComputeSpec | None = Field(None, description="AI workloads that set the IT load [-]")
    cooling: Cooling = Field(Cooling.direct_liquid, description="Cooling type [-]")
    grid: GridConnection = Field(default_factory=GridConnection)
    gas_price_usd_per_mmbtu: NonNeg | None = Field(
        None, description="Delivered gas price; default: catalog [USD/MMBtu]"
    )
    technologies: dict[str, TechnologyOptions] = Field(
        default_factory=dict, description="Technologies allowed at this site [-]"
    )
    contracts: list[Contract] = Field(
        default_factory=list, description="Power purchase agreements and storage tolls [-]"
    )
    series: SeriesOverrides = Field(default_factory=SeriesOverrides)

    @property
    def gas_price_usd_per_mwh_th(self) -> float | None:
        """:attr:`gas_price_usd_per_mmbtu` per MWh of heat [USD/MWh_th], or None."""
        if self.gas_price_usd_per_mmbtu is None:
            return None
        return self.gas_price_usd_per_mmbtu / MWH_PER_MMBTU

    @model_validator(mode="after")
    def _location(self) -> SiteSpec:
        if self.catalog is None and (self.latitude is None or self.longitude is None):
            msg = "give a catalog site or both latitude and longitude"
            raise ValueError(msg)
        if self.load is None and self.compute is None:
            msg = "give load, compute or both"
            raise ValueError(msg)
        return self


class Policy(ScenarioModel):
    """Policy constraints, applied per site."""

    cfe_target: float | None = Field(
        None, ge=0, le=1, description="Hourly-matched carbon-free energy share of facility load [-]"
    )
    co2_cap_t: NonNeg | None = Field(None, description="Annual CO2 cap per site [tCO2e]")
    co2_cap_t_per_mwh: NonNeg | None = Field(
        None, description="Annual CO2 cap per MWh of facility load [tCO2e/MWh]"
    )
    carbon_price_usd_per_t: NonNeg = Field(0.0, description="Carbon price [USD/tCO2e]")


class Finance(ScenarioModel):
    """Finance assumptions."""

    wacc: float = Field(
        0.07,
        ge=0,
        le=MAX_WACC,
        description=(
            "Real weighted average cost of capital; default 7 %, the top of a 5-7 % range for "
            "merchant energy assets between NREL ATB 2024 (3.4-5.4 %) and Lazard LCOE+ "
            "(~7.7 % nominal); an estimate [-]"
        ),
    )
    currency_year: int = Field(
        2024, ge=FIRST_YEAR, le=LAST_YEAR, description="Year of the USD values [-]"
    )


class SolverOptions(ScenarioModel):
    """Solver options."""

    mode: Mode = Field(Mode.expansion, description="Optimise capacities or dispatch only [-]")
    method: SolveMethod = Field(SolveMethod.auto, description="LP algorithm [-]")
    time_limit_s: float | None = Field(None, gt=0, description="Solver time limit [s]")
    threads: int = Field(1, ge=1, description="Sites solved in parallel [-]")

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: object) -> object:
        if isinstance(data, dict) and "value_of_lost_load_usd_per_mwh" in data:
            msg = (
                "value_of_lost_load_usd_per_mwh moved to reliability: supply is firm by "
                "default; to allow unserved energy give reliability.allow_unserved: true "
                "and reliability.value_of_lost_load_usd_per_mwh"
            )
            raise ValueError(msg)
        return data


class Aggregation(ScenarioModel):
    """Representative periods: the year solved as a few typical periods (tsam)."""

    period_hours: int = Field(
        24, ge=1, le=8760, description="Hours per period; must divide the year's hours [h]"
    )
    count: int = Field(ge=1, le=8760, description="Typical periods standing for the year [-]")
    compare_exact: bool = Field(
        False,
        description="Also solve the full year, and dispatch the design over it with its "
        "capacities fixed: report the error of cost and capacities and what the design "
        "costs and serves on the year [-]",
    )


class TimeOptions(ScenarioModel):
    """How the year's hours enter the supply LP."""

    aggregation: Aggregation | None = Field(
        None, description="Typical periods instead of all 8,760 hours; none: the full year [-]"
    )
    weather_years: list[Annotated[int, Field(ge=0)]] | None = Field(
        None,
        min_length=1,
        max_length=30,
        description=(
            "Seeds of synthesised weather years solved in one LP with shared capacities "
            "(e.g. [1, 2, 3, 4, 5]); none: one year from the scenario's seed [-]"
        ),
    )


class Scenario(ScenarioModel):
    """A gigafactory scenario."""

    name: str = Field(description="Scenario name [-]", min_length=1)
    title: str = Field("", description="One-line summary shown by `gigafactory presets` [-]")
    description: str = Field("", description="What the scenario represents, with sources [-]")
    seed: int = Field(42, ge=0, description="Seed for synthesised weather [-]")
    year: int = Field(
        2025, ge=FIRST_YEAR, le=LAST_YEAR, description="Calendar year of the hourly index [-]"
    )
    sites: list[SiteSpec] = Field(min_length=1, description="Sites [-]")
    policy: Policy = Field(default_factory=Policy)
    reliability: Reliability = Field(default_factory=Reliability)
    finance: Finance = Field(default_factory=Finance)
    costs: Costs = Field(default_factory=Costs)
    accelerators: dict[str, AcceleratorSpec] = Field(
        default_factory=dict, description="Accelerators the catalog lacks, by name [-]"
    )
    solver: SolverOptions = Field(default_factory=SolverOptions)
    time: TimeOptions = Field(default_factory=TimeOptions)
    orbit: OrbitSpec | None = Field(None, description="Orbital alternative to the first site [-]")
    placement: PlacementSpec | None = Field(None, description="Where to serve inference from [-]")
    roadmap: RoadmapSpec | None = Field(
        None, description="Build-out over stages, optimised in one LP (`gigafactory roadmap`) [-]"
    )

    @model_validator(mode="after")
    def _orbit_needs_compute(self) -> Scenario:
        if self.orbit is not None and self.sites[0].compute is None:
            msg = "orbit: the first site needs compute (the fleet to put in orbit)"
            raise ValueError(msg)
        if self.orbit is None:
            return self
        base = self.orbit.model_dump(include=set(OrbitDesignOptions.model_fields))
        for name, variant in self.orbit.variants.items():
            unknown = sorted(set(variant) - set(OrbitDesignOptions.model_fields))
            if unknown:
                allowed = ", ".join(sorted(OrbitDesignOptions.model_fields))
                msg = (
                    f"orbit.variants.{name}: unknown option '{unknown[0]}'"
                    f"{did_you_mean(unknown[0], list(OrbitDesignOptions.model_fields))}; "
                    f"allowed: {allowed}"
                )
                raise ValueError(msg)
            try:  # the options' own bounds: a variant is a design too
                OrbitDesignOptions.model_validate({**base, **variant})
            except ValidationError as err:
                first = err.errors()[0]
                field = ".".join(str(part) for part in first["loc"])
                msg = f"orbit.variants.{name}.{field}: {first['msg']} (got {first['input']!r})"
                raise ValueError(msg) from None
        return self

    def accelerator_table(self) -> dict[str, catalog.Accelerator]:
        """The catalog's accelerators and the scenario's own, by name."""
        own = {name: spec.to_accelerator(name) for name, spec in self.accelerators.items()}
        return {**catalog.accelerators(), **own}

    @model_validator(mode="after")
    def _own_accelerators_are_new(self) -> Scenario:
        for name in self.accelerators:
            if name in catalog.accelerators():
                msg = (
                    f"accelerators.{name}: already in the catalog; give the scenario's own "
                    "accelerator another name"
                )
                raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _roadmap_sites(self) -> Scenario:
        if self.roadmap is None:
            return self
        ids = [s.id for s in self.sites]
        for k, stage in enumerate(self.roadmap.stages):
            for site, field in [(s, "import_cap_mw") for s in stage.import_cap_mw] + [
                (s, "site_scale") for s in stage.site_scale
            ]:
                if site not in ids:
                    close = difflib.get_close_matches(site, ids, n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    msg = (
                        f"roadmap.stages[{k}].{field}.{site}: no such site; sites: "
                        f"{', '.join(ids)}{hint}"
                    )
                    raise ValueError(msg)
        if self.time.weather_years is not None:
            msg = "roadmap: one weather year per stage; remove time.weather_years"
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _unique_ids(self) -> Scenario:
        ids = [s.id for s in self.sites]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            msg = f"sites: site ids must be unique; repeated: {', '.join(dupes)}"
            raise ValueError(msg)
        return self
