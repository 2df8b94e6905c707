"""Scenario sections of the studies: an orbital alternative and the placement of inference."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from gigafactory.scenario.base import FIRST_YEAR, LAST_YEAR, NonNeg, ScenarioModel

__all__ = [
    "CandidateKind",
    "OrbitDesignOptions",
    "OrbitSpec",
    "PlacementCandidate",
    "PlacementSpec",
    "RoadmapSpec",
    "RoadmapStage",
]


class OrbitDesignOptions(ScenarioModel):
    """Design assumptions of an orbital cluster (defaults: :func:`gigafactory.orbital.design`)."""

    altitude_km: float = Field(650.0, gt=160, le=2000, description="Circular orbit altitude [km]")
    inclination_deg: float | None = Field(
        None, ge=0, le=180, description="Inclination; none = dawn-dusk sun-synchronous [deg]"
    )
    cell_efficiency: float = Field(0.22, gt=0, le=0.5, description="Solar cell efficiency [-]")
    array_specific_power_w_kg: float = Field(59.0, gt=0, description="Array specific power [W/kg]")
    array_usd_per_w: float = Field(0.03, ge=0, description="Array cost [USD/W]")
    radiator_temperature_c: float = Field(
        20.0, gt=-50, lt=150, description="Radiator temperature [degC]"
    )
    radiator_kg_m2: float = Field(14.2, gt=0, description="Radiator areal mass [kg/m2]")
    radiator_usd_m2: float = Field(500.0, ge=0, description="Radiator cost; an estimate [USD/m2]")
    battery_wh_kg: float = Field(150.0, gt=0, description="Battery specific energy [Wh/kg]")
    battery_usd_per_kwh: float = Field(300.0, ge=0, description="Battery cost [USD/kWh]")
    structure_fraction: float = Field(
        0.20, ge=0, le=2, description="Structure and shielding mass share [-]"
    )
    accelerator_mass_kg: float = Field(
        18.9,
        gt=0,
        description="Mass per accelerator incl. its server and rack share; GB200 NVL72 "
        "1.36 t / 72 (independent critique of Starcloud's white paper, angadh.com "
        "'space data centers', 2025) [kg]",
    )
    launch_usd_per_kg: float = Field(500.0, ge=0, description="Launch price [USD/kg]")
    launch_capacity_kg: float = Field(100_000.0, gt=0, description="Payload per launch [kg]")
    hardware_life_years: float = Field(5.0, gt=0, description="Accelerator life in orbit [yr]")
    system_life_years: float = Field(10.0, gt=0, description="Array, radiator, structure life [yr]")
    radiation_derate: float = Field(
        0.95,
        gt=0,
        le=1,
        description="Useful share of accelerator time under radiation; an estimate [-]",
    )


class OrbitSpec(OrbitDesignOptions):
    """An orbital alternative for the scenario's first site's compute fleet."""

    variants: dict[str, dict[str, float | None]] = Field(
        default_factory=dict,
        description="Named sets of design options that override the ones above [-]",
    )
    launch_prices_usd_per_kg: list[float] = Field(
        default_factory=lambda: [20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 1500.0, 3000.0],
        description="Launch prices for the sensitivity chart [USD/kg]",
    )


class CandidateKind(StrEnum):
    """Where a placement candidate serves from."""

    ground = "ground"
    edge = "edge"
    leo = "leo"


class PlacementCandidate(ScenarioModel):
    """A place inference may be served from."""

    name: str = Field(min_length=1, description="Label [-]")
    kind: CandidateKind = Field(description="ground, edge (fibre) or leo (a LEO shell) [-]")
    catalog: str | None = Field(None, description="Catalog site for location and country [-]")
    latitude: float | None = Field(None, ge=-90, le=90, description="Latitude [deg]")
    longitude: float | None = Field(None, ge=-180, le=180, description="Longitude [deg]")
    country: str | None = Field(None, description="ISO country code; LEO is 'LEO' [-]")
    altitude_km: float = Field(550.0, gt=160, le=2000, description="LEO shell altitude [km]")
    capacity_accelerators: float = Field(gt=0, description="Accelerators available [-]")
    usd_per_accelerator_hour: float = Field(ge=0, description="Cost of serving [USD/h]")

    @model_validator(mode="after")
    def _where(self) -> PlacementCandidate:
        located = self.catalog is not None or (
            self.latitude is not None and self.longitude is not None
        )
        if self.kind != CandidateKind.leo and not located:
            msg = "give a catalog site or latitude and longitude"
            raise ValueError(msg)
        if self.kind != CandidateKind.leo and self.catalog is None and self.country is None:
            msg = "give the country of a site without a catalog entry"
            raise ValueError(msg)
        return self


class PlacementSpec(ScenarioModel):
    """Latency-constrained placement of inference demand from user regions."""

    countries: list[str] = Field(min_length=1, description="User countries, ISO codes [-]")
    min_population: int = Field(500_000, ge=0, description="Smallest city counted [-]")
    top_regions: int | None = Field(None, gt=0, description="Largest cities only [-]")
    accelerators_per_million_people: float = Field(
        gt=0, description="Demand [accelerators per 1e6 people]"
    )
    slo_rtt_ms: float = Field(gt=0, description="Round-trip time limit [ms]")
    sovereignty: dict[str, list[str]] = Field(
        default_factory=dict,
        description="User country -> countries allowed to serve it ('LEO' for orbit) [-]",
    )
    candidates: list[PlacementCandidate] = Field(
        min_length=1, description="Sites to serve from [-]"
    )
    unserved_penalty_usd_per_accelerator_hour: float = Field(
        1000.0, gt=0, description="Penalty on demand left unserved [USD/h]"
    )


class RoadmapStage(ScenarioModel):
    """One stage of a build-out: a year, the share of the campus in service, its grid."""

    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="Calendar year the stage starts [-]")
    scale: float = Field(
        1.0,
        ge=0,
        le=10,
        description="Share of each site's IT load (compute and other load) in service, "
        "against the scenario as written [-]",
    )
    site_scale: dict[str, Annotated[float, Field(ge=0, le=10)]] = Field(
        default_factory=dict,
        description="Share of the IT load in service by site id, overriding scale there [-]",
    )
    import_cap_mw: dict[str, NonNeg] = Field(
        default_factory=dict,
        description="Grid import cap in this stage by site id; others keep the scenario's [MW]",
    )

    def scale_of(self, site: str) -> float:
        """Share of one site's IT load in service in this stage [-]."""
        return self.site_scale.get(site, self.scale)


