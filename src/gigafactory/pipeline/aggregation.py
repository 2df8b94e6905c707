"""Typical periods for a run: clustering each site's year, and the error against the year."""

from __future__ import annotations

from collections.abc import Callable

from gigafactory.errors import ScenarioError
from gigafactory.scenario import Scenario
from gigafactory.summary import Aggregation, Notice, SiteSummary
from gigafactory.supply import SiteSupply
from gigafactory.supply.periods import Periods, cluster_periods

__all__ = ["aggregation_notice", "aggregation_summary", "typical_periods"]


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
    say(f"{site.name}: {aggregation.count} typical periods of {aggregation.period_hours} h (tsam)")
    try:
        return cluster_periods(site, aggregation.period_hours, aggregation.count)
    except ValueError as err:
        msg = f"time.aggregation: sites[{index}] ({site.name}): {err}"
        raise ScenarioError(msg) from None


def aggregation_summary(
    periods: Periods, site: SiteSummary, exact: SiteSummary | None
) -> Aggregation:
    """What stood for the year, and the error of cost [-] and capacities [MW] if solved too.

    Errors are the typical periods' figures minus the full year's.
    """
    out = Aggregation(
        typical_periods=len(periods.representative), period_hours=periods.period_hours
    )
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
    """
    standing_for = "the year" if weather_years == 1 else f"{weather_years} weather years"
    text = (
        f"solved on {aggregation.typical_periods} typical periods of "
        f"{aggregation.period_hours} h standing for {standing_for} (time.aggregation)"
    )
    errors = aggregation.capacity_error_mw
    if errors:
        worst = max(errors, key=lambda name: abs(errors[name]))
        text += (
            f"; against {standing_for} in full: cost {aggregation.cost_error_share:+.2%}, "
            f"{worst} {errors[worst]:+,.1f} MW"
        )
    else:
        text += (
            "; storage and firm capacity move most: check a chosen mix with "
            "compare_exact: true or a full-year run"
        )
    return Notice(level="note", text=text)
