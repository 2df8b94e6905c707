"""Fault study: each site's optimised year replayed under seeded faults.

Grid outages, forced outages of thermal units and accelerator failures.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gigafactory.compute import reliability
from gigafactory.errors import ensure
from gigafactory.pipeline.runner import run_prepared
from gigafactory.scenario import Scenario
from gigafactory.summary import FaultReplay, RideThrough
from gigafactory.supply import replay, ride_through
from gigafactory.supply.solve import SHORTFALL_MW
from gigafactory.units import DAYS_PER_YEAR, HOURS_PER_DAY, SECONDS_PER_HOUR

__all__ = ["FAULT_STREAM", "faults"]

FAULT_STREAM = 7919
"""Third word of the fault replays' random seed, ``[scenario.seed, site, FAULT_STREAM]``
[-]: any fixed number works; it keeps the fault draws apart from the weather's
``[seed, site]`` stream so that adding faults never changes the weather."""

MIN_RUN_DAYS = 1e-9
"""Guard against a zero-length training run when converting interruptions to a rate [d]."""


def faults(
    scenario: Scenario,
    *,
    grid_outages_per_year: float = 2.0,
    outage_hours: float = 6.0,
    ride_through_hours: int = 8,
    thermal_unit_mw: float = 20.0,
    forced_outage_rate: float = 0.05,
    mean_repair_hours: float = 50.0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, FaultReplay]:
    """Replay each site's optimised year under seeded faults.

    The capacities come from :func:`run`; the year is then replayed by
    :func:`gigafactory.supply.replay` with grid outages (Poisson starts, exponential
    durations), forced outages of thermal units (two-state Markov chains of
    ``thermal_unit_mw`` units; a 5 % forced outage rate and 50 h repairs are estimates),
    and, where compute is defined, accelerator failures from the goodput model.

    Returns
    -------
    dict of str to FaultReplay
        Per site: ``unserved_mwh``, ``shortfall_hours``, ``outage_hours``,
        ``lost_accelerator_hours``, ``training_days_lost``, ``interruptions_from_power``,
        ``interruptions_from_accelerators``, and ``ride_through`` (battery MW and MWh, or
        gas MW, to carry the load through the worst ``ride_through_hours`` grid outage).

    ``progress`` is called with a message at each stage: the run's, then each replay.

    Raises
    ------
    ScenarioError
        For a negative outage rate, an outage or repair of no length, a forced outage rate
        outside [0, 1) or a unit of no size, before the run.
    """
    ensure(grid_outages_per_year >= 0, "grid_outages_per_year", grid_outages_per_year, ">= 0")
    ensure(outage_hours > 0, "outage_hours", outage_hours, "> 0 (no outages: 0 a year)")
    ensure(ride_through_hours >= 0, "ride_through_hours", ride_through_hours, ">= 0")
    ensure(thermal_unit_mw > 0, "thermal_unit_mw", thermal_unit_mw, "> 0")
    ensure(0 <= forced_outage_rate < 1, "forced_outage_rate", forced_outage_rate, "0 <= rate < 1")
    ensure(mean_repair_hours > 0, "mean_repair_hours", mean_repair_hours, "> 0")
    say = progress or (lambda _msg: None)
    results, prepared = run_prepared(scenario, progress)
    out: dict[str, FaultReplay] = {}
    for i, (spec, prep) in enumerate(zip(scenario.sites, prepared, strict=True)):
        site = prep.supply
        say(f"{spec.id}: replaying the year under faults")
        rng = np.random.default_rng([scenario.seed, i, FAULT_STREAM])
        n = len(site.time)
        grid_up = reliability.grid_outages(n, grid_outages_per_year, outage_hours, rng)
        summary = results.summary.sites[i]
        capacity = summary.capacity_mw
        thermal = {
            t.name: reliability.forced_outages(
                n,
                max(1, round(capacity.get(t.name, 0.0) / thermal_unit_mw)),
                forced_outage_rate,
                mean_repair_hours,
                rng,
            )
            for t in site.of_kind("thermal")
        }
        replayed = replay(site, capacity, grid_available=grid_up, thermal_available=thermal)
        baseline = replay(site, capacity)
        load = site.nominal_load_mw
        short = replayed.unserved > SHORTFALL_MW
        events = int(np.count_nonzero(short & ~np.roll(short, 1)))
        firm_onsite = sum(capacity.get(t.name, 0.0) for t in site.of_kind("thermal"))
        power_mw, energy_mwh = ride_through(load, firm_onsite, ride_through_hours)
        entry = FaultReplay(
            unserved_mwh=float(replayed.unserved.sum()),
            shortfall_hours=int(short.sum()),
            outage_hours=int((~grid_up).sum()) if site.grid_import_cap_mw > 0 else 0,
            interruptions_from_power=events,
            ride_through=RideThrough(
                hours=ride_through_hours,
                battery_mw=power_mw,
                battery_mwh=energy_mwh,
                gas_mw=float(max(load.max() - firm_onsite, 0.0)),
            ),
            unserved_without_faults_mwh=float(baseline.unserved.sum()),
        )
        comp = summary.compute
        if comp is not None:
            n_acc = sum(comp.accelerators.values())
            lost_share = np.divide(replayed.unserved, load, out=np.zeros(n), where=load > 0)
            entry.lost_accelerator_hours = float(lost_share.sum() * n_acc)
            restart_h = reliability.RESTART_SECONDS / SECONDS_PER_HOUR
            runs = comp.training_runs
            entry.training_days_lost = (
                float((short.sum() + events * restart_h) / HOURS_PER_DAY) if runs else 0.0
            )
            entry.interruptions_from_accelerators = float(
                sum(r.interruptions / max(r.days, MIN_RUN_DAYS) * DAYS_PER_YEAR for r in runs)
            )
        out[spec.id] = entry
    return out
