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
* CO2 cap, hourly-matched CFE target and carbon price (see the ``add_*`` functions).

Objective: annualised fixed costs ``sum_k F_k P_k`` plus operating costs of the hours,
scaled by ``w = 8760 / T`` to a year.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.errors import InfeasibleError, SolverError
from gigafactory.units import HOURS_PER_YEAR

if TYPE_CHECKING:
    import linopy

__all__ = [
    "PriceResolver",
    "SiteSupply",
    "SupplyTech",
    "build_model",
    "extract",
    "optimise",
    "solve",
]

logger = logging.getLogger(__name__)

KINDS = ("variable", "contract", "thermal", "storage")
IPM_THRESHOLD = 20_000
"""Variables above which ``method='auto'`` uses the interior-point solver [-]."""


@dataclass(frozen=True)
class SupplyTech:
    """One technology at one site, in model units.

    Attributes
    ----------
    name : str
        Technology name.
    kind : str
        ``variable``, ``contract``, ``thermal`` or ``storage``.
    fixed_cost : float
        Annualised capex plus fixed O&M per MW of power (storage: incl. its energy) [USD/MW/yr].
    existing_mw, max_mw : float
        Capacity bounds [MW]; ``max_mw`` None means unbounded.
    marginal_cost : float
        Fuel plus variable O&M per MWh delivered [USD/MWh].
    co2 : float
        Emissions per MWh delivered [tCO2e/MWh].
    availability : numpy.ndarray or float
        Available output per MW, hourly (variable, contract) [-].
    clean : bool
        Counts as carbon-free energy for the CFE target.
    charge_efficiency, discharge_efficiency : float
        Storage efficiencies [-].
    duration_h : float
        Storage energy per MW of power [h].
    """

    name: str
    kind: str
    fixed_cost: float
    existing_mw: float = 0.0
    max_mw: float | None = None
    marginal_cost: float = 0.0
    co2: float = 0.0
    availability: np.ndarray | float = 1.0
    clean: bool = False
    charge_efficiency: float = 1.0
    discharge_efficiency: float = 1.0
    duration_h: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            msg = f"technology '{self.name}': kind '{self.kind}' not in {', '.join(KINDS)}"
            raise ValueError(msg)


@dataclass(frozen=True)
class SiteSupply:
    """Inputs of one site's supply LP.

    Attributes
    ----------
    name : str
        Site label.
    time : pandas.DatetimeIndex
        Hourly time stamps (T of them).
    load_mw : numpy.ndarray
        Facility load [MW].
    techs : tuple of SupplyTech
        Technologies allowed.
    grid_import_cap_mw, grid_export_cap_mw : float
        Grid limits [MW].
    grid_price : numpy.ndarray
        Import tariff [USD/MWh].
    grid_carbon : numpy.ndarray
        Import intensity [tCO2e/MWh].
    grid_export_price : numpy.ndarray
        Export revenue [USD/MWh].
    grid_cfe_share : float
        Carbon-free share of imports [-].
    value_of_lost_load : float or None
        Penalty on unserved energy; None forbids it [USD/MWh].
    co2_cap_t : float or None
        Annual CO2 cap [tCO2e].
    carbon_price : float
        Carbon price [USD/tCO2e].
    cfe_target : float or None
        Hourly-matched CFE share of load [-].
    flexible_it_mw : numpy.ndarray or None
        IT power of flexible training at its nominal pace, on top of ``load_mw`` [MW].
    flexible_pue : numpy.ndarray or float
        Facility power per unit of flexible IT power [-].
    flexible_floor, flexible_ceiling : float
        Lowest and highest training pace in any hour, as shares of its nominal pace [-].
    flexible_window_h : int
        Training energy is delivered within each window of this many hours [h].
    """

    name: str
    time: pd.DatetimeIndex
    load_mw: np.ndarray
    techs: tuple[SupplyTech, ...]
    grid_import_cap_mw: float = 0.0
    grid_price: np.ndarray | float = 0.0
    grid_carbon: np.ndarray | float = 0.0
    grid_export_cap_mw: float = 0.0
    grid_export_price: np.ndarray | float = 0.0
    grid_cfe_share: float = 0.0
    value_of_lost_load: float | None = None
    co2_cap_t: float | None = None
    carbon_price: float = 0.0
    cfe_target: float | None = None
    flexible_it_mw: np.ndarray | None = None
    flexible_pue: np.ndarray | float = 1.0
    flexible_floor: float = 1.0
    flexible_ceiling: float = 1.0
    flexible_window_h: int = 168
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # linopy takes dimension names from index names.
        object.__setattr__(self, "time", pd.DatetimeIndex(self.time, name="time"))

    @property
    def weight(self) -> float:
        """Hours of the year each modelled hour stands for [-]."""
        return HOURS_PER_YEAR / len(self.time)

    @property
    def max_load_mw(self) -> np.ndarray:
        """Facility load with flexible training at its highest pace [MW]."""
        if self.flexible_it_mw is None:
            return np.asarray(self.load_mw, dtype=float)
        flexible = self.flexible_ceiling * np.asarray(self.flexible_pue) * self.flexible_it_mw
        return np.asarray(self.load_mw + flexible)

    def of_kind(self, kind: str) -> list[SupplyTech]:
        """Technologies of one kind, in input order."""
        return [t for t in self.techs if t.kind == kind]

    def hourly(self, value: np.ndarray | float) -> xr.DataArray:
        """Broadcast a scalar or an hourly array onto the ``time`` coordinate."""
        data = np.broadcast_to(np.asarray(value, dtype=float), (len(self.time),))
        return xr.DataArray(data, coords={"time": self.time}, dims="time")


