"""Grid charges beyond the energy price: demand charges on peaks and coincident peaks.

* ``demand-peak-<name>``: one variable per billing period, ``F(t) <= peak_k`` for every
  hour t of period k (``demand-peak-<name>-<k>``), with ``F`` the flow through the feed
  (grid import plus off-site contract energy, as the meter sees it); the objective pays
  ``rate x peak_k`` per period;
* coincident-peak charges (ERCOT's 4CP) are a charge on the flow in named hours: linear,
  no extra variable.

Demand charges are billed per period, not per modelled hour, so unlike energy costs they
are not scaled by the hour weight; over several weather years (each with its own billing
periods) they are divided by the number of years, a mean year's bill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gigafactory.supply.inputs import SiteSupply

if TYPE_CHECKING:
    import linopy

__all__ = ["add_demand_charges", "charge_terms", "feed_flow", "peak_variable"]


def peak_variable(name: str) -> str:
    """Name of the peak variable of one demand charge."""
    return f"demand-peak-{name}"


def feed_flow(model: linopy.Model) -> Any:
    """Hourly flow through the grid feed: import plus off-site contract energy [MW]."""
    flow = None
    if "grid-import" in model.variables:
        flow = 1 * model.variables["grid-import"]
    if "contract-delivered" in model.variables:
        delivered = model.variables["contract-delivered"].sum("technology")
        flow = delivered if flow is None else flow + delivered
    return flow


def add_demand_charges(model: linopy.Model, site: SiteSupply) -> None:
    """Peak variables and their rows for each demand charge (see the module docstring)."""
    flow = feed_flow(model)
    if flow is None:
        return
    for charge in site.demand_charges:
        period = np.asarray(charge.period)
        periods = np.unique(period[period >= 0])
        if periods.size == 0:
            continue
        peak = model.add_variables(
            lower=0,
            coords=[pd.Index(periods, name=f"{charge.name}-period")],
            name=peak_variable(charge.name),
        )
        for k in periods:
            if site.periods is None:
                hours = site.time[period == k]
            else:  # the modelled hours that stand for an hour of billing period k
                hours = site.time[np.unique(site.periods.modelled_hour[period == k])]
            model.add_constraints(
                flow.sel(time=hours) - peak.sel({f"{charge.name}-period": k}) <= 0,
                name=f"demand-peak-{charge.name}-{k}",
            )


def charge_terms(model: linopy.Model, site: SiteSupply) -> list[Any]:
    """Objective terms of demand and coincident-peak charges [USD/yr]."""
    terms: list[Any] = []
    for charge in site.demand_charges:
        name = peak_variable(charge.name)
        if name in model.variables:
            terms.append(model.variables[name].sum() * (charge.usd_per_mw / site.weather_years))
    coincident = np.broadcast_to(
        np.asarray(site.grid_coincident_usd_per_mw, dtype=float), (len(site.time),)
    )
    flow = feed_flow(model)
    if flow is not None and np.any(coincident != 0):
        terms.append((site.hourly(coincident / site.weather_years) * flow).sum())
    return terms
