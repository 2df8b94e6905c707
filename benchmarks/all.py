"""Every benchmark in one run, then one table of the ratios they measured (``make bench``).

Each benchmark script runs in its own process and prints its own detailed table; its last
line is JSON, from which the closing table takes one row per ratio: the exact LP against
PyPSA (1 and 5 sites), typical periods against the full year on every ground preset, warm
against cold sweeps, several weather years against one, a Dask scheduler with worker
programs against a LocalCluster, the dispatch replay against Vessim, and a comparison of
all library sites on typical days against their years.

    python benchmarks/all.py           # about an hour on 2 cores
    python benchmarks/all.py --quick   # no PyPSA, 2 presets, 20-case warm sweep
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def _run(script: str, *args: str) -> dict[str, Any]:
    """Run one benchmark, echo its output, return its last JSON line."""
    print(f"\n$ python benchmarks/{script} {' '.join(args)}", flush=True)
    process = subprocess.Popen(
        [sys.executable, str(HERE / script), *args], stdout=subprocess.PIPE, text=True
    )
    last = ""
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith("{"):
            last = line
    if process.wait() != 0 or not last:
        return {}
    result: dict[str, Any] = json.loads(last)
    return result


def _design_on_year(row: dict[str, Any]) -> str:
    """The typical design's cost on the year against the year's optimum, or what it misses."""
    regret = row.get("design_regret")
    text = "misses a limit" if regret is None else f"{regret:+.2%}"
    if row.get("design_unserved_mwh"):
        text += f", {row['design_unserved_mwh']:,.0f} MWh short"
    if row.get("design_cfe_reach") is not None:
        text += f", reaching {row['design_cfe_reach']:.2%} hourly CFE"
    return text


def _rows(results: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    rows = []
    for key, label in (("pypsa1", "exact year, 1 site"), ("pypsa5", "exact year, 5 sites")):
        r = results.get(key, {})
        if r.get("ratio") is not None:
            rows.append(
                (
                    f"{label}: ours / PyPSA's best HiGHS",
                    f"{r['ratio']:.3f}",
                    f"{r['ours_s']:.0f} s vs {r['pypsa_s']:.0f} s; target <= 0.25",
                )
            )
    for r in results.get("typical", {}).get("typical_periods", []):
        rows.append(
            (
                f"typical periods, {r['preset']}, {r['typical_periods']} days: year / typical",
                f"{r['speed_up']:.1f}x",
                f"cost {r['cost_error']:+.2%}, {r['worst_capacity']} "
                f"{r['worst_capacity_error_mw']:+.1f} MW; "
                f"{'accurate' if r.get('accurate') else 'not accurate'}, "
                f"{'targets met' if r['targets_met'] else 'targets not met'}; "
                f"design on the year {_design_on_year(r)}",
            )
        )
    sweep = results.get("sweep", {})
    if sweep:
        rows += [
            (
                f"{sweep['warm_cases']}-case cost/price sweep: cold / warm",
                f"{sweep['warm_speedup']:.1f}x",
                f"objectives within {sweep['warm_max_rel_diff']:.0e}; "
                f"{sweep.get('warm_in_place', 0)} in place, first case "
                f"{sweep.get('warm_first_case_s', float('nan')):.1f} s, median "
                f"{sweep.get('warm_median_case_s', float('nan')) * 1e3:.0f} ms; "
                "target >= 5x, 1e-6",
            ),
            (
                "sweep: scheduler + 2 worker programs / LocalCluster",
                f"{sweep['distributed_over_local']:.2f}",
                f"{sweep['sweep_cases_per_s_distributed']:.2f} vs "
                f"{sweep['sweep_cases_per_s_2']:.2f} cases/s",
            ),
            (
                "Vessim / our replay, same microgrid-year",
                f"{sweep['vessim_over_ours']}x" if sweep.get("vessim_over_ours") else "not run",
                "",
            ),
        ]
    screen = results.get("screen", {})
    if screen:
        rows.append(
            (
                f"compare at {screen['sites']} sites: years / {screen['days']} typical days",
                f"{screen['speed_up']:.1f}x",
                f"{screen['full_s']:.0f} s vs {screen['typical_s']:.0f} s; ranks "
                f"{screen['rank_correlation']:.3f} alike, none more than "
                f"{screen['largest_move']} places off; cost within 1 % at "
                f"{screen['within_1pct']} sites, worst {screen['worst_site']} "
                f"{screen['worst_cost_error']:+.1%}",
            )
        )
    years = results.get("years", {}).get("rows", [])
    if years:
        first = last = years[0]
        for r in years[1:]:
            days = f"on {r['typical_days']} typical days" if r["typical_days"] else "in full"
            step = ""
            if not r["typical_days"]:  # what each year adds, since the last row in full
                added = (r["solve_s"] - last["solve_s"]) / (r["years"] - last["years"])
                step = f"; each year from {last['years']} to {r['years']} adds {added:.2f} s"
                last = r
            rows.append(
                (
                    f"{r['years']} weather years {days} / 1 year in full, solve time",
                    f"{r['solve_s'] / first['solve_s']:.2f}",
                    f"{results['years']['preset']}; linear would be {r['years']:.2f}{step}; "
                    f"spread {r['spread_musd']:.2f} M USD",
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (no PyPSA)")
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    if args.quick:
        results["sweep"] = _run("replay_and_sweep.py", "--cases", "20", "--cold", "4")
        results["pypsa1"] = _run("supply_vs_pypsa.py", "--sites", "1", "--skip-pypsa")
        results["typical"] = _run(
            "typical_periods.py", "--presets", "korea-pohang", "memphis-gas", "--counts", "24"
        )
        results["years"] = _run("weather_years.py", "--years", "1", "2")
        results["screen"] = _run(
            "screening.py", "--sites", "korea_southwest,pohang,paris,seattle,stockholm,oslo"
        )
    else:
        results["sweep"] = _run("replay_and_sweep.py")
        results["pypsa1"] = _run("supply_vs_pypsa.py", "--sites", "1", "--with-hipo")
        results["pypsa5"] = _run("supply_vs_pypsa.py", "--sites", "5", "--skip-pypsa-default")
        results["typical"] = _run("typical_periods.py")
        results["years"] = _run(
            "weather_years.py", "--years", "1", "2", "3", "5", "--full-max", "5"
        )
        results["screen"] = _run("screening.py")
    rows = _rows(results)
    width = max(len(r[0]) for r in rows) if rows else 40
    print("\nmeasured in this run")
    print(f"{'':<{width}} {'ratio':>8}  note")
    for name, value, note in rows:
        print(f"{name:<{width}} {value:>8}  {note}")
    failed = [k for k, v in results.items() if not v]
    if failed:
        print(f"benchmarks that failed: {', '.join(failed)}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