# ---------------------------------------------------------------------------- build


def _names(techs: list[SupplyTech]) -> pd.Index:
    return pd.Index([t.name for t in techs], name="technology")


def _per_tech(techs: list[SupplyTech], attr: str) -> xr.DataArray:
    return xr.DataArray(
        [float(getattr(t, attr)) for t in techs],
        coords={"technology": _names(techs)},
        dims="technology",
    )


def _availability(site: SiteSupply, techs: list[SupplyTech]) -> xr.DataArray:
    data = np.stack(
        [np.broadcast_to(np.asarray(t.availability, float), (len(site.time),)) for t in techs]
    )
    return xr.DataArray(
        data, coords={"technology": _names(techs), "time": site.time}, dims=("technology", "time")
    )


def add_capacity_variables(model: linopy.Model, site: SiteSupply) -> None:
    """Capacity ``P_k`` per technology, ``existing <= P_k <= max`` [MW] (``capacity``)."""
    techs = list(site.techs)
    if not techs:
        return
    upper = [np.inf if t.max_mw is None else t.max_mw for t in techs]
    model.add_variables(
        lower=_per_tech(techs, "existing_mw"),
        upper=xr.DataArray(upper, coords={"technology": _names(techs)}, dims="technology"),
        name="capacity",
    )


def add_operation_variables(model: linopy.Model, site: SiteSupply) -> None:
    """Hourly dispatch, storage, grid and unserved-energy variables [MW, MWh]."""
    time_coord = {"time": site.time}
    thermal, storage = site.of_kind("thermal"), site.of_kind("storage")
    if thermal:
        model.add_variables(lower=0, coords=[_names(thermal), site.time], name="thermal-dispatch")
    if storage:
        for name in ("storage-charge", "storage-discharge", "storage-soc"):
            model.add_variables(lower=0, coords=[_names(storage), site.time], name=name)
    if site.grid_import_cap_mw > 0:
        model.add_variables(
            lower=0, upper=site.grid_import_cap_mw, coords=time_coord, name="grid-import"
        )
    if site.grid_export_cap_mw > 0:
        model.add_variables(
            lower=0, upper=site.grid_export_cap_mw, coords=time_coord, name="grid-export"
        )
    if site.value_of_lost_load is not None:
        model.add_variables(lower=0, upper=site.hourly(site.max_load_mw), name="unserved")


def add_flexible_load(model: linopy.Model, site: SiteSupply) -> None:
    """Flexible training IT power ``f(t)`` (``flexible-it``) and its energy per window.

    ``floor T(t) <= f(t) <= ceiling T(t)`` and, per window w, ``sum_w f(t) = sum_w T(t)``
    (``flexible-energy``), with T the IT power at the nominal pace: the same training work
    is done in each window. Catching up needs headroom above the nominal pace (spare
    accelerators or raised power caps), which ``ceiling`` states.
    """
    if site.flexible_it_mw is None:
        return
    full = site.hourly(site.flexible_it_mw)
    f = model.add_variables(
        lower=site.flexible_floor * full, upper=site.flexible_ceiling * full, name="flexible-it"
    )
    window = xr.DataArray(
        np.arange(len(site.time)) // site.flexible_window_h,
        coords={"time": site.time},
        dims="time",
        name="window",
    )
    model.add_constraints(
        f.groupby(window).sum() == full.groupby(window).sum(), name="flexible-energy"
    )


