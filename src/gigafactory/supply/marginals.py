"""Marginal values of a solved supply LP: why each technology is or is not built.

A capacity column's reduced cost is its annualised cost minus what one more MW of it would
save elsewhere in the year: positive for a technology left at its lower bound (it would
enter only if it were that much cheaper), negative for one held at its build limit (one
more MW of limit would save that much). The duals of the grid feed, the CFE target and the
CO2 cap give the value of one more MW of connection, one more point of target and one more
tonne of cap. All are in the objective's units, USD a year.

The solver reports reduced costs for every column (HiGHS's ``col_dual``, Clarabel's
``c - A'y``; :func:`gigafactory.solver.reduced_costs`); from an interior point without
crossover they are those of a near-optimal interior solution, accurate to the solver's
tolerance, which is far below the amounts reported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from gigafactory.solver import reduced_costs

if TYPE_CHECKING:
    import linopy

    from gigafactory.supply.inputs import SiteSupply

__all__ = ["marginal_values"]


def _dual_sum(model: linopy.Model, name: str) -> float | None:
    if name not in model.constraints:
        return None
    dual = model.constraints[name].dual
    return float(np.nansum(np.asarray(dual.values, dtype=float)))


def marginal_values(model: linopy.Model, site: SiteSupply) -> dict[str, Any]:
    """Reduced costs of the capacities and the values of the feed, CFE target and CO2 cap.

    Returns
    -------
    dict
        ``reduced_cost_usd_per_mw_year`` (technology -> [USD/MW/yr]),
        ``grid_connection_usd_per_mw_year`` (one more MW of import cap in every hour
        [USD/MW/yr]), ``cfe_target_usd_per_point`` (one more percentage point of hourly CFE
        target [USD/yr]) and ``co2_shadow_price_usd_per_t`` (one tonne less of cap
        [USD/t]); ``None`` where the model has no such term or the solver gave no duals.
    """
    out: dict[str, Any] = {
        "reduced_cost_usd_per_mw_year": {},
        "grid_connection_usd_per_mw_year": None,
        "cfe_target_usd_per_point": None,
        "co2_shadow_price_usd_per_t": None,
    }
    reduced = reduced_costs(model)
    if reduced is None:
        return out
    if "capacity" in model.variables:
        labels = model.variables["capacity"].labels
        out["reduced_cost_usd_per_mw_year"] = {
            str(tech): float(reduced[label]) if label >= 0 else float("nan")
            for tech, label in zip(labels.technology.values, labels.values, strict=True)
        }
    if "grid-import" in model.variables:
        # The cap is the import columns' upper bound, and with off-site contracts also a
        # row; its value is what relaxing both by one MW in every hour would save.
        columns = model.variables["grid-import"].labels.values.ravel()
        at_cap = np.nan_to_num(reduced[columns[columns >= 0]])
        value = -float(at_cap[at_cap < 0].sum())
        feed = _dual_sum(model, "grid-feed-limit")
        if feed is not None:
            value -= feed
        out["grid_connection_usd_per_mw_year"] = value
    cfe = _dual_sum(model, "cfe-target")
    if cfe is not None and site.cfe_target is not None:
        total_load = float(site.hourly(site.load_mw).sum())
        # lhs <= (1 - target) L: one point more of target lowers the right side by L/100.
        out["cfe_target_usd_per_point"] = -cfe * total_load / 100.0
    co2 = _dual_sum(model, "co2-cap")
    if co2 is not None:
        out["co2_shadow_price_usd_per_t"] = -co2
    return out
