"""Supply LP: gigafactory vs PyPSA on the canonical problem, side by side.

The problem (``data/``, copied from the project's shared ``bench/`` folder): per site 8760
hours, constant 100 MW load, extendable solar, onshore wind, Li-ion 4 h, iron-air 100 h and a
gas turbine, grid import capped at 50 MW with hourly price and carbon, and an annual CO2 cap
of 0.05 t per MWh of load. Sites are independent.

Both tools get identical inputs. Each run happens in a fresh process, so peak memory is
per run. Prints a table and, last, one JSON line.

    python benchmarks/supply_vs_pypsa.py              # 1 site; PyPSA default, IPX and HiPO
    python benchmarks/supply_vs_pypsa.py --sites 2    # N independent sites
    python benchmarks/supply_vs_pypsa.py --skip-pypsa-default   # PyPSA with HiPO only

Both tools get the same HiGHS (highspy with highspy-extras, so HiPO is there for both);
ours solves a full year with Clarabel's interior point, its default (``--with-hipo``: also
with HiPO, to tell the solver's share from the rest). linopy, through which PyPSA solves,
has no interface to Clarabel. "ratio" is ours over each run, and the closing JSON line's
over PyPSA's fastest.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DATA = Path(__file__).parent / "data"
IPX = {"solver": "ipx", "run_crossover": "off"}
HIPO = {"solver": "hipo", "run_crossover": "off"}


def load_problem() -> tuple[dict[str, Any], pd.DataFrame]:
    params = json.loads((DATA / "canonical_supply.json").read_text())
    series = pd.read_csv(DATA / "canonical_supply_8760h.csv")
    return params, series


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def site_supply(params: dict[str, Any], frame: pd.DataFrame, name: str) -> Any:
    from gigafactory.supply import SiteSupply, SupplyTech

    cost = params["annualised_cost_usd_per_mw_year"]
    gas = params["gas"]
    n = len(frame)
    liion_eta = params["liion"]["round_trip_efficiency"] ** 0.5
    iron_eta = params["ironair"]["round_trip_efficiency"] ** 0.5
    techs = (
        SupplyTech(
            "solar",
            "variable",
            cost["solar"],
            availability=frame["solar_cf"].to_numpy(),
            clean=True,
        ),
        SupplyTech(
            "wind", "variable", cost["wind"], availability=frame["wind_cf"].to_numpy(), clean=True
        ),
        SupplyTech(
            "liion",
            "storage",
            cost["liion"],
            charge_efficiency=liion_eta,
            discharge_efficiency=liion_eta,
            duration_h=params["liion"]["hours"],
        ),
        SupplyTech(
            "ironair",
            "storage",
            cost["ironair"],
            charge_efficiency=iron_eta,
            discharge_efficiency=iron_eta,
            duration_h=params["ironair"]["hours"],
        ),
        SupplyTech(
            "gas",
            "thermal",
            cost["gas_tu"],
            marginal_cost=gas["fuel_usd_per_mwh_th"] / gas["electric_efficiency"]
            + gas["vom_usd_per_mwh_el"],
            co2=gas["co2_t_per_mwh_th"] / gas["electric_efficiency"],
        ),
    )
    return SiteSupply(
        name=name,
        time=pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC"),
        load_mw=np.full(n, params["load_mw"]),
        techs=techs,
        grid_import_cap_mw=params["grid_import_cap_mw"],
        grid_price=frame["grid_price_usd_per_mwh"].to_numpy(),
        grid_carbon=frame["grid_carbon_t_per_mwh"].to_numpy(),
        value_of_lost_load=None,
        co2_cap_t=params["co2_cap_t_per_mwh_of_load"] * params["load_mw"] * n,
    )


def _ours_one(site_name: str, method: str = "auto") -> tuple[float, float, dict[str, float]]:
    from gigafactory.supply import optimise

    params, series = load_problem()
    site = site_supply(
        params, series[series["site"] == site_name].reset_index(drop=True), site_name
    )
    ds = optimise(site, method=method)
    caps = {
        str(k): float(v)
        for k, v in zip(ds["technology"].values, ds["capacity_mw"].values, strict=True)
    }
    return float(ds.attrs["objective_usd"]), _peak_rss_mb(), caps


def run_ours(sites: list[str], workers: int, method: str = "auto") -> dict[str, Any]:
    """Sites are independent LPs: solve them one by one, or ``workers`` at a time.

    ``method='auto'`` is the package's own choice for a full year (Clarabel); ``'ipm'``
    HiGHS's HiPO, the solver PyPSA gets too.
    """
    started = time.perf_counter()
    if workers > 1:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            results = list(pool.map(_ours_one, sites, [method] * len(sites)))
    else:
        results = [_ours_one(s, method) for s in sites]
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "objective": sum(r[0] for r in results),
        "peak_rss_mb": max(*(r[1] for r in results), _peak_rss_mb()),
        "capacity_mw": results[0][2],
    }


def run_pypsa(sites: list[str], options: dict[str, Any]) -> dict[str, Any]:
    import logging
    import warnings

    import pypsa

    logging.getLogger("pypsa").setLevel(logging.ERROR)
    logging.getLogger("linopy").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)
    params, series = load_problem()
    cost = params["annualised_cost_usd_per_mw_year"]
    gas = params["gas"]
    n_hours = int((series["site"] == sites[0]).sum())
    started = time.perf_counter()
    n = pypsa.Network()
    n.set_snapshots(pd.RangeIndex(n_hours, name="snapshot"))
    for carrier in ("AC", "solar", "wind", "gas", "grid", "liion", "ironair"):
        n.add("Carrier", carrier)
    for s in sites:
        frame = series[series["site"] == s].reset_index(drop=True)
        n.add("Bus", s, carrier="AC")
        n.add("Load", f"{s} load", bus=s, p_set=params["load_mw"])
        n.add(
            "Generator",
            f"{s} solar",
            bus=s,
            carrier="solar",
            p_nom_extendable=True,
            capital_cost=cost["solar"],
            p_max_pu=frame["solar_cf"].to_numpy(),
        )
        n.add(
            "Generator",
            f"{s} wind",
            bus=s,
            carrier="wind",
            p_nom_extendable=True,
            capital_cost=cost["wind"],
            p_max_pu=frame["wind_cf"].to_numpy(),
        )
        n.add(
            "Generator",
            f"{s} gas",
            bus=s,
            carrier="gas",
            p_nom_extendable=True,
            capital_cost=cost["gas_tu"],
            marginal_cost=gas["fuel_usd_per_mwh_th"] / gas["electric_efficiency"]
            + gas["vom_usd_per_mwh_el"],
        )
        n.add(
            "Generator",
            f"{s} grid",
            bus=s,
            carrier="grid",
            p_nom=params["grid_import_cap_mw"],
            marginal_cost=frame["grid_price_usd_per_mwh"].to_numpy(),
        )
        for tech in ("liion", "ironair"):
            eta = params[tech]["round_trip_efficiency"] ** 0.5
            n.add(
                "StorageUnit",
                f"{s} {tech}",
                bus=s,
                carrier=tech,
                p_nom_extendable=True,
                capital_cost=cost[tech],
                max_hours=params[tech]["hours"],
                efficiency_store=eta,
                efficiency_dispatch=eta,
                cyclic_state_of_charge=True,
            )
    carbon = {s: series.loc[series["site"] == s, "grid_carbon_t_per_mwh"].to_numpy() for s in sites}
    cap = params["co2_cap_t_per_mwh_of_load"] * params["load_mw"] * n_hours

    def co2_caps(network: Any, snapshots: Any) -> None:
        import xarray as xr

        p = network.model["Generator-p"]
        for s in sites:
            grid_carbon = xr.DataArray(carbon[s], coords={"snapshot": snapshots}, dims="snapshot")
            # list selections keep the 'name' dimension, so no scalar coordinates clash
            gas_co2 = gas["co2_t_per_mwh_th"] / gas["electric_efficiency"]
            emissions = (p.sel(name=[f"{s} gas"]) * gas_co2).sum()
            emissions = emissions + (p.sel(name=[f"{s} grid"]) * grid_carbon).sum()
            network.model.add_constraints(emissions <= cap, name=f"co2-cap-{s}")

    status, condition = n.optimize(
        solver_name="highs",
        solver_options=options,
        extra_functionality=co2_caps,
        log_to_console=False,
        include_objective_constant=False,
        progress=False,
    )
    seconds = time.perf_counter() - started
    if status != "ok":
        msg = f"PyPSA: {status} {condition}"
        raise RuntimeError(msg)
    first = sites[0]
    caps = {
        k.removeprefix(f"{first} "): float(v)
        for k, v in n.generators.p_nom_opt.items()
        if k.startswith(first)
    }
    caps |= {
        k.removeprefix(f"{first} "): float(v)
        for k, v in n.storage_units.p_nom_opt.items()
        if k.startswith(first)
    }
    return {
        "seconds": seconds,
        "objective": float(n.objective),
        "peak_rss_mb": _peak_rss_mb(),
        "capacity_mw": caps,
    }


def _isolated(func: Any, *args: Any) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(func, *args).result()  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=1, help="independent sites (1-5)")
    parser.add_argument(
        "--workers", type=int, default=None, help="our parallel sites (default: min(sites, cores))"
    )
    parser.add_argument(
        "--skip-pypsa-default", action="store_true", help="only PyPSA with HiPO, its best option"
    )
    parser.add_argument("--skip-pypsa", action="store_true", help="only gigafactory")
    parser.add_argument(
        "--with-hipo",
        action="store_true",
        help="also gigafactory with HiGHS's HiPO, the interior point PyPSA gets",
    )
    args = parser.parse_args()
    params, series = load_problem()
    names = sorted(series["site"].unique())[: args.sites]
    workers = args.workers or min(len(names), multiprocessing.cpu_count())

    rows = [("gigafactory (Clarabel, its default)", _isolated(run_ours, names, workers))]
    if args.with_hipo:
        rows.append(
            ("gigafactory (HiGHS HiPO, no crossover)", _isolated(run_ours, names, workers, "ipm"))
        )
    if not args.skip_pypsa:
        if not args.skip_pypsa_default:
            rows.append(("PyPSA (HiGHS default)", _isolated(run_pypsa, names, {})))
            rows.append(("PyPSA (HiGHS IPX, no crossover)", _isolated(run_pypsa, names, IPX)))
        rows.append(("PyPSA (HiGHS HiPO, no crossover)", _isolated(run_pypsa, names, HIPO)))

    ours = rows[0][1]
    reference = params["reference_optimum"]
    ref_key = {
        1: "objective_usd_site_s0",
        2: "objective_usd_sites_s0_s1",
        5: "objective_usd_sites_s0_to_s4",
    }
    ref = reference.get(ref_key.get(len(names), ""), None)
    print(f"canonical supply LP, {len(names)} site(s) x 8760 h; ours with {workers} worker(s)")
    header = (
        f"{'run':<40} {'seconds':>9} {'ratio':>7} {'objective [USD]':>18} {'rel. diff':>10} "
        f"{'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, result in rows:
        ratio = ours["seconds"] / result["seconds"]
        diff = (result["objective"] - ours["objective"]) / ours["objective"]
        print(
            f"{label:<40} {result['seconds']:>9.1f} {ratio:>7.3f} {result['objective']:>18,.0f} "
            f"{diff:>10.1e} {result['peak_rss_mb']:>8.0f}"
        )
    if ref is not None:
        print(
            f"{'reference optimum (shared/bench, PyPSA 1.4)':<40} {'':>9} {'':>7} {ref:>18,.0f} "
            f"{(ref - ours['objective']) / ours['objective']:>10.1e}"
        )
    print("capacities of the first site [MW]:")
    for label, result in rows:
        caps = ", ".join(f"{k} {v:,.1f}" for k, v in sorted(result["capacity_mw"].items()))
        print(f"  {label}: {caps}")
    pypsa = [r for label, r in rows if label.startswith("PyPSA")]
    best = min(pypsa, key=lambda r: r["seconds"], default=None)
    line = {
        "sites": len(names),
        "ours_s": round(ours["seconds"], 2),
        "pypsa_s": None if best is None else round(best["seconds"], 2),
        "pypsa_default_s": next(
            (round(r["seconds"], 2) for label, r in rows if label == "PyPSA (HiGHS default)"), None
        ),
        "ratio": None if best is None else round(ours["seconds"] / best["seconds"], 3),
        "objective_rel_diff": None
        if best is None
        else (best["objective"] - ours["objective"]) / ours["objective"],
        "reference_rel_diff": None
        if ref is None
        else (ref - ours["objective"]) / ours["objective"],
        "peak_rss_mb": round(ours["peak_rss_mb"], 1),
        "pypsa_peak_rss_mb": None if best is None else round(best["peak_rss_mb"], 1),
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
