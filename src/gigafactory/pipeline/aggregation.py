"""Typical periods for a run: clustering each site's year, and the error against the year."""

from __future__ import annotations

import math
from collections.abc import Callable

import xarray as xr

from gigafactory.errors import ScenarioError
from gigafactory.scenario import Scenario
from gigafactory.summary import Aggregation, DesignOnYear, Notice, SiteSummary
from gigafactory.supply import SiteSupply
from gigafactory.supply.extract import capacity_of
from gigafactory.supply.periods import (
    Periods,
    cluster_periods,
    period_profiles,
    typical_site,
    with_periods_alone,
)
from gigafactory.supply.solve import share_below
from gigafactory.supply.year_checks import stress_periods

__all__ = [
    "CFE_OVERSHOOT",
    "DESIGN_SHORT_SHARE",
    "STRESS_PASSES",
    "aggregation_notice",
    "aggregation_summary",
    "cfe_overshoot_notice",
    "design_notice",
    "design_on_year",
    "settle_periods",
    "typical_periods",
]

STRESS_PASSES = 2
"""Solves on typical periods after the first, each with the days the last design cannot
serve added (:func:`settle_periods`) [-]."""


def typical_periods(
    scenario: Scenario, index: int, site: SiteSupply, say: Callable[[str], None]
) -> Periods | None:
    """The typical periods of one site's year, or None when the scenario asks for the year.

    Raises
    ------
    ScenarioError
        Naming ``time.aggregation`` when the period does not divide the year or typical
        periods would mix days with different assets in service.
    """
    aggregation = scenario.time.aggregation
    if aggregation is None:
        return None
    n_periods = len(site.time) // aggregation.period_hours
    if aggregation.count >= n_periods:  # cluster_periods returns the year itself
        say(
            f"{site.name}: {aggregation.count} typical periods asked, the year has "
            f"{n_periods}: every period solved as itself"
        )
    else:
        say(
            f"{site.name}: {aggregation.count} typical periods of "
            f"{aggregation.period_hours} h (tsam)"
        )
    try:
        return cluster_periods(site, aggregation.period_hours, aggregation.count)
    except ValueError as err:
        msg = f"time.aggregation: sites[{index}] ({site.name}): {err}"
        raise ScenarioError(msg) from None


def settle_periods(
    site: SiteSupply,
    periods: Periods,
    optimise_typical: Callable[[SiteSupply], xr.Dataset],
    say: Callable[[str], None],
) -> tuple[Periods, xr.Dataset, int]:
    """Solve a site on typical periods until no run of the year surely defeats its design.

    After each solve, :func:`~gigafactory.supply.year_checks.stress_periods` names the days of
    the year that the design cannot serve whatever its dispatch (each run of 1 to 7 days
    tried from a full store); they become typical periods of their own and the LP is
    solved again, at most :data:`STRESS_PASSES` times. This is the check of an aggregated
    design against the full time series of Bahl et al. (2017), with a bound of
    milliseconds in place of the year's LP: it catches the runs of poor days that size
    storage, which typical days blur.

    Bahl, Kuempel, Seele, Lampe, Bardow (2017), "Time-series aggregation for synthesis
    problems by bounding error in the objective function", Energy 135, 900-912.

    Returns
    -------
    tuple
        The final typical periods, the solution on them (its ``solve_seconds`` and
        ``build_seconds`` those of every pass), and the stress days added [-].
    """
    solution = optimise_typical(typical_site(site, periods))
    profiles = period_profiles(site, periods.period_hours)
    added = 0
    spent = {"solve_seconds": 0.0, "build_seconds": 0.0}  # by the passes before the last
    for _ in range(STRESS_PASSES):
        stressed = stress_periods(site, periods, capacity_of(solution))
        if not stressed:
            break
        added += len(stressed)
        say(
            f"{site.name}: the design cannot serve {len(stressed)} days of the year; "
            "solving again with them as typical days"
        )
        # the same groups, no new clustering
        periods = with_periods_alone(periods, stressed, profiles)
        for key in spent:
            spent[key] += float(solution.attrs.get(key, 0.0))
        solution = optimise_typical(typical_site(site, periods))
    for key, seconds in spent.items():  # the time of every pass, as the summary reports it
        solution.attrs[key] = float(solution.attrs.get(key, 0.0)) + seconds
    return periods, solution, added


