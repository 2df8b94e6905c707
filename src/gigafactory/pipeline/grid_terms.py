"""The grid feed of one site as the supply LP takes it: tariff, carbon, CFE share, dates.

Energy price from a CSV, a flat price, or a tariff as signed (time-of-use energy, demand,
fixed and coincident-peak charges; :mod:`gigafactory.resource.tariff`), else the catalog's
flat average, which is then marked as a fallback. Carbon intensity and the carbon-free
share of imports are hourly: from CSVs, or annual means shaped alike (the carbon-free share
rises where intensity dips), so hourly CFE follows the 24/7 accounting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gigafactory import catalog
from gigafactory.errors import DataFileError, ScenarioError, did_you_mean
from gigafactory.resource import grid as gridshape
from gigafactory.resource import iotools
from gigafactory.resource.tariff import MONTHS_PER_YEAR, HourlyTariff, hourly_tariff
from gigafactory.scenario import FLAT_TARIFF, GridShapeName, SiteSpec
from gigafactory.scenario.bounds import GRID_FLOORS, implausibly_small
from gigafactory.supply import DemandCharge
from gigafactory.units import KG_PER_T, KW_PER_MW

__all__ = [
    "GridTerms",
    "annual_cfe_share",
    "contract_overview",
    "grid_terms",
    "in_service_mask",
    "tariff_overview",
]

PRICE_BOUNDS_USD_PER_MWH = (-1e4, 1e5)
"""Accepted hourly grid tariffs in a price CSV [USD/MWh]; an estimate spanning the
wholesale market floors and caps seen in practice (ERCOT's cap is 5,000)."""

CARBON_BOUNDS_KG_PER_MWH = (0.0, 2000.0)
"""Accepted hourly grid intensities in a carbon CSV [kgCO2e/MWh]; an estimate (lignite plant
emits about 1,100-1,200)."""

FLAT_FALLBACK = FLAT_TARIFF
"""Tariff name of a flat energy price (the catalog's average revenue, or the scenario's)."""


@dataclass(frozen=True)
class GridTerms:
    """A site's grid feed in model units."""

    price_usd_per_mwh: np.ndarray
    carbon_t_per_mwh: np.ndarray
    cfe_share: np.ndarray
    export_price_usd_per_mwh: np.ndarray
    online: np.ndarray | None
    demand_charges: tuple[DemandCharge, ...]
    coincident_usd_per_mw: np.ndarray | float
    fixed_usd_per_year: float
    tariff: str
    """Tariff name; ``flat`` for a flat price, ``csv`` for an hourly price file."""
    tariff_is_fallback: bool
    """True when the price is the catalog's flat average because no tariff is public."""


def in_service_mask(
    index: pd.DatetimeIndex, start: dt.date | None, end: dt.date | None
) -> np.ndarray | None:
    """1 in the hours from ``start`` (inclusive) to ``end`` (exclusive), else 0; None: always.

    Examples
    --------
    >>> idx = pd.date_range("2025-01-01", periods=72, freq="h", tz="UTC")
    >>> in_service_mask(idx, dt.date(2025, 1, 2), None).sum()
    np.float64(48.0)
    """
    if start is None and end is None:
        return None
    days = np.asarray(index.tz_convert("UTC").date)
    on = np.ones(len(index), dtype=bool)
    if start is not None:
        on &= days >= start
    if end is not None:
        on &= days < end
    return on.astype(float)


def _library_tariff(spec: SiteSpec, where: str) -> tuple[str, dict[str, Any]] | None:
    """The tariff the scenario names, or the catalog site's default; None for flat."""
    table = catalog.tariffs()
    name = spec.grid.tariff
    if name == FLAT_FALLBACK:
        return None
    if name is not None:
        if name not in table:
            msg = (
                f"{where}.grid.tariff: unknown tariff '{name}'{did_you_mean(name, table)}; "
                f"allowed: {FLAT_FALLBACK}, {', '.join(sorted(table))}"
            )
            raise ScenarioError(msg)
        return name, table[name]
    for key, entry in table.items():
        if spec.catalog is not None and spec.catalog in entry.get("sites", []):
            return key, entry
    return None


def grid_terms(
    spec: SiteSpec,
    where: str,
    entry: catalog.Site | None,
    index: pd.DatetimeIndex,
    longitude: float,
    temp_air: np.ndarray,
    rng: np.random.Generator,
) -> GridTerms:
    """Hourly price, carbon, CFE share, charges and in-service mask of a site's feed."""
    grid = spec.grid
    tariff: HourlyTariff | None = None
    library = None
    if grid.price_usd_per_mwh is None and grid.price_csv is None:
        library = _library_tariff(spec, where)
    if library is not None:
        tariff = hourly_tariff(library[0], library[1], index, temp_air)
        price = tariff.energy_usd_per_mwh
    else:
        price = _hourly_grid_value(
            grid.price_csv,
            "price_usd_per_mwh",
            PRICE_BOUNDS_USD_PER_MWH,
            1.0,
            grid.price_usd_per_mwh,
            entry.params["grid_price_usd_per_mwh"] if entry else 0.0,
            gridshape.PRICE_SHAPE,
            grid.shape,
            index,
            longitude,
            rng,
        )
    # after the price: the typical shapes draw their noise in this order
    carbon = _hourly_grid_value(
        grid.carbon_csv,
        "carbon_kg_per_mwh",
        CARBON_BOUNDS_KG_PER_MWH,
        KG_PER_T,
        grid.carbon_t_per_mwh,
        entry.params["grid_carbon_t_per_mwh"] if entry else 0.0,
        gridshape.CARBON_SHAPE,
        grid.shape,
        index,
        longitude,
        rng,
    )
    demand = [DemandCharge(n, r, p) for n, r, p in (tariff.demand if tariff else [])]
    if grid.demand_usd_per_kw_month is not None:
        month = np.asarray(index.month) - 1
        demand = [DemandCharge("monthly", grid.demand_usd_per_kw_month * KW_PER_MW, month)]
    fixed = tariff.fixed_usd_per_year if tariff else 0.0
    if grid.fixed_usd_per_month is not None:
        fixed = grid.fixed_usd_per_month * MONTHS_PER_YEAR
    if grid.import_cap_mw <= 0 and not grid.size_to_design:
        fixed = 0.0  # no feed, no bill
    export = (
        np.full(len(index), grid.export_price_usd_per_mwh)
        if grid.export_price_usd_per_mwh is not None
        else price * grid.export_price_fraction
    )
    if tariff is not None:
        name = tariff.name
    elif grid.price_csv is not None:
        name = "csv"
    else:
        name = FLAT_FALLBACK
    return GridTerms(
        price_usd_per_mwh=np.asarray(price, dtype=float),
        carbon_t_per_mwh=carbon,
        cfe_share=_cfe_share(spec, entry, carbon, len(index)),
        export_price_usd_per_mwh=np.asarray(export, dtype=float),
        online=in_service_mask(index, grid.in_service, None),
        demand_charges=tuple(demand),
        coincident_usd_per_mw=tariff.coincident_usd_per_mw if tariff else 0.0,
        fixed_usd_per_year=fixed,
        tariff=name,
        tariff_is_fallback=tariff is None
        and grid.price_csv is None
        and grid.price_usd_per_mwh is None,
    )


def annual_cfe_share(spec: SiteSpec, entry: catalog.Site | None) -> float:
    """The carbon-free share of a site's imports over the year [-].

    ``grid.cfe_share``, else the site library's for the site ``entry``, else 0.
    """
    if spec.grid.cfe_share is not None:
        return spec.grid.cfe_share
    return entry.params.get("grid_cfe_share", 0.0) if entry is not None else 0.0


def _cfe_share(
    spec: SiteSpec, entry: catalog.Site | None, carbon: np.ndarray, n_hours: int
) -> np.ndarray:
    """Hourly carbon-free share of imports [-].

    From ``grid.cfe_csv``, else the annual share (:func:`annual_cfe_share`) shaped by the
    carbon series: the emitting share ``1 - s`` scales with intensity,
    ``s(t) = 1 - (1 - s) k(t) / mean(k)``, clipped to [0, 1]; a flat intensity gives a flat
    share.
    """
    grid = spec.grid
    if grid.cfe_csv is not None:
        data, _ = iotools.read_hourly_csv(
            grid.cfe_csv, ["cfe_share"], n_hours=n_hours, bounds={"cfe_share": (0.0, 1.0)}
        )
        return np.asarray(data["cfe_share"].to_numpy(), dtype=float)
    share = annual_cfe_share(spec, entry)
    mean = float(np.mean(carbon))
    if mean <= 0:
        return np.full(n_hours, share)
    return np.clip(1.0 - (1.0 - share) * carbon / mean, 0.0, 1.0)


def _hourly_grid_value(
    csv: Path | None,
    column: str,
    bounds: tuple[float, float],
    per_model_unit: float,
    given: float | None,
    catalog_mean: float,
    shape: gridshape.GridShape,
    shape_name: GridShapeName,
    index: pd.DatetimeIndex,
    longitude: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """One hourly grid series: a CSV column, or an annual mean, flat or typically shaped.

    The mean is the scenario's (``given``) or else the catalog's; CSV values are divided by
    ``per_model_unit`` [-] to reach the model's unit.
    """
    n_hours = len(index)
    if csv is not None:
        data = iotools.read_hourly_csv(csv, [column], n_hours=n_hours, bounds={column: bounds})
        values = data[0][column].to_numpy()
        if column in GRID_FLOORS:  # a whole column in the unit 1000 times larger
            mean = float(np.mean(values))
            small = implausibly_small(mean, *GRID_FLOORS[column])
            if small is not None:
                msg = f"{csv}: column {column}: its mean, {small}"
                raise DataFileError(msg)
        return np.asarray(values / per_model_unit)
    mean = given if given is not None else catalog_mean
    if shape_name == GridShapeName.typical:
        return gridshape.shaped_series(index, mean, longitude, shape, rng)
    return np.full(n_hours, mean)


def tariff_overview(year: int = 2025) -> pd.DataFrame:
    """The library tariffs: what a flat 1 MW load pays under each, and their sources.

    Columns ``tariff``, ``title``, ``sites``, ``energy_usd_per_mwh`` (mean energy charge),
    ``demand_usd_per_mw_year``, ``coincident_usd_per_mw_year``, ``fixed_usd_per_year``,
    ``flat_load_usd_per_mwh`` (all-in, a constant load), ``estimate``, ``sources``.
    """
    index = pd.date_range(f"{year}-01-01", periods=8760, freq="h", tz="UTC")
    rows = []
    for name, entry in catalog.tariffs().items():
        t = hourly_tariff(name, entry, index, np.zeros(len(index)))
        demand = sum(rate * len(np.unique(p[p >= 0])) for _, rate, p in t.demand)
        coincident = float(np.sum(t.coincident_usd_per_mw))
        energy = float(np.mean(t.energy_usd_per_mwh))
        rows.append(
            {
                "tariff": name,
                "title": t.title,
                "sites": ", ".join(entry.get("sites", [])),
                "energy_usd_per_mwh": energy,
                "demand_usd_per_mw_year": demand,
                "coincident_usd_per_mw_year": coincident,
                "fixed_usd_per_year": t.fixed_usd_per_year,
                "flat_load_usd_per_mwh": energy + (demand + coincident) / len(index),
                "estimate": t.estimate,
                "sources": " | ".join(t.sources),
            }
        )
    return pd.DataFrame(rows)


def contract_overview() -> pd.DataFrame:
    """The library's power purchase agreements (``data/contracts.yaml``), one row each."""
    rows = []
    for name, entry in catalog.contract_presets().items():
        price = entry.get("price_usd_per_mwh")
        rows.append(
            {
                "contract": name,
                "title": entry.get("title", name),
                "technology": entry.get("technology", ""),
                "shape": entry.get("shape", "as_produced"),
                "location": entry.get("location", "off_site"),
                "max_mw": entry.get("max_mw"),
                "price_usd_per_mwh": "cost-based" if price is None else price,
                "sources": " | ".join(entry.get("sources", [])),
            }
        )
    return pd.DataFrame(rows)
