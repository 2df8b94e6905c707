"""Solve one site's supply LP: the solver call and the status check.

:func:`optimise` runs :func:`~gigafactory.supply.model.build_model` -> :func:`solve` ->
:func:`~gigafactory.supply.extract.extract` and turns an infeasible or unsolved model into
an :class:`~gigafactory.errors.InfeasibleError` that says where and by how much, or a
:class:`~gigafactory.errors.SolverError`. With a :class:`~gigafactory.solver.WarmStarts`,
each site's LP starts from the basis of the last one of its shape (sweeps).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.errors import InfeasibleError, SolverError
from gigafactory.solver import INFEASIBLE, WarmStarts, not_optimal, solve_lp
from gigafactory.supply.extract import extract
from gigafactory.supply.model import SiteSupply, build_model
from gigafactory.supply.objective import add_objective, same_but_costs
from gigafactory.supply.policy import carbon_emitting_supply, emission_terms
from gigafactory.supply.terms import sum_terms
from gigafactory.supply.year_checks import SHORTFALL_PENALTY, fixed_design

if TYPE_CHECKING:
    import linopy

__all__ = [
    "CFE_REACH_MARGIN",
    "PROBE_VALUE_OF_LOST_LOAD",
    "SHORTFALL_MW",
    "build_reach_model",
    "dispatch_design",
    "optimise",
    "share_below",
    "solve",
]

logger = logging.getLogger(__name__)

PROBE_VALUE_OF_LOST_LOAD = SHORTFALL_PENALTY
"""Penalty on unserved energy in the probe that locates an infeasible site's shortfall
[USD/MWh]: far above any supply cost, so the probe serves all it can; not a planning value."""

CFE_REACH_MARGIN = 1e-5
"""How far below the hourly CFE share a design reaches at most :func:`dispatch_design` holds
its dispatch [-]: the reach comes from an interior point, so exactly that share could be
infeasible by the solver's tolerance."""

SHORTFALL_MW = 1e-6
"""Unserved power in the probe counted as a shortfall [MW]: ten times the
:data:`~gigafactory.supply.extract.SOLUTION_ZERO_MW` residue threshold."""


def solve(
    model: linopy.Model,
    *,
    method: str = "auto",
    time_limit_s: float | None = None,
    warm: WarmStarts | None = None,
    key: str = "",
    site: SiteSupply | None = None,
) -> tuple[str, str]:
    """Solve a supply LP; see :func:`gigafactory.solver.solve_lp`.

    With ``warm``, from the basis kept under ``key`` (:class:`~gigafactory.solver.WarmStarts`),
    which also keeps the LP and the ``site`` it was built from.
    """
    if warm is not None:
        return warm.solve(key, model, time_limit_s=time_limit_s, inputs=site)
    return solve_lp(model, method=method, time_limit_s=time_limit_s)


def _shortfall(site: SiteSupply, method: str) -> str:
    """Explain an infeasible site by re-solving with unserved energy allowed."""
    probe = replace(
        site,
        value_of_lost_load=PROBE_VALUE_OF_LOST_LOAD,
        cfe_target=None,
        co2_cap_t=None,
        reserve_margin=None,
        n_minus_1=False,
        ride_through_hours=0,
    )
    model = build_model(probe)
    status, condition = solve(model, method=method)
    if not_optimal("", status, condition) is not None:
        return f"site '{site.name}': infeasible ({condition}); could not locate the shortfall"
    unserved = model.variables["unserved"].solution.to_numpy()
    short = unserved > SHORTFALL_MW
    if not short.any():
        parts = []
        if site.reserve_margin is not None or site.n_minus_1:
            parts.append("the planning reserve (reliability.planning_reserve_margin, n_minus_1)")
        if site.ride_through_hours > 0:
            parts.append(
                f"the {site.ride_through_hours} h ride-through (reliability.ride_through_hours)"
            )
        if any(t.nox_cap_t is not None or t.max_full_load_hours is not None for t in site.techs):
            parts.append(
                "the NOx and run-hour permits (technologies' nox_cap_t, max_full_load_hours)"
            )
        if site.co2_cap_t is not None:
            least = _reach(site, "co2", method)
            reach = "" if least is None else f"; it emits at least {least:,.0f} t"
            parts.append(f"the CO2 cap of {site.co2_cap_t:,.0f} t (policy.co2_cap_t{reach})")
        if site.cfe_target is not None:
            most = _most_cfe(site, method)
            reach = (
                ""
                if most is None
                else f"; it reaches at most {share_below(most, site.cfe_target)} hourly CFE"
            )
            parts.append(f"the CFE target of {site.cfe_target:.0%} (policy.cfe_target{reach})")
        if not parts:  # the probe is the LP with unserved energy allowed, and serves it all
            return (
                f"site '{site.name}': the solver called the LP infeasible, yet with unserved "
                "energy allowed it serves every hour: numerical trouble, not a shortfall; "
                "look for extreme values (loads, prices, caps many orders of magnitude "
                "apart) or try solver.method: simplex"
            )
        what = " and ".join(parts)
        pronoun = "them" if len(parts) > 1 else "it"
        return (
            f"site '{site.name}': the load can be met, but not within {what}; allow more "
            f"carbon-free capacity, storage or backup, or relax {pronoun}"
        )
    first = pd.Timestamp(site.time[int(np.argmax(short))])
    return (
        f"site '{site.name}': supply is short in {int(short.sum()):,} of {len(short):,} hours "
        f"(first {first:%Y-%m-%d %H:%M} UTC), by up to {unserved.max():,.1f} MW and "
        f"{site.annual(unserved):,.0f} MWh in the year; raise build limits or the grid "
        "import cap, allow storage or backup, or set reliability.allow_unserved: true"
    )


