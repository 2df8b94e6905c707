"""Placement study: which user regions are served from which sites, under the latency SLO."""

from __future__ import annotations

from gigafactory import catalog
from gigafactory.errors import ScenarioError
from gigafactory.placement import latency
from gigafactory.placement import lp as placement
from gigafactory.scenario import Scenario
from gigafactory.summary import AssignmentRow, PlacementSummary

__all__ = ["place"]

PEOPLE_PER_MILLION = 1e6
"""People per million [-]: demand is given per million people."""


def place(scenario: Scenario) -> PlacementSummary:
    """Solve the scenario's placement: which users are served from where, under the SLO.

    Returns
    -------
    PlacementSummary
        ``served_share``, ``rtt_p50_ms``, ``rtt_p95_ms``, ``cost_usd`` (per year),
        ``by_site`` (accelerators), ``regions`` (count) and ``assignment`` (rows of region,
        site, kind, accelerators, rtt_ms).
    """
    spec = scenario.placement
    if spec is None:
        msg = "placement: the scenario has no 'placement' section"
        raise ScenarioError(msg)
    regions = latency.user_regions(
        spec.countries,
        min_population=spec.min_population,
        top=spec.top_regions,
        field="placement.countries",
    )
    regions = regions.assign(
        demand=regions["population"] / PEOPLE_PER_MILLION * spec.accelerators_per_million_people
    )
    candidates = []
    for c in spec.candidates:
        entry = catalog.get_site(c.catalog) if c.catalog else None
        lat = c.latitude if c.latitude is not None else (entry.latitude if entry else 0.0)
        lon = c.longitude if c.longitude is not None else (entry.longitude if entry else 0.0)
        country = c.country or (entry.country if entry else "LEO")
        candidates.append(
            placement.Candidate(
                c.name,
                c.kind.value,
                country,
                lat,
                lon,
                c.capacity_accelerators,
                c.usd_per_accelerator_hour,
                c.altitude_km,
            )
        )
    problem = placement.PlacementProblem(
        regions=regions,
        candidates=tuple(candidates),
        slo_rtt_ms=spec.slo_rtt_ms,
        sovereignty={k.upper(): [v.upper() for v in vs] for k, vs in spec.sovereignty.items()},
        unserved_penalty=spec.unserved_penalty_usd_per_accelerator_hour,
    )
    result = placement.solve_placement(problem)
    table = result.pop("assignment")
    return PlacementSummary(
        **result,
        regions=len(regions),
        demand_accelerators=float(regions["demand"].sum()),
        assignment=[AssignmentRow(**row) for row in table.to_dict("records")],
    )
