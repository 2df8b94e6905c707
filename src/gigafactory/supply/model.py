"""Hourly supply optimisation: capacity expansion and dispatch of one site (linopy + HiGHS).

The sequence is :func:`build_model` -> :func:`solve` -> :func:`extract`. Sites without
shared constraints are independent LPs, so :mod:`gigafactory.pipeline` solves them one by
one (or in parallel): that is exact and much faster than one block-diagonal LP.

Formulation, per hour t (all power in MW, energy in MWh, hourly steps):

* balance: ``sum_v a_v(t) P_v + sum_g p_g(t) + sum_s (d_s(t) - c_s(t)) + m(t) - x(t) + u(t)
  >= L(t)``; variable renewables and take-or-pay contracts enter with their availability
  ``a(t)`` times capacity, so curtailment is the slack of this row (free to spill);
* thermal: ``p_g(t) <= P_g``;
* storage: ``e_s(t) = e_s(t-1) + eta_c c_s(t) - d_s(t)/eta_d`` (cyclic),
  ``c_s(t) + d_s(t) <= P_s`` and ``e_s(t) <= h_s P_s``;
* grid: ``0 <= m(t) <= M``, ``0 <= x(t) <= X``;
* unserved energy ``0 <= u(t) <= L(t)`` at the value of lost load (or absent);
* CO2 cap and hourly-matched CFE target (:mod:`gigafactory.supply.policy`) and carbon
  price (see the ``add_*`` functions).

Objective: annualised fixed costs ``sum_k F_k P_k`` plus operating costs of the hours,
scaled by ``w = 8760 / T`` to a year.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.errors import InfeasibleError
from gigafactory.supply.charges import add_demand_charges, feed_terms
from gigafactory.supply.firm import add_firm_constraints
from gigafactory.supply.inputs import KINDS, SiteSupply, SupplyTech, nominal_load_mw
from gigafactory.supply.objective import add_objective
from gigafactory.supply.policy import add_cfe_constraints, add_co2_constraints
from gigafactory.supply.roadmap import add_vintage_limits
from gigafactory.supply.rows import Term, add_rows
from gigafactory.supply.terms import (
    availability_matrix,
    available_on_site,
    flexible_term,
    in_service_term,
    off_site,
    online_mask,
    online_matrix,
    per_technology,
    previous_state,
    running_thermal,
    technology_index,
    typical_of_hour,
    typical_of_period,
)

if TYPE_CHECKING:
    import linopy

__all__ = [
    "KINDS",
    "SiteSupply",
    "SupplyTech",
    "availability_matrix",
    "build_model",
    "nominal_load_mw",
    "per_technology",
    "technology_index",
]


def add_capacity_variables(model: linopy.Model, site: SiteSupply) -> None:
    """Capacity ``P_k`` per technology, ``existing <= P_k <= max`` [MW] (``capacity``)."""
    techs = list(site.techs)
    if not techs:
        return
    upper = [np.inf if t.max_mw is None else t.max_mw for t in techs]
    model.add_variables(
        lower=per_technology(techs, "existing_mw"),
        upper=xr.DataArray(
            upper, coords={"technology": technology_index(techs)}, dims="technology"
        ),
        name="capacity",
    )


def add_operation_variables(model: linopy.Model, site: SiteSupply) -> None:
    """Hourly dispatch, storage, grid and unserved-energy variables [MW, MWh]."""
    time_coord = {"time": site.time}
    thermal, storage = running_thermal(site), site.of_kind("storage")
    if thermal:
        model.add_variables(
            lower=0,
            upper=_in_service_bound(site, thermal),
            coords=[technology_index(thermal), site.time],
            name="thermal-dispatch",
        )
    contracts = off_site(site)
    if contracts:
        model.add_variables(
            lower=0, coords=[technology_index(contracts), site.time], name="contract-delivered"
        )
    if storage:
        for name in ("storage-charge", "storage-discharge"):
            model.add_variables(
                lower=0,
                upper=_in_service_bound(site, storage),
                coords=[technology_index(storage), site.time],
                name=name,
            )
        # in typical periods the state of charge is counted from each period's start
        low = 0 if site.periods is None else -np.inf
        model.add_variables(
            lower=low, coords=[technology_index(storage), site.time], name="storage-soc"
        )
    if site.grid_import_cap_mw > 0:
        model.add_variables(lower=0, upper=site.hourly(site.grid_cap_mw), name="grid-import")
    if site.grid_export_cap_mw > 0:
        model.add_variables(
            lower=0, upper=site.grid_export_cap_mw, coords=time_coord, name="grid-export"
        )
    if site.value_of_lost_load is not None:
        model.add_variables(lower=0, upper=site.hourly(site.max_load_mw), name="unserved")


def _in_service_bound(site: SiteSupply, techs: list[SupplyTech]) -> Any:
    """Upper bound of the units' hourly flows [MW]: 0 while out of service, else none.

    The capacity rows (``dispatch <= o(t) P``) already hold these flows at zero; as bounds
    too, an interior point returns them as exact zeros (fixed columns) rather than as a
    residue of a few 1e-7 MW, and presolve drops them.
    """
    online = online_mask(site, techs)
    if online is None:
        return np.inf
    return online.copy(data=np.where(online.values > 0, np.inf, 0.0))


def add_flexible_load(model: linopy.Model, site: SiteSupply) -> None:
    """Flexible training IT power ``f(t)`` (``flexible-it``) and its energy per window.

    ``floor T(t) <= f(t) <= ceiling T(t)`` and, per window w, ``sum_w f(t) = sum_w T(t)``
    (``flexible-energy``), with T the IT power at the nominal pace: the same training work
    is done in each window. In typical periods a window is the largest common divisor of
    the window and the period (a day for 168 h windows in typical days): stricter, since
    work cannot move between periods that are not in calendar order. Catching up needs
    headroom above the nominal pace (spare accelerators or raised power caps), which
    ``ceiling`` states.
    """
    if site.flexible_it_mw is None:
        return
    full = site.hourly(site.flexible_it_mw)
    f = model.add_variables(
        lower=site.flexible_floor * full, upper=site.flexible_ceiling * full, name="flexible-it"
    )
    window_h = site.flexible_window_h
    if site.periods is not None:
        # typical periods are not in calendar order: a window stays within its period
        window_h = math.gcd(window_h, site.periods.period_hours)
    window = xr.DataArray(
        np.arange(len(site.time)) // window_h,
        coords={"time": site.time},
        dims="time",
        name="window",
    )
    model.add_constraints(
        f.groupby(window).sum() == full.groupby(window).sum(), name="flexible-energy"
    )


def _net_supply(model: linopy.Model, site: SiteSupply) -> list[Term]:
    """Hourly supply to the facility as terms summed over ``technology`` [MW]."""
    terms: list[Term] = []
    available = available_on_site(site)
    if available:
        cap = model.variables["capacity"].sel(technology=technology_index(available))
        terms.append((availability_matrix(site, available), cap))
    for name, sign in (
        ("contract-delivered", 1),
        ("thermal-dispatch", 1),
        ("storage-discharge", 1),
        ("storage-charge", -1),
        ("grid-import", 1),
        ("grid-export", -1),
    ):
        if name in model.variables:
            terms.append((sign, model.variables[name]))
    return terms


def add_balance_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Energy balance per hour (``energy-balance``).

    ``supply(t) + u(t) >= L(t)``; the slack is curtailment, free of cost.
    """
    supply = _net_supply(model, site)
    if "unserved" in model.variables:
        supply.append((1, model.variables["unserved"]))
    if not supply:
        msg = (
            f"site '{site.name}': no technology, grid or unserved energy can meet the load; "
            "allow technologies, raise grid.import_cap_mw, or set reliability.allow_unserved"
        )
        raise InfeasibleError(msg)
    flexible = flexible_term(model, site)
    if flexible is not None:
        pue, it_power = flexible
        supply.append((-pue, it_power))
    add_rows(
        model,
        supply,
        ">=",
        site.hourly(site.load_mw),
        "energy-balance",
        summed=["technology"],
    )


