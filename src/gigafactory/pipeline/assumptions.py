"""What a site's answer rests on: each input that mattered, with its value, unit and source.

Catalog values keep the catalog's own unit and citation (``USD/kW``, ``USD/MMBtu``); a
value the scenario gave says ``scenario``. The headline sentence is
:func:`gigafactory.summary.headline`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gigafactory import catalog
from gigafactory.pipeline.prepare import WIND_SPEED_PARAMETER
from gigafactory.pipeline.supply_techs import site_catalog
from gigafactory.summary import Assumption
from gigafactory.units import DAYS_PER_MONTH

if TYPE_CHECKING:
    from gigafactory.pipeline.prepare import PreparedSite
    from gigafactory.scenario import Scenario, SiteSpec

__all__ = ["TECHNOLOGY_INPUTS", "site_assumptions"]

TECHNOLOGY_INPUTS = {
    "capex_usd_per_mw": "capex",
    "capex_energy_usd_per_mwh": "energy capex",
    "fom_usd_per_mw_year": "fixed O&M",
    "fom_fraction_of_capex": "fixed O&M",
    "vom_usd_per_mwh": "variable O&M",
    "lifetime_years": "life",
    "efficiency": "efficiency",
    "round_trip_efficiency": "round-trip efficiency",
    "ppa_price_usd_per_mwh": "PPA price",
    "fuel_price_usd_per_mwh_th": "fuel price",
    "losses": "losses",
}
"""Catalog parameters of a technology shown among the assumptions, with their labels."""

OVERRIDES = {
    "capex_usd_per_mw": ("capex_usd_per_kw", "USD/kW"),
    "capex_energy_usd_per_mwh": ("capex_usd_per_kwh", "USD/kWh"),
    "fom_usd_per_mw_year": ("fom_usd_per_kw_year", "USD/kW/yr"),
    "lifetime_years": ("lifetime_years", "yr"),
}
"""Catalog parameter -> the scenario option that overrides it, in the scenario's unit."""

SITE_INPUTS = {
    "grid_price_usd_per_mwh": "grid price (flat average)",
    "grid_carbon_t_per_mwh": "grid carbon intensity",
    "grid_cfe_share": "grid carbon-free share",
    "gas_price_usd_per_mwh_th": "gas price",
    "grid_available_mw": "grid feed available",
    "weibull_k": "wind Weibull k",
    "wind_solar_correlation": "wind-solar correlation",
}
"""Catalog site parameters shown among the assumptions, with their labels."""


def _from_catalog(item: str, value: catalog.CatalogValue) -> Assumption:
    return Assumption(
        item=item,
        value=value.value,
        unit=value.unit,
        source=value.source,
        year=value.year,
        estimate=value.estimate,
        scope=value.scope,
    )


def _given(item: str, value: float | str, unit: str) -> Assumption:
    return Assumption(item=item, value=value, unit=unit, source="scenario")


def _site_inputs_given(spec: SiteSpec) -> dict[str, tuple[float | str, str]]:
    """The site library inputs this site's scenario sets itself: value and unit."""
    grid = spec.grid
    given: dict[str, tuple[float | str, str]] = {}
    for key, value, csv, unit in (
        ("grid_price_usd_per_mwh", grid.price_usd_per_mwh, grid.price_csv, "USD/MWh"),
        ("grid_carbon_t_per_mwh", grid.carbon_kg_per_mwh, grid.carbon_csv, "kg/MWh"),
        ("grid_cfe_share", grid.cfe_share, grid.cfe_csv, "-"),
        ("gas_price_usd_per_mwh_th", spec.gas_price_usd_per_mmbtu, None, "USD/MMBtu"),
    ):
        if csv is not None:
            given[key] = (csv.name, "file")
        elif value is not None:
            given[key] = (value, unit)
    return given


def site_assumptions(scenario: Scenario, prep: PreparedSite) -> list[Assumption]:
    """Every input that shaped this site's LP: technologies, site, finance, policy.

    Parameters
    ----------
    scenario : Scenario
        The scenario the site belongs to (finance, policy, cost basis).
    prep : PreparedSite
        The prepared site.

    Returns
    -------
    list of Assumption
        In the order technologies, site, grid, finance and policy.
    """
    spec = prep.spec
    table = site_catalog(scenario, spec)
    out: list[Assumption] = []
    for tech in prep.supply.techs:
        if tech.name not in table:
            continue  # a contract: priced by its own terms, listed with the contracts
        row = table[tech.name]
        options = spec.technologies.get(tech.name)
        for key, what in TECHNOLOGY_INPUTS.items():
            item = f"{tech.name} {what}"
            given = OVERRIDES.get(key)
            if options is not None and given and getattr(options, given[0]) is not None:
                out.append(_given(item, getattr(options, given[0]), given[1]))
            elif key in row.provenance:
                out.append(_from_catalog(item, row.provenance[key]))
        if tech.max_mw is not None:
            out.append(_given(f"{tech.name} build limit", tech.max_mw, "MW"))
    entry = catalog.get_site(spec.catalog) if spec.catalog else None
    if entry is not None:
        set_here = _site_inputs_given(spec)
        for key, what in SITE_INPUTS.items():
            if key in set_here:
                out.append(_given(what, *set_here[key]))
            elif key in entry.provenance:
                out.append(_from_catalog(what, entry.provenance[key]))
        for name, key in WIND_SPEED_PARAMETER.items():
            if any(t.name == name for t in prep.supply.techs) and key in entry.provenance:
                out.append(_from_catalog(f"{name} mean speed", entry.provenance[key]))
        ghi = catalog.site_climate(entry.name)["ghi"]
        origin = catalog.climate_source(entry.name, "ghi")
        out.append(
            Assumption(
                item="annual mean GHI",
                value=round(float(np.average(ghi, weights=DAYS_PER_MONTH)), 1),
                unit="W/m2",
                source=origin.source,
                year=origin.year,
                estimate=origin.estimate,
            )
        )
    elif spec.series.weather_file is not None:
        out.append(_given("weather", spec.series.weather_file.name, "file"))
    out.append(
        Assumption(
            item="tariff",
            value=prep.grid.tariff,
            unit="-",
            source="scenario" if spec.grid.tariff else "the site's public tariff (site library)",
        )
    )
    out.append(_given("grid import cap", prep.supply.grid_import_cap_mw, "MW"))
    out.append(_given("WACC", scenario.finance.wacc, "-"))
    policy = scenario.policy
    if policy.cfe_target is not None:
        out.append(_given("hourly CFE target", policy.cfe_target, "-"))
    if policy.co2_cap_t is not None:
        out.append(_given("CO2 cap", policy.co2_cap_t, "t/yr"))
    if policy.carbon_price_usd_per_t:
        out.append(_given("carbon price", policy.carbon_price_usd_per_t, "USD/t"))
    return out
