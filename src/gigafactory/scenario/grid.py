"""The grid connection of a site: import cap, tariff, carbon, carbon-free share."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

from pydantic import Field, ValidationInfo, field_validator

from gigafactory.scenario.base import NonNeg, ScenarioModel
from gigafactory.scenario.bounds import (
    CAMPUS_MW_BOUND,
    GRID_FLOORS,
    implausible,
    implausibly_small,
)
from gigafactory.units import kg_per_mwh_to_t_per_mwh

__all__ = ["FLAT_TARIFF", "GridConnection", "GridShapeName"]

FLAT_TARIFF = "flat"
"""``grid.tariff`` value that asks for the flat average price instead of a library tariff."""


class GridShapeName(StrEnum):
    """Hourly shape given to annual grid figures (see :mod:`gigafactory.grid`)."""

    flat = "flat"
    typical = "typical"


class GridConnection(ScenarioModel):
    """Grid connection: import cap, tariff and carbon intensity (catalog values by default)."""

    import_cap_mw: NonNeg = Field(0.0, description="Largest grid import [MW]")
    size_to_design: bool = Field(
        False,
        description="Size the connection to the design power (nameplate IT x peak PUE); "
        "overrides import_cap_mw [-]",
    )
    price_usd_per_mwh: NonNeg | None = Field(
        None, description="Flat energy tariff; default: the site's catalog tariff [USD/MWh]"
    )
    price_csv: Path | None = Field(
        None, description="Hourly tariff CSV (column `price_usd_per_mwh`) [USD/MWh]"
    )
    carbon_kg_per_mwh: NonNeg | None = Field(
        None, description="Average grid carbon intensity; default: catalog [kgCO2e/MWh]"
    )
    carbon_csv: Path | None = Field(
        None, description="Hourly carbon intensity CSV (column `carbon_kg_per_mwh`) [kgCO2e/MWh]"
    )
    shape: GridShapeName = Field(
        GridShapeName.flat,
        description="Hourly shape of an annual tariff and intensity: flat or typical "
        "(evening price peak, midday carbon dip; annual means kept) [-]",
    )
    cfe_share: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Carbon-free share of grid imports for CFE matching; default: the site "
        "library's (`gigafactory sites`), 0 for a site outside it [-]",
    )
    export_cap_mw: NonNeg = Field(0.0, description="Largest export to the grid [MW]")
    export_price_fraction: float = Field(
        0.5, ge=0, le=1, description="Export revenue as a share of the import tariff [-]"
    )
    export_price_usd_per_mwh: NonNeg | None = Field(
        None, description="Flat export price; overrides export_price_fraction [USD/MWh]"
    )
    tariff: str | None = Field(
        None,
        description="Library tariff (`gigafactory tariffs`), or `flat` for the flat "
        "average; default: the site's library tariff where one is public, else flat; "
        "ignored when price_usd_per_mwh or price_csv is given [-]",
    )
    demand_usd_per_kw_month: NonNeg | None = Field(
        None,
        description="Demand charge on each month's peak import; overrides the tariff's "
        "[USD/kW-month]",
    )
    fixed_usd_per_month: NonNeg | None = Field(
        None, description="Fixed charges; overrides the tariff's [USD/month]"
    )
    cfe_csv: Path | None = Field(
        None, description="Hourly carbon-free share of imports CSV (column `cfe_share`) [-]"
    )
    in_service: dt.date | None = Field(
        None, description="Date the feed is energised; no import before it [-]"
    )

    @field_validator("price_usd_per_mwh", "carbon_kg_per_mwh")
    @classmethod
    def _plausible_floor(cls, value: float | None, info: ValidationInfo) -> float | None:
        floor, unit, why, big = GRID_FLOORS[str(info.field_name)]
        msg = None if value is None else implausibly_small(value, floor, unit, why, big)
        if msg is not None:
            raise ValueError(msg)
        return value

    @field_validator("import_cap_mw")
    @classmethod
    def _plausible_feed(cls, value: float) -> float:
        msg = implausible(value, *CAMPUS_MW_BOUND)
        if msg is not None:
            raise ValueError(msg)
        return value

    @property
    def carbon_t_per_mwh(self) -> float | None:
        """:attr:`carbon_kg_per_mwh` in the model's unit [tCO2e/MWh], or None."""
        if self.carbon_kg_per_mwh is None:
            return None
        return kg_per_mwh_to_t_per_mwh(self.carbon_kg_per_mwh)
