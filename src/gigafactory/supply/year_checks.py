"""What a design from typical periods surely does on the full year, in milliseconds.

Typical periods blur the year; these checks dispatch a design on the year's own hours by
simple rules that the LP could follow, so what they find holds for any dispatch:
:func:`stress_periods` names the runs of days the design cannot serve whatever the LP does
(added as typical periods and solved again, :func:`gigafactory.pipeline.aggregation.
settle_periods`); :func:`cfe_reach` is the hourly CFE share it reaches at least, which
says when typical periods overstate what a CFE target takes. :func:`fixed_design` is the
slower, exact check: the year's own LP with the design's capacities fixed, which
:func:`gigafactory.supply.solve.dispatch_design` solves where
``time.aggregation.compare_exact`` asks for the year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from gigafactory.supply.inputs import Periods, SiteSupply, per_hour

__all__ = [
    "SHORTFALL_PENALTY",
    "STRESS_RUNS",
    "STRESS_SHARE",
    "cfe_reach",
    "fixed_design",
    "stress_periods",
]


STRESS_RUNS = (1, 2, 3, 5, 7)
"""Lengths of the runs of periods that :func:`stress_periods` tries from a full store [-].

Up to a week: runs of 1 and 2 days alone missed weeks of weak wind and short winter days
(korea-southwest's campus on 24 typical days: 7.1 % cheap at Stockholm, 10.5 % at Seoul
metro; within 0.1 and 1.4 % with these; docs/sites.md)."""

SHORTFALL_PENALTY = 1e6
"""Cost of the energy a firm site's design leaves unserved in :func:`fixed_design`
[USD/MWh]: far above any supply cost, so the design serves all it can (the probe that
locates an infeasible site's shortfall uses it too); not a planning value."""

STRESS_SHARE = 1e-4
"""Unserved share of a run's load that marks it as a stress run [-]: above rounding."""


def stress_periods(site: SiteSupply, periods: Periods, capacity: Mapping[str, float]) -> list[int]:
    """Periods of the year that a design from typical periods cannot serve, surely.

    Each run of :data:`STRESS_RUNS` periods of the year is dispatched from a full store:
    the feed at its cap, the thermal units at their capacity, the on-site renewables and
    contracts at their availability, and all the storage as one store of their summed power
    and energy at the best efficiencies, charged by every surplus and discharged into
    every shortfall (optimal for one store whose only aim is to serve), with flexible
    training at its lowest pace. That is the most any dispatch of the design can do, so a
    run that falls short by more than :data:`STRESS_SHARE` of its load falls short in the
    year whatever the LP would do. A longer run counts only where no shorter failing run
    holds one of its periods (the shorter run explains it; the next pass checks the rest).
    The failing runs' periods, the largest shortfall's first, less those that already stand
    alone as typical periods (a medoid standing for others holds their energy, not its own
    day's, so it is returned too), are returned, to be added as typical periods of their
    own (:func:`~gigafactory.supply.periods.with_periods_alone`) and the LP solved again.

    Parameters
    ----------
    site : SiteSupply
        The year in calendar order.
    periods : Periods
        The typical periods the design was found on.
    capacity : mapping
        Power capacity per technology [MW].

    Returns
    -------
    list of int
        Periods of the year [-].
    """
    n = len(site.time)
    hours = periods.period_hours
    supply = np.array(np.broadcast_to(site.grid_cap_mw, (n,)), dtype=float)
    power = energy = 0.0
    eta_c = eta_d = 0.0
    for tech in site.techs:
        size = capacity.get(tech.name, 0.0)
        online = per_hour(1.0 if tech.online is None else tech.online, n)
        if tech.kind == "storage":
            power, energy = power + size, energy + size * tech.duration_h
            eta_c = max(eta_c, tech.charge_efficiency)
            eta_d = max(eta_d, tech.discharge_efficiency)
            continue
        on_site = tech.kind in {"variable", "contract"} and not tech.off_site  # else: the feed
        if on_site or (tech.kind == "thermal" and not tech.backup_only):
            supply += size * per_hour(tech.availability, n) * online
    load = np.broadcast_to(site.least_load_mw, (n,))
    surplus = (supply - load).reshape(-1, hours)
    days = len(surplus)
    daily_load = load.reshape(-1, hours).sum(axis=1)
    short = np.zeros(days)  # each period's worst shortfall over the runs it is in
    for run in STRESS_RUNS:
        starts = np.arange(days)
        soc = np.full(days, energy)
        unserved = np.zeros(days)
        for step in range(run * hours):
            x = surplus[(starts + step // hours) % days, step % hours]
            charge = np.clip(x, 0.0, power)
            discharge = np.minimum(np.clip(-x, 0.0, power), soc * eta_d)
            soc = np.minimum(energy, soc + charge * eta_c) - discharge / max(eta_d, 1e-12)
            unserved += np.clip(-x, 0.0, None) - discharge
        demand = sum(daily_load[(starts + k) % days] for k in range(run))
        failing = unserved > STRESS_SHARE * demand
        # a run is news only where no shorter failing run already holds one of its periods
        for k in range(run):
            failing &= short[(starts + k) % days] == 0
        for k in range(run):  # each period of a failing run
            np.maximum.at(short, (starts[failing] + k) % days, unserved[failing])
    # a medoid standing for other periods holds their energy, not its own day's
    exact = {int(r) for k, r in enumerate(periods.representative) if periods.count[k] == 1}
    order = np.argsort(-short, kind="stable")
    return [int(d) for d in order if short[d] > 0 and int(d) not in exact]


def fixed_design(site: SiteSupply, capacity: Mapping[str, float]) -> SiteSupply:
    """The site with every capacity fixed at a design, unserved energy allowed.

    Its LP is dispatch alone: each technology's capacity has the design's value as both
    its lower and its upper bound, so only the hours are optimised, under every other limit
    of the site (CFE target, CO2 cap, permits, ride-through). Solved on the year's hours,
    it says what a design from typical periods costs and serves on the year it stands
    for. Where the design falls short the shortfall is unserved energy, not an infeasible
    LP: at the site's own value of lost load where it allows unserved energy, else at
    :data:`SHORTFALL_PENALTY`, far above any supply cost, so that a firm site's design
    serves every hour it can (at 5,000 USD/MWh it would rather
    shed ERCOT's coincident-peak hours than pay for them). Bounds only: the costs of a
    summary still count capacity built beyond the site's ``existing_mw``.

    Parameters
    ----------
    site : SiteSupply
        The site as designed.
    capacity : mapping
        Power capacity per technology [MW]; every technology of the site.

    Examples
    --------
    >>> import pandas as pd
    >>> from gigafactory.supply.inputs import SupplyTech
    >>> solar = SupplyTech("solar", "variable", 0.0, 0.0, availability=0.2, max_mw=500.0)
    >>> site = SiteSupply("s", pd.date_range("2025", periods=2, freq="h"), 10.0, (solar,))
    >>> fixed = fixed_design(site, {"solar": 80.0})
    >>> fixed.techs[0].existing_mw, fixed.techs[0].max_mw, fixed.value_of_lost_load
    (80.0, 80.0, 1000000.0)
    """
    techs = []
    for tech in site.techs:
        mw = max(float(capacity[tech.name]), 0.0)
        techs.append(replace(tech, existing_mw=mw, max_mw=mw))
    own = site.value_of_lost_load
    voll = SHORTFALL_PENALTY if own is None else own
    return replace(site, techs=tuple(techs), value_of_lost_load=voll)


def _store_greedily(
    surplus: np.ndarray, deficit: np.ndarray, power: float, hours: float, eta_c: float, eta_d: float
) -> None:
    """Charge one store from ``surplus`` and discharge it into ``deficit``, in place [MW].

    Starts empty, so its level at the end is at least its level at the start: less charging
    (more curtailment, which is free) closes the cycle the LP asks for.
    """
    level, energy = 0.0, power * hours
    for hour in range(len(surplus)):
        if surplus[hour] > 0.0:
            charge = min(surplus[hour], power, (energy - level) / eta_c)
            level += charge * eta_c
            surplus[hour] -= charge
        elif deficit[hour] > 0.0:
            discharge = min(deficit[hour], power, level * eta_d)
            level -= discharge / eta_d
            deficit[hour] -= discharge


def cfe_reach(site: SiteSupply, capacity: Mapping[str, float]) -> float | None:
    """Hourly CFE share that a design surely reaches on the year [-], or None.

    One dispatch the LP could choose: carbon-free output (on-site renewables and contracts,
    clean contracts over the feed, clean thermal units at their capacity) serves the load,
    each store in turn charges from what is left over and discharges into what is missing,
    and the grid, counted at its carbon-free share, then emitting supply serve the rest.
    Emitting energy is counted as the LP's ``cfe-target`` row counts it
    (:func:`gigafactory.supply.policy.carbon_emitting_supply`), so the share is a lower
    bound of what the design reaches on these hours. It tells when typical periods
    understate a design: on ``pine-island``'s 24 typical days the LP builds for 90 %, and
    this dispatch of the same design reaches 90.5 % on the year (91.2 % before its days were
    grouped by weather regime too; 89.9 % for the year's own optimum).

    None where the bound is not that simple: flexible training (the row credits it), a
    build-out (a target per stage), storage with in-service dates, or clean thermal units
    with limited hours.

    Parameters
    ----------
    site : SiteSupply
        Hours in calendar order (a year, or weather years end to end).
    capacity : mapping
        Power capacity per technology [MW].

    Returns
    -------
    float or None
        ``1 - emitting / load`` over the hours [-].
    """
    if site.flexible_it_mw is not None or site.stages is not None:
        return None
    n = len(site.time)
    load = np.array(per_hour(site.load_mw, n))
    clean = np.zeros(n)
    emitting = np.zeros(n)
    feed = np.array(per_hour(site.grid_cap_mw, n))
    stores = []
    for tech in site.techs:
        size = capacity.get(tech.name, 0.0)
        if tech.kind == "storage":
            if tech.online is not None:
                return None
            stores.append(
                (size, tech.duration_h, tech.charge_efficiency, tech.discharge_efficiency)
            )
            continue
        output = size * per_hour(tech.hourly_availability, n)
        if tech.kind == "thermal":
            if not tech.clean or tech.backup_only:
                continue  # emitting units serve what is left, counted as emitting below
            if tech.max_full_load_hours is not None:
                return None
            clean += size * per_hour(1.0 if tech.online is None else tech.online, n)
        elif tech.off_site:  # over the feed; a brown contract is left unused
            if tech.clean:
                delivered = np.minimum(output, feed)
                clean += delivered
                feed -= delivered
        else:
            clean += output
            if not tech.clean:  # the LP counts all of its output as emitting
                emitting += output
    surplus = np.clip(clean - load, 0.0, None)
    deficit = np.clip(load - clean, 0.0, None)
    for power, hours, eta_c, eta_d in stores:
        if power > 0.0:
            _store_greedily(surplus, deficit, power, hours, eta_c, eta_d)
    imported = np.minimum(deficit, feed)
    emitting += (1.0 - per_hour(site.grid_cfe_share, n)) * imported + (deficit - imported)
    return float(1.0 - emitting.sum() / load.sum()) if load.sum() > 0 else None
