"""Representative periods: the year as a few typical days, chosen with tsam.

The supply LP of a year has 8,760 hours of dispatch coupled by a handful of capacities.
:func:`cluster_periods` groups the year's days by their hourly load, availability, prices
and carbon (tsam, hierarchical clustering, each group represented by its medoid, a real
day), :func:`typical_site` builds the LP's inputs on those days only, each hour weighted by
the days it stands for (each medoid's renewable availability scaled to its group's energy),
and :func:`expand_solution` lays the solution back onto the year. :func:`stress_periods`
names the days a design from typical days cannot serve, to be added.
Storage keeps a state of charge linked across the year's periods
(:func:`gigafactory.supply.model.add_linked_storage_constraints`), so seasonal storage still
works.

:func:`year_of_typical_periods` is the year the solution describes: every day replaced
by its typical day. Summaries computed from it add up to the LP's objective.

Hoffmann, Kotzur, Stolten, Robinius (2020), "A Review on Time Series Aggregation Methods
for Energy System Models", Energies 13(3), 641; tsam: https://github.com/FZJ-IEK3-VSA/tsam.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.supply.inputs import Periods, SiteSupply, SupplyTech, per_hour

__all__ = [
    "Periods",
    "cluster_periods",
    "expand_solution",
    "period_profiles",
    "take_hours",
    "typical_site",
    "with_periods_alone",
    "year_of_typical_periods",
]

MASK_WEIGHT = 1000.0
"""tsam weight of the in-service masks against the other series [-]: large, so that days
with different assets in service are not grouped (a choice; checked after clustering)."""


REGIME_WEIGHT = 1.0
"""tsam weight of each renewable's weather regime (:func:`weather_regime`) against the
other series [-]: the plain choice, not a fit. On pine-island's 24 typical days the cost
error went from +18.0 % to +3.6 % with it (0.5: +10.8 %, 1.5: +3.7 %, 2: +4.6 %; the
grid over weights and windows in benchmarks/README.md)."""


def weather_regime(availability: np.ndarray, window_h: int) -> np.ndarray:
    """Each hour's mean availability over the ``window_h`` hours centred on it [-].

    The year wraps around, as the storage state linked across it does.

    >>> weather_regime(np.array([0.0, 0.0, 3.0, 0.0]), 3).tolist()
    [0.0, 1.0, 1.0, 1.0]
    """
    values = np.asarray(availability, dtype=float)
    before = window_h // 2
    padded = np.concatenate([values[-before:] if before else values[:0], values, values])
    sums = np.cumsum(np.concatenate([[0.0], padded]))
    mean: np.ndarray = (sums[window_h : window_h + len(values)] - sums[: len(values)]) / window_h
    return mean


def _profiles(site: SiteSupply, period_hours: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """The hourly series that shape the LP, one column each, constant ones left out.

    With storage that holds more than a period, each renewable's :func:`weather_regime`
    over the longest store's duration too: a typical period's days share one dispatch,
    so one day's storage state changes alike in each of them, and days of one shape in a
    windy week and in a lull (charging in one, drawing down in the other) must not be
    grouped. Without it, pine-island's 24 typical days cost 18 % more than its year (the
    days' dispatch forced alike, iron-air and Li-ion at their limits), where the same
    sequence of days solved in full, each day dispatched on its own, gives nearly the
    year's design (wind 14 MW and iron-air 25 MW fewer).
    """
    n = len(site.time)
    columns: dict[str, np.ndarray] = {"load": np.asarray(site.max_load_mw, dtype=float)}
    weights: dict[str, float] = {}
    for tech in site.techs:
        if tech.kind in {"variable", "contract"}:
            columns[f"availability:{tech.name}"] = per_hour(tech.availability, n)
        if tech.online is not None:
            columns[f"online:{tech.name}"] = per_hour(tech.online, n)
            weights[f"online:{tech.name}"] = MASK_WEIGHT
    columns["grid_price"] = per_hour(site.grid_price, n)
    columns["grid_carbon"] = per_hour(site.grid_carbon, n)
    columns["grid_cfe_share"] = per_hour(site.grid_cfe_share, n)
    if site.grid_online is not None:
        columns["grid_online"] = per_hour(site.grid_online, n)
        weights["grid_online"] = MASK_WEIGHT
    if site.stages is not None:  # a typical day stands for days of its own stage only
        columns["online:stage"] = np.asarray(site.stages.of_hour, dtype=float)
        weights["online:stage"] = MASK_WEIGHT
    longest = max((t.duration_h for t in site.of_kind("storage")), default=0.0)
    if longest > period_hours:
        window = min(round(longest), n)
        for tech in site.techs:
            if tech.kind in {"variable", "contract"}:
                columns[f"regime:{tech.name}"] = weather_regime(
                    per_hour(tech.availability, n), window
                )
                weights[f"regime:{tech.name}"] = REGIME_WEIGHT
    frame = pd.DataFrame(columns, index=site.time.tz_localize(None))
    varying = [c for c in frame if np.ptp(frame[c].to_numpy()) > 0]
    return frame[varying], {k: w for k, w in weights.items() if k in varying}


LULL_RUNS = (2, 3)
"""Lengths of the runs of periods of least mean output added as typical periods [-]."""


def _lull_periods(frame: pd.DataFrame, columns: list[str], hours: int) -> list[int]:
    """The periods of each column's lowest-mean runs of :data:`LULL_RUNS` periods.

    >>> frame = pd.DataFrame({"a": [1.0, 1, 0.2, 0.2, 0, 0, 0.4, 0.4, 1, 1, 1, 1]})
    >>> _lull_periods(frame, ["a"], 2)  # means 1, 0.2, 0, 0.4, 1, 1
    [1, 2, 3]
    """
    out: list[int] = []
    for column in columns:
        mean = frame[column].to_numpy().reshape(-1, hours).mean(axis=1)
        for run in LULL_RUNS:
            if run > len(mean):
                continue
            first = int(np.argmin(np.convolve(mean, np.ones(run), mode="valid")))
            out += [p for p in range(first, first + run) if p not in out]
    return out


def _masks_agree(frame: pd.DataFrame, order: np.ndarray, medoid: np.ndarray, hours: int) -> bool:
    masks = [c for c in frame.columns if str(c).startswith(("online:", "grid_online"))]
    if not masks:
        return True
    days = frame[masks].to_numpy().reshape(len(order), hours * len(masks))
    return bool(np.all(days == days[medoid[order]]))


def cluster_periods(
    site: SiteSupply,
    period_hours: int,
    count: int,
    *,
    extremes: bool = True,
) -> Periods:
    """Group the year's periods into ``count`` typical periods with tsam.

    Hierarchical clustering (Ward) of each period's hourly profiles, normalised, each
    group represented by its medoid; deterministic. With ``extremes``, the period of peak
    load and the period of least mean output of each renewable or contract are added as
    typical periods of their own (tsam's ``new_cluster_center``: other periods may join
    them), so firm capacity is sized on the hardest days, not on averages; so are the
    periods of each one's lowest runs of 2 and 3 periods (its lulls, :data:`LULL_RUNS`),
    which stand for themselves alone: storage is sized on a run of poor days, which no
    medoid of a group of days reproduces.

    Parameters
    ----------
    site : SiteSupply
        A year in calendar order.
    period_hours : int
        Hours per period; must divide the number of hours [h].
    count : int
        Typical periods wanted, besides the extreme ones; at least the number of periods
        returns the year itself [-].
    extremes : bool, default True
        Add the extreme periods and the lulls.

    Returns
    -------
    Periods
        Typical periods numbered in calendar order of their medoids.

    Raises
    ------
    ValueError
        When ``period_hours`` does not divide the hours, or when typical periods would mix
        days with different assets in service (raise ``count``).
    """
    n = len(site.time)
    if period_hours <= 0 or n % period_hours:
        msg = f"period of {period_hours} h does not divide the {n:,} hours; use e.g. 24"
        raise ValueError(msg)
    n_periods = n // period_hours
    if count >= n_periods:
        every = np.arange(n_periods)
        return Periods(period_hours, every, every)
    frame, weights = _profiles(site, period_hours)
    if frame.empty:  # every period alike
        return Periods(period_hours, np.zeros(n_periods, dtype=int), np.zeros(1, dtype=int))
    scarce = [str(c) for c in frame.columns if str(c).startswith("availability:")]
    # tsam 2.3 touches pandas options that pandas 3 deprecates: that does not concern the
    # result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tsam.timeseriesaggregation as tsam

        aggregation = tsam.TimeSeriesAggregation(
            frame,
            noTypicalPeriods=count,
            hoursPerPeriod=period_hours,
            resolution=1.0,
            clusterMethod="hierarchical",
            representationMethod="medoidRepresentation",
            # the medoids' own hours are what the LP takes; rescaling tsam's copies of
            # them would only cost time (a second on a year)
            rescaleClusterPeriods=False,
            weightDict=weights or None,
            extremePeriodMethod="new_cluster_center" if extremes else "None",
            addPeakMax=["load"] if extremes and "load" in frame else [],
            addMeanMin=scarce if extremes else [],
        )
        aggregation.createTypicalPeriods()
    order = np.asarray(aggregation.clusterOrder, dtype=int)
    medoid = np.zeros(order.max() + 1, dtype=int)
    medoid[: len(aggregation.clusterCenterIndices)] = aggregation.clusterCenterIndices
    for extreme in getattr(aggregation, "extremePeriods", {}).values():
        day = int(extreme["stepNo"])  # an extreme period stands for its own group
        medoid[order[day]] = day
    alone = _lull_periods(frame, scarce, period_hours) if extremes else []
    periods = with_periods_alone(
        _in_calendar_order(period_hours, order, medoid), alone, period_profiles(site, period_hours)
    )
    if not _masks_agree(frame, periods.order, periods.representative, period_hours):
        msg = (
            f"{count} typical periods group days with different assets in service; raise the count"
        )
        raise ValueError(msg)
    return periods


def _in_calendar_order(period_hours: int, order: np.ndarray, medoid: np.ndarray) -> Periods:
    """Typical periods numbered by their medoid's place in the year."""
    rank = np.argsort(medoid, kind="stable")
    relabel = np.empty_like(rank)
    relabel[rank] = np.arange(len(rank))
    return Periods(period_hours, relabel[order], medoid[rank])


