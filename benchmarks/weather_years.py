"""Several weather years in one LP: how the solve time grows with the years, and what the
design and the spread look like.

    python benchmarks/weather_years.py                 # korea-pohang, 1-3 years, in full and
                                                       # on 48 typical days
    python benchmarks/weather_years.py --years 1 2 4 --preset pine-island

Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import time

import gigafactory


def one(preset: str, n_years: int, count: int | None = None) -> dict[str, float | str]:
    """One run over ``n_years`` weather years, in full or on ``count`` typical days."""
    from gigafactory.scenario.schema import Aggregation

    base = gigafactory.load_scenario(preset)
    seeds = [base.seed + k for k in range(n_years)]
    aggregation = None if count is None else Aggregation(count=count)
    scenario = base.model_copy(
        update={
            "time": base.time.model_copy(
                update={"weather_years": seeds, "aggregation": aggregation}
            )
        }
    )
    started = time.perf_counter()
    site = gigafactory.run(scenario).summary.sites[0]
    seconds = time.perf_counter() - started
    spread = site.weather_years
    assert spread is not None
    return {
        "years": n_years,
        "typical_days": count or 0,
        "run_s": seconds,
        "solve_s": site.solve_seconds,
        "cost_musd": site.total_annual_cost_usd / 1e6,
        "spread_musd": spread.cost_spread_usd / 1e6,
        "capacity": ", ".join(f"{k} {v:,.0f}" for k, v in site.capacity_mw.items() if v > 0.5),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="korea-pohang")
    parser.add_argument("--years", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument(
        "--typical", type=int, default=48, help="also on this many typical days (0: not)"
    )
    parser.add_argument(
        "--full-max", type=int, default=3, help="solve in full only up to this many years (3)"
    )
    args = parser.parse_args()
    rows = [one(args.preset, n) for n in args.years if n <= args.full_max or n == 1]
    if args.typical:
        rows += [one(args.preset, n, args.typical) for n in args.years]
    base = rows[0]
    print(f"{args.preset}: one LP over N synthesised weather years (seeds from the preset's)")
    print(
        f"{'years':>5} {'solve s':>9} {'x 1 year':>9} {'per year':>9} {'cost M$':>9} "
        f"{'spread M$':>10}  capacity MW"
    )
    for r in rows:
        ratio = float(r["solve_s"]) / float(base["solve_s"])
        print(
            f"{r['years']:>5} {float(r['solve_s']):>9.1f} {ratio:>9.2f} "
            f"{ratio / float(r['years']) * float(base['years']):>9.2f} "
            f"{float(r['cost_musd']):>9.2f} {float(r['spread_musd']):>10.2f}  {r['capacity']}"
        )
    print(json.dumps({"preset": args.preset, "rows": rows}))


if __name__ == "__main__":
    main()
