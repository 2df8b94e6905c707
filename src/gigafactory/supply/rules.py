"""Fast rule-based dispatch of fixed capacities, and fault replays.

:func:`replay` runs a site-year in milliseconds: variable and contract output first;
storage charges from surplus and discharges into any shortfall (shortest duration first);
the rest comes from thermal units and the grid in merit order of their hourly cost
(marginal cost plus carbon price), then is unserved. Where the LP has nothing to gain from
timing (no price arbitrage) it comes close to the LP's dispatch. Storage keeps in reserve
the energy that the next 24 hours' shortfalls beyond firm supply (thermal plus grid
capacity) will need, tops that reserve up from spare firm capacity, and uses only the rest
to displace firm energy. Where prices vary the
LP may charge from a cheap grid or hold energy back for a dearer hour; the rules never do,
so they cost the same or more.

:func:`ride_through` sizes the backup for the worst grid outage; the outage processes
themselves are in :mod:`gigafactory.compute.reliability`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gigafactory.supply.inputs import SiteSupply, per_hour

__all__ = ["RESERVE_HOURS", "Replay", "replay", "ride_through"]

RESERVE_HOURS = 24
"""Look-ahead of the storage reserve rule [h]."""


@dataclass(frozen=True)
class Replay:
    """Hourly result of a rule-based dispatch [MW, MWh]."""

    dispatch: dict[str, np.ndarray]
    charge: dict[str, np.ndarray]
    soc: dict[str, np.ndarray]
    grid_import: np.ndarray
    curtailed: np.ndarray
    unserved: np.ndarray
    operating_cost_usd: float
    emissions_tco2e: float


def replay(
    site: SiteSupply,
    capacity: dict[str, float],
    *,
    grid_available: np.ndarray | None = None,
    thermal_available: dict[str, np.ndarray] | None = None,
    cycles: int = 2,
) -> Replay:
    """Dispatch fixed capacities hour by hour by rules (see the module docstring).

    Parameters
    ----------
    site : SiteSupply
        Load, availability, prices and technologies (as for the LP).
    capacity : dict
        Power capacity per technology [MW] (storage energy = duration x power).
    grid_available : numpy.ndarray of bool, optional
        False in hours the grid is down.
    thermal_available : dict, optional
        Available share of each thermal unit per hour [-].
    cycles : int
        Passes over the year; each starts from the previous end state of charge, so the
        year is (nearly) cyclic as in the LP.
    """
    n = len(site.time)
    load = np.broadcast_to(site.nominal_load_mw, (n,)).copy()  # training at its nominal pace
    up = np.ones(n, dtype=bool) if grid_available is None else np.asarray(grid_available, bool)
    available = np.zeros(n)
    through_feed = np.zeros(n)
    dispatch: dict[str, np.ndarray] = {}
    for tech in site.of_kind("variable") + site.of_kind("contract"):
        output = np.broadcast_to(
            np.asarray(tech.hourly_availability, dtype=float), (n,)
        ) * capacity.get(tech.name, 0.0)
        if tech.off_site:  # delivered over the feed: lost with it, and within its cap
            room = np.clip(np.broadcast_to(site.grid_cap_mw, (n,)) - through_feed, 0.0, None)
            output = np.where(up, np.minimum(output, room), 0.0)
            through_feed += output
        dispatch[tech.name] = output.copy()
        available += output
    net = load - available
    # firm sources: thermal units and the grid, with their hourly cost (merit order below)
    names, caps, costs, co2 = [], [], [], []
    for tech in site.of_kind("thermal"):
        share = (thermal_available or {}).get(tech.name, np.ones(n))
        online = np.broadcast_to(1.0 if tech.online is None else tech.online, (n,))
        if tech.backup_only:  # runs only while the grid is down
            online = online * ~up
        names.append(tech.name)
        caps.append(capacity.get(tech.name, 0.0) * np.asarray(share, dtype=float) * online)
        costs.append(np.full(n, tech.marginal_cost + site.carbon_price * tech.co2))
        co2.append(np.full(n, tech.co2))
    grid_carbon = per_hour(site.grid_carbon, n)
    if site.grid_import_cap_mw > 0:
        names.append("__grid__")
        feed = np.broadcast_to(site.grid_cap_mw, (n,)) - through_feed
        caps.append(np.where(up, np.clip(feed, 0.0, None), 0.0))
        costs.append(per_hour(site.grid_price, n) + site.carbon_price * grid_carbon)
        co2.append(grid_carbon)
    firm = np.zeros(n)
    for cap in caps:
        firm += cap
    # energy storage must keep for shortfalls beyond firm supply in the next day
    beyond = np.clip(net - firm, 0.0, None)
    ahead = np.convolve(
        np.concatenate([beyond, beyond[: RESERVE_HOURS - 1]]), np.ones(RESERVE_HOURS), mode="valid"
    )
    storage = sorted(site.of_kind("storage"), key=lambda t: t.duration_h)
    power = [capacity.get(t.name, 0.0) for t in storage]
    energy = [t.duration_h * p for t, p in zip(storage, power, strict=True)]
    eta_c = [t.charge_efficiency for t in storage]
    eta_d = [t.discharge_efficiency for t in storage]
    soc_now = [0.0] * len(storage)
    ch = [np.zeros(n) for _ in storage]
    dis = [np.zeros(n) for _ in storage]
    soc = [np.zeros(n) for _ in storage]
    residual = np.zeros(n)
    net_list = net.tolist()
    firm_list = firm.tolist()
    ahead_list = ahead.tolist()
    for _ in range(max(cycles, 1)):
        ch_l = [[0.0] * n for _ in storage]
        dis_l = [[0.0] * n for _ in storage]
        soc_l = [[0.0] * n for _ in storage]
        res_l = [0.0] * n
        for t in range(n):
            r = net_list[t]
            keep = ahead_list[t]
            for k in range(len(storage)):
                if r < 0.0:
                    c = min(power[k], (energy[k] - soc_now[k]) / eta_c[k], -r)
                    if c > 0.0:
                        soc_now[k] += c * eta_c[k]
                        r += c
                        ch_l[k][t] = c
                if r >= 0.0 and r < firm_list[t] and soc_now[k] * eta_d[k] < keep:
                    # firm headroom charges storage for tomorrow's shortfalls (not arbitrage:
                    # only up to what the reserve needs)
                    top = (keep - soc_now[k] * eta_d[k]) / (eta_c[k] * eta_d[k])
                    c = min(
                        power[k] - ch_l[k][t],
                        (energy[k] - soc_now[k]) / eta_c[k],
                        firm_list[t] - r,
                        top,
                    )
                    if c > 0.0:
                        soc_now[k] += c * eta_c[k]
                        r += c
                        ch_l[k][t] += c
                elif r > 0.0:
                    short = r - firm_list[t]
                    # cover what firm supply cannot; beyond that, only energy not kept in
                    # reserve for the next day's shortfalls displaces firm supply
                    need = max(short, 0.0)
                    spare = max(soc_now[k] * eta_d[k] - keep - need, 0.0)
                    d = min(power[k], soc_now[k] * eta_d[k], need + min(r - need, spare))
                    if d > 0.0:
                        soc_now[k] -= d / eta_d[k]
                        r -= d
                        dis_l[k][t] = d
                soc_l[k][t] = soc_now[k]
            res_l[t] = r
        ch = [np.asarray(x) for x in ch_l]
        dis = [np.asarray(x) for x in dis_l]
        soc = [np.asarray(x) for x in soc_l]
        residual = np.asarray(res_l)
    curtailed = np.clip(-residual, 0.0, None)
    shortfall = np.clip(residual, 0.0, None)
    grid_import = np.zeros(n)
    operating = 0.0
    emissions = 0.0
    if names:  # thermal units and the grid in merit order of their hourly cost (vectorised)
        cap_m, cost_m, co2_m = np.stack(caps), np.stack(costs), np.stack(co2)
        order = np.argsort(cost_m, axis=0, kind="stable")
        sorted_caps = np.take_along_axis(cap_m, order, axis=0)
        before = np.cumsum(sorted_caps, axis=0) - sorted_caps
        take_sorted = np.clip(shortfall[None, :] - before, 0.0, sorted_caps)
        take = np.empty_like(take_sorted)
        np.put_along_axis(take, order, take_sorted, axis=0)
        for i, name in enumerate(names):
            if name == "__grid__":
                grid_import = take[i]
            else:
                dispatch[name] = take[i]
        shortfall = shortfall - take.sum(axis=0)
        operating = float(site.annual(take * cost_m))
        emissions = float(site.annual(take * co2_m))
    for k, tech in enumerate(storage):
        dispatch[tech.name] = dis[k]
    return Replay(
        dispatch=dispatch,
        charge={t.name: ch[k] for k, t in enumerate(storage)},
        soc={t.name: soc[k] for k, t in enumerate(storage)},
        grid_import=grid_import,
        curtailed=curtailed,
        unserved=np.clip(shortfall, 0.0, None),
        operating_cost_usd=operating,
        emissions_tco2e=emissions,
    )


def ride_through(
    load_mw: np.ndarray, firm_mw: np.ndarray | float, hours: int
) -> tuple[float, float]:
    """Battery power [MW] and energy [MWh] for the worst ``hours``-long grid outage.

    The battery covers whatever the firm on-site supply ``firm_mw`` cannot.

    Examples
    --------
    >>> ride_through(np.array([100.0, 120.0, 110.0, 90.0]), 80.0, 2)
    (40.0, 70.0)
    """
    gap = np.clip(np.asarray(load_mw, dtype=float) - firm_mw, 0.0, None)
    if hours <= 0 or gap.size == 0:
        return 0.0, 0.0
    window = np.convolve(np.concatenate([gap, gap[: hours - 1]]), np.ones(hours), mode="valid")
    return float(gap.max()), float(window.max())
