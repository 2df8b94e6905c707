"""The one place that chains the steps: scenario -> series -> facility -> supply -> economics.

``run(scenario)`` returns :class:`~gigafactory.results.Results`; ``size(scenario)`` stops
before the supply LP. Nothing outside :mod:`gigafactory.pipeline` calls more than one
model room.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context

import xarray as xr

from gigafactory.pipeline.aggregation import (
    aggregation_notice,
    aggregation_summary,
    cfe_overshoot_notice,
    design_notice,
    design_on_year,
    settle_periods,
    typical_periods,
)
from gigafactory.pipeline.assumptions import site_assumptions
from gigafactory.pipeline.orbit_study import orbit_summary
from gigafactory.pipeline.placement_study import place
from gigafactory.pipeline.prepare import PreparedSite, prepare_site
from gigafactory.pipeline.roadmap_study import plan_roadmap
from gigafactory.pipeline.summarise import (
    aggregate,
    aggregate_compute,
    compute_summary,
    flexibility,
    series,
    site_summary,
    size_site,
)
from gigafactory.pipeline.weather_years import prepare_years, summarise_years
from gigafactory.results import Results, run_info
from gigafactory.scenario import Scenario, data_files
from gigafactory.solver import WarmStarts
from gigafactory.summary import DesignOnYear, SiteSummary, SizedSite, headline
from gigafactory.supply import SiteSupply, optimise
from gigafactory.supply.extract import capacity_of
from gigafactory.supply.periods import (
    Periods,
    expand_solution,
    typical_site,
    year_of_typical_periods,
)
from gigafactory.supply.solve import dispatch_design
from gigafactory.supply.year_checks import cfe_reach
from gigafactory.supply.years import split_supply, stack_years

__all__ = ["Progress", "check", "run", "run_prepared", "size"]

Progress = Callable[[str], None]


def _optimise(args: tuple[SiteSupply, str, float | None]) -> xr.Dataset:
    site, method, limit = args
    return optimise(site, method=method, time_limit_s=limit)


Designed = tuple[xr.Dataset | str, float | None]
"""A design dispatched over the year: its solution or why it has none, and the CFE share it
reaches at most where short of the target (:func:`dispatch_design`)."""


def _dispatch(args: tuple[SiteSupply, dict[str, float], str, float | None]) -> Designed:
    """:func:`dispatch_design` of one site, for a process pool."""
    site, capacity, method, limit = args
    return dispatch_design(site, capacity, method=method, time_limit_s=limit)


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked from a fresh server process, not from this one.

    A HiGHS that has solved in this process holds threads that a forked copy would wait on
    for ever.
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"))


def _settle(
    args: tuple[SiteSupply, Periods, str, float | None],
) -> tuple[Periods, xr.Dataset, int]:
    """:func:`settle_periods` of one site, for a process pool (no progress from there)."""
    site, periods, method, limit = args
    return settle_periods(
        site,
        periods,
        lambda lp_site: optimise(lp_site, method=method, time_limit_s=limit),
        lambda _msg: None,
    )


def _compare_exact(scenario: Scenario) -> bool:
    aggregation = scenario.time.aggregation
    return aggregation is not None and aggregation.compare_exact


def run(
    scenario: Scenario, *, progress: Progress | None = None, warm: WarmStarts | None = None
) -> Results:
    """Run a scenario end to end.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`gigafactory.load_scenario`).
    progress : callable, optional
        Called with a short message as each step starts.
    warm : WarmStarts, optional
        Start each site's LP from the basis of the last run's LP of the same site and shape
        (sweeps keep one per worker); the LPs are then solved one after another.

    Returns
    -------
    Results
        Summary, hourly series per site, the scenario as run and version information.

    Raises
    ------
    InfeasibleError
        When a site cannot meet its load within its limits; the message names the site,
        the hours and the MW short.
    """
    return run_prepared(scenario, progress, warm)[0]


def run_prepared(
    scenario: Scenario, progress: Progress | None = None, warm: WarmStarts | None = None
) -> tuple[Results, list[PreparedSite]]:
    """:func:`run`, also returning the prepared sites for studies that replay them."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    seeds = scenario.time.weather_years
    prepared: list[PreparedSite] = []
    years: list[list[PreparedSite] | None] = []
    for i, spec in enumerate(scenario.sites):
        each = f" for {len(seeds)} weather year{'s' * (len(seeds) > 1)}" if seeds else ""
        say(f"{spec.id}: weather, capacity factors and facility load{each}")
        ys = prepare_years(scenario, i, seeds) if seeds else None
        years.append(ys)
        prepared.append(ys[0] if ys else prepare_site(scenario, i))
    method, limit = scenario.solver.method.value, scenario.solver.time_limit_s
    aggregation = scenario.time.aggregation
    # what the LP stands for: the year, or the weather years end to end
    whole = [
        p.supply if ys is None else stack_years([y.supply for y in ys])
        for p, ys in zip(prepared, years, strict=True)
    ]
    periods = [typical_periods(scenario, i, w, say) for i, w in enumerate(whole)]

    def optimise_one(site: SiteSupply, kind: str) -> xr.Dataset:
        if warm is not None:  # each LP under its own key: the year, the rigid and exact twins
            return optimise(
                site, method=method, time_limit_s=limit, warm=warm, key=f"{kind}:{site.name}"
            )
        return _optimise((site, method, limit))

    # on typical periods, each site is solved until its design holds on the year's stress
    # days, before the twins below are set up on the periods it ends with
    settled: list[xr.Dataset | None] = [None] * len(whole)
    stress_days = [0] * len(whole)
    typical = [i for i, per in enumerate(periods) if per is not None]
    for i in typical:
        n_techs = len(whole[i].techs)
        say(f"{whole[i].name}: optimising supply on typical days ({n_techs} technologies)")
    if warm is None and len(typical) > 1 and scenario.solver.threads > 1:
        settle_jobs = [(whole[i], periods[i], method, limit) for i in typical]
        with _pool(min(scenario.solver.threads, len(typical))) as pool:
            for i, done in zip(typical, pool.map(_settle, settle_jobs), strict=True):
                periods[i], settled[i], stress_days[i] = done
    else:
        for i in typical:
            first = periods[i]
            assert first is not None
            periods[i], settled[i], stress_days[i] = settle_periods(
                whole[i],
                first,
                # each number of typical hours keeps its own basis in a warm sweep
                lambda lp_site: optimise_one(lp_site, f"lp{len(lp_site.time)}"),
                say,
            )
    modelled = [
        w if per is None else typical_site(w, per) for w, per in zip(whole, periods, strict=True)
    ]
    jobs = [
        (lp_site, method, limit)
        for lp_site, ds in zip(modelled, settled, strict=True)
        if ds is None
    ]
    n_lp = len(jobs)
    # Sites with flexible training are solved again with training held at its nominal
    # pace, to report what the flexibility is worth.
    rigid = [
        (replace(lp_site, flexible_floor=1.0, flexible_ceiling=1.0), method, limit)
        for lp_site in modelled
        if lp_site.flexible_it_mw is not None
    ]
    # and with typical periods, the full year too when asked, to report their error, and
    # their design dispatched over it, to report what the design costs and serves there
    exact = [(w, method, limit) for w in whole] if _compare_exact(scenario) else []
    fixed = [
        (w, capacity_of(ds), method, limit)
        for w, ds in zip(whole, settled, strict=True)
        if exact and ds is not None
    ]
    jobs += rigid + exact
    for lp_site, ds in zip(modelled, settled, strict=True):
        n_techs = len(lp_site.techs)
        if ds is None:
            say(
                f"{lp_site.name}: optimising supply ({len(lp_site.time):,} hours, "
                f"{n_techs} technolog{'y' if n_techs == 1 else 'ies'})"
            )
    if exact:
        say(
            f"solving the full year too, and the design on it ({len(exact)} "
            f"site{'s' * (len(exact) > 1)})"
        )
    workers = min(scenario.solver.threads, len(jobs) + len(fixed))
    on_year: list[Designed]
    if warm is not None:
        kinds = ["lp"] * n_lp + ["rigid"] * len(rigid) + ["exact"] * len(exact)
        solved = [
            optimise_one(lp_site, kind)
            for kind, (lp_site, _m, _lim) in zip(kinds, jobs, strict=True)
        ]
        on_year = [_dispatch(job) for job in fixed]  # a design is solved once: no basis kept
    elif workers > 1:
        with _pool(workers) as pool:
            pending = pool.map(_dispatch, fixed)  # all of them at once
            solved = list(pool.map(_optimise, jobs))
            on_year = list(pending)
    else:
        solved = [_optimise(job) for job in jobs]
        on_year = [_dispatch(job) for job in fixed]
    rigid_solved = iter(solved[n_lp : n_lp + len(rigid)])
    exact_solved = solved[n_lp + len(rigid) :] if exact else [None] * len(prepared)
    designs_on_year: list[Designed | None] = list(on_year) if fixed else [None] * len(prepared)
    fresh = iter(solved[:n_lp])
    solved = [next(fresh) if ds is None else ds for ds in settled]
    # typical periods are laid back onto the year: the year the LP's objective describes
    solved = [
        ds if per is None else expand_solution(ds, per, w.time)
        for w, ds, per in zip(whole, solved, periods, strict=True)
    ]
    # and so are the inputs, so that each year's costs add up to what the LP saw
    described_years = [
        ys
        if ys is None or per is None
        else [
            replace(y, supply=s)
            for y, s in zip(
                ys,
                split_supply(year_of_typical_periods(w, per), [y.supply.time for y in ys]),
                strict=True,
            )
        ]
        for ys, w, per in zip(years, whole, periods, strict=True)
    ]
    described = [
        p
        if per is None or ys is not None
        else replace(p, supply=year_of_typical_periods(p.supply, per))
        for p, per, ys in zip(prepared, periods, years, strict=True)
    ]
    say("economics and results")

    def summarise(p: PreparedSite, ys: list[PreparedSite] | None, data: xr.Dataset) -> SiteSummary:
        """One year's summary, or the mean of the weather years'."""
        if ys is None or seeds is None:
            return site_summary(p, data)
        return summarise_years(ys, seeds, data, site_summary)[0]

    def on_the_year(
        original: PreparedSite,
        ys: list[PreparedSite] | None,
        data: xr.Dataset | None,
        designed: Designed | None,
    ) -> tuple[SiteSummary | None, DesignOnYear | None]:
        """The year's own optimum and the design dispatched over the year, where solved.

        Summarised on the year's own inputs, not on the typical periods laid onto it (hourly
        tariffs differ). A firm site's cost leaves out any energy its design leaves unserved
        (the summary counts it apart); a site that allows unserved energy prices it.
        """
        if data is None:
            return None, None
        full = summarise(original, ys, data)
        if designed is None:
            return full, None
        design, reach = designed
        if isinstance(design, str):  # the explanation names the site, as the notice will
            name = original.supply.name
            return full, design_on_year(design.removeprefix(f"site '{name}': "), full, reach)
        return full, design_on_year(summarise(original, ys, design), full, reach)

    site_summaries, hourly_solutions = [], []
    for p, original, w, ds, per, ds_exact, designed, ys, ys_exact, stress in zip(
        described,
        prepared,
        whole,
        solved,
        periods,
        exact_solved,
        designs_on_year,
        described_years,
        years,
        stress_days,
        strict=True,
    ):
        if ys is not None and seeds is not None:
            # one design over the weather years: the mean year, the spread, year 1's hours
            site, split = summarise_years(ys, seeds, ds, site_summary)
            hourly_solutions.append(split[0])
        else:
            site = site_summary(p, ds)
            hourly_solutions.append(ds)
        if per is not None and aggregation is not None:
            full, design = on_the_year(original, ys_exact, ds_exact, designed)
            reach = None if w.cfe_target is None else cfe_reach(w, site.capacity_mw)
            site.aggregation = aggregation_summary(per, site, full, stress, reach)
            site.aggregation.design_on_year = design
            site.warnings.append(aggregation_notice(site.aggregation, w.weather_years))
            if site.aggregation.design_on_year is not None:
                site.warnings.append(
                    design_notice(
                        site.aggregation.design_on_year,
                        w.weather_years,
                        firm=w.value_of_lost_load is None,
                        cfe_target=w.cfe_target,
                    )
                )
            overshoot = cfe_overshoot_notice(site.site, site.aggregation, w.cfe_target)
            if overshoot is not None:
                site.warnings.append(overshoot)
        site.headline = headline(site)
        site.assumptions = site_assumptions(scenario, p)
        if p.supply.flexible_it_mw is not None:
            rigid_ds = next(rigid_solved)
            if per is not None:
                rigid_ds = expand_solution(rigid_ds, per, w.time)
            site.flexibility = flexibility(site, summarise(p, ys, rigid_ds))
        if p.compute is not None:
            site.compute = compute_summary(
                p,
                site.total_annual_cost_usd,
                site.pue_annual,
                site.emissions_tco2e / site.facility_energy_mwh
                if site.facility_energy_mwh
                else 0.0,
                scenario.finance.wacc,
            )
        site_summaries.append(site)
    summary = aggregate(scenario.name, site_summaries)
    computes = [site.compute for site in site_summaries if site.compute is not None]
    if computes:
        summary.compute = aggregate_compute(computes)
    if scenario.orbit is not None:
        say("orbital alternative")
        summary.orbit = orbit_summary(scenario, prepared[0])
    if scenario.placement is not None:
        say("placement of inference demand")
        summary.placement = place(scenario)
    if scenario.roadmap is not None:
        say("build-out roadmap")
        summary.roadmap = plan_roadmap(scenario, say)
    hourly = {p.spec.id: series(p, ds) for p, ds in zip(described, hourly_solutions, strict=True)}
    summary.run_seconds = time.perf_counter() - started
    results = Results(summary=summary, series=hourly, scenario=scenario, info=run_info(scenario))
    return results, prepared


def size(scenario: Scenario) -> dict[str, SizedSite]:
    """Size the compute of every site without solving the supply LP.

    Energy is priced at the site's average grid tariff and carbon intensity (or its given
    ones), so the figures are a first estimate; :func:`run` optimises the supply.

    Returns
    -------
    dict of str to SizedSite
        Per site id: IT and facility energy, PUE, peak facility load, energy cost and
        emissions at the tariff, and the ``compute`` section of a run.
    """
    return {
        spec.id: size_site(prepare_site(scenario, i), scenario.finance.wacc)
        for i, spec in enumerate(scenario.sites)
    }


def check(scenario: Scenario) -> int:
    """Read and check every data file a scenario names, as a run would, without solving.

    Each site is prepared in full (weather, capacity factors, loads, tariffs), so a data
    file that :func:`run` would reject is rejected here, with the scenario field naming it.

    Returns
    -------
    int
        Number of data files read.
    """
    for i in range(len(scenario.sites)):
        prepare_site(scenario, i)
    return sum(len(data_files(site)) for site in scenario.sites)
