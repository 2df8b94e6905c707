"""Sourced catalogs: technologies, sites, monthly climate normals and wind power curves.

Every CSV under ``data/`` holds one value per row with its ``unit``, ``source`` and ``year``
(and ``estimate`` when a value is an estimate). Loaders convert the catalog's unit into the
canonical unit here, and nowhere else; an unknown unit is an error, never a guess.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from gigafactory.catalog_rows import (
    _ACCEL_TEXT,
    _ACCEL_UNITS,
    _SITE_TEXT,
    _SITE_UNITS,
    _TECH_UNITS,
    COST_YEARS,
    DEFAULT_COST_YEAR,
    DEFAULT_REGION,
    DEFAULT_SCOPE,
    REGIONS,
    SCOPES,
    CostNote,
    VariantMiss,
    _read_rows,
    accelerator_table,
    chosen_row,
    complete_parameters,
    site_table,
    technology_table,
)
from gigafactory.catalog_wind import (
    diurnal_shape,
    iec_class,
    onshore_curve,
    power_curve,
    rated_mw,
)
from gigafactory.errors import CatalogError, did_you_mean
from gigafactory.units import MWH_PER_MMBTU

__all__ = [
    "COST_YEARS",
    "DEFAULT_COST_YEAR",
    "DEFAULT_REGION",
    "DEFAULT_SCOPE",
    "REGIONS",
    "SCOPES",
    "Accelerator",
    "CatalogValue",
    "CostNote",
    "Site",
    "Technology",
    "VariantMiss",
    "accelerator_from_rows",
    "accelerators",
    "climate_source",
    "contract_presets",
    "diurnal_shape",
    "get_accelerator",
    "get_site",
    "get_technology",
    "iec_class",
    "onshore_curve",
    "power_curve",
    "rated_mw",
    "site_climate",
    "site_overview",
    "site_table",
    "sites",
    "tariffs",
    "technologies",
    "technology_table",
]

PRECISIONS = ("bf16", "fp8", "fp4")
"""Numeric formats with a dense peak rate in the accelerator catalog."""

KINDS = ("variable", "storage", "thermal", "contract", "grid")


@dataclass(frozen=True)
class CatalogValue:
    """One catalog value with its provenance."""

    value: float | str
    unit: str
    source: str
    year: int
    estimate: bool
    note: str = ""
    scope: str = ""
    """What a price covers: installed, turnkey or ex-works (see :data:`SCOPES`)."""
    region: str = ""
    cost_year: int | None = None


@dataclass(frozen=True)
class Technology:
    """A supply technology: canonical parameters plus the rows they came from."""

    name: str
    kind: str
    description: str
    params: dict[str, float]
    provenance: dict[str, CatalogValue] = field(repr=False)
    notes: tuple[CostNote, ...] = ()
    """Where the asked-for cost variant was missing and another row was used."""

    def get(self, key: str, default: float | None = None) -> float:
        """Return a canonical parameter, or ``default`` when given and absent."""
        if key in self.params:
            return self.params[key]
        if default is not None:
            return default
        msg = f"technology '{self.name}' has no parameter '{key}'{did_you_mean(key, self.params)}"
        raise CatalogError(msg)


@dataclass(frozen=True)
class Site:
    """A catalog site: location, grid, fuel price and wind resource."""

    name: str
    label: str
    country: str
    timezone: str
    params: dict[str, float]
    provenance: dict[str, CatalogValue] = field(repr=False)

    @property
    def latitude(self) -> float:
        """Latitude [deg]."""
        return self.params["latitude"]

    @property
    def longitude(self) -> float:
        """Longitude [deg]."""
        return self.params["longitude"]


@dataclass(frozen=True)
class Accelerator:
    """An AI accelerator: canonical parameters (W, FLOP/s, bytes, USD, yr) and provenance."""

    name: str
    label: str
    vendor: str
    params: dict[str, float]
    provenance: dict[str, CatalogValue] = field(repr=False)

    def peak_flops(self, precision: str) -> float:
        """Dense peak rate at ``precision`` [FLOP/s].

        A format without its own rate falls back to the next wider one (e.g. FP4 on H100
        runs at the FP8 rate).
        """
        order = PRECISIONS[: PRECISIONS.index(precision) + 1][::-1]
        for fmt in order:
            if f"flops_{fmt}" in self.params:
                return self.params[f"flops_{fmt}"]
        msg = f"accelerator '{self.name}' has no dense {precision} rate"  # pragma: no cover
        raise CatalogError(msg)


def _grouped(filename: str, key: str) -> dict[str, list[dict[str, str]]]:
    """Rows of a long catalog CSV grouped by their ``key`` column, in file order."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in _read_rows(filename):
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _provenance(row: dict[str, str], value: float | str) -> CatalogValue:
    return CatalogValue(
        value=value,
        unit=row["unit"],
        source=row["source"],
        year=int(row["year"]),
        estimate=row["estimate"] == "true",
        note=row.get("note") or "",
        scope=row.get("scope") or "",
        region=row.get("region") or "",
        cost_year=int(row["cost_year"]) if row.get("cost_year") else None,
    )


