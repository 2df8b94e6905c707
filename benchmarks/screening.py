"""Screening sites: ``compare`` over the site library on typical days against full years.

The ``korea-southwest`` campus at every library site (``compare --sites all``), two sites
at a time, once on each site's year in full and once on 24 typical days
(``--set time.aggregation.count=24``), one after the other in this process. Prints the
time of each, the speed-up, how far the ranking moved (rank correlation, the largest move,
the first five) and the cost error at each site against its year.

    python benchmarks/screening.py                       # all 43 sites, ~2 min on 2 cores
    python benchmarks/screening.py --sites paris,seattle,ulsan,seoul_metro
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np


def _compare(scenario: Any, names: list[str], workers: int) -> tuple[float, Any]:
    """Seconds the comparison took, and its table by site."""
    import gigafactory

    started = time.perf_counter()
    table, _ = gigafactory.compare(scenario, names, users=["KR"], workers=workers)
    return time.perf_counter() - started, table.set_index("site")


def main() -> None:
    import gigafactory

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="korea-southwest")
    parser.add_argument("--sites", default="all", help="comma-separated, or all")
    parser.add_argument("--days", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    names = (
        list(gigafactory.catalog.sites())
        if args.sites == "all"
        else [n.strip() for n in args.sites.split(",")]
    )
    scenario = gigafactory.load_scenario(args.preset)
    typical = gigafactory.with_settings(scenario, {"time.aggregation.count": args.days}, "--days")
    full_s, full = _compare(scenario, names, args.workers)
    typical_s, screen = _compare(typical, names, args.workers)
    screen = screen.loc[full.index]
    error = screen["total_annual_cost_usd"] / full["total_annual_cost_usd"] - 1.0
    moved = (screen["rank"] - full["rank"]).abs()
    # Spearman's rank correlation: Pearson's on the ranks
    correlation = float(np.corrcoef(full["rank"], screen["rank"])[0, 1])
    first = list(full.sort_values("rank").index[:5])
    first_typical = list(screen.sort_values("rank").index[:5])
    worst = str(error.abs().idxmax())
    print(f"{args.preset} at {len(names)} sites, {args.workers} at a time")
    print(f"{'years in full':<20} {full_s:7.1f} s   first five: {', '.join(first)}")
    days = f"{args.days} typical days"
    print(f"{days:<20} {typical_s:7.1f} s   first five: {', '.join(first_typical)}")
    print(
        f"speed-up {full_s / typical_s:.1f}x; rank correlation {correlation:.3f}, largest move "
        f"{int(moved.max())} places ({moved.idxmax()}); cost within 1 % at "
        f"{int((error.abs() <= 0.01).sum())} of {len(error)} sites (median "
        f"{float(error.abs().median()):.1%}), worst {worst} {float(error[worst]):+.1%}"
    )
    print(
        json.dumps(
            {
                "sites": len(names),
                "days": args.days,
                "full_s": full_s,
                "typical_s": typical_s,
                "speed_up": full_s / typical_s,
                "rank_correlation": correlation,
                "largest_move": int(moved.max()),
                "within_1pct": int((error.abs() <= 0.01).sum()),
                "worst_site": worst,
                "worst_cost_error": float(error[worst]),
            }
        )
    )


if __name__ == "__main__":
    main()