class RoadmapSpec(ScenarioModel):
    """A build-out over several stages, optimised in one LP (see docs/roadmap.md)."""

    stages: list[RoadmapStage] = Field(
        min_length=1, max_length=12, description="Stages in ascending years [-]"
    )
    decided: int | None = Field(
        None,
        ge=FIRST_YEAR,
        le=LAST_YEAR,
        description="Year the plan is decided: lead times count from it; default: the "
        "first stage's year [-]",
    )
    end: int | None = Field(
        None,
        ge=FIRST_YEAR,
        le=LAST_YEAR + 1,
        description="Year the horizon ends (exclusive); default: the last stage's year plus "
        "the gap before it (one year for a single stage) [-]",
    )

    grid_wait: bool = Field(
        False,
        description="A site's grid feed serves only from the decision year plus its site "
        "library's grid_wait_years (an estimate per site); a stage's own import_cap_mw wins [-]",
    )
    typical_days: int | None = Field(
        None,
        ge=1,
        le=365,
        description="Typical days per stage's year (tsam, plus the extreme days) instead of "
        "every hour; default: time.aggregation's count, else every hour [-]",
    )

    @model_validator(mode="after")
    def _ordered(self) -> RoadmapSpec:
        years = [s.year for s in self.stages]
        if years != sorted(set(years)):
            msg = f"stages: years {years} must be distinct and ascending"
            raise ValueError(msg)
        if self.end is not None and self.end <= years[-1]:
            msg = f"end: {self.end} is not after the last stage ({years[-1]})"
            raise ValueError(msg)
        if self.decided is not None and self.decided > years[0]:
            msg = f"decided: {self.decided} is after the first stage ({years[0]})"
            raise ValueError(msg)
        return self

    @property
    def years(self) -> list[int]:
        """Calendar year of each stage."""
        return [s.year for s in self.stages]

    @property
    def decision_year(self) -> int:
        """Year lead times count from."""
        return self.years[0] if self.decided is None else self.decided

    @property
    def end_year(self) -> int:
        """Year the horizon ends (exclusive)."""
        if self.end is not None:
            return self.end
        years = self.years
        return years[-1] + (years[-1] - years[-2] if len(years) > 1 else 1)
