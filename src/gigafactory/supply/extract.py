"""Read a solved supply LP into an ``xarray.Dataset`` with units, and the CFE share.

The third step of :func:`~gigafactory.supply.model.build_model` ->
:func:`~gigafactory.supply.solve.solve` -> :func:`extract`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from gigafactory.supply.charges import peak_variable
from gigafactory.supply.inputs import SiteSupply
from gigafactory.supply.marginals import marginal_values
from gigafactory.supply.terms import (
    availability_matrix,
    available_on_site,
    off_site,
    technology_index,
)

if TYPE_CHECKING:
    import linopy

__all__ = [
    "SOLUTION_ZERO_MW",
    "annual_matching",
    "capacity_of",
    "cfe_share",
    "emitting_supply_mw",
    "extract",
]

SOLUTION_ZERO_MW = 1e-7
"""Solution values below this are reported as zero: an interior point solution without
crossover leaves ~1e-12 residues that mean nothing physically [MW or MWh]."""


def capacity_of(ds: xr.Dataset) -> dict[str, float]:
    """Each technology's capacity in a solution, by name [MW]."""
    return {str(k): float(v) for k, v in ds["capacity_mw"].to_series().items()}


def _solution(model: linopy.Model, name: str) -> xr.DataArray | None:
    """A variable's solution, NaN and residues below :data:`SOLUTION_ZERO_MW` as 0."""
    if name not in model.variables:
        return None
    solution: xr.DataArray = model.variables[name].solution
    # in numpy on a copy: xarray's fillna and where align their operands
    values = np.nan_to_num(solution.to_numpy(), nan=0.0)
    values[np.abs(values) < SOLUTION_ZERO_MW] = 0.0
    return solution.copy(data=values)


def _values(model: linopy.Model, name: str) -> np.ndarray | None:
    """:func:`_solution` as an array, its ``time`` axis last; None where there is none."""
    values = _solution(model, name)
    if values is None:
        return None
    if "time" in values.dims:
        values = values.transpose(..., "time")
    return np.array(values.to_numpy(), dtype=float)


def _rows(model: linopy.Model, name: str, row: dict[str, int]) -> list[int]:
    """The rows of ``dispatch`` that variable ``name``'s technologies fill."""
    return [row[str(t)] for t in model.variables[name].indexes["technology"]]


def _or(values: np.ndarray | None, default: np.ndarray) -> np.ndarray:
    return default if values is None else values


def emitting_supply_mw(ds: xr.Dataset, site: SiteSupply) -> xr.DataArray:
    """Hourly energy from carbon-emitting sources of a solved site [MW].

    Emitting technologies, the emitting share of imports and unserved energy: the quantity
    the CFE target limits (see :func:`~gigafactory.supply.policy.add_cfe_constraints`).
    """
    emitting = [t.name for t in site.techs if not t.clean and t.kind != "storage"]
    supply = ds["dispatch_mw"].sel(technology=emitting).sum("technology")
    grid_emitting = (1.0 - site.hourly(site.grid_cfe_share)) * ds["grid_import_mw"]
    return supply + grid_emitting + ds["unserved_mw"]


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


