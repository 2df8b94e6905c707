"""How catalog rows are read: each parameter's unit, and the technology cost variants.

Which row of a parameter serves a cost year, region and scope, what of the asked-for
variant it lacks, and the parameters derived from the rows (used by
:func:`gigafactory.catalog.technologies`).
"""

from __future__ import annotations

import csv
from importlib import resources
from typing import NamedTuple

import numpy as np
import pandas as pd

from gigafactory.units import KG_PER_LB, MWH_PER_MMBTU

__all__ = [
    "COST_YEARS",
    "DEFAULT_COST_YEAR",
    "DEFAULT_REGION",
    "DEFAULT_SCOPE",
    "REGIONS",
    "SCOPES",
    "CostNote",
    "VariantMiss",
    "accelerator_table",
    "chosen_row",
    "complete_parameters",
    "site_table",
    "technology_table",
]

# (parameter, catalog unit) -> (canonical parameter, factor to canonical unit)
_TECH_UNITS: dict[tuple[str, str], tuple[str, float]] = {
    ("capex", "USD/kW"): ("capex_usd_per_mw", 1e3),
    ("capex_energy", "USD/kWh"): ("capex_energy_usd_per_mwh", 1e3),
    ("fom", "USD/kW/yr"): ("fom_usd_per_mw_year", 1e3),
    ("fom_pct", "%/yr"): ("fom_fraction_of_capex", 1e-2),
    ("vom", "USD/MWh"): ("vom_usd_per_mwh", 1.0),
    ("lifetime", "yr"): ("lifetime_years", 1.0),
    ("lead_time", "yr"): ("lead_time_years", 1.0),
    ("efficiency", "-"): ("efficiency", 1.0),
    ("co2", "kg/MMBtu"): ("co2_t_per_mwh_th", 1e-3 / MWH_PER_MMBTU),
    ("nox", "lb/MMBtu"): ("nox_kg_per_mwh_th", KG_PER_LB / MWH_PER_MMBTU),
    ("round_trip_efficiency", "-"): ("round_trip_efficiency", 1.0),
    ("charge_efficiency", "-"): ("charge_efficiency", 1.0),
    ("discharge_efficiency", "-"): ("discharge_efficiency", 1.0),
    ("duration", "h"): ("duration_h", 1.0),
    ("ppa_price", "USD/MWh"): ("ppa_price_usd_per_mwh", 1.0),
    ("availability", "-"): ("availability", 1.0),
    ("fuel_price", "USD/MMBtu"): ("fuel_price_usd_per_mwh_th", 1.0 / MWH_PER_MMBTU),
    ("system_loss", "-"): ("system_loss", 1.0),
    ("gamma_pdc", "1/degC"): ("gamma_pdc_per_degc", 1.0),
    ("dc_ac_ratio", "-"): ("dc_ac_ratio", 1.0),
    ("hub_height", "m"): ("hub_height_m", 1.0),
    ("losses", "-"): ("losses", 1.0),
}

_SITE_UNITS: dict[tuple[str, str], tuple[str, float]] = {
    ("latitude", "deg"): ("latitude", 1.0),
    ("longitude", "deg"): ("longitude", 1.0),
    ("elevation", "m"): ("elevation_m", 1.0),
    ("grid_price", "USD/MWh"): ("grid_price_usd_per_mwh", 1.0),
    ("grid_carbon", "kg/MWh"): ("grid_carbon_t_per_mwh", 1e-3),
    ("grid_cfe", "-"): ("grid_cfe_share", 1.0),
    ("gas_price", "USD/MMBtu"): ("gas_price_usd_per_mwh_th", 1.0 / MWH_PER_MMBTU),
    ("wind_speed_onshore", "m/s"): ("wind_speed_onshore_m_s", 1.0),
    ("wind_speed_offshore", "m/s"): ("wind_speed_offshore_m_s", 1.0),
    ("weibull_k", "-"): ("weibull_k", 1.0),
    ("wind_solar_correlation", "-"): ("wind_solar_correlation", 1.0),
    ("water_stress", "0-4"): ("water_stress", 1.0),
    ("grid_wait", "yr"): ("grid_wait_years", 1.0),
    ("grid_available", "MW"): ("grid_available_mw", 1.0),
}
_SITE_TEXT = {"name", "country", "timezone"}

_ACCEL_UNITS: dict[tuple[str, str], tuple[str, float]] = {
    ("tdp", "W"): ("tdp_w", 1.0),
    ("bf16", "TFLOP/s"): ("flops_bf16", 1e12),
    ("fp8", "TFLOP/s"): ("flops_fp8", 1e12),
    ("fp4", "TFLOP/s"): ("flops_fp4", 1e12),
    ("hbm", "GB"): ("hbm_bytes", 1e9),
    ("hbm_bandwidth", "TB/s"): ("hbm_bytes_per_s", 1e12),
    ("hbm_stacks", "stacks"): ("hbm_stacks", 1.0),
    ("hbm_die", "Gb"): ("hbm_die_bytes", 1e9 / 8),
    ("scaleup_domain", "chips"): ("scaleup_domain", 1.0),
    ("system_power", "W"): ("system_w", 1.0),
    ("price", "USD"): ("price_usd", 1.0),
    ("server_overhead", "-"): ("server_overhead", 1.0),
    ("life", "yr"): ("life_years", 1.0),
}
_ACCEL_TEXT = {"name", "vendor"}

