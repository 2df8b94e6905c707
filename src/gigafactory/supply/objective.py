"""The supply LP's objective, and which inputs enter the LP through it alone.

:func:`objective_terms` writes the objective as terms ``c x`` (fixed costs of the capacities,
a year of operating costs, grid charges) and :func:`add_objective` sums them in one step
onto the model. :data:`OBJECTIVE_ONLY` names the inputs that enter nowhere else (costs and
prices), and :func:`same_but_costs` says whether two sites differ in those alone: then a
sweep keeps one LP and changes its costs in place
(:meth:`gigafactory.solver.WarmStarts.resolve`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.supply.charges import charge_terms
from gigafactory.supply.inputs import DemandCharge, SiteSupply, SupplyTech
from gigafactory.supply.rows import Term, linear_sum
from gigafactory.supply.terms import per_technology, running_thermal

if TYPE_CHECKING:
    import linopy

__all__ = ["OBJECTIVE_ONLY", "add_objective", "objective_terms", "same_but_costs"]


def objective_terms(model: linopy.Model, site: SiteSupply) -> list[Term]:
    """The objective as terms ``c x``: fixed costs, a year of operating costs [USD/yr].

    Annualised fixed costs per MW of capacity; each hour's operating cost weighted by the
    hours of the year it stands for (:attr:`SiteSupply.hour_weights`). In a build-out each
    vintage's fixed cost already counts the discounted years it is in service, and each
    hour's operating cost is weighted by its stage's discounted years
    (:attr:`SiteSupply.cost_weight`): the objective is the present value [USD].
    """
    terms: list[Term] = []
    if site.techs:
        terms.append((per_technology(list(site.techs), "fixed_cost"), model.variables["capacity"]))
    weight = site.hourly(np.asarray(site.hour_weights, dtype=float) * site.cost_weight)
    thermal = running_thermal(site)
    if thermal:
        marginal = per_technology(thermal, "marginal_cost") + site.carbon_price * per_technology(
            thermal, "co2"
        )
        terms.append((marginal * weight, model.variables["thermal-dispatch"]))
    if "grid-import" in model.variables:
        price = site.hourly(site.grid_price) + site.carbon_price * site.hourly(site.grid_carbon)
        terms.append((price * weight, model.variables["grid-import"]))
    if "grid-export" in model.variables:
        terms.append(
            (-site.hourly(site.grid_export_price) * weight, model.variables["grid-export"])
        )
    if "unserved" in model.variables:
        assert site.value_of_lost_load is not None
        terms.append((site.value_of_lost_load * weight, model.variables["unserved"]))
    return [*terms, *charge_terms(model, site)]


def add_objective(model: linopy.Model, site: SiteSupply) -> None:
    """Set (or replace) the objective, :func:`objective_terms` summed [USD/yr].

    Summed in one step (:func:`~gigafactory.supply.rows.linear_sum`): linopy's operators
    took 0.02 s for a year's objective, a tenth of a warm sweep case.
    """
    terms = objective_terms(model, site)
    every = sorted({str(d) for _c, v in terms for d in v.dims})
    model.add_objective(linear_sum(model, terms, summed=every), overwrite=True)


OBJECTIVE_ONLY: dict[type, tuple[str, ...]] = {
    SupplyTech: ("fixed_cost", "marginal_cost"),
    DemandCharge: ("usd_per_mw",),
    SiteSupply: (
        "grid_price",
        "grid_export_price",
        "grid_coincident_usd_per_mw",
        "carbon_price",
        "value_of_lost_load",
    ),
}
"""The inputs that enter the LP only through :func:`objective_terms`, per input class:
costs and prices. Two sites that differ in these alone have the same bounds and rows
(tests/test_sweep.py builds both and compares every one), so a sweep over them can keep
one LP and change its costs in place (:meth:`gigafactory.solver.WarmStarts.resolve`).
Whether a site has a value of lost load at all is its shape (the ``unserved`` column)."""


def same_but_costs(a: SiteSupply, b: SiteSupply) -> bool:
    """Whether two sites' LPs differ at most in their objective (:data:`OBJECTIVE_ONLY`).

    Every other input is compared by value: arrays element by element, nested inputs
    (technologies, demand charges, periods, stages) field by field. Unsure is "no": a
    number given once as a scalar and once per hour counts as a change.
    """
    return (a.value_of_lost_load is None) == (b.value_of_lost_load is None) and _same(a, b)


def _same(a: Any, b: Any) -> bool:
    if a is b or type(a) is not type(b):
        return a is b
    if dataclasses.is_dataclass(a):
        skip = OBJECTIVE_ONLY.get(type(a), ())
        pairs = [
            (getattr(a, f.name), getattr(b, f.name))
            for f in dataclasses.fields(a)
            if f.name not in skip
        ]
    elif isinstance(a, tuple | list):
        if len(a) != len(b):
            return False
        pairs = list(zip(a, b, strict=True))
    elif isinstance(a, dict):
        if a.keys() != b.keys():
            return False
        pairs = [(a[k], b[k]) for k in a]
    else:
        return _equal_values(a, b)
    return all(_same(x, y) for x, y in pairs)


def _equal_values(a: Any, b: Any) -> bool:
    if isinstance(a, pd.Index | xr.DataArray):
        return bool(a.equals(b))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and bool(np.array_equal(a, b))
    return bool(a == b)
