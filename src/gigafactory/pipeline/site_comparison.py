"""Site comparison as a siting study: the scenario's first campus at each catalog site.

Each candidate brings its own grid facts from the site library (the feed available, its
tariff, carbon and gas price, the wait for a connection, water stress), and the sites are
ranked by a weighted score over cost, carbon, time to power, water stress and latency to
the scenario's users. The weights are visible in the result and changeable
(:func:`siting_weights`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from gigafactory import catalog
from gigafactory.errors import InfeasibleError, ScenarioError, SolverError, did_you_mean
from gigafactory.pipeline.grid_terms import annual_cfe_share
from gigafactory.pipeline.prepare import WIND_SPEED_PARAMETER
from gigafactory.pipeline.runner import run
from gigafactory.placement import latency
from gigafactory.results import Results
from gigafactory.scenario import Scenario, SiteSpec

__all__ = [
    "COMPARE_COLUMNS",
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "FEED_DECIDES_USD_PER_MW_YEAR",
    "compare",
    "siting_scores",
    "siting_weights",
]

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
    "grid_feed_mw",
    "feed_value_usd_per_mw_year",
    "feed_source",
    "tariff",
    "grid_carbon_kg_per_mwh",
    "grid_cfe_share",
    "grid_wait_years",
    "water_stress",
    "user_rtt_ms",
)
"""Columns of a site comparison, one row per site (besides score, rank and notes)."""

FEED_DECIDES_USD_PER_MW_YEAR = 1e6
"""A feed whose next MW would save more than this decides its site's cost [USD/MW/yr]:
ten times what a MW of firm supply on site costs a year (the catalog's simple-cycle gas
turbine, 1,000 USD/kW over 25 years at 7 % plus 20 USD/kW-yr of fixed O&M: ~0.11 M USD, all
estimates), so the site is paying to work around the feed, not for its energy; an estimate."""

CRITERIA = {
    "cost": "total_annual_cost_usd",
    "carbon": "emissions_tco2e",
    "time_to_power": "grid_wait_years",
    "water": "water_stress",
    "latency": "user_rtt_ms",
}
"""Ranking criteria and the column each reads; lower is better for all."""

DEFAULT_WEIGHTS = {
    "cost": 0.5,
    "carbon": 0.2,
    "time_to_power": 0.15,
    "water": 0.1,
    "latency": 0.05,
}
"""Default weights of the siting score; a choice, stated with every comparison."""


def siting_weights(text: str) -> dict[str, float]:
    """Weights from ``"cost=1,carbon=0.5"``; criteria not named get weight 0.

    Raises :class:`~gigafactory.errors.ScenarioError` naming an unknown criterion (with the
    closest one), a weight that is not a non-negative number, or weights that are all 0.
    """
    weights = dict.fromkeys(CRITERIA, 0.0)
    for part in (p.strip() for p in text.split(",") if p.strip()):
        key, sep, value = part.partition("=")
        key = key.strip()
        if key not in CRITERIA:
            msg = (
                f"--weights: unknown criterion '{key}'{did_you_mean(key, CRITERIA)}; "
                f"allowed: {', '.join(CRITERIA)}"
            )
            raise ScenarioError(msg)
        try:
            weight = float(value) if sep else math.nan
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight) or weight < 0:
            msg = f"--weights: {key}={value.strip()}: give a non-negative number, e.g. {key}=0.5"
            raise ScenarioError(msg)
        weights[key] = weight
    if sum(weights.values()) <= 0:
        msg = "--weights: give at least one positive weight, e.g. cost=1"
        raise ScenarioError(msg)
    return weights


def siting_scores(
    table: pd.DataFrame, weights: dict[str, float]
) -> tuple[pd.Series, dict[str, float]]:
    """Weighted score of each site, 0 (best on every criterion) to 1 (worst) [-].

    Each criterion is scaled from its best (0) to its worst (1) site among those with a
    value; a criterion no site has a value for, or on which all sites are equal, adds
    nothing. Sites without a value on a weighted criterion score as the worst on it.

    Returns
    -------
    score : pandas.Series
        Per row of ``table``; NaN where the site could not be served.
    used : dict of str to float
        The weights that took part, normalised to sum to 1.
    """
    feasible = table["total_annual_cost_usd"].notna()
    used = {
        k: w
        for k, w in weights.items()
        if w > 0 and CRITERIA[k] in table and table.loc[feasible, CRITERIA[k]].notna().any()
    }
    total = sum(used.values())
    used = {k: w / total for k, w in used.items()} if total > 0 else {}
    score = pd.Series(0.0, index=table.index)
    for key, weight in used.items():
        values = table[CRITERIA[key]].astype(float).where(feasible)
        low, high = values.min(), values.max()
        scaled = (values - low) / (high - low) if high > low else values * 0.0
        score += weight * scaled.fillna(1.0)
    return score.where(feasible), used


def _user_rtt_ms(latitude: float, longitude: float, users: pd.DataFrame) -> float:
    """Population-weighted mean fibre round trip from a site to its users [ms]."""
    if users.empty:
        return math.nan
    distance = latency.great_circle_km(
        latitude, longitude, users["latitude"].to_numpy(), users["longitude"].to_numpy()
    )
    rtt = latency.fibre_rtt_ms(distance)
    return float(np.average(rtt, weights=users["population"].to_numpy()))


def _spec_at(template: SiteSpec, name: str) -> tuple[SiteSpec, list[str], str]:
    """The template campus moved to catalog site ``name``, with that site's grid facts.

    At the template's own catalog site nothing changes. Elsewhere the feed is the smaller of
    the template's and the site library's available feed (the template's where the library
    has none), and price, tariff, carbon, CFE share, charges, energisation date and gas
    price go back to the new site's defaults. Technologies without a resource there and
    the template's contracts (signed for its own site) are dropped and named.

    Returns
    -------
    spec, dropped, feed_source
    """
    if template.catalog == name:
        return template.model_copy(update={"id": name}), [], "scenario"
    entry = catalog.get_site(name)
    techs = {}
    dropped = []
    for tech, options in template.technologies.items():
        key = WIND_SPEED_PARAMETER
        if tech in key and entry.params.get(key[tech], 0.0) <= 0:
            dropped.append(tech)
            continue
        techs[tech] = options
    dropped += [f"contract {c.name}" for c in template.contracts]
    available = entry.params.get("grid_available_mw")
    feed: dict[str, object] = {}
    source = "scenario"
    if available is not None:
        asked = math.inf if template.grid.size_to_design else template.grid.import_cap_mw
        feed = {"import_cap_mw": min(asked, available), "size_to_design": False}
        source = "site library" if available < asked else "scenario"
    grid = template.grid.model_copy(
        update={
            "price_usd_per_mwh": None,
            "price_csv": None,
            "carbon_kg_per_mwh": None,
            "carbon_csv": None,
            "tariff": None,
            "demand_usd_per_kw_month": None,
            "fixed_usd_per_month": None,
            "cfe_share": None,
            "cfe_csv": None,
            "in_service": None,
            **feed,
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
            "contracts": [],
            "series": template.series.model_copy(update={"weather_file": None}),
        }
    )
    return spec, dropped, source


def _run_or_why(scenario: Scenario) -> Results | tuple[str, str]:
    """A site's results, or the column that says why there are none and why.

    ``infeasible``: it cannot be served firm; ``not_solved``: the solver gave no optimal
    solution. Either ranks the site last rather than stopping the comparison.
    """
    try:
        return run(scenario)
    except InfeasibleError as err:
        return "infeasible", str(err)
    except SolverError as err:
        return "not_solved", str(err)


def _solve_all(
    scenarios: list[Scenario],
    names: list[str],
    workers: int,
    say: Callable[[str, int], None],
) -> list[Results | tuple[str, str]]:
    """Run each site's scenario, ``workers`` at a time, saying each as it finishes."""
    if workers <= 1 or len(scenarios) <= 1:
        out: list[Results | tuple[str, str]] = []
        for done, (name, one) in enumerate(zip(names, scenarios, strict=True)):
            say(f"{name}: solving", done)
            out.append(_run_or_why(one))
        return out
    from concurrent.futures import ProcessPoolExecutor, as_completed

    outcomes: dict[int, Results | tuple[str, str]] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(scenarios))) as pool:
        futures = {pool.submit(_run_or_why, one): i for i, one in enumerate(scenarios)}
        for future in as_completed(futures):
            i = futures[future]
            outcomes[i] = future.result()
            say(f"{names[i]}: solved", len(outcomes))
    return [outcomes[i] for i in range(len(scenarios))]