def add_thermal_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Dispatchable output within capacity while in service.

    ``p_g(t) - o_g(t) P_g <= 0`` (``thermal-dispatch-limit``), with ``o_g(t)`` the 1/0
    in-service mask.
    """
    thermal = running_thermal(site)
    if not thermal:
        return
    cap = model.variables["capacity"].sel(technology=technology_index(thermal))
    online = online_matrix(site, thermal)
    add_rows(
        model,
        [(1, model.variables["thermal-dispatch"]), (-online, cap)],
        "<=",
        0,
        "thermal-dispatch-limit",
    )


def add_contract_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Off-site contracts: delivered energy within output, and through the grid feed.

    ``q_k(t) - a_k(t) P_k <= 0`` (``contract-delivery-limit``) and
    ``m(t) + sum_k q_k(t) <= M(t)`` (``grid-feed-limit``): energy bought off site reaches
    the campus over the same connection as grid imports.
    """
    contracts = off_site(site)
    if not contracts:
        return
    delivered = model.variables["contract-delivered"]
    cap = model.variables["capacity"].sel(technology=technology_index(contracts))
    add_rows(
        model,
        [(1, delivered), (-availability_matrix(site, contracts), cap)],
        "<=",
        0,
        "contract-delivery-limit",
    )
    add_rows(
        model,
        feed_terms(model),
        "<=",
        site.hourly(site.grid_cap_mw),
        "grid-feed-limit",
        summed=["technology"],
    )


