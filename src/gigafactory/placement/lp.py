"""Placement of inference demand on ground, edge and LEO sites under a latency SLO (an LP).

Build -> solve -> extract, like :mod:`gigafactory.supply`: user regions r with demand
``D_r`` (accelerators), candidate sites s with capacity ``C_s`` and cost ``c_s`` per
accelerator-hour, and round-trip times ``RTT(r, s)`` from :mod:`gigafactory.latency`.
A region may use a site only if ``RTT(r, s) <= SLO`` and, with a sovereignty rule, only
sites in its allowed countries.

    minimise   sum_rs c_s x_rs + p sum_r u_r
    subject to sum_s x_rs + u_r = D_r      (each region)
               sum_r x_rs <= C_s           (each site)
               x, u >= 0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.errors import SolverError
from gigafactory.placement.latency import fibre_rtt_ms, great_circle_km, leo_rtt_ms
from gigafactory.solver import not_optimal, solve_lp
from gigafactory.units import HOURS_PER_YEAR

if TYPE_CHECKING:
    import linopy

__all__ = [
    "Candidate",
    "PlacementProblem",
    "build_model",
    "extract",
    "rtt_matrix",
    "solve_placement",
]


@dataclass(frozen=True)
class Candidate:
    """A place to serve from: ``ground`` or ``edge`` (fibre) or ``leo`` (a LEO shell)."""

    name: str
    kind: str
    country: str
    latitude: float
    longitude: float
    capacity: float
    usd_per_hour: float
    altitude_km: float = 550.0


@dataclass(frozen=True)
class PlacementProblem:
    """Inputs of the placement LP."""

    regions: pd.DataFrame  # name, country, latitude, longitude, demand
    candidates: tuple[Candidate, ...]
    slo_rtt_ms: float
    sovereignty: dict[str, list[str]]
    unserved_penalty: float


def rtt_matrix(regions: pd.DataFrame, candidates: tuple[Candidate, ...]) -> np.ndarray:
    """Round-trip time from each region (rows) to each candidate (columns) [ms].

    Ground and edge sites over fibre; a LEO candidate serves from the satellite overhead
    (distance 0 along the shell).
    """
    out = np.empty((len(regions), len(candidates)))
    lat, lon = regions["latitude"].to_numpy(), regions["longitude"].to_numpy()
    for j, c in enumerate(candidates):
        if c.kind == "leo":
            out[:, j] = leo_rtt_ms(np.zeros(len(regions)), c.altitude_km)
        else:
            out[:, j] = fibre_rtt_ms(great_circle_km(c.latitude, c.longitude, lat, lon))
    return out


def _pairs(problem: PlacementProblem, rtt: np.ndarray) -> list[tuple[int, int]]:
    pairs = []
    for i, country in enumerate(problem.regions["country"]):
        allowed = problem.sovereignty.get(country)
        for j, c in enumerate(problem.candidates):
            if rtt[i, j] > problem.slo_rtt_ms:
                continue
            if allowed is not None and c.country not in allowed:
                continue
            pairs.append((i, j))
    return pairs


def build_model(
    problem: PlacementProblem,
) -> tuple[linopy.Model, list[tuple[int, int]], np.ndarray]:
    """The placement LP, the allowed (region, site) pairs and the RTT matrix."""
    import linopy

    rtt = rtt_matrix(problem.regions, problem.candidates)
    pairs = _pairs(problem, rtt)
    m = linopy.Model()
    region_index = pd.RangeIndex(len(problem.regions), name="region")
    demand = xr.DataArray(problem.regions["demand"].to_numpy(dtype=float), coords=[region_index])
    unserved = m.add_variables(lower=0, upper=demand, name="unserved")
    cost = problem.unserved_penalty * unserved.sum()
    if pairs:
        pair_index = pd.RangeIndex(len(pairs), name="pair")
        x = m.add_variables(lower=0, coords=[pair_index], name="assign")
        region_of = xr.DataArray([i for i, _ in pairs], coords=[pair_index], name="region")
        site_of = xr.DataArray([j for _, j in pairs], coords=[pair_index], name="site")
        price = xr.DataArray(
            [problem.candidates[j].usd_per_hour for _, j in pairs], coords=[pair_index]
        )
        served = x.groupby(region_of).sum().reindex(region=region_index, fill_value=0)
        m.add_constraints(served + unserved == demand, name="demand")
        used = x.groupby(site_of).sum()
        capacity = xr.DataArray(
            [problem.candidates[j].capacity for j in used.coords["site"].values],
            coords={"site": used.coords["site"].values},
            dims="site",
        )
        m.add_constraints(used <= capacity, name="capacity")
        cost = cost + (price * x).sum()
    else:
        m.add_constraints(unserved == demand, name="demand")
    m.add_objective(cost)
    return m, pairs, rtt


def extract(
    model: linopy.Model, problem: PlacementProblem, pairs: list[tuple[int, int]], rtt: np.ndarray
) -> dict[str, Any]:
    """Served share, demand-weighted RTT percentiles, cost and the assignment table."""
    demand = problem.regions["demand"].to_numpy(dtype=float)
    rows = []
    if pairs:
        x = model.variables["assign"].solution.to_numpy()
        for (i, j), value in zip(pairs, x, strict=True):
            if value > 1e-6:
                rows.append(
                    {
                        "region": problem.regions["name"].iloc[i],
                        "region_country": problem.regions["country"].iloc[i],
                        "site": problem.candidates[j].name,
                        "kind": problem.candidates[j].kind,
                        "accelerators": float(value),
                        "rtt_ms": float(rtt[i, j]),
                    }
                )
    table = pd.DataFrame(
        rows, columns=["region", "region_country", "site", "kind", "accelerators", "rtt_ms"]
    )
    served = float(table["accelerators"].sum()) if len(table) else 0.0
    total = float(demand.sum())

    def percentile(q: float) -> float:
        if not len(table):
            return float("nan")
        order = table.sort_values("rtt_ms")
        cumulative = order["accelerators"].cumsum() / served
        return float(order["rtt_ms"].to_numpy()[int(np.searchsorted(cumulative.to_numpy(), q))])

    price = {c.name: c.usd_per_hour for c in problem.candidates}
    hourly = float((table["accelerators"] * table["site"].map(price)).sum()) if len(table) else 0.0
    return {
        "served_share": served / total if total > 0 else 0.0,
        "rtt_p50_ms": percentile(0.50),
        "rtt_p95_ms": percentile(0.95),
        "cost_usd": hourly * HOURS_PER_YEAR,
        "by_site": table.groupby("site")["accelerators"].sum().to_dict() if len(table) else {},
        "assignment": table,
    }


def solve_placement(problem: PlacementProblem) -> dict[str, Any]:
    """Build, solve (HiGHS) and extract the placement LP."""
    model, pairs, rtt = build_model(problem)
    status, condition = solve_lp(model, method="choose")
    stopped = not_optimal("placement", status, condition)
    if stopped is not None:
        raise SolverError(stopped)
    return extract(model, problem, pairs, rtt)
