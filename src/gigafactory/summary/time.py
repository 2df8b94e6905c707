"""How the hours entered a site's LP: typical periods and weather years, and their checks.

:class:`Aggregation` says which typical periods stood for the year and, where the year was
solved too, the error and :class:`DesignOnYear`, the design dispatched over the year;
:class:`WeatherYears` the spread of one design across several weather years.
"""

from __future__ import annotations

import math

from pydantic import Field

from gigafactory.summary.base import Number, Section

__all__ = ["Aggregation", "DesignOnYear", "WeatherYear", "WeatherYears"]


class DesignOnYear(Section):
    """The design from typical periods dispatched over the full year, capacities fixed.

    What the design would cost and serve on the hours it stands for
    (:func:`gigafactory.supply.year_checks.fixed_design`); the year's LP, so unlike the
    typical periods' cost it is not an estimate of the design's running, and unlike the
    year's own optimum (``total_annual_cost_usd_exact``) it is this design's. What the
    design cannot serve is unserved energy: a firm site's design is then not firm on the
    year, and its cost leaves that energy out; a site that allows unserved energy prices it
    at its value of lost load, as its optimum does. Where the design cannot reach the CFE
    target on the year, it is dispatched to the share it reaches (``cfe_reach``). Where no
    dispatch keeps within the site's other limits (CO2 cap, permits, ride-through),
    ``infeasible`` says which, and the figures are NaN.
    """

    total_annual_cost_usd: Number = math.nan
    regret_share: Number = math.nan
    """This cost over the year's own optimum, less one: what the typical periods' design
    costs more than the best one [-]."""
    unserved_mwh: Number = math.nan
    """Energy the design leaves unserved in the year [MWh], priced in the cost at the value
    of lost load."""
    unserved_hours: int = 0
    cfe_share: Number = math.nan
    cfe_reach: Number = math.nan
    """Where the design cannot reach the site's hourly CFE target on the year at any cost:
    the most it reaches, which its dispatch then holds (less 1e-5) [-]; NaN where it reaches
    the target."""
    emissions_tco2e: Number = math.nan
    infeasible: str = ""
    """Why no dispatch of the design keeps within the site's limits on the year; empty
    where one does [-]."""


class Aggregation(Section):
    """Typical periods that stood for the year, and their error where the year was solved too.

    Errors are the typical-period solve minus the full year's.
    """

    typical_periods: int
    period_hours: int
    stress_days: int = 0
    """Of the typical periods, days that a first design could not serve and that the LP was
    solved again with (:func:`gigafactory.pipeline.aggregation.settle_periods`) [-]."""
    total_annual_cost_usd_exact: Number = math.nan
    cost_error_share: Number = math.nan
    capacity_mw_exact: dict[str, Number] = Field(default_factory=dict)
    capacity_error_mw: dict[str, Number] = Field(default_factory=dict)
    solve_seconds_exact: Number = math.nan
    cfe_share_year_bound: Number = math.nan
    """Hourly CFE share that the design surely reaches on the full year, where the site has
    a CFE target (:func:`gigafactory.supply.year_checks.cfe_reach`) [-]."""
    design_on_year: DesignOnYear | None = None
    """The design dispatched over the full year, where the year was solved too."""


class WeatherYear(Section):
    """One weather year of a site solved over several: the shared design in that year."""

    seed: int
    total_annual_cost_usd: Number
    cfe_share: Number
    cfe_annual_matching: Number
    emissions_tco2e: Number
    unserved_mwh: Number
    curtailed_mwh: Number
    energy_by_source_mwh: dict[str, Number]


class WeatherYears(Section):
    """The spread across weather years: one design, each year's cost and output.

    The site's own figures are the mean year's; the design is sized for all of them.
    """

    years: list[WeatherYear]
    costliest_seed: int
    cost_spread_usd: Number
    """Costliest year minus cheapest [USD/yr]."""