def compare(
    scenario: Scenario,
    sites: list[str],
    *,
    weights: dict[str, float] | None = None,
    users: list[str] | None = None,
    progress: Callable[[str, int], None] | None = None,
    workers: int = 1,
) -> tuple[pd.DataFrame, dict[str, Results]]:
    """Run the scenario's first campus at each catalog site and rank the sites.

    Parameters
    ----------
    scenario : Scenario
        Its first site is the template: load or compute, cooling, grid feed asked for,
        technologies.
    sites : list of str
        Catalog site names.
    weights : dict of str to float, optional
        Weight of each of :data:`CRITERIA`; default :data:`DEFAULT_WEIGHTS`.
    users : list of str, optional
        Countries of the users (ISO codes) for the latency criterion: cities of 500,000 or
        more, weighted by population; default the scenario's ``placement.countries``, else
        no latency criterion.
    progress : callable, optional
        Called with a message and the number of sites done.
    workers : int, default 1
        Sites solved at once, each in its own process [-].

    Returns
    -------
    table : pandas.DataFrame
        :data:`COMPARE_COLUMNS` plus ``score`` (see :func:`siting_scores`), ``rank``
        (1 = best score), ``dropped`` (technologies without a resource and contracts left
        out at that site), ``infeasible`` (why a site cannot be served firm) and
        ``not_solved`` (why its solve gave no optimal solution); such sites rank last and
        have no results. ``table.attrs`` holds the ``weights`` used and the
        ``users``.
    results : dict of str to Results
        Each site's full results.
    """
    say = progress or (lambda _msg, _done: None)
    template = scenario.sites[0]
    for name in sites:
        catalog.get_site(name)  # fail before any solving
    countries = (
        users
        if users is not None
        else (scenario.placement.countries if scenario.placement is not None else [])
    )
    field = "users" if users is not None else "placement.countries"
    cities = latency.user_regions(countries, field=field) if countries else pd.DataFrame()
    rows = []
    results: dict[str, Results] = {}
    prepared = []
    for name in sites:
        entry = catalog.get_site(name)
        spec, dropped, feed_source = _spec_at(template, name)
        facts = {
            "site": name,
            "name": entry.label,
            "latitude": entry.latitude,
            "longitude": entry.longitude,
            "grid_feed_mw": math.nan if spec.grid.size_to_design else spec.grid.import_cap_mw,
            "feed_source": feed_source,
            "grid_carbon_kg_per_mwh": spec.grid.carbon_kg_per_mwh
            if spec.grid.carbon_kg_per_mwh is not None
            else entry.params.get("grid_carbon_t_per_mwh", math.nan) * 1e3,
            "grid_cfe_share": annual_cfe_share(spec, entry),
            "grid_wait_years": entry.params.get("grid_wait_years", math.nan),
            "water_stress": entry.params.get("water_stress", math.nan),
            "user_rtt_ms": _user_rtt_ms(entry.latitude, entry.longitude, cities),
            "dropped": ", ".join(dropped),
        }
        one = scenario.model_copy(update={"name": f"{scenario.name} at {name}", "sites": [spec]})
        prepared.append((name, facts, one))
    names = [name for name, _, _ in prepared]
    outcomes = _solve_all([one for _, _, one in prepared], names, workers, say)
    for (name, facts, _), outcome in zip(prepared, outcomes, strict=True):
        if isinstance(outcome, tuple):
            column, why = outcome
            rows.append(
                {
                    **facts,
                    "total_annual_cost_usd": math.nan,
                    "infeasible": "",
                    "not_solved": "",
                    column: why,
                }
            )
            continue
        result = outcome
        results[name] = result
        s = result.summary
        site = s.sites[0]
        rel = site.reliability
        rows.append(
            {
                **facts,
                "total_annual_cost_usd": s.total_annual_cost_usd,
                "lcoe_usd_per_mwh": s.lcoe_usd_per_mwh,
                "usd_per_accelerator_hour": s.compute.usd_per_accelerator_hour
                if s.compute is not None
                else math.nan,
                "cfe_share": s.cfe_share,
                "emissions_tco2e": s.emissions_tco2e,
                "water_m3": s.water_m3,
                "peak_grid_import_mw": site.peak_grid_import_mw,
                # what one more MW of feed would save: where large, the feed sets the cost
                "feed_value_usd_per_mw_year": site.marginals.grid_connection_usd_per_mw_year
                if site.marginals is not None
                else math.nan,
                "pue_annual": s.pue_annual,
                "unserved_mwh": s.unserved_mwh,
                "demand_charges_usd": s.cost_breakdown_usd.demand_charges,
                "reserve_margin": rel.reserve_margin if rel is not None else math.nan,
                "backup_mw": rel.backup_mw if rel is not None else 0.0,
                "capacity_mw": "; ".join(
                    f"{k} {v:,.0f}" for k, v in s.capacity_mw.items() if v >= SHOWN_MW
                ),
                "contracts": "; ".join(f"{k} {c.mw:,.0f} MW" for k, c in site.contracts.items()),
                "tariff": site.tariff,
                "infeasible": "",
                "not_solved": "",
            }
        )
    say("done", len(sites))
    table = pd.DataFrame(rows)
    score, used = siting_scores(table, weights if weights is not None else DEFAULT_WEIGHTS)
    table["score"] = score
    # Sites that cannot be served firm rank after every site that can.
    ranks = table["score"].rank(method="min")
    table["rank"] = ranks.fillna(ranks.notna().sum() + 1).astype(int)
    table = table.sort_values(["rank", "site"]).reset_index(drop=True)
    table.attrs = {"weights": used, "users": list(countries)}
    return table, results