COST_YEARS = (2025, 2030)
"""Years the catalog's cost variants are for."""
REGIONS = ("US", "KR", "CN", "EU")
"""Regions a scenario may price technologies for; rows marked ``global`` serve any."""
SCOPES = ("installed", "turnkey", "ex-works")
"""What a price covers: ``installed`` (equipment, EPC and grid connection, as NREL ATB),
``turnkey`` (equipment and EPC, no grid connection, as BNEF's system prices) or
``ex-works`` (equipment at the factory gate)."""
DEFAULT_COST_YEAR, DEFAULT_REGION, DEFAULT_SCOPE = 2025, "US", "installed"


def _variant_score(
    row: dict[str, str], year: int, region: str, scope: str
) -> tuple[int, int, int, int]:
    """How well a row fits the asked-for variant: region, then year, then scope."""
    row_region = row.get("region") or ""
    if row_region == region:
        region_score = 3
    elif row_region in {"", "global"}:
        region_score = 2
    elif row_region == DEFAULT_REGION:
        region_score = 1
    else:
        region_score = 0
    row_year = int(row.get("cost_year") or 0)
    year_score = 2 if row_year in {0, year} else 1
    scope_score = 1 if (row.get("scope") or "") in {"", "-", scope} else 0
    closeness = -abs(row_year - year) if row_year else 0
    return region_score, year_score, scope_score, closeness


class VariantMiss(NamedTuple):
    """What of the asked-for cost variant a catalog row lacks, and what it has instead."""

    what: str  # "region", "cost year" or "scope"
    asked: str
    used: str

    @property
    def template(self) -> str:
        """The sentence with ``{asked}`` and ``{used}`` as fields (a year has a value)."""
        noun = "value" if self.what == "cost year" else "price"
        return "no {asked} " + noun + ", the {used} one is used"

    @property
    def text(self) -> str:
        """``no KR price, the US one is used``."""
        return self.template.format(asked=self.asked, used=self.used)


class CostNote(NamedTuple):
    """Parameters of one technology priced from another variant than the one asked for."""

    technology: str
    parameters: tuple[str, ...]
    miss: VariantMiss

    @property
    def text(self) -> str:
        """``liion_4h capex, capex_energy: no installed price, the turnkey one is used``."""
        return f"{self.technology} {', '.join(self.parameters)}: {self.miss.text}"


def chosen_row(
    rows: list[dict[str, str]], year: int, region: str, scope: str
) -> tuple[dict[str, str], list[VariantMiss]]:
    """The row of one parameter that fits best, and what of the asked-for variant it lacks."""
    best = max(rows, key=lambda row: _variant_score(row, year, region, scope))
    region_score, year_score, scope_score, _ = _variant_score(best, year, region, scope)
    misses = []
    if region_score < 2:
        misses.append(VariantMiss("region", region, str(best.get("region"))))
    if year_score < 2:
        misses.append(VariantMiss("cost year", str(year), str(best.get("cost_year"))))
    if scope_score < 1:
        misses.append(VariantMiss("scope", scope, str(best.get("scope"))))
    return best, misses


def complete_parameters(kind: str, params: dict[str, float]) -> None:
    """Fill a technology's derived parameters in place.

    Storage efficiencies, fixed O&M from a fraction of capex, zeros for absent costs
    (documented in :func:`gigafactory.catalog.technologies`).
    """
    if kind == "storage":
        if "charge_efficiency" not in params:
            eta = float(np.sqrt(params["round_trip_efficiency"]))
            params["charge_efficiency"] = params["discharge_efficiency"] = eta
        params.setdefault(
            "round_trip_efficiency", params["charge_efficiency"] * params["discharge_efficiency"]
        )
        params.setdefault("capex_energy_usd_per_mwh", 0.0)
    if "fom_fraction_of_capex" in params:
        total = params.get("capex_usd_per_mw", 0.0) + params.get("duration_h", 0.0) * params.get(
            "capex_energy_usd_per_mwh", 0.0
        )
        params["fom_usd_per_mw_year"] = params["fom_fraction_of_capex"] * total
    params.setdefault("fom_usd_per_mw_year", 0.0)
    params.setdefault("vom_usd_per_mwh", 0.0)
    params.setdefault("capex_usd_per_mw", 0.0)


def _read_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("gigafactory").joinpath("data", filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def technology_table() -> pd.DataFrame:
    """The technology catalog as printed by ``gigafactory catalog technologies``."""
    return pd.DataFrame(_read_rows("technologies.csv"))


def site_table() -> pd.DataFrame:
    """The site catalog as printed by ``gigafactory catalog sites``."""
    return pd.DataFrame(_read_rows("sites.csv"))


def accelerator_table() -> pd.DataFrame:
    """The accelerator catalog as printed by ``gigafactory catalog accelerators``."""
    return pd.DataFrame(_read_rows("accelerators.csv"))