def add_storage_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Storage state of charge, power and energy limits.

    * ``storage-soc-balance``: ``e(t) - e(t-1) - eta_c c(t) + d(t)/eta_d = 0``, cyclic
      (``e(-1) = e(T-1)``);
    * ``storage-power-limit``: ``c(t) + d(t) - P <= 0``;
    * ``storage-energy-limit``: ``e(t) - h P <= 0``.

    Storage with in-service dates (temporary units, the vintages of a build-out) has
    ``o(t) P`` in place of ``P``: none of its power or energy before or after.

    One joint power row replaces separate charge and discharge rows. It is exact here:
    because the balance is an inequality (curtailment is free), any solution that charges
    and discharges in the same hour can reduce both, by ``delta`` and
    ``delta eta_c eta_d``, keeping ``e(t)`` and supplying more in that hour, so an optimum
    without simultaneous operation exists and satisfies both formulations.
    """
    storage = site.of_kind("storage")
    if not storage:
        return
    online, cap = in_service_term(model, site, storage)
    charge = model.variables["storage-charge"]
    discharge = model.variables["storage-discharge"]
    soc = model.variables["storage-soc"]
    eta_c = per_technology(storage, "charge_efficiency")
    inv_eta_d = 1.0 / per_technology(storage, "discharge_efficiency")
    add_rows(
        model,
        [(1, soc), (-1, previous_state(site, soc)), (-eta_c, charge), (inv_eta_d, discharge)],
        "==",
        0,
        "storage-soc-balance",
    )
    add_rows(model, [(1, charge), (1, discharge), (-online, cap)], "<=", 0, "storage-power-limit")
    if site.periods is not None:
        add_linked_storage_constraints(model, site)
        return
    duration = per_technology(storage, "duration_h")
    add_rows(model, [(1, soc), (-duration * online, cap)], "<=", 0, "storage-energy-limit")


def add_linked_storage_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Storage over typical periods, its state linked across the year (Kotzur et al. 2018).

    ``e(t)`` is the state of charge within a typical period, counted from its start
    (``storage-soc-balance`` of :func:`add_storage_constraints`, ``e = 0`` before each
    period's first hour). Each period d of the
    year starts at ``S(d) >= 0`` (``storage-soc-start``) and
    ``S(d+1) = S(d) + e(end of k(d))`` (``storage-soc-link``, cyclic), with k(d) the typical
    period standing for d. With ``E_k`` and ``e_k`` the highest and lowest ``e`` in typical
    period k (``storage-soc-max``/``-min``), ``S(d) + E_k(d) <= h P`` and ``S(d) + e_k(d) >= 0``
    keep the state within its limits in every hour of the year. Exact when every period is
    its own typical period; seasonal storage (iron-air's 100 h) carries energy across them.

    Kotzur, Markewitz, Robinius, Stolten (2018), "Time series aggregation for energy system
    design: Modeling seasonal storage", Applied Energy 213, 123-135.
    """
    storage = site.of_kind("storage")
    periods = site.periods
    if not storage or periods is None:
        return
    names = technology_index(storage)
    online, cap = in_service_term(model, site, storage)
    if isinstance(online, xr.DataArray):
        # days standing for one typical day share its in-service mask (checked when
        # clustering): its first hour's mask is each day's
        first_hours = typical_of_period(site) * periods.period_hours
        online = online.isel(time=first_hours).drop_vars("time")
    soc = model.variables["storage-soc"]
    hours = periods.period_hours
    typical = pd.Index(np.arange(len(periods.representative)), name="typical")
    highest = model.add_variables(lower=-np.inf, coords=[names, typical], name="storage-soc-max")
    lowest = model.add_variables(lower=-np.inf, coords=[names, typical], name="storage-soc-min")
    of_hour = typical_of_hour(site)
    # rows numbered hour by hour, then period by period (as linopy's operators did), so
    # the LP and any choice among equal optima stay as they were
    by_hour, by_period = ("time", "technology"), ("period", "technology")
    for bound, sign, name in (
        (highest, "<=", "storage-soc-below-max"),
        (lowest, ">=", "storage-soc-above-min"),
    ):
        add_rows(model, [(1, soc), (-1, bound.isel(typical=of_hour))], sign, 0, name, order=by_hour)
    of_period = typical_of_period(site)
    year = of_period.indexes["period"]
    start = model.add_variables(lower=0, coords=[names, year], name="storage-soc-start")
    end_of = soc.isel(time=(of_period + 1) * hours - 1)
    add_rows(
        model,
        [(1, start.roll(period=-1)), (-1, start), (-1, end_of)],
        "==",
        0,
        "storage-soc-link",
        order=by_period,
    )
    duration = per_technology(storage, "duration_h")
    add_rows(
        model,
        [(1, start), (1, highest.isel(typical=of_period)), (-duration * online, cap)],
        "<=",
        0,
        "storage-energy-limit",
        order=by_period,
    )
    add_rows(
        model,
        [(1, start), (1, lowest.isel(typical=of_period))],
        ">=",
        0,
        "storage-soc-nonnegative",
        order=by_period,
    )


def build_model(site: SiteSupply) -> linopy.Model:
    """Build the supply LP of one site.

    Parameters
    ----------
    site : SiteSupply
        Inputs in model units.

    Returns
    -------
    linopy.Model
        With variables ``capacity``, ``thermal-dispatch``, ``storage-*``, ``grid-*``,
        and ``unserved`` (those that apply) and the constraint families
        documented in the module docstring.
    """
    import linopy

    if len(site.load_mw) != len(site.time):
        msg = f"site '{site.name}': load has {len(site.load_mw)} values for {len(site.time)} hours"
        raise ValueError(msg)
    model = linopy.Model(force_dim_names=True)
    add_capacity_variables(model, site)
    add_operation_variables(model, site)
    add_flexible_load(model, site)
    add_balance_constraints(model, site)
    add_thermal_constraints(model, site)
    add_contract_constraints(model, site)
    add_storage_constraints(model, site)
    add_co2_constraints(model, site)
    add_cfe_constraints(model, site)
    add_firm_constraints(model, site)
    add_demand_charges(model, site)
    add_vintage_limits(model, site)
    add_objective(model, site)
    return model
