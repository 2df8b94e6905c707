"""A grid tariff as signed, turned into the hourly series the supply LP takes.

A tariff from ``data/tariffs.yaml`` (:func:`gigafactory.catalog.tariffs`) has time-of-use
energy charges by season and period, adders per kWh, a demand charge on the peak of each
month or of the year, fixed charges per month and coincident-peak charges (ERCOT's 4CP).
:func:`hourly_tariff` converts its units once (KRW, USD per kWh, per kW-month) into USD/MWh
and USD/MW and lays them on the hourly index in the tariff's local time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gigafactory.errors import CatalogError
from gigafactory.units import HOURS_PER_YEAR, KW_PER_MW

__all__ = ["MONTHS_PER_YEAR", "HourlyTariff", "hourly_tariff"]

MONTHS_PER_YEAR = 12
"""Billing months in a year [-]."""


@dataclass(frozen=True)
class HourlyTariff:
    """A tariff on an hourly index, in model units.

    Attributes
    ----------
    name, title : str
        Library name and a readable title.
    energy_usd_per_mwh : numpy.ndarray
        Energy charge in each hour, adders included [USD/MWh].
    demand : list of (str, float, numpy.ndarray)
        Demand charges: name, charge per MW of each period's peak [USD/MW] and the billing
        period of each hour (-1 for hours not billed).
    coincident_usd_per_mw : numpy.ndarray
        Charge per MW imported in each hour (coincident peaks) [USD/MW].
    fixed_usd_per_year : float
        Fixed charges [USD/yr].
    estimate : bool
        Any of its numbers is an estimate.
    sources : list of str
        The sources of its numbers.
    """

    name: str
    title: str
    energy_usd_per_mwh: np.ndarray
    demand: list[tuple[str, float, np.ndarray]] = field(default_factory=list)
    coincident_usd_per_mw: np.ndarray | float = 0.0
    fixed_usd_per_year: float = 0.0
    estimate: bool = False
    sources: list[str] = field(default_factory=list)


def _per_mwh(entry: dict[str, Any], value: float, usd_per_krw: float, where: str) -> float:
    unit = entry["unit"]
    factors = {"USD/MWh": 1.0, "USD/kWh": KW_PER_MW, "KRW/kWh": KW_PER_MW * usd_per_krw}
    if unit not in factors:
        msg = f"data/tariffs.yaml: {where} has unit '{unit}'; allowed: {', '.join(factors)}"
        raise CatalogError(msg)
    return value * factors[unit]


def _per_mw(entry: dict[str, Any], usd_per_krw: float, where: str) -> tuple[float, str]:
    """A per-kW charge in USD per MW, and its period (``month`` or ``year``)."""
    unit = entry["unit"]
    units = {
        "USD/kW-month": (KW_PER_MW, "month"),
        "KRW/kW-month": (KW_PER_MW * usd_per_krw, "month"),
        "USD/kW-year": (KW_PER_MW, "year"),
    }
    if unit not in units:
        msg = f"data/tariffs.yaml: {where} has unit '{unit}'; allowed: {', '.join(units)}"
        raise CatalogError(msg)
    factor, period = units[unit]
    return float(entry["value"]) * factor, period


def _season_period(
    tariff: dict[str, Any], month: np.ndarray, hour: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Season and period name of each hour."""
    seasons = tariff.get("seasons", {"all": list(range(1, 13))})
    season = np.full(month.shape, "", dtype=object)
    for name, months in seasons.items():
        season[np.isin(month, months)] = name
    period = np.full(month.shape, "all", dtype=object)
    for name, by_period in tariff.get("periods", {}).items():
        in_season = season == name
        rest = [p for p, hours in by_period.items() if hours == "rest"]
        if rest:
            period[in_season] = rest[0]
        for p, hours in by_period.items():
            if hours != "rest":
                period[in_season & np.isin(hour, hours)] = p
    return season, period


def _coincident_hours(
    local: pd.DatetimeIndex, temp_air: np.ndarray, months: list[int], hour: int
) -> np.ndarray:
    """Index of the given local hour on the hottest day of each of the months [-]."""
    frame = pd.DataFrame({"t": temp_air, "day": local.normalize(), "month": local.month})
    picks = []
    for m in months:
        days = frame[frame["month"] == m]
        if days.empty:
            continue
        hottest = days.groupby("day")["t"].max().idxmax()
        at = np.flatnonzero((frame["day"] == hottest).to_numpy() & (local.hour == hour))
        if at.size:
            picks.append(int(at[0]))
    return np.asarray(picks, dtype=int)