def _flexible_facility(model: linopy.Model, site: SiteSupply) -> Any:
    if "flexible-it" not in model.variables:
        return None
    return site.hourly(site.flexible_pue) * model.variables["flexible-it"]


def _sum_terms(terms: list[Any]) -> Any:
    if not terms:
        return None
    expr = terms[0]
    for term in terms[1:]:
        expr = expr + term
    return expr


def _net_supply(model: linopy.Model, site: SiteSupply) -> Any:
    """Hourly supply to the facility as a linear expression [MW]."""
    terms = []
    available = site.of_kind("variable") + site.of_kind("contract")
    if available:
        cap = model.variables["capacity"].sel(technology=_names(available))
        terms.append((_availability(site, available) * cap).sum("technology"))
    if "thermal-dispatch" in model.variables:
        terms.append(model.variables["thermal-dispatch"].sum("technology"))
    if "storage-discharge" in model.variables:
        terms.append(model.variables["storage-discharge"].sum("technology"))
        terms.append(-1 * model.variables["storage-charge"].sum("technology"))
    if "grid-import" in model.variables:
        terms.append(model.variables["grid-import"])
    if "grid-export" in model.variables:
        terms.append(-1 * model.variables["grid-export"])
    return _sum_terms(terms)


def _carbon_emitting_supply(model: linopy.Model, site: SiteSupply) -> Any:
    """Hourly energy from carbon-emitting sources as a linear expression [MW].

    Emitting thermal output, other non-clean output, the emitting share of imports and
    unserved energy (load not served by carbon-free energy either).
    """
    terms = []
    available = [t for t in site.of_kind("variable") + site.of_kind("contract") if not t.clean]
    if available:
        cap = model.variables["capacity"].sel(technology=_names(available))
        terms.append((_availability(site, available) * cap).sum("technology"))
    thermal = [t for t in site.of_kind("thermal") if not t.clean]
    if thermal:
        dispatch = model.variables["thermal-dispatch"].sel(technology=_names(thermal))
        terms.append(dispatch.sum("technology"))
    if "grid-import" in model.variables and site.grid_cfe_share < 1:
        terms.append((1.0 - site.grid_cfe_share) * model.variables["grid-import"])
    if "unserved" in model.variables:
        terms.append(model.variables["unserved"])
    return _sum_terms(terms)


def add_balance_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Energy balance per hour (``energy-balance``).

    ``supply(t) + u(t) >= L(t)``; the slack is curtailment, free of cost.
    """
    supply = _net_supply(model, site)
    load = site.hourly(site.load_mw)
    if "unserved" in model.variables:
        supply = (
            model.variables["unserved"] if supply is None else supply + model.variables["unserved"]
        )
    if supply is None:
        msg = f"site '{site.name}': no technology, grid or unserved energy can meet the load"
        raise InfeasibleError(msg)
    flexible = _flexible_facility(model, site)
    if flexible is not None:
        supply = supply - flexible
    model.add_constraints(supply >= load, name="energy-balance")


def add_thermal_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Dispatchable output within capacity: ``p_g(t) - P_g <= 0`` (``thermal-dispatch-limit``)."""
    thermal = site.of_kind("thermal")
    if not thermal:
        return
    cap = model.variables["capacity"].sel(technology=_names(thermal))
    model.add_constraints(
        model.variables["thermal-dispatch"] - cap <= 0, name="thermal-dispatch-limit"
    )