def annual_matching(ds: xr.Dataset, site: SiteSupply) -> float:
    """Annually matched carbon-free share of the load (RE100 accounting) [-].

    Carbon-free energy over the year, whatever the hour: clean on-site output used or
    stored, the clean share of imports, and everything that off-site contracts with
    certificates produced (delivered or not), divided by the load, at most 1. It is at
    least the hourly share of :func:`cfe_share`; the gap is what hourly matching costs.
    """
    total = float(ds["load_mw"].sum())
    if total <= 0:
        return 0.0
    on_site = [t.name for t in site.techs if t.clean and t.kind != "storage" and not t.off_site]
    clean = float(ds["dispatch_mw"].sel(technology=on_site).sum())
    clean += float((site.hourly(site.grid_cfe_share) * ds["grid_import_mw"]).sum())
    if "contract_output_mw" in ds:
        certified = [t.name for t in off_site(site) if t.clean]
        clean += float(ds["contract_output_mw"].sel(contract=certified).sum())
    return min(max(clean / total, 0.0), 1.0)


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
    # in numpy, each series laid out once: xarray's assignments by label and its aligned
    # arithmetic took 11 of the 17 ms a year's extraction did (now 6 ms, korea-pohang)
    time_index = site.time
    techs = list(site.techs)
    names = technology_index(techs)
    row = {name: i for i, name in enumerate(names)}
    n_hours = len(time_index)
    capacity = np.zeros(len(techs))
    built = _values(model, "capacity")
    if built is not None:
        capacity[_rows(model, "capacity", row)] = built
    dispatch = np.zeros((len(techs), n_hours))
    available_techs = available_on_site(site)
    available_rows = [row[t.name] for t in available_techs]
    available = np.zeros(n_hours)
    if available_techs:
        dispatch[available_rows] = (
            availability_matrix(site, available_techs).to_numpy()
            * capacity[available_rows][:, None]
        )
        available = dispatch[available_rows].sum(axis=0)
    solved = {
        name: _values(model, name)
        for name in (
            *("thermal-dispatch", "contract-delivered", "storage-charge", "storage-discharge"),
            *("storage-soc", "grid-import", "grid-export", "unserved"),
        )
    }
    for name in ("thermal-dispatch", "contract-delivered", "storage-discharge"):
        values = solved[name]
        if values is not None:
            dispatch[_rows(model, name, row)] = values
    zeros = np.zeros(n_hours)
    grid_import = _or(solved["grid-import"], zeros)
    grid_export = _or(solved["grid-export"], zeros)
    unserved = _or(solved["unserved"], zeros)
    load = np.asarray(site.hourly(site.load_mw).to_numpy(), dtype=float)
    flexible_it = _values(model, "flexible-it")
    if flexible_it is not None:
        load = load + np.asarray(site.hourly(site.flexible_pue).to_numpy()) * flexible_it
    charge, discharge = solved["storage-charge"], solved["storage-discharge"]
    net_storage = zeros if discharge is None else (discharge - charge).sum(axis=0)
    # thermal output and off-site contract energy: both delivered as dispatched
    thermal, delivered = solved["thermal-dispatch"], solved["contract-delivered"]
    dispatched = zeros if thermal is None else thermal.sum(axis=0)
    if delivered is not None:
        dispatched = dispatched + delivered.sum(axis=0)
    surplus = available + dispatched + net_storage + grid_import - grid_export + unserved - load
    curtailed = np.clip(surplus, 0.0, None)
    # Spill is attributed to the sources that can spill, pro rata to their output.
    if available_techs:
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(available > 0, 1.0 - curtailed / available, 1.0)
        dispatch[available_rows] = dispatch[available_rows] * np.clip(share, 0.0, 1.0)
    hourly = {"time": time_index}
    ds = xr.Dataset(
        {
            "capacity_mw": ("technology", capacity),
            "dispatch_mw": (("technology", "time"), dispatch),
            "grid_import_mw": ("time", grid_import),
            "grid_export_mw": ("time", grid_export),
            "unserved_mw": ("time", unserved),
            "curtailed_mw": ("time", curtailed),
            "load_mw": ("time", load),
        },
        coords={"technology": names, **hourly},
    )
    if flexible_it is not None:
        ds["flexible_it_mw"] = ("time", flexible_it)
    contracts = off_site(site)
    if contracts:
        contract_rows = [row[t.name] for t in contracts]
        output = availability_matrix(site, contracts).to_numpy() * capacity[contract_rows][:, None]
        ds["contract_output_mw"] = xr.DataArray(
            output,
            coords={"contract": technology_index(contracts).rename("contract"), **hourly},
            dims=("contract", "time"),
        )
    storage = site.of_kind("storage")
    if storage:
        # Own dimension so storage variables do not get NaN rows for other technologies.
        stores = technology_index(storage).rename("storage")
        energy = capacity[[row[t.name] for t in storage]] * [t.duration_h for t in storage]
        ds = ds.assign_coords(storage=stores)
        ds["storage_energy_mwh"] = ("storage", energy)
        ds["storage_charge_mw"] = (("storage", "time"), charge)
        ds["storage_soc_mwh"] = (("storage", "time"), solved["storage-soc"])
        start = _solution(model, "storage-soc-start")
        if start is not None:  # typical periods: each period's start level
            ds["storage_soc_start_mwh"] = start.rename(technology="storage")
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
        "contract_output_mw": "MW",
    }
    for name, unit in units.items():
        if name in ds:
            ds[name].attrs["units"] = unit
    ds.attrs["objective_usd"] = float(model.objective.value or 0.0)
    peaks: dict[str, list[float]] = {}
    for demand in site.demand_charges:
        peak = _values(model, peak_variable(demand.name))
        if peak is not None:
            peaks[demand.name] = [float(v) for v in peak]
    ds.attrs["demand_peaks_mw"] = peaks
    ds.attrs["marginals"] = marginal_values(model, site)
    return ds