def aggregation_summary(
    periods: Periods,
    site: SiteSummary,
    exact: SiteSummary | None,
    stress_days: int = 0,
    cfe_share_year_bound: float | None = None,
) -> Aggregation:
    """What stood for the year, and the error of cost [-] and capacities [MW] if solved too.

    Errors are the typical periods' figures minus the full year's;
    ``cfe_share_year_bound`` is :func:`~gigafactory.supply.year_checks.cfe_reach` of the design.
    """
    out = Aggregation(
        typical_periods=len(periods.representative),
        period_hours=periods.period_hours,
        stress_days=stress_days,
    )
    if cfe_share_year_bound is not None:
        out.cfe_share_year_bound = cfe_share_year_bound
    if exact is None:
        return out
    out.total_annual_cost_usd_exact = exact.total_annual_cost_usd
    out.cost_error_share = (
        site.total_annual_cost_usd / exact.total_annual_cost_usd - 1.0
        if exact.total_annual_cost_usd
        else 0.0
    )
    out.capacity_mw_exact = dict(exact.capacity_mw)
    out.capacity_error_mw = {
        name: site.capacity_mw.get(name, 0.0) - exact.capacity_mw.get(name, 0.0)
        for name in exact.capacity_mw
    }
    out.solve_seconds_exact = exact.solve_seconds
    return out


def aggregation_notice(aggregation: Aggregation, weather_years: int = 1) -> Notice:
    """The note that the figures come from typical periods, with their error where known.

    Examples
    --------
    >>> aggregation_notice(Aggregation(typical_periods=50, period_hours=24)).text[:60]
    'solved on 50 typical periods of 24 h standing for the year ('
    >>> stressed = Aggregation(typical_periods=72, period_hours=24, stress_days=16)
    >>> aggregation_notice(stressed).text[60:139]
    'time.aggregation; 16 of them stress days, which a first design could not serve)'
    """
    standing_for = "the year" if weather_years == 1 else "{years} weather years"
    template = "solved on {count} typical periods of {hours} h standing for " + standing_for
    template += (
        " (time.aggregation; {stress} of them stress days, which a first design could not serve)"
        if aggregation.stress_days
        else " (time.aggregation)"
    )
    values = {
        "count": str(aggregation.typical_periods),
        "hours": str(aggregation.period_hours),
        "years": str(weather_years),
        "stress": str(aggregation.stress_days),
    }
    errors = aggregation.capacity_error_mw
    if errors:
        worst = max(errors, key=lambda name: abs(errors[name]))
        template += "; against " + standing_for + " in full: cost {cost}, {tech} {error} MW"
        values.update(
            cost=f"{aggregation.cost_error_share:+.2%}", tech=worst, error=f"{errors[worst]:+,.1f}"
        )
    else:
        template += (
            "; storage and firm capacity move most: check a chosen mix with "
            "compare_exact: true or a full-year run"
        )
    used = {k: v for k, v in values.items() if "{" + k + "}" in template}
    return Notice.of("note", template, **used)


DESIGN_SHORT_SHARE = 1e-6
"""Unserved share of the year's load above which a design leaves energy unserved on the year
[-]; below, a solver's residue (an interior point leaves ~1e-7 MW in an hour)."""


def design_on_year(
    on_year: SiteSummary | str, exact: SiteSummary, cfe_reach: float | None = None
) -> DesignOnYear:
    """What the typical periods' design does on the year, from its dispatch there.

    Parameters
    ----------
    on_year : SiteSummary or str
        The summary of the design dispatched over the year with its capacities fixed
        (:func:`gigafactory.supply.year_checks.fixed_design`), or why no dispatch keeps
        within the site's limits (the LP's infeasibility, explained).
    exact : SiteSummary
        The year's own optimum.
    cfe_reach : float, optional
        The hourly CFE share the design reaches at most, where below the site's target
        (its dispatch then holds it) [-].

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> design = S(total_annual_cost_usd=101.5e6, unserved_mwh=0.0, unserved_hours=0,
    ...            cfe_share=0.61, emissions_tco2e=2.0e5, facility_energy_mwh=1.0e6)
    >>> round(design_on_year(design, S(total_annual_cost_usd=100.0e6)).regret_share, 4)
    0.015
    """
    reach = math.nan if cfe_reach is None else cfe_reach
    if isinstance(on_year, str):  # what the design misses, not how a scenario could relax it
        return DesignOnYear(infeasible=on_year.split("; allow ")[0], cfe_reach=reach)
    best = exact.total_annual_cost_usd
    short = on_year.unserved_mwh > DESIGN_SHORT_SHARE * on_year.facility_energy_mwh
    return DesignOnYear(
        total_annual_cost_usd=on_year.total_annual_cost_usd,
        regret_share=on_year.total_annual_cost_usd / best - 1.0 if best else math.nan,
        unserved_mwh=on_year.unserved_mwh if short else 0.0,
        unserved_hours=on_year.unserved_hours if short else 0,
        cfe_share=on_year.cfe_share,
        cfe_reach=reach,
        emissions_tco2e=on_year.emissions_tco2e,
    )