def _convert(
    table: dict[tuple[str, str], tuple[str, float]], file: str, row: dict[str, str], key: str
) -> tuple[str, float]:
    param, unit = row["parameter"], row["unit"]
    if (param, unit) not in table:
        allowed = sorted({u for (p, u) in table if p == param})
        msg = (
            f"data/{file}: {row[key]}.{param} has unit '{unit}'; "
            f"allowed: {', '.join(allowed) or 'no such parameter'}"
        )
        raise CatalogError(msg)
    name, factor = table[(param, unit)]
    return name, float(row["value"]) * factor


def technologies(
    year: int = DEFAULT_COST_YEAR, region: str = DEFAULT_REGION, scope: str = DEFAULT_SCOPE
) -> dict[str, Technology]:
    """Load the technology catalog (``data/technologies.csv``) in canonical units.

    Where a parameter has several rows (``region``, ``cost_year``, ``scope`` columns), the
    one for the asked-for region (else ``global``, else the US), year (else the nearest)
    and scope is used; :attr:`Technology.notes` says where the asked-for one was missing.
    Storage without separate charge/discharge efficiencies gets the square root of its
    round-trip efficiency for each; a FOM given as a share of capex is turned into
    USD/MW/yr using the full (power + energy) capex per MW.

    Examples
    --------
    >>> round(technologies()["gas_ct"].params["co2_t_per_mwh_th"], 4)
    0.181
    >>> technologies(region="CN")["liion_4h"].params["capex_energy_usd_per_mwh"]
    85000.0
    """
    for value, allowed, what in (
        (year, COST_YEARS, "cost year"),
        (region, REGIONS, "region"),
        (scope, SCOPES, "scope"),
    ):
        if value not in allowed:
            msg = f"{what} {value!r} not in {', '.join(map(str, allowed))}"
            raise CatalogError(msg)
    return _technologies(year, region, scope)


@functools.cache
def _technologies(year: int, region: str, scope: str) -> dict[str, Technology]:
    grouped = _grouped("technologies.csv", "technology")
    out: dict[str, Technology] = {}
    for name, rows in grouped.items():
        kind, description = "", ""
        params: dict[str, float] = {}
        prov: dict[str, CatalogValue] = {}
        misses: dict[VariantMiss, list[str]] = {}
        by_parameter: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            if row["parameter"] == "kind":
                kind, description = row["value"], row["note"]
                continue
            by_parameter.setdefault(row["parameter"], []).append(row)
        for parameter_rows in by_parameter.values():
            row, missing = chosen_row(parameter_rows, year, region, scope)
            for miss in missing:
                misses.setdefault(miss, []).append(row["parameter"])
            canon, value = _convert(_TECH_UNITS, "technologies.csv", row, "technology")
            params[canon] = value
            prov[canon] = _provenance(row, float(row["value"]))
        if kind not in KINDS:
            msg = f"data/technologies.csv: {name}.kind is '{kind}'; allowed: {', '.join(KINDS)}"
            raise CatalogError(msg)
        complete_parameters(kind, params)
        notes = tuple(CostNote(name, tuple(params_), miss) for miss, params_ in misses.items())
        out[name] = Technology(name, kind, description, params, prov, notes)
    return out


def _library_yaml(filename: str) -> dict[str, dict[str, Any]]:
    import yaml

    text = resources.files("gigafactory").joinpath("data", filename).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):  # pragma: no cover - the shipped file is a mapping
        msg = f"data/{filename}: expected a mapping of names to entries"
        raise CatalogError(msg)
    return data


