"""Dispatch replay speed and sweep throughput.

    python benchmarks/replay_and_sweep.py             # replay, warm and cold sweeps, 1-2 workers
    python benchmarks/replay_and_sweep.py --cold 100  # every case of the warm sweep cold too

Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import json
import resource
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import gigafactory
from gigafactory import pipeline, sweep
from gigafactory.scenario import Reliability
from gigafactory.supply import optimise
from gigafactory.supply import rules as dispatch


def replay_benchmark() -> dict[str, float]:
    scenario = gigafactory.load_scenario("korea-southwest")
    prep = pipeline.prepare_site(scenario, 0)
    ds = optimise(prep.supply, method="simplex")
    caps = {
        str(k): float(v)
        for k, v in zip(ds["technology"].values, ds["capacity_mw"].values, strict=True)
    }
    times = []
    for _ in range(20):
        started = time.perf_counter()
        replayed = dispatch.replay(prep.supply, caps)
        times.append(time.perf_counter() - started)
    fixed = {t.name: t.fixed_cost for t in prep.supply.techs}
    # the rules know no demand charges: compare energy and fuel only
    demand = sum(
        c.usd_per_mw * sum(ds.attrs["demand_peaks_mw"].get(c.name, []))
        for c in prep.supply.demand_charges
    )
    lp_operating = ds.attrs["objective_usd"] - sum(fixed[k] * v for k, v in caps.items()) - demand
    # the firm design serves every hour; what the rules leave unserved is priced at the
    # default value of lost load (ERCOT's), so the ratio says what the rules lose
    voll = prep.supply.value_of_lost_load or Reliability().value_of_lost_load_usd_per_mwh
    rules = replayed.operating_cost_usd + voll * float(replayed.unserved.sum())
    fixed_techs = tuple(
        replace(t, existing_mw=caps[t.name], max_mw=caps[t.name]) for t in prep.supply.techs
    )
    dispatch_site = replace(prep.supply, techs=fixed_techs)
    started = time.perf_counter()
    optimise(dispatch_site, method="auto")
    lp_seconds = time.perf_counter() - started
    return {
        "replay_ms": 1e3 * statistics.median(times),
        "lp_dispatch_s": lp_seconds,
        "rules_over_lp_operating_cost": rules / lp_operating,
        "rules_unserved_mwh": float(replayed.unserved.sum()),
        "lp_unserved_mwh": float(ds["unserved_mw"].sum()),
    }


WARM_VARIES = (
    "sites[0].technologies.solar_fixed.capex_usd_per_kw=500:1100:2",
    "sites[0].grid.price_usd_per_mwh=70:150:2",
    "policy.carbon_price_usd_per_t=0:100:2",
)


def warm_benchmark(n_cases: int, n_cold: int) -> dict[str, float]:
    """A cost/price sweep of korea-pohang (Latin hypercube over solar capex, grid price and
    carbon price), one worker: every case warm, and the first ``n_cold`` of them cold."""
    import yaml

    scenario = gigafactory.load_scenario("korea-pohang")
    base = yaml.safe_load(gigafactory.dump_scenario(scenario))
    cases = sweep.sample_cases([sweep.parse_vary(v) for v in WARM_VARIES], n_cases, 1)
    started = time.perf_counter()
    warm = [sweep.run_case(base, case) for case in cases]
    warm_s = time.perf_counter() - started
    started = time.perf_counter()
    cold = [sweep.run_case(base, case, warm=False) for case in cases[:n_cold]]
    cold_s = time.perf_counter() - started
    failed = [r["error"] for r in warm + cold if "error" in r]
    if failed:
        msg = f"warm sweep benchmark: {failed[0]}"
        raise SystemExit(msg)
    diff = max(
        abs(w["metrics"]["total_annual_cost_usd"] / c["metrics"]["total_annual_cost_usd"] - 1)
        for w, c in zip(warm, cold, strict=False)
    )
    return {
        "cases": n_cases,
        "cold_cases": n_cold,
        "warm_s": warm_s,
        "cold_s": cold_s,
        # the cold sweep's time for all cases, from the cases solved cold here
        "cold_all_s": cold_s / n_cold * n_cases,
        "warm_starts": sum(r["start"] == "warm" for r in warm),
        "in_place": sum(r["start"] == "in place" for r in warm),
        "first_case_s": warm[0]["seconds"],
        "median_case_s": statistics.median([r["seconds"] for r in warm[1:]] or [0.0]),
        "max_rel_diff": diff,
    }


def vessim_benchmark() -> dict[str, float] | None:
    """The same microgrid (100 MW solar, 60 MW load, 200 MWh battery, grid) in Vessim and in
    our replay: wall time and grid energy bought."""
    try:
        import vessim
    except ImportError:
        return None
    import numpy as np
    import pandas as pd

    from gigafactory.supply import SiteSupply, SupplyTech

    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    profile = np.clip(np.sin((np.arange(8760) % 24 - 6) / 12 * np.pi), 0, None)
    started = time.perf_counter()
    env = vessim.Environment(sim_start="2025-01-01", step_size=3600)
    env.add_microgrid(
        actors=[
            vessim.Producer(
                "solar", vessim.Trace(pd.Series(profile * 100e6, index=index), anchor="2025-01-01")
            ),
            vessim.Consumer("load", 60e6),
        ],
        dispatchables=[
            vessim.SimpleBattery("battery", capacity=200e6 * 3600),
            vessim.GridConnection("grid"),
        ],
    )
    recorder = vessim.Recorder()
    env.add_controller(recorder)
    env.run(until=8760 * 3600)
    vessim_s = time.perf_counter() - started
    frame = recorder.to_df()
    vessim_import = float(np.clip(-frame["p_grid"].to_numpy(dtype=float), 0, None).sum() / 1e6)
    site = SiteSupply(
        name="microgrid",
        time=pd.DatetimeIndex(index, tz="UTC"),
        load_mw=np.full(8760, 60.0),
        techs=(
            SupplyTech("solar", "variable", 0.0, availability=profile, clean=True),
            SupplyTech("battery", "storage", 0.0, duration_h=1.0),
        ),
        grid_import_cap_mw=1e4,
        grid_price=50.0,
    )
    started = time.perf_counter()
    replayed = dispatch.replay(site, {"solar": 100.0, "battery": 200.0}, cycles=1)
    ours_s = time.perf_counter() - started
    return {
        "vessim_s": vessim_s,
        "ours_s": ours_s,
        "vessim_import_mwh": vessim_import,
        "ours_import_mwh": float(replayed.grid_import.sum()),
    }


def sweep_benchmark(workers: int, folder: Path, scheduler: str | None = None) -> float:
    """Cases per second of a 4-case cold gas-price sweep of memphis-gas."""
    scenario = gigafactory.load_scenario("memphis-gas")
    cases = sweep.grid_cases([sweep.parse_vary("sites[0].gas_price_usd_per_mmbtu=2:8:4")])
    started = time.perf_counter()
    sweep.run_sweep(scenario, cases, folder, workers=workers, scheduler=scheduler, warm=False)
    return len(cases) / (time.perf_counter() - started)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100, help="warm sweep cases (100)")
    parser.add_argument(
        "--cold", type=int, default=10, help="of which also solved cold (10; 100 takes ~25 min)"
    )
    args = parser.parse_args()
    replay = replay_benchmark()
    warm = warm_benchmark(args.cases, min(args.cold, args.cases))
    ves = vessim_benchmark()
    with tempfile.TemporaryDirectory() as tmp:
        one = sweep_benchmark(1, Path(tmp) / "w1")
        two = sweep_benchmark(2, Path(tmp) / "w2")
        with sweep.local_scheduler(Path(tmp), workers=2) as address:
            distributed = sweep_benchmark(2, Path(tmp) / "d2", scheduler=address)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        (
            "dispatch replay of one site-year (median of 20)",
            f"{replay['replay_ms']:.1f} ms",
            "target < 50 ms",
        ),
        (
            "LP dispatch of the same year (Clarabel)",
            f"{replay['lp_dispatch_s']:.2f} s",
            f"replay is {replay['lp_dispatch_s'] * 1e3 / replay['replay_ms']:,.0f}x faster",
        ),
        (
            "rules / LP operating cost (lost load at 5,000 USD/MWh)",
            f"{replay['rules_over_lp_operating_cost']:.3f}",
            f"unserved {replay['rules_unserved_mwh']:,.0f} vs {replay['lp_unserved_mwh']:,.0f} MWh",
        ),
        ("sweep throughput, 1 worker", f"{one:.2f} cases/s", "memphis-gas, 4 cases"),
        (
            "sweep throughput, 2 workers",
            f"{two:.2f} cases/s",
            f"scaling efficiency {two / one / 2:.0%}",
        ),
        (
            "sweep throughput, scheduler + 2 worker programs",
            f"{distributed:.2f} cases/s",
            f"{distributed / two:.2f}x the LocalCluster's",
        ),
        (
            f"{warm['cases']:.0f}-case cost/price sweep, warm",
            f"{warm['warm_s']:.1f} s",
            f"korea-pohang, 1 worker; first case {warm['first_case_s']:.1f} s, "
            f"{warm['in_place']:.0f} in place and {warm['warm_starts']:.0f} rebuilt from a kept "
            f"basis, median {warm['median_case_s'] * 1e3:.0f} ms",
        ),
        (
            f"{warm['cases']:.0f}-case cost/price sweep, cold",
            f"{warm['cold_all_s']:.1f} s",
            f"{warm['cold_all_s'] / warm['warm_s']:.1f}x the warm time"
            + (
                f" ({warm['cold_cases']:.0f} cases solved cold, {warm['cold_s']:.0f} s)"
                if warm["cold_cases"] < warm["cases"]
                else ""
            )
            + f"; objectives within {warm['max_rel_diff']:.0e}",
        ),
        (
            (
                "Vessim, same microgrid, one year",
                f"{ves['vessim_s'] * 1e3:.0f} ms",
                f"ours {ves['ours_s'] * 1e3:.1f} ms ({ves['vessim_s'] / ves['ours_s']:.0f}x); "
                "grid energy "
                f"{ves['vessim_import_mwh']:,.0f} vs {ves['ours_import_mwh']:,.0f} MWh",
            )
            if ves
            else ("Vessim side by side", "not run", "pip install vessim (bench extra)")
        ),
    ]
    for name, value, note in rows:
        print(f"{name:<48} {value:>16}  {note}")
    print(
        json.dumps(
            {
                "replay_ms": round(replay["replay_ms"], 2),
                "lp_dispatch_s": round(replay["lp_dispatch_s"], 2),
                "rules_over_lp_operating_cost": round(replay["rules_over_lp_operating_cost"], 4),
                "warm_cases": warm["cases"],
                "warm_cold_cases": warm["cold_cases"],
                "warm_s": round(warm["warm_s"], 2),
                "cold_all_s": round(warm["cold_all_s"], 2),
                "warm_speedup": round(warm["cold_all_s"] / warm["warm_s"], 2),
                "warm_max_rel_diff": warm["max_rel_diff"],
                "warm_in_place": warm["in_place"],
                "warm_first_case_s": round(warm["first_case_s"], 2),
                "warm_median_case_s": round(warm["median_case_s"], 3),
                "sweep_cases_per_s_1": round(one, 3),
                "sweep_cases_per_s_2": round(two, 3),
                "scaling_efficiency": round(two / one / 2, 3),
                "sweep_cases_per_s_distributed": round(distributed, 3),
                "distributed_over_local": round(distributed / two, 3),
                "vessim_over_ours": round(ves["vessim_s"] / ves["ours_s"], 1) if ves else None,
                "peak_rss_mb": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
