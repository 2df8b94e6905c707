"""Which of the catalog's cost variants a scenario uses: cost year, region and scope."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from gigafactory.scenario.base import ScenarioModel

__all__ = ["COUNTRY_REGIONS", "CostRegion", "CostScope", "Costs"]


class CostRegion(StrEnum):
    """Regions the technology catalog prices for."""

    US = "US"
    KR = "KR"
    CN = "CN"
    EU = "EU"


class CostScope(StrEnum):
    """What a price covers."""

    installed = "installed"
    turnkey = "turnkey"
    ex_works = "ex-works"


COUNTRY_REGIONS = {"US": CostRegion.US, "KR": CostRegion.KR, "CN": CostRegion.CN}
"""A catalog site's country -> the cost region it is priced in by default; EU members
below, and every other country the US (the catalog's fullest region)."""
COUNTRY_REGIONS.update(
    dict.fromkeys(
        ("AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "NL", "PL", "PT", "SE"),
        CostRegion.EU,
    )
)


class Costs(ScenarioModel):
    """Which of the catalog's cost variants to use (year, region, scope)."""

    year: Literal[2025, 2030] = Field(
        2025, description="Cost year of the catalog's variants: 2025 or 2030 [-]"
    )
    region: CostRegion | None = Field(
        None,
        description=(
            "Price region; default: each site's country (KR, CN, EU members; else US). "
            "A region without its own row uses the global one, else the US one, and says so [-]"
        ),
    )
    scope: CostScope = Field(
        CostScope.installed,
        description="What prices cover: installed (incl. grid connection), turnkey, ex-works [-]",
    )
