"""Time to power: what each month of a late grid connection costs, and what bridges it.

The scenario is solved with a site's grid feed energised on time (1 January of the
scenario's year, or its own ``grid.in_service``) and then N months late; before the feed is
energised the site runs on what it can build or already has (turbines, engines, batteries,
renewables), so the LP builds the bridge and the table shows its cost. The runs differ only
in the feed's hourly availability, so each starts from the last one's basis
(:class:`~gigafactory.solver.WarmStarts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from gigafactory.errors import InfeasibleError, ScenarioError
from gigafactory.pipeline.runner import run
from gigafactory.scenario import Scenario
from gigafactory.solver import WarmStarts

__all__ = ["DelayCase", "grid_delay"]


@dataclass(frozen=True)
class DelayCase:
    """One delay of the grid feed and what the year then costs.

    ``extra_cost_usd`` is against the shortest delay asked for that could be served (on
    time when 0 is asked for). ``total_annual_cost_usd`` and ``capacity_mw`` are None where
    the site cannot serve its load with the feed that late (``infeasible`` says where and by
    how much).
    """

    months: int
    in_service: dt.date
    total_annual_cost_usd: float | None
    extra_cost_usd: float | None
    capacity_mw: dict[str, float] | None
    unserved_mwh: float | None
    infeasible: str = ""


def grid_delay(
    scenario: Scenario,
    months: Sequence[int],
    *,
    site: int = 0,
    progress: Callable[[str], None] | None = None,
) -> list[DelayCase]:
    """Solve ``scenario`` with site ``site``'s grid feed ``months`` late, for each value.

    Parameters
    ----------
    scenario : Scenario
        The scenario; its site must have a grid feed (``grid.import_cap_mw`` > 0).
    months : sequence of int
        Delays [month], from the feed's own date or 1 January of the scenario's year; 12 or
        more: no feed in the year.
    site : int
        Which site's feed [-].

    Raises
    ------
    ScenarioError
        When the site has no grid feed or a delay is negative.
    """
    say = progress or (lambda _msg: None)
    if not 0 <= site < len(scenario.sites):
        msg = f"site {site}: the scenario has {len(scenario.sites)} site(s)"
        raise ScenarioError(msg)
    spec = scenario.sites[site]
    if not spec.grid.import_cap_mw and not spec.grid.size_to_design:
        msg = f"sites[{site}].grid.import_cap_mw: 0, no grid feed to delay"
        raise ScenarioError(msg)
    if any(m < 0 for m in months):
        msg = f"months {list(months)}: delays must be 0 or more"
        raise ScenarioError(msg)
    on_time = spec.grid.in_service or dt.date(scenario.year, 1, 1)
    warm = WarmStarts()
    cases: list[DelayCase] = []
    base_cost: float | None = None
    for delay in sorted(set(months)):
        date = (pd.Timestamp(on_time) + pd.DateOffset(months=delay)).date()
        say(f"grid feed {delay} month(s) late: energised {date:%Y-%m-%d}")
        grid = spec.grid.model_copy(update={"in_service": date})
        sites = list(scenario.sites)
        sites[site] = spec.model_copy(update={"grid": grid})
        delayed = scenario.model_copy(update={"sites": sites})
        try:
            summary = run(delayed, warm=warm).summary.sites[site]
        except InfeasibleError as err:
            cases.append(DelayCase(delay, date, None, None, None, None, infeasible=str(err)))
            continue
        cost = summary.total_annual_cost_usd
        if base_cost is None:
            base_cost = cost
        cases.append(
            DelayCase(
                months=delay,
                in_service=date,
                total_annual_cost_usd=cost,
                extra_cost_usd=cost - base_cost,
                capacity_mw=dict(summary.capacity_mw),
                unserved_mwh=summary.unserved_mwh,
            )
        )
    return cases