@functools.cache
def tariffs() -> dict[str, dict[str, Any]]:
    """Grid tariffs as signed (``data/tariffs.yaml``), by name, as written.

    Each has a ``title``, the library ``sites`` that use it by default, a ``timezone``, and
    ``energy``, ``demand``, ``fixed``, ``coincident_peak`` entries with value, unit, source,
    year and estimate; :mod:`gigafactory.resource.tariff` turns one into hourly series.
    """
    return _library_yaml("tariffs.yaml")


@functools.cache
def contract_presets() -> dict[str, dict[str, Any]]:
    """Named power purchase agreements (``data/contracts.yaml``), fields as in a scenario."""
    return _library_yaml("contracts.yaml")


def get_technology(
    name: str,
    year: int = DEFAULT_COST_YEAR,
    region: str = DEFAULT_REGION,
    scope: str = DEFAULT_SCOPE,
) -> Technology:
    """Return one technology, or a :class:`CatalogError` naming the closest match."""
    table = technologies(year, region, scope)
    if name not in table:
        msg = (
            f"unknown technology '{name}'{did_you_mean(name, table)}; "
            f"allowed: {', '.join(sorted(table))}"
        )
        raise CatalogError(msg)
    return table[name]


@functools.cache
def sites() -> dict[str, Site]:
    """Load the site catalog (``data/sites.csv``) in canonical units.

    Examples
    --------
    >>> round(sites()["korea_southwest"].params["grid_carbon_t_per_mwh"], 4)
    0.4173
    """
    grouped = _grouped("sites.csv", "site")
    out: dict[str, Site] = {}
    for name, rows in grouped.items():
        text: dict[str, str] = {}
        params: dict[str, float] = {}
        prov: dict[str, CatalogValue] = {}
        for row in rows:
            if row["parameter"] in _SITE_TEXT:
                text[row["parameter"]] = row["value"]
                prov[row["parameter"]] = _provenance(row, row["value"])
                continue
            canon, value = _convert(_SITE_UNITS, "sites.csv", row, "site")
            params[canon] = value
            prov[canon] = _provenance(row, float(row["value"]))
        out[name] = Site(name, text["name"], text["country"], text["timezone"], params, prov)
    return out


def get_site(name: str) -> Site:
    """Return one catalog site, or a :class:`CatalogError` naming the closest match."""
    table = sites()
    if name not in table:
        allowed = (
            ", ".join(sorted(table))
            if len(table) <= 12
            else f"{len(table)} sites, listed by `gigafactory sites`"
        )
        msg = f"unknown site '{name}'{did_you_mean(name, table)}; allowed: {allowed}"
        raise CatalogError(msg)
    return table[name]


def climate_source(name: str, variable: str) -> CatalogValue:
    """Where a site's monthly ``variable`` normals come from (their first month's row)."""
    frame = _climate()
    rows = frame[(frame["site"] == name) & (frame["variable"] == variable)]
    if rows.empty:
        msg = f"site '{name}' has no monthly '{variable}' normals"
        raise CatalogError(msg)
    row = rows.iloc[0]
    return CatalogValue(
        value=float(row["value"]),
        unit=str(row["unit"]),
        source=str(row["source"]),
        year=int(row["year"]),
        estimate=row["estimate"] == "true",
    )


@functools.cache
def _climate() -> pd.DataFrame:
    rows = _read_rows("site_climate.csv")
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame


def site_climate(name: str) -> pd.DataFrame:
    """Monthly climate normals of a catalog site.

    Returns
    -------
    pandas.DataFrame
        Index ``month`` (1..12); columns ``ghi`` [W/m2], ``temp_mean`` [degC],
        ``temp_max`` [degC], ``relative_humidity`` [%], ``wind_ratio`` (monthly mean wind
        speed over the annual mean) [-].
    """
    get_site(name)
    return _site_climate(name).copy()


@functools.cache
def _site_climate(name: str) -> pd.DataFrame:
    frame = _climate()
    sub = frame[frame["site"] == name]
    table = sub.pivot(index="month", columns="variable", values="value")
    table.columns.name = None
    return table[["ghi", "temp_mean", "temp_max", "relative_humidity", "wind_ratio"]]


