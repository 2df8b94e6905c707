"""Typical periods against the full year, on every ground preset, measured in one run.

For each preset: the full year (8,760 hours) and ``time.aggregation`` with 24, 48 and 96
typical days (plus the extreme days tsam adds), each a whole ``gigafactory.run`` in this
process, one after the other, after one untimed preparation of the preset's sites (so
that both read kept weather). Prints the time of each, the speed-up of the whole run and
of the LP solves alone (``solve_seconds``), the error of the total cost and the capacity
error furthest outside its tolerance, against the targets of the issue "Speed where
planners feel it": >= 10x faster, cost within 1 %, each capacity within 5 % or 5 MW
("accurate": the last two). Then, untimed, what the typical days' design costs when
dispatched over the year with its capacities fixed, against the year's optimum
(``compare_exact``'s ``design_on_year``): the error that matters to whoever builds the
design, which a flat optimum's capacity error overstates.

    python benchmarks/typical_periods.py                    # every ground preset
    python benchmarks/typical_periods.py --presets colossus --counts 48
"""

from __future__ import annotations

import argparse
import json
import math
import time
from typing import Any

GROUND_PRESETS = (
    "korea-southwest",
    "korea-pohang",
    "korea-ulsan",
    "korea-seoul-metro",
    "colossus",
    "memphis-gas",
    "stargate-abilene",
    "pine-island",
)


def _run(name: str, count: int | None, *, compare_exact: bool = False) -> tuple[float, Any]:
    import gigafactory

    scenario = gigafactory.load_scenario(name)
    if count is not None:
        settings: dict[str, Any] = {"time.aggregation.count": count}
        if compare_exact:
            settings["time.aggregation.compare_exact"] = True
        scenario = gigafactory.with_settings(scenario, settings, "--counts")
    started = time.perf_counter()
    results = gigafactory.run(scenario)
    return time.perf_counter() - started, results.summary


def _warm_up(name: str) -> None:
    """Prepare the preset's sites once, untimed: the sun, weather and PV output each run
    reads are then kept (gigafactory.resource.kept) for the year and the typical days alike,
    not for the typical days only."""
    import gigafactory
    from gigafactory.pipeline import prepare_site

    scenario = gigafactory.load_scenario(name)
    for index in range(len(scenario.sites)):
        prepare_site(scenario, index)


def _design_regret(name: str, count: int) -> tuple[float, float, float]:
    """The typical days' design dispatched over the year (``compare_exact``), untimed: its
    cost over the year's optimum, less one [-], the energy it leaves unserved [MWh] and the
    hourly CFE share it reaches at most where short of its target [-] (NaN where it reaches
    it); the cost NaN where it cannot keep within another of the site's limits there."""
    _, summary = _run(name, count, compare_exact=True)
    designs = [site.aggregation.design_on_year for site in summary.sites]
    if any(design.infeasible for design in designs):
        return math.nan, 0.0, math.nan
    reach = min((d.cfe_reach for d in designs if not math.isnan(d.cfe_reach)), default=math.nan)
    return (
        max(d.regret_share for d in designs),
        sum(d.unserved_mwh for d in designs),
        reach,
    )


def _capacity_error(site: Any, exact: Any) -> tuple[float, float, str]:
    """The capacity error furthest outside its tolerance (5 % or 5 MW, the larger): its
    share of the tolerance [-], the error [MW] and the technology. Every capacity is within
    the target where the share is at most 1.

    >>> from types import SimpleNamespace as S
    >>> typical = S(capacity_mw={"solar": 279.0, "li-ion": 93.7})
    >>> share, mw, tech = _capacity_error(typical, S(capacity_mw={"solar": 272.8, "li-ion": 99.5}))
    >>> round(share, 2), round(mw, 1), tech  # solar +6.2 MW is 2.3 %, Li-ion -5.8 MW 5.8 %
    (1.16, -5.8, 'li-ion')
    """
    worst: tuple[float, float, str] = (0.0, 0.0, "-")
    for name, mw in exact.capacity_mw.items():
        error = site.capacity_mw.get(name, 0.0) - mw
        share = abs(error) / max(5.0, 0.05 * abs(mw))
        if share > worst[0]:
            worst = (share, error, name)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="*", default=list(GROUND_PRESETS))
    parser.add_argument("--counts", nargs="*", type=int, default=[24, 48, 96])
    args = parser.parse_args()
    rows = []
    header = (
        f"{'preset':<18} {'days':>5} {'time [s]':>9} {'year [s]':>9} {'speed-up':>9} "
        f"{'LP speed-up':>12} {'cost err':>9} {'worst capacity err':>30} {'accurate':>9} "
        f"{'targets':>8} {'design on year':>22}"
    )
    print(header)
    print("-" * len(header))
    for name in args.presets:
        _warm_up(name)
        exact_s, exact = _run(name, None)
        for count in args.counts:
            seconds, summary = _run(name, count)
            cost_error = summary.total_annual_cost_usd / exact.total_annual_cost_usd - 1
            worst_share, worst_mw, worst_tech = max(
                _capacity_error(site, site_exact)
                for site, site_exact in zip(summary.sites, exact.sites, strict=True)
            )
            within = worst_share <= 1.0
            typical = summary.sites[0].aggregation.typical_periods
            speed = exact_s / seconds
            solve = exact.solve_seconds / max(summary.solve_seconds, 1e-9)
            accurate = abs(cost_error) <= 0.01 and within  # the cost and capacity targets
            met = speed >= 10 and accurate
            regret, unserved, reach = _design_regret(name, count)
            on_year = "misses a limit" if math.isnan(regret) else f"{regret:+.2%}"
            if unserved > 0:
                on_year += f", {unserved:,.0f} MWh short"
            if not math.isnan(reach):
                on_year += f", CFE {reach:.2%}"
            print(
                f"{name:<18} {typical:>5} {seconds:>9.1f} {exact_s:>9.1f} {speed:>8.1f}x "
                f"{solve:>11.1f}x {cost_error:>+8.2%} {worst_tech + f' {worst_mw:+.1f} MW':>30} "
                f"{'yes' if accurate else 'no':>9} {'met' if met else 'not met':>8} "
                f"{on_year:>22}"
            )
            rows.append(
                {
                    "preset": name,
                    "count": count,
                    "typical_periods": typical,
                    "seconds": seconds,
                    "year_seconds": exact_s,
                    "speed_up": speed,
                    "solve_speed_up": solve,
                    "cost_error": cost_error,
                    "worst_capacity_error_mw": worst_mw,
                    "worst_capacity_share_of_tolerance": worst_share,
                    "worst_capacity": worst_tech,
                    "accurate": accurate,
                    "targets_met": met,
                    "design_regret": None if math.isnan(regret) else regret,
                    "design_unserved_mwh": unserved,
                    "design_cfe_reach": None if math.isnan(reach) else reach,
                }
            )
    print(json.dumps({"typical_periods": rows}))


if __name__ == "__main__":
    main()