def design_notice(
    design: DesignOnYear,
    weather_years: int = 1,
    firm: bool = True,
    cfe_target: float | None = None,
) -> Notice:
    """The note of what the design does on the year in full; a warning where it falls short.

    ``firm``: the site serves every hour (no ``reliability.allow_unserved``), so energy the
    design leaves unserved on the year is a shortfall, left out of its cost. ``cfe_target``:
    the site's hourly CFE target, which the design may reach only in part (``cfe_reach``).

    Examples
    --------
    >>> print(design_notice(DesignOnYear(regret_share=0.0012)).text)
    ... # doctest: +NORMALIZE_WHITESPACE
    dispatched over the year in full with its capacities fixed, the design costs +0.12%
    against the year's optimum
    >>> below = DesignOnYear(regret_share=-0.0041, cfe_reach=0.8991)
    >>> print(design_notice(below, cfe_target=0.9).text)  # doctest: +NORMALIZE_WHITESPACE
    dispatched over the year in full with its capacities fixed, the design reaches at most
    89.9% hourly CFE against its 90% target; held there, it costs -0.41% against the year's
    optimum
    >>> short = DesignOnYear(regret_share=-0.003, unserved_mwh=118.2, unserved_hours=3)
    >>> print(design_notice(short, 3).text)  # doctest: +NORMALIZE_WHITESPACE
    dispatched over 3 weather years in full with its capacities fixed, the design leaves
    118 MWh a year unserved in 3 hours, so it is not firm there; without that energy it
    costs -0.30% against the optimum of 3 weather years
    """
    span, best = (
        ("the year", "the year's optimum")
        if weather_years == 1
        else ("{years} weather years", "the optimum of {years} weather years")
    )
    template = "dispatched over " + span + " in full with its capacities fixed, the design "
    values = {
        "years": str(weather_years),
        "reason": design.infeasible,
        "mwh": f"{design.unserved_mwh:,.0f}",
        "hours": f"{design.unserved_hours:,}",
        # a hundredth of a percent is the solvers' tolerance, not a sign
        "regret": f"{0.0 if abs(design.regret_share) < 5e-5 else design.regret_share:+.2%}",
        "reach": share_below(design.cfe_reach, cfe_target or 1.0),
        "target": f"{cfe_target or 0.0:.0%}",
    }
    level = "warning"
    if design.infeasible:
        template += "cannot keep within the site's limits: {reason}; raise time.aggregation.count"
    elif not math.isnan(design.cfe_reach):
        template += (
            "reaches at most {reach} hourly CFE against its {target} target; held there, it "
            "costs {regret} against " + best
        )
    elif design.unserved_hours and firm:
        template += (
            "leaves {mwh} MWh a year unserved in {hours} hours, so it is not firm there; "
            "without that energy it costs {regret} against " + best
        )
    elif design.unserved_hours:
        template += (
            "leaves {mwh} MWh a year unserved in {hours} hours and, with that energy at the "
            "value of lost load, costs {regret} against " + best
        )
        level = "note"
    else:
        template += "costs {regret} against " + best
        level = "note"
    used = {k: v for k, v in values.items() if "{" + k + "}" in template}
    return Notice.of(level, template, **used)


CFE_OVERSHOOT = 0.002
"""How far above its CFE target a design from typical periods must surely reach on the year
before :func:`cfe_overshoot_notice` says so [-]: a fifth of a point, above the bound's own
slack (the year's optimum on ``pine-island``: 89.9 % for a 90 % target)."""


def cfe_overshoot_notice(
    site: str, aggregation: Aggregation, target: float | None
) -> Notice | None:
    """A warning where the design surely beats its CFE target on the year, else None.

    Typical periods give every day of a group the same storage cycle, so a store cannot
    carry energy between two days of one group as it does in the year: with long storage
    and a high hourly target they build too much (``pine-island`` at 90 % on 24 typical
    days: 18 % dear before its days were grouped by weather regime too, 3.6 % since;
    benchmarks/README.md).

    >>> a = Aggregation(typical_periods=34, period_hours=24, cfe_share_year_bound=0.9117)
    >>> cfe_overshoot_notice("pine_island", a, 0.9).text[:84]
    'pine_island: on the full year this design reaches at least 91.2% hourly CFE against '
    >>> cfe_overshoot_notice("pine_island", a, 0.91) is None
    True
    """
    reach = aggregation.cfe_share_year_bound
    if target is None or not math.isfinite(reach) or reach <= target + CFE_OVERSHOOT:
        return None
    return Notice.of(
        "warning",
        "{site}: on the full year this design reaches at least {reach} hourly CFE against "
        "its {target} target: typical periods understate what storage carries between days, "
        "so capacities are likely too large; raise time.aggregation.count or set "
        "compare_exact: true",
        site=site,
        reach=f"{reach:.1%}",
        target=f"{target:.0%}",
    )
