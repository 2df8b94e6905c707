"""Grid charges beyond the energy price: demand charges on peaks and coincident peaks.

* ``demand-peak-<name>``: one variable per billing period, ``F(t) <= peak_k`` for every
  hour t of period k (the row group of the same name), with ``F`` the flow through the feed
  (grid import plus off-site contract energy, as the meter sees it); the objective pays
  ``rate x peak_k`` per period;
* coincident-peak charges (ERCOT's 4CP) are a charge on the flow in named hours: linear,
  no extra variable.

Demand charges are billed per period, not per modelled hour, so unlike energy costs they
are not scaled by the hour weight; over several weather years (each with its own billing
periods) they are divided by the number of years, a mean year's bill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.supply.inputs import SiteSupply
from gigafactory.supply.rows import Term, add_rows

if TYPE_CHECKING:
    import linopy

__all__ = ["add_demand_charges", "charge_terms", "feed_terms", "peak_variable"]


def peak_variable(name: str) -> str:
    """Name of the peak variable of one demand charge."""
    return f"demand-peak-{name}"


def feed_terms(model: linopy.Model) -> list[Term]:
    """Hourly flow through the grid feed as terms summed over ``technology`` [MW].

    Grid import plus off-site contract energy.
    """
    names = ("grid-import", "contract-delivered")
    return [(1, model.variables[name]) for name in names if name in model.variables]


def add_demand_charges(model: linopy.Model, site: SiteSupply) -> None:
    """Peak variables and their rows for each demand charge (see the module docstring).

    One row group per charge, over every (modelled hour, billing period) pair the period
    bills: on typical days a modelled hour stands for hours of several periods.
    """
    flow = feed_terms(model)
    if not flow:
        return
    for charge in site.demand_charges:
        period = np.asarray(charge.period)
        billed = period >= 0
        if not billed.any():
            continue
        hour = np.flatnonzero(billed)
        if site.periods is not None:  # the modelled hour that stands for each billed hour
            hour = np.asarray(site.periods.modelled_hour)[hour]
        pairs = np.unique(np.stack([period[billed], hour]), axis=1)
        periods, of_pair = np.unique(pairs[0], return_inverse=True)
        dim = f"{charge.name}-period"
        peak = model.add_variables(
            lower=0, coords=[pd.Index(periods, name=dim)], name=peak_variable(charge.name)
        )
        pair = f"{charge.name}-hour"
        at_hour = xr.DataArray(pairs[1], dims=pair)
        billed_peak = peak.isel({dim: xr.DataArray(of_pair, dims=pair)})
        add_rows(
            model,
            [(c, v.isel(time=at_hour)) for c, v in flow] + [(-1, billed_peak)],
            "<=",
            0,
            peak_variable(charge.name),
            summed=["technology"],
        )


def charge_terms(model: linopy.Model, site: SiteSupply) -> list[Term]:
    """Objective terms ``c x`` of demand and coincident-peak charges [USD/yr]."""
    terms: list[Term] = []
    for charge in site.demand_charges:
        name = peak_variable(charge.name)
        if name in model.variables:
            terms.append((charge.usd_per_mw / site.weather_years, model.variables[name]))
    coincident = np.broadcast_to(
        np.asarray(site.grid_coincident_usd_per_mw, dtype=float), (len(site.time),)
    )
    if np.any(coincident != 0):
        rate = site.hourly(coincident / site.weather_years)
        terms.extend((c * rate, v) for c, v in feed_terms(model))
    return terms
