"""Time to power: what a late grid connection costs, and how soon a campus can run.

:func:`grid_delay` solves the scenario with a site's grid feed energised on time (1 January
of the scenario's year, or its own ``grid.in_service``) and then N months late; before the
feed is energised the site runs on what it can build or already has (turbines, engines,
batteries, renewables), so the LP builds the bridge and the table shows its cost. The runs
differ only in the feed's hourly availability, so each starts from the last one's basis
(:class:`~gigafactory.solver.WarmStarts`). :func:`time_to_power` tries each start year
after the decision as a one-stage roadmap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from gigafactory.errors import InfeasibleError, ScenarioError, ensure
from gigafactory.pipeline.prepare import prepare_site
from gigafactory.pipeline.roadmap_study import plan_roadmap
from gigafactory.pipeline.runner import run
from gigafactory.scenario import FIRST_YEAR, LAST_YEAR, RoadmapSpec, RoadmapStage, Scenario
from gigafactory.solver import WarmStarts
from gigafactory.units import HOURS_PER_YEAR

__all__ = ["DelayCase", "StartYear", "bridge_note", "grid_delay", "time_to_power"]


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
        When the site has no grid feed or a delay is negative or ends after
        :data:`~gigafactory.scenario.LAST_YEAR`.
    """
    say = progress or (lambda _msg: None)
    if not 0 <= site < len(scenario.sites):
        msg = f"site {site}: the scenario has {len(scenario.sites)} site(s)"
        raise ScenarioError(msg)
    spec = scenario.sites[site]
    if not spec.grid.import_cap_mw and not spec.grid.size_to_design:
        msg = f"sites[{site}].grid.import_cap_mw: 0, no grid feed to delay"
        raise ScenarioError(msg)
    on_time = spec.grid.in_service or dt.date(scenario.year, 1, 1)
    latest = (LAST_YEAR - on_time.year) * 12  # energised by the last year a scenario has
    if any(m < 0 for m in months):
        msg = f"months {list(months)}: delays must be 0 or more"
        raise ScenarioError(msg)
    if any(m > latest for m in months):
        msg = (
            f"months {list(months)}: delays of at most {latest:,} (the feed energised by "
            f"{LAST_YEAR}); 12 or more leaves the whole year without it"
        )
        raise ScenarioError(msg)
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


def bridge_note(cases: Sequence[DelayCase]) -> str | None:
    """What to read into a delay that more than doubles the year's cost, or None.

    The study solves one representative year, so whatever the LP builds to bridge the
    months without a feed is paid as an annuity every year, as if it stayed: gigawatts of
    batteries for a quarter without the grid. A planner rents the bridge instead.

    Examples
    --------
    >>> on_time = DelayCase(0, dt.date(2025, 1, 1), 130e6, 0.0, {}, 0.0)
    >>> late = DelayCase(3, dt.date(2025, 4, 1), 652e6, 522e6, {}, 0.0)
    >>> bridge_note([on_time, late])[:57]
    'a feed 3 months late costs 522.0 M USD/yr more, 4.0 times'
    >>> mild = DelayCase(3, dt.date(2025, 4, 1), 135e6, 5e6, {}, 0.0)  # rented engines
    >>> bridge_note([on_time, mild]) is None
    True
    """
    served = [c for c in cases if c.total_annual_cost_usd is not None]
    if not served:
        return None
    base = served[0].total_annual_cost_usd or 0.0
    dear = [c for c in served if (c.extra_cost_usd or 0.0) > base > 0]
    if not dear:
        return None
    first = dear[0]
    extra = first.extra_cost_usd or 0.0
    return (
        f"a feed {first.months} months late costs {extra / 1e6:,.1f} M USD/yr more, "
        f"{extra / base:.1f} times the year on time: the year is representative, so what "
        "bridges the months without the feed stays and is paid every year; rent the bridge "
        "instead (a turbine or engine with retire: the energising date, docs/firm.md)"
    )


@dataclass(frozen=True)
class StartYear:
    """A campus started in one year: whether it can run then, and what that year costs.

    ``annual_cost_usd``, ``built_mw`` and ``extra_cost_usd`` (against the cheapest year
    that could run) are None where the load cannot be served that year with what can exist
    by then (``infeasible`` says where and by how much). ``waiting_cost_usd`` is what a year
    of waiting forgoes: the fleet's accelerator-hours not sold at the price given (None
    without a price or a fleet).
    """

    year: int
    grid_import_cap_mw: float
    annual_cost_usd: float | None
    extra_cost_usd: float | None
    built_mw: dict[str, float] | None
    cfe_share: float | None
    waiting_cost_usd: float | None
    infeasible: str = ""