def add_storage_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Storage state of charge, power and energy limits.

    * ``storage-soc-balance``: ``e(t) - e(t-1) - eta_c c(t) + d(t)/eta_d = 0``, cyclic
      (``e(-1) = e(T-1)``);
    * ``storage-power-limit``: ``c(t) + d(t) - P <= 0``;
    * ``storage-energy-limit``: ``e(t) - h P <= 0``.

    One joint power row replaces separate charge and discharge rows. It is exact here:
    because the balance is an inequality (curtailment is free), any solution that charges
    and discharges in the same hour can reduce both, by ``delta`` and
    ``delta eta_c eta_d``, keeping ``e(t)`` and supplying more in that hour, so an optimum
    without simultaneous operation exists and satisfies both formulations.
    """
    storage = site.of_kind("storage")
    if not storage:
        return
    names = _names(storage)
    cap = model.variables["capacity"].sel(technology=names)
    charge = model.variables["storage-charge"]
    discharge = model.variables["storage-discharge"]
    soc = model.variables["storage-soc"]
    eta_c = _per_tech(storage, "charge_efficiency")
    inv_eta_d = 1.0 / _per_tech(storage, "discharge_efficiency")
    model.add_constraints(
        soc - soc.roll(time=1) - eta_c * charge + inv_eta_d * discharge == 0,
        name="storage-soc-balance",
    )
    model.add_constraints(charge + discharge - cap <= 0, name="storage-power-limit")
    model.add_constraints(
        soc - _per_tech(storage, "duration_h") * cap <= 0, name="storage-energy-limit"
    )


def _emissions(model: linopy.Model, site: SiteSupply) -> Any:
    """Annual emissions as a linear expression [tCO2e]."""
    terms = []
    thermal = [t for t in site.of_kind("thermal") if t.co2 > 0]
    if thermal:
        p = model.variables["thermal-dispatch"].sel(technology=_names(thermal))
        terms.append((_per_tech(thermal, "co2") * p).sum() * site.weight)
    if "grid-import" in model.variables and np.any(np.asarray(site.grid_carbon) > 0):
        terms.append(
            (site.hourly(site.grid_carbon) * model.variables["grid-import"]).sum() * site.weight
        )
    return terms


def add_co2_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Annual emissions cap: ``w sum_t (sum_g e_g p_g(t) + k(t) m(t)) <= cap`` (``co2-cap``)."""
    if site.co2_cap_t is None:
        return
    terms = _emissions(model, site)
    if not terms:
        return
    expr = terms[0] if len(terms) == 1 else terms[0] + terms[1]
    model.add_constraints(expr <= site.co2_cap_t, name="co2-cap")


