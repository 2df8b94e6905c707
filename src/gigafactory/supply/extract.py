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
    per_technology,
    technology_index,
)

if TYPE_CHECKING:
    import linopy

__all__ = ["SOLUTION_ZERO_MW", "annual_matching", "cfe_share", "emitting_supply_mw", "extract"]

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
    time_index = site.time
    techs = list(site.techs)
    names = technology_index(techs)
    zeros_t = xr.zeros_like(site.hourly(0.0))
    capacity = _solution(model, "capacity")
    if capacity is None:
        capacity = xr.DataArray(np.zeros(0), coords={"technology": names}, dims="technology")
    dispatch = xr.DataArray(
        np.zeros((len(techs), len(time_index))),
        coords={"technology": names, "time": time_index},
        dims=("technology", "time"),
    )
    available_techs = available_on_site(site)
    available = xr.zeros_like(zeros_t)
    if available_techs:
        avail = availability_matrix(site, available_techs) * capacity.sel(
            technology=technology_index(available_techs)
        )
        dispatch.loc[{"technology": technology_index(available_techs)}] = avail
        available = avail.sum("technology")
    thermal = _solution(model, "thermal-dispatch")
    if thermal is not None:
        dispatch.loc[{"technology": thermal.technology}] = thermal
    delivered = _solution(model, "contract-delivered")
    if delivered is not None:
        dispatch.loc[{"technology": delivered.technology}] = delivered
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
    # thermal output and off-site contract energy: both delivered as dispatched
    dispatched = zeros_t if thermal is None else thermal.sum("technology")
    if delivered is not None:
        dispatched = dispatched + delivered.sum("technology")
    surplus = available + dispatched + net_storage + grid_import - grid_export + unserved - load
    curtailed = surplus.clip(min=0.0)
    # Spill is attributed to the sources that can spill, pro rata to their output.
    if available_techs:
        delivered = 1.0 - curtailed / available.where(available > 0)
        share = delivered.fillna(1.0).clip(0, 1)
        dispatch.loc[{"technology": technology_index(available_techs)}] = (
            dispatch.sel(technology=technology_index(available_techs)) * share
        )
    storage = site.of_kind("storage")
    storage_energy = (
        capacity.sel(technology=technology_index(storage)) * per_technology(storage, "duration_h")
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
    contracts = off_site(site)
    if contracts:
        names_c = technology_index(contracts)
        output = availability_matrix(site, contracts) * capacity.sel(technology=names_c)
        ds["contract_output_mw"] = output.rename(technology="contract")
    if storage:
        # Own dimension so storage variables do not get NaN rows for other technologies.
        ds["storage_energy_mwh"] = storage_energy.rename(technology="storage")  # type: ignore[union-attr]
        ds["storage_charge_mw"] = charge.rename(technology="storage")  # type: ignore[union-attr]
        ds["storage_soc_mwh"] = soc.rename(technology="storage")  # type: ignore[union-attr]
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
        values = _solution(model, peak_variable(demand.name))
        if values is not None:
            peaks[demand.name] = [float(v) for v in values.values]
    ds.attrs["demand_peaks_mw"] = peaks
    ds.attrs["marginals"] = marginal_values(model, site)
    return ds