def period_profiles(site: SiteSupply, period_hours: int) -> np.ndarray:
    """Each period's hourly profiles in one row, each series scaled to its year's range [-].

    The series :func:`cluster_periods` groups by (load, availability, prices, carbon,
    masks), so that distances between rows are the clustering's.
    """
    frame, _ = _profiles(site, period_hours)
    values = frame.to_numpy(dtype=float)
    if values.size == 0:
        return np.zeros((len(site.time) // period_hours, 1))
    low, span = values.min(axis=0), np.ptp(values, axis=0)
    scaled: np.ndarray = (values - low) / np.where(span > 0, span, 1.0)
    return scaled.reshape(len(site.time) // period_hours, -1)


def with_periods_alone(
    periods: Periods, alone: Sequence[int], profiles: np.ndarray | None = None
) -> Periods:
    """``periods`` with each of ``alone`` a typical period that stands for itself only.

    A period taken from its group leaves the group its medoid. A medoid taken from its
    group (a group's medoid holds the group's energy, not its own day's) leaves the group
    the member nearest to it in ``profiles`` (:func:`period_profiles`); without profiles it
    stays the group's medoid. No clustering again: the groups are those of ``periods``.

    >>> p = with_periods_alone(Periods(24, np.array([0, 0, 1, 0]), np.array([0, 2])), [3])
    >>> p.order.tolist(), p.representative.tolist(), p.count.tolist()
    ([0, 0, 1, 2], [0, 2, 3], [2, 1, 1])
    >>> near = np.array([[0.0], [0.9], [5.0], [0.2]])  # period 3 is nearest to period 0
    >>> p = with_periods_alone(Periods(24, np.array([0, 0, 1, 0]), np.array([0, 2])), [0], near)
    >>> p.order.tolist(), p.representative.tolist(), p.count.tolist()
    ([0, 2, 1, 2], [0, 2, 3], [1, 1, 2])
    """
    order = periods.order.copy()
    medoid = periods.representative.copy()
    for period in alone:
        group = order[period]
        if medoid[group] == period:
            others = np.flatnonzero(order == group)
            others = others[others != period]
            if len(others) == 0 or profiles is None:
                continue  # it stands alone already, or no way to choose another medoid
            distance = ((profiles[others] - profiles[period]) ** 2).sum(axis=1)
            medoid[group] = others[int(np.argmin(distance))]
        order[period] = len(medoid)
        medoid = np.append(medoid, period)
    return _in_calendar_order(periods.period_hours, order, medoid)


def _take(value: Any, index: np.ndarray) -> Any:
    if value is None or np.ndim(value) == 0:
        return value
    return np.asarray(value)[index]


def _take_tech(tech: SupplyTech, index: np.ndarray) -> SupplyTech:
    return replace(
        tech, availability=_take(tech.availability, index), online=_take(tech.online, index)
    )


def take_hours(site: SiteSupply, index: np.ndarray, time: pd.DatetimeIndex) -> SiteSupply:
    """The site on some of its hours (``index``), relabelled ``time``: every hourly input.

    Demand-charge billing periods and coincident-peak charges are left as they are; the
    caller says what they mean on the new hours.
    """
    stages = site.stages
    if stages is not None:
        stages = replace(stages, of_hour=np.asarray(stages.of_hour)[index])
    return replace(
        site,
        time=time,
        load_mw=_take(site.load_mw, index),
        techs=tuple(_take_tech(t, index) for t in site.techs),
        grid_price=_take(site.grid_price, index),
        grid_carbon=_take(site.grid_carbon, index),
        grid_export_price=_take(site.grid_export_price, index),
        grid_cfe_share=_take(site.grid_cfe_share, index),
        grid_online=_take(site.grid_online, index),
        flexible_it_mw=_take(site.flexible_it_mw, index),
        flexible_pue=_take(site.flexible_pue, index),
        stages=stages,
    )


RESCALE_STEPS = 5
"""Passes of the rescaling of a medoid's availability to its group's energy (clipped at
the year's highest value, so each pass recovers part of what clipping took) [-]."""


def _energy_kept(site: SiteSupply, periods: Periods) -> SiteSupply:
    """The site with each group's medoid holding the group's renewable energy.

    As tsam's ``rescaleClusterPeriods`` does for the year's energy. A medoid is a real
    day of its group, but not its mean day: on korea-southwest's 48 days the medoids held
    4.4 % less offshore wind than the year. Each medoid's hours are scaled by one factor
    per technology, clipped at the year's highest availability, so that the days it stands
    for receive their own energy in all; periods that stand for themselves (extremes,
    lulls, stress days) are left as they are.
    """
    hours = periods.period_hours
    groups = [k for k in range(len(periods.representative)) if periods.count[k] > 1]
    if not groups:
        return site
    techs = []
    for tech in site.techs:
        if tech.kind not in {"variable", "contract"} or np.ndim(tech.availability) == 0:
            techs.append(tech)
            continue
        days = np.asarray(tech.availability, dtype=float).reshape(-1, hours)
        ceiling = float(days.max())
        scaled = days.copy()
        for k in groups:
            medoid = int(periods.representative[k])
            target = float(days[periods.order == k].sum()) / periods.count[k]
            for _ in range(RESCALE_STEPS):
                now = float(scaled[medoid].sum())
                if now <= 0.0 or abs(now - target) <= 1e-9 * max(target, 1.0):
                    break
                scaled[medoid] = np.minimum(scaled[medoid] * (target / now), ceiling)
        techs.append(replace(tech, availability=scaled.ravel()))
    return replace(site, techs=tuple(techs))


def typical_site(site: SiteSupply, periods: Periods) -> SiteSupply:
    """The LP's inputs on the typical periods' hours, weighted by the periods they stand for.

    Every hourly series is read on the medoids' hours; demand-charge billing periods stay
    on the year's hours (their peaks are taken over the modelled hours that stand for each
    billing period), and coincident-peak charges add up over the hours each modelled hour
    stands for, so the objective is that of :func:`year_of_typical_periods`.
    """
    hours = periods.typical_hours
    typical = take_hours(_energy_kept(site, periods), hours, site.time[hours])
    coincident = np.bincount(
        periods.modelled_hour,
        weights=per_hour(site.grid_coincident_usd_per_mw, len(site.time)),
        minlength=len(hours),
    )
    return replace(typical, periods=periods, grid_coincident_usd_per_mw=coincident)


def year_of_typical_periods(site: SiteSupply, periods: Periods) -> SiteSupply:
    """The year with every period replaced by its typical period (calendar order kept).

    Billing periods and coincident-peak charges stay those of the year.
    """
    source = periods.typical_hours[periods.modelled_hour]
    return take_hours(_energy_kept(site, periods), source, site.time)


def expand_solution(ds: xr.Dataset, periods: Periods, time: pd.DatetimeIndex) -> xr.Dataset:
    """Lay a typical-period solution onto the year's hours.

    Hourly variables repeat their typical period's values; the state of charge is each
    period's start level plus the change within its typical period.
    """
    hour = xr.DataArray(periods.modelled_hour, dims="time")
    timed = [name for name in ds.data_vars if "time" in ds[name].dims]
    out = ds.drop_vars([*timed, "time"])
    for name in timed:
        values = ds[name].drop_vars("time").isel(time=hour).assign_coords(time=time)
        out[name] = values.transpose(*ds[name].dims)
        out[name].attrs = ds[name].attrs
    if "storage_soc_start_mwh" in ds:
        start = ds["storage_soc_start_mwh"].to_numpy()  # storage, period
        per_hour = np.repeat(start, periods.period_hours, axis=1)
        out["storage_soc_mwh"] = out["storage_soc_mwh"] + per_hour
        out = out.drop_vars("storage_soc_start_mwh")
    out.attrs = dict(ds.attrs)
    out.attrs["typical_periods"] = len(periods.representative)
    out.attrs["period_hours"] = periods.period_hours
    return out
