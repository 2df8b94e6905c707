"""Scenario models of firm supply: reliability requirements and power purchase agreements."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from gigafactory.scenario.base import NonNeg, ScenarioModel

__all__ = ["Contract", "ContractLocation", "ContractShape", "Reliability"]


class Reliability(ScenarioModel):
    """How firm the supply must be; each requirement off unless asked for."""

    allow_unserved: bool = Field(
        False,
        description="Let the design leave load unserved at the value of lost load; off: every "
        "hour is served or the scenario is infeasible [-]",
    )
    value_of_lost_load_usd_per_mwh: NonNeg = Field(
        5_000.0,
        description="Cost of unserved energy when allowed; default ERCOT's value of lost load "
        "since 2022 (PUCT Project 52373) [USD/MWh]",
    )
    planning_reserve_margin: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Accredited firm capacity >= design power x (1 + margin); e.g. 0.15 [-]",
    )
    n_minus_1: bool = Field(False, description="Firm without the largest unit or the grid feed [-]")
    ride_through_hours: int = Field(
        0, ge=0, le=168, description="Survive a grid outage this long, starting at any hour [h]"
    )
    capacity_credit: dict[str, float] = Field(
        default_factory=dict,
        description="Accredited firm share by technology, overriding the defaults [-]",
    )


class ContractShape(StrEnum):
    """How a contract delivers: as the plant produces, flat, or storage tolling."""

    as_produced = "as_produced"
    baseload = "baseload"
    tolling = "tolling"


class ContractLocation(StrEnum):
    """On site (behind the meter) or off site (delivered through the grid feed)."""

    on_site = "on_site"
    off_site = "off_site"


class Contract(ScenarioModel):
    """A power purchase agreement for one technology, or a storage toll."""

    name: str = Field(min_length=1, description="Label [-]")
    preset: str | None = Field(
        None, description="Library contract whose fields are the defaults [-]"
    )
    technology: str | None = Field(
        None, description="Catalog technology whose output shape is bought [-]"
    )
    shape: ContractShape | None = Field(None, description="as_produced, baseload or tolling [-]")
    location: ContractLocation | None = Field(
        None, description="on_site, or off_site: needs the grid feed [-]"
    )
    price_usd_per_mwh: NonNeg | None = Field(
        None,
        description="Energy price, paid on all energy produced (as_produced) or "
        "contracted (baseload); none: cost-based, the resource's own annualised cost [USD/MWh]",
    )
    price_usd_per_kw_month: NonNeg | None = Field(
        None, description="Tolling price per kW of storage power [USD/kW-month]"
    )
    mw: NonNeg | None = Field(None, description="Contracted capacity, fixed [MW]")
    max_mw: NonNeg | None = Field(None, description="Contract at most this capacity [MW]")
    volume_mwh_per_year: NonNeg | None = Field(
        None, description="Contracted annual energy, fixed [MWh]"
    )
    certificates: bool | None = Field(
        None, description="Energy attribute certificates come with it (counts as CFE) [-]"
    )

    @model_validator(mode="after")
    def _one_volume(self) -> Contract:
        given = [v for v in (self.mw, self.volume_mwh_per_year) if v is not None]
        if len(given) > 1:
            msg = "give at most one of mw or volume_mwh_per_year"
            raise ValueError(msg)
        if self.preset is None and self.technology is None:
            msg = "give a technology or a preset"
            raise ValueError(msg)
        return self