def hourly_tariff(
    name: str, tariff: dict[str, Any], index: pd.DatetimeIndex, temp_air: np.ndarray
) -> HourlyTariff:
    """Lay a library tariff on an hourly index (see the module docstring).

    Parameters
    ----------
    name : str
        Library name.
    tariff : dict
        The entry of :func:`gigafactory.catalog.tariffs`.
    index : pandas.DatetimeIndex
        Hourly UTC time stamps.
    temp_air : numpy.ndarray
        Hourly air temperature at the site, to place coincident peaks [degC].

    Notes
    -----
    With ``calibrate_flat_load_to`` the energy charges are scaled by one factor s so that
    a constant 1 MW load pays that average all-in: ``s sum_t e(t) + 8760 a + 12 d = 8760 c``
    (energy e, adders a, demand d per MW-month, target c).
    """
    local = index.tz_convert(tariff.get("timezone", "UTC"))
    month, hour = np.asarray(local.month), np.asarray(local.hour)
    currency = tariff.get("currency")
    usd_per_krw = 1.0 / float(currency["value"]) if currency else float("nan")
    energy_entry = tariff["energy"]
    season, period = _season_period(tariff, month, hour)
    energy = np.zeros(len(index))
    for s_name, by_period in energy_entry["values"].items():
        for p_name, value in by_period.items():
            mask = (season == s_name) | (s_name == "all")
            mask &= (period == p_name) | (p_name == "all")
            energy[mask] = _per_mwh(energy_entry, float(value), usd_per_krw, f"{name}.energy")
    adders = 0.0
    if "energy_adders" in tariff:
        entry = tariff["energy_adders"]
        adders = _per_mwh(entry, float(entry["value"]), usd_per_krw, f"{name}.energy_adders")
    demand: list[tuple[str, float, np.ndarray]] = []
    demand_per_mw_year = 0.0
    if "demand" in tariff:
        entry = tariff["demand"]
        rate, per = _per_mw(entry, usd_per_krw, f"{name}.demand")
        per_year = rate * (MONTHS_PER_YEAR if per == "month" else 1.0)
        demand_per_mw_year = per_year
        if entry.get("basis", "monthly") == "annual_peak":
            demand.append(("annual-peak", per_year, np.zeros(len(index), dtype=int)))
        else:
            demand.append(("monthly", rate, month - 1))
    coincident = np.zeros(len(index))
    if "coincident_peak" in tariff:
        entry = tariff["coincident_peak"]
        rate, _ = _per_mw(entry, usd_per_krw, f"{name}.coincident_peak")
        hours = _coincident_hours(local, temp_air, entry["months"], int(entry["hour"]))
        coincident[hours] = rate / max(len(entry["months"]), 1)
    if "calibrate_flat_load_to" in tariff:
        entry = tariff["calibrate_flat_load_to"]
        target = _per_mwh(entry, float(entry["value"]), usd_per_krw, f"{name}.calibrate")
        n = len(index)
        scale = (target * n - adders * n - demand_per_mw_year * n / HOURS_PER_YEAR) / energy.sum()
        energy = energy * scale
    fixed = 0.0
    if "fixed" in tariff:
        entry = tariff["fixed"]
        if entry["unit"] != "USD/month":
            msg = f"data/tariffs.yaml: {name}.fixed has unit '{entry['unit']}'; allowed: USD/month"
            raise CatalogError(msg)
        fixed = float(entry["value"]) * MONTHS_PER_YEAR
    entries = [v for v in tariff.values() if isinstance(v, dict) and "source" in v]
    sources = [str(v["source"]) for v in entries]
    if "periods_source" in tariff:
        sources.append(str(tariff["periods_source"]))
    return HourlyTariff(
        name=name,
        title=str(tariff.get("title", name)),
        energy_usd_per_mwh=energy + adders,
        demand=demand,
        coincident_usd_per_mw=coincident,
        fixed_usd_per_year=fixed,
        estimate=any(bool(v.get("estimate")) for v in entries),
        sources=sources,
    )
