"""Site comparison: the scenario's first campus run at each catalog site, ranked by cost."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from gigafactory import catalog
from gigafactory.errors import InfeasibleError
from gigafactory.pipeline.prepare import WIND_SPEED_PARAMETER
from gigafactory.pipeline.runner import run
from gigafactory.results import Results
from gigafactory.scenario import Scenario, SiteSpec

__all__ = ["COMPARE_COLUMNS", "compare"]

SHOWN_MW = 0.5
"""Smallest capacity listed in a comparison row [MW]: it rounds to 1 MW as printed."""

COMPARE_COLUMNS = (
    "site",
    "name",
    "total_annual_cost_usd",
    "lcoe_usd_per_mwh",
    "usd_per_accelerator_hour",
    "cfe_share",
    "emissions_tco2e",
    "water_m3",
    "peak_grid_import_mw",
    "pue_annual",
    "unserved_mwh",
    "demand_charges_usd",
    "reserve_margin",
    "backup_mw",
    "capacity_mw",
    "contracts",
)
"""Columns of a site comparison, one row per site."""


def _spec_at(template: SiteSpec, name: str) -> tuple[SiteSpec, list[str]]:
    """The template campus moved to catalog site ``name``.

    Technologies without a resource there are dropped (and named).
    """
    entry = catalog.get_site(name)
    techs = {}
    dropped = []
    for tech, options in template.technologies.items():
        key = WIND_SPEED_PARAMETER
        if tech in key and entry.params.get(key[tech], 0.0) <= 0:
            dropped.append(tech)
            continue
        techs[tech] = options
    # site-specific inputs go back to the catalog defaults of the new place
    grid = template.grid.model_copy(
        update={
            "price_usd_per_mwh": None,
            "price_csv": None,
            "carbon_kg_per_mwh": None,
            "carbon_csv": None,
        }
    )
    spec = template.model_copy(
        update={
            "id": name,
            "catalog": name,
            "latitude": None,
            "longitude": None,
            "grid": grid,
            "gas_price_usd_per_mmbtu": None,
            "technologies": techs,
            "series": template.series.model_copy(update={"weather_file": None}),
        }
    )
    return spec, dropped


def compare(
    scenario: Scenario, sites: list[str], *, progress: Callable[[str, int], None] | None = None
) -> tuple[pd.DataFrame, dict[str, Results]]:
    """Run the scenario's first campus at each catalog site and rank the sites.

    Parameters
    ----------
    scenario : Scenario
        Its first site is the template: load or compute, cooling, grid cap, technologies.
    sites : list of str
        Catalog site names.
    progress : callable, optional
        Called with a message and the number of sites done.

    Returns
    -------
    table : pandas.DataFrame
        :data:`COMPARE_COLUMNS` plus ``rank`` (1 = lowest total annual cost), ``dropped``
        (technologies without a resource at that site) and ``infeasible`` (why a site cannot
        be served firm; such sites rank last and have no results).
    results : dict of str to Results
        Each site's full results.
    """
    say = progress or (lambda _msg, _done: None)
    template = scenario.sites[0]
    for name in sites:
        catalog.get_site(name)  # fail before any solving
    rows = []
    results: dict[str, Results] = {}
    for done, name in enumerate(sites):
        say(f"{name}: solving", done)
        spec, dropped = _spec_at(template, name)
        one = scenario.model_copy(update={"name": f"{scenario.name} at {name}", "sites": [spec]})
        try:
            result = run(one)
        except InfeasibleError as err:
            rows.append(
                {
                    "site": name,
                    "name": catalog.get_site(name).label,
                    "total_annual_cost_usd": float("nan"),
                    "infeasible": str(err),
                    "dropped": ", ".join(dropped),
                }
            )
            continue
        results[name] = result
        s = result.summary
        rel = s.sites[0].reliability
        rows.append(
            {
                "site": name,
                "name": catalog.get_site(name).label,
                "total_annual_cost_usd": s.total_annual_cost_usd,
                "lcoe_usd_per_mwh": s.lcoe_usd_per_mwh,
                "usd_per_accelerator_hour": s.compute.usd_per_accelerator_hour
                if s.compute is not None
                else float("nan"),
                "cfe_share": s.cfe_share,
                "emissions_tco2e": s.emissions_tco2e,
                "water_m3": s.water_m3,
                "peak_grid_import_mw": s.sites[0].peak_grid_import_mw,
                "pue_annual": s.pue_annual,
                "unserved_mwh": s.unserved_mwh,
                "demand_charges_usd": s.cost_breakdown_usd.demand_charges,
                "reserve_margin": rel.reserve_margin if rel is not None else float("nan"),
                "backup_mw": rel.backup_mw if rel is not None else 0.0,
                "capacity_mw": "; ".join(
                    f"{k} {v:,.0f}" for k, v in s.capacity_mw.items() if v >= SHOWN_MW
                ),
                "contracts": "; ".join(
                    f"{k} {c.mw:,.0f} MW" for k, c in s.sites[0].contracts.items()
                ),
                "dropped": ", ".join(dropped),
                "infeasible": "",
            }
        )
    say("done", len(sites))
    table = pd.DataFrame(rows)
    # Sites that cannot be served firm rank after every site that can.
    ranks = table["total_annual_cost_usd"].rank(method="min")
    table["rank"] = ranks.fillna(ranks.notna().sum() + 1).astype(int)
    return table.sort_values("rank").reset_index(drop=True), results
