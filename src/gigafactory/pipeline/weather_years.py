"""Several weather years of one site: prepared per seed, solved as one LP, summarised per year.

:func:`prepare_years` prepares the site once per weather-year seed (synthesised weather from
the site's climate normals, each seed its own day-to-day weather);
:func:`~gigafactory.supply.years.stack_years` lays them end to end for the LP;
:func:`summarise_years` cuts the solution back into years, summarises each like a one-year
run, and returns the mean year with the spread across years.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from statistics import fmean
from typing import Any

import xarray as xr

from gigafactory.errors import ScenarioError
from gigafactory.pipeline.firm_summary import site_warnings
from gigafactory.pipeline.prepare import PreparedSite, prepare_site
from gigafactory.scenario import Scenario
from gigafactory.summary import SiteSummary, WeatherYear, WeatherYears
from gigafactory.supply.years import split_years

__all__ = ["mean_summary", "prepare_years", "summarise_years"]


def prepare_years(scenario: Scenario, index: int, seeds: Sequence[int]) -> list[PreparedSite]:
    """The site prepared once per weather-year seed."""
    spec = scenario.sites[index]
    if spec.series.weather_file is not None:
        msg = (
            f"time.weather_years: sites[{index}] reads one observed year from "
            "series.weather_file; weather years are synthesised from a catalog site's climate "
            "normals (remove series.weather_file or time.weather_years)"
        )
        raise ScenarioError(msg)
    return [prepare_site(scenario.model_copy(update={"seed": seed}), index) for seed in seeds]


def _mean(values: Sequence[Any]) -> Any:
    """The mean of like values: numbers averaged, dicts and lists item by item."""
    first = values[0]
    if isinstance(first, bool) or first is None or isinstance(first, str):
        return first
    if isinstance(first, int | float):
        mean = fmean(float(v) for v in values)
        return round(mean) if isinstance(first, int) else mean
    if isinstance(first, dict) and all(v.keys() == first.keys() for v in values):
        return {key: _mean([v[key] for v in values]) for key in first}
    if isinstance(first, list) and all(len(v) == len(first) for v in values):
        return [_mean([v[i] for v in values]) for i in range(len(first))]
    return first  # unlike shapes (a list of another length): the first year's


def mean_summary(summaries: Sequence[SiteSummary]) -> SiteSummary:
    """The mean year of one design over several weather years.

    Every number is the mean of the years' (costs, energies, shares; hours rounded), so
    ratios such as LCOE and PUE are means of each year's ratio. Text comes from the first.
    """
    plain = [s.model_dump(mode="python") for s in summaries]
    return SiteSummary.model_validate(_mean(plain))


def _year(seed: int, site: SiteSummary) -> WeatherYear:
    return WeatherYear(
        seed=seed,
        total_annual_cost_usd=site.total_annual_cost_usd,
        cfe_share=site.cfe_share,
        cfe_annual_matching=site.cfe_annual_matching,
        emissions_tco2e=site.emissions_tco2e,
        unserved_mwh=site.unserved_mwh,
        curtailed_mwh=site.curtailed_mwh,
        energy_by_source_mwh=dict(site.energy_by_source_mwh),
    )


def summarise_years(
    years: Sequence[PreparedSite],
    seeds: Sequence[int],
    ds: xr.Dataset,
    summarise: Callable[[PreparedSite, xr.Dataset], SiteSummary],
) -> tuple[SiteSummary, list[xr.Dataset]]:
    """The mean year with the spread across years, and each year's solution.

    Parameters
    ----------
    years : sequence of PreparedSite
        The site prepared for each weather year (:func:`prepare_years`).
    seeds : sequence of int
        Each year's weather seed.
    ds : xarray.Dataset
        The stacked LP's solution.
    summarise : callable
        One year's summary from its prepared site and solution.
    """
    solved = split_years(ds, [p.supply.time for p in years])
    each = [summarise(p, year) for p, year in zip(years, solved, strict=True)]
    site = mean_summary(each)
    site.warnings = site_warnings(years[0], site)
    costs = [s.total_annual_cost_usd for s in each]
    site.weather_years = WeatherYears(
        years=[_year(seed, s) for seed, s in zip(seeds, each, strict=True)],
        costliest_seed=seeds[costs.index(max(costs))],
        cost_spread_usd=max(costs) - min(costs),
    )
    return site, solved