def time_to_power(
    scenario: Scenario,
    *,
    site: int = 0,
    it_share: float = 1.0,
    decided: int | None = None,
    years: int = 6,
    typical_days: int = 12,
    price_usd_per_accelerator_hour: float | None = None,
    sold_share: float = 0.8,
    grid_wait: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[StartYear]:
    """How soon a site can run ``it_share`` of its IT load, and what each start year costs.

    For each year from the decision on, the site alone is solved as a one-stage roadmap in
    that year (:func:`~gigafactory.pipeline.roadmap_study.plan_roadmap`): a new grid feed only
    after the site library's wait (``grid_wait``), each technology only after its
    lead time, on ``typical_days`` per year. The first year that can be served is the
    answer; the years before it would need what cannot exist yet, and the later ones show
    what waiting for the feed saves against what a year of waiting forgoes.

    Parameters
    ----------
    scenario : Scenario
        The scenario; ``site`` is the campus.
    it_share : float
        Share of the site's IT load to run [-].
    decided : int, optional
        Year of the decision; default: the scenario's roadmap's, else its year.
    years : int
        Start years tried [-].
    price_usd_per_accelerator_hour : float, optional
        Price the fleet's hours sell at, for the cost of waiting [USD/h].
    sold_share : float
        Share of the fleet's hours sold [-].
    grid_wait : bool
        A new feed waits the site library's years; False for a site whose feed exists.
    """
    say = progress or (lambda _msg: None)
    if not 0 <= site < len(scenario.sites):
        msg = f"site {site}: the scenario has {len(scenario.sites)} site(s)"
        raise ScenarioError(msg)
    if years < 1:
        msg = f"years {years}: try at least one start year"
        raise ScenarioError(msg)
    ensure(0 < it_share <= 1, "it_share", it_share, "0 < share <= 1 of the site's IT load")
    ensure(typical_days >= 1, "typical_days", typical_days, ">= 1")
    ensure(0 < sold_share <= 1, "sold_share", sold_share, "0 < share <= 1")
    if price_usd_per_accelerator_hour is not None:
        price = price_usd_per_accelerator_hour
        ensure(price >= 0, "price_usd_per_accelerator_hour", price, ">= 0")
    spec = scenario.sites[site]
    start = decided
    if start is None:
        start = scenario.roadmap.decision_year if scenario.roadmap else scenario.year
    # the start years become a roadmap's stages, which a scenario's year bounds
    ensure(FIRST_YEAR <= start <= LAST_YEAR, "decided", start, f"{FIRST_YEAR}-{LAST_YEAR}")
    most = LAST_YEAR - start + 1
    ensure(years <= most, "years", years, f"1-{most} start years from {start} to {LAST_YEAR}")
    alone = scenario.model_copy(update={"sites": [spec], "roadmap": None})
    waiting = None
    if price_usd_per_accelerator_hour is not None:
        fleet = prepare_site(alone, 0).compute
        if fleet is not None:
            hours = sum(fleet.accelerators.values()) * it_share * HOURS_PER_YEAR * sold_share
            waiting = price_usd_per_accelerator_hour * hours
    out: list[StartYear] = []
    for year in range(start, start + years):
        say(f"{spec.id}: starting in {year}")
        roadmap = RoadmapSpec(
            stages=[RoadmapStage(year=year, scale=it_share)],
            decided=start,
            end=year + 1,
            grid_wait=grid_wait,
            typical_days=typical_days,
        )
        try:
            (planned,) = plan_roadmap(alone.model_copy(update={"roadmap": roadmap})).sites
        except (InfeasibleError, ScenarioError) as err:  # what it needs cannot exist yet
            out.append(StartYear(year, 0.0, None, None, None, None, waiting, infeasible=str(err)))
            continue
        (stage,) = planned.stages
        out.append(
            StartYear(
                year=year,
                grid_import_cap_mw=stage.grid_import_cap_mw,
                annual_cost_usd=stage.annual_cost_usd,
                extra_cost_usd=None,
                built_mw=dict(stage.built_mw),
                cfe_share=stage.cfe_share,
                waiting_cost_usd=waiting,
            )
        )
    served = [c.annual_cost_usd for c in out if c.annual_cost_usd is not None]
    if served:
        cheapest = min(served)
        out = [
            c
            if c.annual_cost_usd is None
            else replace(c, extra_cost_usd=c.annual_cost_usd - cheapest)
            for c in out
        ]
    return out