def share_below(share: float, target: float) -> str:
    """A share short of its target, written with the digits that show it short [-].

    >>> share_below(0.662, 0.9), share_below(0.89983, 0.9)
    ('66.2%', '89.98%')
    """
    for digits in (1, 2, 3):
        text = f"{share:.{digits}%}"
        if float(text.rstrip("%")) / 100 < target:
            return text
    return text


def build_reach_model(site: SiteSupply, quantity: str) -> linopy.Model | None:
    """The site's LP without its CFE target and CO2 cap, minimising what they limit.

    ``quantity='cfe'`` minimises the year's energy from emitting sources (as the
    ``cfe-target`` row counts it), ``'co2'`` the year's emissions [tCO2e]: how far the
    allowed supply can go, at any cost. ``None`` where that is not one number (a build-out,
    or flexible load, which the CFE row credits) or where nothing allowed emits.
    """
    if site.stages is not None or site.flexible_it_mw is not None:
        return None
    free = replace(site, cfe_target=None, co2_cap_t=None)
    model = build_model(free)
    if quantity == "cfe":
        emitting = carbon_emitting_supply(model, free)
        if emitting is None:  # a carbon-free grid and no emitting unit: nothing to minimise
            return None
        objective = free.annual(emitting)
    elif quantity == "co2":
        terms = emission_terms(model, free)
        if not terms:
            return None
        objective = sum_terms(terms)
    else:
        msg = f"quantity '{quantity}' not in cfe, co2"
        raise ValueError(msg)
    model.add_objective(objective, overwrite=True)
    return model


def _reach(site: SiteSupply, quantity: str, method: str) -> float | None:
    """The least emitting energy [MWh] or emissions [t] the site's supply can reach."""
    model = build_reach_model(site, quantity)
    if model is None:
        return None
    status, condition = solve(model, method=method)
    if not_optimal("", status, condition) is not None:
        return None
    return max(float(model.objective.value or 0.0), 0.0)


def _most_cfe(site: SiteSupply, method: str) -> float | None:
    """The highest hourly CFE share the site's supply can reach, at any cost [-], or None."""
    emitting = _reach(site, "cfe", method)
    load = float(site.annual(np.asarray(site.load_mw, dtype=float)))
    return None if emitting is None or load <= 0 else 1.0 - emitting / load


def optimise(
    site: SiteSupply,
    *,
    method: str = "auto",
    time_limit_s: float | None = None,
    warm: WarmStarts | None = None,
    key: str = "",
) -> xr.Dataset:
    """Build, solve and extract one site; raise :class:`InfeasibleError` with the shortfall.

    ``warm`` and ``key``: start from the basis of the last LP of this shape solved under
    ``key`` (:class:`~gigafactory.solver.WarmStarts`); ``method`` applies to cold solves only.
    Where that LP's site differs from ``site`` in costs and prices alone
    (:func:`~gigafactory.supply.objective.same_but_costs`), it is not built again: its
    objective is replaced and the LP re-solved in place.
    """
    started = time.perf_counter()
    key = key or site.name
    kept = None if warm is None else warm.kept(key)
    if warm is not None and kept is not None and same_but_costs(kept[1], site):
        model = kept[0]
        add_objective(model, site)
        built = time.perf_counter()
        status, condition = warm.resolve(key, time_limit_s=time_limit_s, inputs=site)
    else:
        model = build_model(site)
        built = time.perf_counter()
        status, condition = solve(
            model, method=method, time_limit_s=time_limit_s, warm=warm, key=key, site=site
        )
    solved = time.perf_counter()
    logger.info(
        "site %s: %s/%s in %.2f s (build %.2f s)",
        site.name,
        status,
        condition,
        solved - built,
        built - started,
    )
    if condition in INFEASIBLE:
        raise InfeasibleError(_shortfall(site, method))
    stopped = not_optimal(f"site '{site.name}'", status, condition, time_limit_s=time_limit_s)
    if stopped is not None:
        raise SolverError(stopped)
    ds = extract(model, site)
    ds.attrs.update(
        status=status,
        termination_condition=condition,
        build_seconds=built - started,
        solve_seconds=solved - built,
        n_variables=int(model.nvars),
        n_constraints=int(model.ncons),
    )
    return ds


def dispatch_design(
    site: SiteSupply,
    capacity: Mapping[str, float],
    *,
    method: str = "auto",
    time_limit_s: float | None = None,
) -> tuple[xr.Dataset | str, float | None]:
    """Dispatch a design over the site's hours, its capacities fixed; see :func:`optimise`.

    The LP of :func:`~gigafactory.supply.year_checks.fixed_design`. Where the design cannot
    reach the site's hourly CFE target on these hours at any cost, it is dispatched to
    the most it reaches (less :data:`CFE_REACH_MARGIN`), which is returned: what the design
    costs there tells more than an infeasible LP. Any other limit it cannot keep (a CO2 cap,
    a permit, the ride-through) leaves the LP infeasible: the explanation is returned in
    place of the solution.

    Returns
    -------
    tuple
        The solution, or why the LP is infeasible, and the hourly CFE share the design
        reaches at most where that is below the target, else None [-].
    """
    fixed = fixed_design(site, capacity)
    reach = None
    if fixed.cfe_target is not None:
        most = _most_cfe(fixed, method)
        if most is not None and most < fixed.cfe_target:
            reach = most
            fixed = replace(fixed, cfe_target=max(reach - CFE_REACH_MARGIN, 0.0))
    try:
        return optimise(fixed, method=method, time_limit_s=time_limit_s), reach
    except InfeasibleError as err:
        return str(err), reach