def catalog_table(name: str, *, default_variant: bool = False) -> pd.DataFrame:
    """A catalog by name: ``technologies``, ``sites`` or ``accelerators``.

    With ``default_variant``, a parameter priced in several variants (cost year, region,
    scope) keeps only the row the default scenario uses (:data:`DEFAULT_COST_YEAR`,
    :data:`DEFAULT_REGION`, :data:`DEFAULT_SCOPE`), chosen as :func:`technologies` does.
    """
    tables = {
        "technologies": technology_table,
        "sites": site_table,
        "accelerators": accelerator_table,
    }
    if name not in tables:
        msg = f"unknown catalog '{name}'{did_you_mean(name, tables)}; allowed: {', '.join(tables)}"
        raise CatalogError(msg)
    frame = tables[name]()
    if not default_variant or name != "technologies":
        return frame
    chosen = []
    for _, group in frame.groupby(["technology", "parameter"], sort=False):
        rows = [{str(k): str(v) for k, v in row.items()} for row in group.to_dict("records")]
        chosen.append(chosen_row(rows, DEFAULT_COST_YEAR, DEFAULT_REGION, DEFAULT_SCOPE)[0])
    return pd.DataFrame(chosen, columns=frame.columns)


@functools.cache
def accelerators() -> dict[str, Accelerator]:
    """Load the accelerator catalog (``data/accelerators.csv``) in canonical units.

    Examples
    --------
    >>> h100 = accelerators()["h100_sxm"]
    >>> h100.params["flops_bf16"], h100.params["system_w"]
    (989000000000000.0, 1275.0)
    """
    grouped = _grouped("accelerators.csv", "accelerator")
    return {name: accelerator_from_rows(name, rows) for name, rows in grouped.items()}


def accelerator_from_rows(
    name: str, rows: list[dict[str, str]], file: str = "accelerators.csv"
) -> Accelerator:
    """One accelerator from rows shaped as ``data/accelerators.csv``'s (a scenario's too)."""
    text: dict[str, str] = {}
    params: dict[str, float] = {}
    prov: dict[str, CatalogValue] = {}
    for row in rows:
        if row["parameter"] in _ACCEL_TEXT:
            text[row["parameter"]] = row["value"]
            continue
        canon, value = _convert(_ACCEL_UNITS, file, {**row, "accelerator": name}, "accelerator")
        params[canon] = value
        prov[canon] = _provenance(row, float(row["value"]))
    return Accelerator(name, text["name"], text["vendor"], params, prov)


def get_accelerator(name: str) -> Accelerator:
    """Return one accelerator, or a :class:`CatalogError` naming the closest match."""
    table = accelerators()
    if name not in table:
        msg = (
            f"unknown accelerator '{name}'{did_you_mean(name, table)}; "
            f"allowed: {', '.join(sorted(table))}"
        )
        raise CatalogError(msg)
    return table[name]


def site_overview() -> pd.DataFrame:
    """One row per catalog site: location, grid, climate summary, water stress, grid wait.

    Columns: ``site``, ``name``, ``country``, ``latitude``, ``longitude``,
    ``grid_price_usd_per_mwh``, ``grid_carbon_kg_per_mwh``, ``grid_cfe_share`` (carbon-free
    share of the grid, [-]), ``gas_price_usd_per_mmbtu``,
    ``temp_mean_c`` (annual), ``temp_max_c`` (warmest month's mean daily maximum),
    ``ghi_kwh_per_m2_year``, ``wind_onshore_m_s``, ``wind_offshore_m_s``, ``water_stress``
    (0-4), ``grid_wait_years``; NaN where the catalog has no value.
    """
    rows = []
    for name, site in sorted(sites().items()):
        climate = site_climate(name)
        p = site.params
        rows.append(
            {
                "site": name,
                "name": site.label,
                "country": site.country,
                "latitude": site.latitude,
                "longitude": site.longitude,
                "grid_price_usd_per_mwh": p.get("grid_price_usd_per_mwh", np.nan),
                "grid_carbon_kg_per_mwh": p.get("grid_carbon_t_per_mwh", np.nan) * 1e3,
                "grid_cfe_share": p.get("grid_cfe_share", np.nan),
                "gas_price_usd_per_mmbtu": p.get("gas_price_usd_per_mwh_th", np.nan)
                * MWH_PER_MMBTU,
                "temp_mean_c": float(climate["temp_mean"].mean()),
                "temp_max_c": float(climate["temp_max"].max()),
                "ghi_kwh_per_m2_year": float(climate["ghi"].mean()) * 8.76,
                "wind_onshore_m_s": p.get("wind_speed_onshore_m_s", np.nan),
                "wind_offshore_m_s": p.get("wind_speed_offshore_m_s", np.nan),
                "water_stress": p.get("water_stress", np.nan),
                "grid_wait_years": p.get("grid_wait_years", np.nan),
            }
        )
    return pd.DataFrame(rows)