def add_cfe_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Hourly-matched carbon-free energy (24/7 CFE), ``cfe-target``.

    ``sum_t e(t) <= (1 - target) sum_t L(t)``, with ``e(t)`` the energy from emitting
    sources in hour t (:func:`_carbon_emitting_supply`). Energy spilled in one hour cannot
    cover emitting supply in another, so the match is hourly: every hour's carbon-free
    share is ``1 - e(t) / L(t)``. Emitting energy used to charge storage counts in the hour
    it is bought (conservative: before storage losses). One row, no extra variables.
    """
    if site.cfe_target is None or site.cfe_target <= 0:
        return
    has_clean = any(t.clean or t.kind == "storage" for t in site.techs) or (
        site.grid_cfe_share > 0 and site.grid_import_cap_mw > 0
    )
    if not has_clean:
        msg = (
            f"site '{site.name}': CFE target {site.cfe_target:.0%} but no carbon-free supply "
            "allowed"
        )
        raise InfeasibleError(msg)
    emitting = _carbon_emitting_supply(model, site)
    if emitting is None:
        return
    total_load = float(site.hourly(site.load_mw).sum())
    share = 1.0 - site.cfe_target
    flexible = _flexible_facility(model, site)
    lhs = emitting.sum() if flexible is None else emitting.sum() - share * flexible.sum()
    model.add_constraints(lhs <= share * total_load, name="cfe-target")


def add_objective(model: linopy.Model, site: SiteSupply) -> None:
    """Annualised fixed costs plus a year of operating costs [USD/yr]."""
    w = site.weight
    terms = []
    if site.techs:
        terms.append(
            (_per_tech(list(site.techs), "fixed_cost") * model.variables["capacity"]).sum()
        )
    thermal = site.of_kind("thermal")
    if thermal:
        marginal = _per_tech(thermal, "marginal_cost") + site.carbon_price * _per_tech(
            thermal, "co2"
        )
        terms.append((marginal * model.variables["thermal-dispatch"]).sum() * w)
    if "grid-import" in model.variables:
        price = site.hourly(site.grid_price) + site.carbon_price * site.hourly(site.grid_carbon)
        terms.append((price * model.variables["grid-import"]).sum() * w)
    if "grid-export" in model.variables:
        terms.append(
            (-1 * site.hourly(site.grid_export_price) * model.variables["grid-export"]).sum() * w
        )
    if "unserved" in model.variables:
        assert site.value_of_lost_load is not None
        terms.append(model.variables["unserved"].sum() * (site.value_of_lost_load * w))
    expr = terms[0]
    for term in terms[1:]:
        expr = expr + term
    model.add_objective(expr)


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
    add_storage_constraints(model, site)
    add_co2_constraints(model, site)
    add_cfe_constraints(model, site)
    add_objective(model, site)
    return model


# ---------------------------------------------------------------------------- solve


def solve(
    model: linopy.Model,
    *,
    method: str = "auto",
    time_limit_s: float | None = None,
) -> tuple[str, str]:
    """Solve with HiGHS and return linopy's ``(status, termination_condition)``.

    ``method='ipm'`` runs HiGHS's interior point (IPX) without crossover, the fastest
    choice for a full year; ``'simplex'`` gives a vertex solution; ``'auto'`` uses IPM
    above :data:`IPM_THRESHOLD` variables.
    """
    options: dict[str, Any] = {"log_to_console": False, "output_flag": False}
    n_vars = int(model.nvars)
    if method == "ipm" or (method == "auto" and n_vars > IPM_THRESHOLD):
        options.update(solver="ipm", run_crossover="off")
    elif method == "simplex":
        options.update(solver="simplex")
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    with _c_stdout_silenced():
        status, condition = model.solve(solver_name="highs", progress=False, **options)
    return str(status), str(condition)


@contextlib.contextmanager
def _c_stdout_silenced() -> Iterator[None]:
    """Silence C-level stdout: HiGHS prints a banner on construction, before options apply.

    Without this, ``gigafactory run --json`` would not print pure JSON.
    """
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable fd 1 (e.g. embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


# ---------------------------------------------------------------------------- extract


SOLUTION_ZERO_MW = 1e-7
"""Solution values below this are reported as zero: an interior point solution without
crossover leaves ~1e-12 residues that mean nothing physically [MW or MWh]."""


def _solution(model: linopy.Model, name: str) -> xr.DataArray | None:
    if name not in model.variables:
        return None
    values: xr.DataArray = model.variables[name].solution.fillna(0.0)
    return values.where(abs(values) >= SOLUTION_ZERO_MW, 0.0)


def emitting_supply_mw(ds: xr.Dataset, site: SiteSupply) -> xr.DataArray:
    """Hourly energy from carbon-emitting sources of a solved site [MW].

    Emitting technologies, the emitting share of imports and unserved energy: the quantity
    the CFE target limits (see :func:`add_cfe_constraints`).
    """
    emitting = [t.name for t in site.techs if not t.clean and t.kind != "storage"]
    supply = ds["dispatch_mw"].sel(technology=emitting).sum("technology")
    return supply + (1.0 - site.grid_cfe_share) * ds["grid_import_mw"] + ds["unserved_mw"]


def cfe_share(ds: xr.Dataset, site: SiteSupply) -> float:
    """Hourly-matched carbon-free share of the load of a solved site [-].

    ``1 - sum_t e(t) / sum_t L(t)`` with ``e`` from :func:`emitting_supply_mw`; surplus
    clean energy in one hour never offsets emitting energy in another, so the share is at
    most 1 and equals what the LP's CFE target constrains.
    """
    total = float(ds["load_mw"].sum())
    if total <= 0:
        return 0.0
    share = 1.0 - float(emitting_supply_mw(ds, site).sum()) / total
    return min(max(share, 0.0), 1.0)


def extract(model: linopy.Model, site: SiteSupply) -> xr.Dataset:
    """Read the solution into a dataset with units.

    Returns
    -------
    xarray.Dataset
        ``capacity_mw`` (technology), ``storage_energy_mwh`` (storage); hourly ``dispatch_mw``
        (technology, time; storage = discharge), ``storage_charge_mw`` and
        ``storage_soc_mwh`` (storage, time),
        ``grid_import_mw``, ``grid_export_mw``, ``unserved_mw``, ``curtailed_mw``,
        ``load_mw`` (facility load as served, incl. flexible training), ``flexible_it_mw``
        when training is flexible; attributes ``objective_usd`` and the solver status.
    """
    time_index = site.time
    techs = list(site.techs)
    names = _names(techs)
    zeros_t = xr.zeros_like(site.hourly(0.0))
    capacity = _solution(model, "capacity")
    if capacity is None:
        capacity = xr.DataArray(np.zeros(0), coords={"technology": names}, dims="technology")
    dispatch = xr.DataArray(
        np.zeros((len(techs), len(time_index))),
        coords={"technology": names, "time": time_index},
        dims=("technology", "time"),
    )
    available_techs = site.of_kind("variable") + site.of_kind("contract")
    available = xr.zeros_like(zeros_t)
    if available_techs:
        avail = _availability(site, available_techs) * capacity.sel(
            technology=_names(available_techs)
        )
        dispatch.loc[{"technology": _names(available_techs)}] = avail
        available = avail.sum("technology")
    thermal = _solution(model, "thermal-dispatch")
    if thermal is not None:
        dispatch.loc[{"technology": thermal.technology}] = thermal
    charge = _solution(model, "storage-charge")
    discharge = _solution(model, "storage-discharge")
    soc = _solution(model, "storage-soc")
    if discharge is not None:
        dispatch.loc[{"technology": discharge.technology}] = discharge
    grid_import = _solution(model, "grid-import")
    grid_import = zeros_t if grid_import is None else grid_import
    grid_export = _solution(model, "grid-export")
    grid_export = zeros_t if grid_export is None else grid_export
    unserved = _solution(model, "unserved")
    unserved = zeros_t if unserved is None else unserved
    load = site.hourly(site.load_mw)
    flexible_it = _solution(model, "flexible-it")
    if flexible_it is not None:
        load = load + site.hourly(site.flexible_pue) * flexible_it
    net_storage = zeros_t if discharge is None else (discharge - charge).sum("technology")  # type: ignore[operator]
    thermal_sum = zeros_t if thermal is None else thermal.sum("technology")
    surplus = available + thermal_sum + net_storage + grid_import - grid_export + unserved - load
    curtailed = surplus.clip(min=0.0)
    # Spill is attributed to the sources that can spill, pro rata to their output.
    if available_techs:
        delivered = 1.0 - curtailed / available.where(available > 0)
        share = delivered.fillna(1.0).clip(0, 1)
        dispatch.loc[{"technology": _names(available_techs)}] = (
            dispatch.sel(technology=_names(available_techs)) * share
        )
    storage = site.of_kind("storage")
    storage_energy = (
        capacity.sel(technology=_names(storage)) * _per_tech(storage, "duration_h")
        if storage
        else None
    )
    ds = xr.Dataset(
        {
            "capacity_mw": capacity,
            "dispatch_mw": dispatch,
            "grid_import_mw": grid_import,
            "grid_export_mw": grid_export,
            "unserved_mw": unserved,
            "curtailed_mw": curtailed,
            "load_mw": load,
        }
    )
    if flexible_it is not None:
        ds["flexible_it_mw"] = flexible_it
    if storage:
        # Own dimension so storage variables do not get NaN rows for other technologies.
        ds["storage_energy_mwh"] = storage_energy.rename(technology="storage")  # type: ignore[union-attr]
        ds["storage_charge_mw"] = charge.rename(technology="storage")  # type: ignore[union-attr]
        ds["storage_soc_mwh"] = soc.rename(technology="storage")  # type: ignore[union-attr]
    units = {
        "capacity_mw": "MW",
        "dispatch_mw": "MW",
        "grid_import_mw": "MW",
        "grid_export_mw": "MW",
        "unserved_mw": "MW",
        "curtailed_mw": "MW",
        "load_mw": "MW",
        "flexible_it_mw": "MW",
        "storage_energy_mwh": "MWh",
        "storage_charge_mw": "MW",
        "storage_soc_mwh": "MWh",
    }
    for name, unit in units.items():
        if name in ds:
            ds[name].attrs["units"] = unit
    ds.attrs["objective_usd"] = float(model.objective.value or 0.0)
    return ds


# ---------------------------------------------------------------------------- orchestration


def _shortfall(site: SiteSupply, method: str) -> str:
    """Explain an infeasible site by re-solving with unserved energy allowed."""
    from dataclasses import replace

    probe = replace(site, value_of_lost_load=1e6, cfe_target=None, co2_cap_t=None)
    model = build_model(probe)
    status, condition = solve(model, method=method)
    if status != "ok":
        return f"site '{site.name}': infeasible ({condition}); could not locate the shortfall"
    unserved = model.variables["unserved"].solution.to_numpy()
    short = unserved > 1e-6
    if not short.any():
        parts = []
        if site.co2_cap_t is not None:
            parts.append(f"the CO2 cap of {site.co2_cap_t:,.0f} t")
        if site.cfe_target is not None:
            parts.append(f"the CFE target of {site.cfe_target:.0%}")
        what = " and ".join(parts) or "a policy constraint"
        return (
            f"site '{site.name}': load can be met, but not within {what}; "
            "allow more carbon-free capacity or relax the policy"
        )
    first = pd.Timestamp(site.time[int(np.argmax(short))])
    return (
        f"site '{site.name}': supply is short in {int(short.sum()):,} of {len(short):,} hours "
        f"(first {first:%Y-%m-%d %H:%M} UTC), by up to {unserved.max():,.1f} MW and "
        f"{unserved.sum() * site.weight:,.0f} MWh in the year; raise build limits or the grid "
        "import cap, or set solver.value_of_lost_load_usd_per_mwh"
    )


def optimise(
    site: SiteSupply, *, method: str = "auto", time_limit_s: float | None = None
) -> xr.Dataset:
    """Build, solve and extract one site; raise :class:`InfeasibleError` with the shortfall."""
    started = time.perf_counter()
    model = build_model(site)
    built = time.perf_counter()
    status, condition = solve(model, method=method, time_limit_s=time_limit_s)
    solved = time.perf_counter()
    logger.info(
        "site %s: %s/%s in %.2f s (build %.2f s)",
        site.name,
        status,
        condition,
        solved - built,
        built - started,
    )
    if condition in {"infeasible", "infeasible_or_unbounded"}:
        raise InfeasibleError(_shortfall(site, method))
    if status != "ok":
        msg = f"site '{site.name}': solver stopped with {status} ({condition})"
        raise SolverError(msg)
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


class PriceResolver:
    """Re-solve one site's LP for new grid prices from the previous basis (warm start).

    The model is built once (linopy) and handed to HiGHS; each :meth:`solve` changes only
    the cost coefficients of the grid-import columns and re-runs the simplex from the last
    optimal basis, which a price change leaves primal feasible. For a 10-case price sweep of
    the ``korea-southwest`` preset this is ~9x faster than 10 cold solves, with objectives
    equal to 1e-9 (``make bench``).
    """

    def __init__(self, site: SiteSupply) -> None:
        model = build_model(site)
        if "grid-import" not in model.variables:
            msg = f"site '{site.name}': no grid import, so no grid price to vary"
            raise ValueError(msg)
        with _c_stdout_silenced():
            self._highs = model.to_highspy()
        self._highs.setOptionValue("output_flag", False)
        self._site = site
        self._grid_columns = model.variables["grid-import"].labels.values.ravel().astype(np.int32)
        self._capacity_columns = (
            model.variables["capacity"].labels.values.ravel().astype(np.int32)
            if "capacity" in model.variables
            else np.zeros(0, dtype=np.int32)
        )
        self._names = [t.name for t in site.techs]

    def solve(self, grid_price: np.ndarray | float) -> tuple[float, dict[str, float]]:
        """Objective [USD/yr] and capacities [MW] at the given grid price [USD/MWh]."""
        site = self._site
        price = site.hourly(grid_price) + site.carbon_price * site.hourly(site.grid_carbon)
        cost = np.asarray(price.values, dtype=float) * site.weight
        self._highs.changeColsCost(len(self._grid_columns), self._grid_columns, cost)
        with _c_stdout_silenced():
            self._highs.run()
        status = self._highs.modelStatusToString(self._highs.getModelStatus())
        if status != "Optimal":
            msg = f"site '{site.name}': re-solve stopped with {status}"
            raise SolverError(msg)
        values = np.asarray(self._highs.getSolution().col_value)
        capacity = {
            n: float(values[c]) for n, c in zip(self._names, self._capacity_columns, strict=True)
        }
        return float(self._highs.getInfo().objective_function_value), capacity
