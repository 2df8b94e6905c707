"""Scenario models of firm supply: reliability requirements and power purchase agreements."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from gigafactory import catalog
from gigafactory.errors import CatalogError, ScenarioError, did_you_mean
from gigafactory.scenario.base import NonNeg, ScenarioModel

__all__ = ["Contract", "ContractLocation", "ContractShape", "Reliability", "resolve_contract"]


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


def resolve_contract(contract: Contract, where: str) -> Contract:
    """A contract as the model takes it: preset fields, then defaults, where it is silent.

    The library preset's fields fill what the scenario leaves out; then a contract is as
    produced, off site (a storage toll on site) and with certificates unless it says
    otherwise. Its technology is checked against the catalog here.
    """
    fields: dict[str, Any] = {}
    if contract.preset is not None:
        presets = catalog.contract_presets()
        if contract.preset not in presets:
            msg = (
                f"{where}.preset: unknown contract '{contract.preset}'"
                f"{did_you_mean(contract.preset, presets)}; allowed: {', '.join(sorted(presets))}"
            )
            raise ScenarioError(msg)
        preset = presets[contract.preset]
        fields = {k: v for k, v in preset.items() if k not in {"title", "sources"}}
    merged = {**fields, **contract.model_dump(exclude_none=True)}
    merged.setdefault("shape", ContractShape.as_produced)
    tolling = merged["shape"] == ContractShape.tolling
    merged.setdefault(
        "location", ContractLocation.on_site if tolling else ContractLocation.off_site
    )
    merged.setdefault("certificates", True)
    resolved = Contract.model_validate(merged)
    try:
        catalog.get_technology(resolved.technology or "")
    except CatalogError as err:
        msg = f"{where}.technology: {err}"
        raise ScenarioError(msg) from None
    return resolved
