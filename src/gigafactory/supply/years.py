"""Several weather years in one LP: capacities shared, dispatch per year.

A planner sizes firm supply to the worst year, not to a typical one. :func:`stack_years`
lays the same site prepared for N weather years end to end on one time axis (year ``k``'s
hours shifted ``k`` calendar years), so the LP builds one set of capacities that serves every
year. Energy costs, permits and targets are annual sums scaled by the hour weight, which is
``8,760 / (N x 8,760) = 1/N``: the objective is capex plus the mean year's operating cost.
Demand charges are billed per year's billing periods and divided by N the same way
(:attr:`SiteSupply.weather_years`). Storage runs on across the new year, as it does in time; the
last hour wraps to the first, as a single year's does.

:func:`split_years` cuts the solution back into one dataset per year, each on its own
calendar, so every year is summarised like a single-year run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.supply.inputs import DemandCharge, SiteSupply

__all__ = ["split_supply", "split_years", "stack_years", "year_times"]

_HOURLY_SITE = (
    "load_mw",
    "grid_price",
    "grid_carbon",
    "grid_export_price",
    "grid_cfe_share",
    "grid_online",
    "grid_coincident_usd_per_mw",
    "flexible_it_mw",
    "flexible_pue",
)
"""Site inputs that may be hourly arrays (the rest are numbers or settings)."""

_HOURLY_TECH = ("availability", "online")


def year_times(time: pd.DatetimeIndex, n_years: int) -> list[pd.DatetimeIndex]:
    """The hours of ``n_years`` years after one another: ``time`` shifted by 0..N-1 years.

    Examples
    --------
    >>> t = pd.date_range("2025-01-01", periods=2, freq="h", tz="UTC")
    >>> [str(y[0].year) for y in year_times(t, 3)]
    ['2025', '2026', '2027']
    """
    return [time + pd.DateOffset(years=k) if k else time for k in range(n_years)]


def _stacked(values: Sequence[Any], n_hours: int) -> Any:
    """One hourly input of every year end to end; a number stays a number if all agree."""
    if all(v is None for v in values):
        return None
    if all(np.ndim(v) == 0 for v in values) and len({float(v) for v in values}) == 1:
        return values[0]
    return np.concatenate([np.broadcast_to(np.asarray(v, dtype=float), (n_hours,)) for v in values])


def _stack_charge(charges: Sequence[DemandCharge]) -> DemandCharge:
    """One demand charge over the years: each year's billing periods numbered after the last."""
    periods, offset = [], 0
    for charge in charges:
        period = np.asarray(charge.period)
        periods.append(np.where(period >= 0, period + offset, -1))
        offset += int(period.max()) + 1 if (period >= 0).any() else 0
    return replace(charges[0], period=np.concatenate(periods))


def stack_years(sites: Sequence[SiteSupply]) -> SiteSupply:
    """One site over several weather years, end to end on one time axis.

    Parameters
    ----------
    sites : sequence of SiteSupply
        The same site prepared for each weather year: the same technologies and settings,
        each on one year of hours.

    Returns
    -------
    SiteSupply
        Hourly inputs concatenated, year ``k`` on ``time`` shifted ``k`` years.

    Raises
    ------
    ValueError
        Where the years differ in anything but their hourly inputs.
    """
    first = sites[0]
    n_hours = len(first.time)
    if first.periods is not None:
        msg = f"site '{first.name}': weather years stack whole years, not typical periods"
        raise ValueError(msg)
    for other in sites[1:]:
        if [t.name for t in other.techs] != [t.name for t in first.techs] or len(
            other.time
        ) != n_hours:
            msg = f"site '{first.name}': weather years differ in technologies or hours"
            raise ValueError(msg)
    times = year_times(first.time, len(sites))
    techs = tuple(
        replace(
            tech,
            **{
                name: _stacked([getattr(s.techs[i], name) for s in sites], n_hours)
                for name in _HOURLY_TECH
            },
        )
        for i, tech in enumerate(first.techs)
    )
    charges = tuple(
        _stack_charge([s.demand_charges[i] for s in sites])
        for i in range(len(first.demand_charges))
    )
    hourly = {name: _stacked([getattr(s, name) for s in sites], n_hours) for name in _HOURLY_SITE}
    return replace(
        first,
        time=pd.DatetimeIndex(times[0].append(times[1:])),
        techs=techs,
        demand_charges=charges,
        weather_years=len(sites) * first.weather_years,
        **hourly,
    )


def split_years(ds: xr.Dataset, times: Sequence[pd.DatetimeIndex]) -> list[xr.Dataset]:
    """Cut a stacked solution into one dataset per year, each on its own ``times[k]``.

    Each year's ``demand_peaks_mw`` are its own billing periods' peaks; the other
    attributes (objective, marginal values, timings) are the whole LP's.
    """
    n_hours = len(times[0])
    peaks: dict[str, list[float]] = dict(ds.attrs.get("demand_peaks_mw", {}))
    out = []
    for k, time in enumerate(times):
        year = ds.isel(time=slice(k * n_hours, (k + 1) * n_hours)).assign_coords(time=time)
        year.attrs = dict(ds.attrs)
        year.attrs["demand_peaks_mw"] = {
            name: values[k * len(values) // len(times) : (k + 1) * len(values) // len(times)]
            for name, values in peaks.items()
        }
        out.append(year)
    return out


def _cut(value: Any, k: int, n_hours: int) -> Any:
    if value is None or np.ndim(value) == 0:
        return value
    return np.asarray(value)[k * n_hours : (k + 1) * n_hours]


def split_supply(site: SiteSupply, times: Sequence[pd.DatetimeIndex]) -> list[SiteSupply]:
    """Cut stacked inputs back into one site per year, each on its own ``times[k]``.

    The inverse of :func:`stack_years` for the hourly inputs; each year's billing periods
    are numbered from 0 again.
    """
    n_hours = len(times[0])
    out = []
    for k, time in enumerate(times):
        techs = tuple(
            replace(tech, **{name: _cut(getattr(tech, name), k, n_hours) for name in _HOURLY_TECH})
            for tech in site.techs
        )
        charges = []
        for charge in site.demand_charges:
            period = np.asarray(_cut(charge.period, k, n_hours))
            billed = period[period >= 0]
            first = int(billed.min()) if billed.size else 0
            charges.append(replace(charge, period=np.where(period >= 0, period - first, -1)))
        hourly = {name: _cut(getattr(site, name), k, n_hours) for name in _HOURLY_SITE}
        out.append(
            replace(
                site,
                time=time,
                techs=techs,
                demand_charges=tuple(charges),
                weather_years=1,
                periods=None,
                **hourly,
            )
        )
    return out
