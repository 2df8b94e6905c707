"""Building blocks shared by the supply LP's constraint families: coordinates and groups.

Technologies on the ``technology`` coordinate, their hourly availability, and the groups
the constraints treat alike (thermal units that run in normal hours, contracts delivered
over the grid feed, output fixed by availability).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.supply.inputs import SiteSupply, SupplyTech

if TYPE_CHECKING:
    import linopy

__all__ = [
    "availability_matrix",
    "available_on_site",
    "flexible_term",
    "in_service_term",
    "off_site",
    "online_mask",
    "online_matrix",
    "per_technology",
    "previous_state",
    "running_thermal",
    "stage_index",
    "stage_matrix",
    "sum_terms",
    "technology_index",
    "typical_of_hour",
    "typical_of_period",
]


def technology_index(techs: list[SupplyTech]) -> pd.Index:
    """The ``technology`` coordinate of a list of technologies."""
    return pd.Index([t.name for t in techs], name="technology")


def per_technology(techs: list[SupplyTech], attr: str) -> xr.DataArray:
    """One attribute of each technology on the ``technology`` coordinate."""
    return xr.DataArray(
        [float(getattr(t, attr)) for t in techs],
        coords={"technology": technology_index(techs)},
        dims="technology",
    )


def availability_matrix(site: SiteSupply, techs: list[SupplyTech]) -> xr.DataArray:
    """Hourly available output per MW of each technology [-] (technology, time)."""
    data = np.stack(
        [
            np.broadcast_to(np.asarray(t.hourly_availability, float), (len(site.time),))
            for t in techs
        ]
    )
    return xr.DataArray(
        data,
        coords={"technology": technology_index(techs), "time": site.time},
        dims=("technology", "time"),
    )


def running_thermal(site: SiteSupply) -> list[SupplyTech]:
    """Thermal units dispatched in normal hours (backup-only units are not)."""
    return [t for t in site.of_kind("thermal") if not t.backup_only]


def off_site(site: SiteSupply) -> list[SupplyTech]:
    """Contracts delivered through the grid feed."""
    return [t for t in site.of_kind("contract") if t.off_site]


def available_on_site(site: SiteSupply) -> list[SupplyTech]:
    """Variable renewables and on-site contracts: output = availability x capacity."""
    return site.of_kind("variable") + [t for t in site.of_kind("contract") if not t.off_site]


def online_matrix(site: SiteSupply, techs: list[SupplyTech]) -> xr.DataArray:
    """Hourly 1/0 in-service mask of each technology [-] (technology, time)."""
    return availability_matrix(site, [replace(t, availability=1.0) for t in techs])


def stage_index(site: SiteSupply) -> pd.Index:
    """The ``stage`` coordinate of a build-out (investment stages)."""
    assert site.stages is not None
    return pd.Index(np.arange(site.stages.count), name="stage")


def stage_matrix(site: SiteSupply, hourly: xr.DataArray, how: str) -> xr.DataArray:
    """An hourly array reduced over each stage's hours: ``min``, ``max`` or ``mean``.

    Parameters
    ----------
    site : SiteSupply
        A build-out (``site.stages`` given).
    hourly : xarray.DataArray
        On ``time``, other dimensions kept.
    how : str
        ``min`` (in service in every hour of the stage), ``max`` (in any hour), ``mean``.

    Returns
    -------
    xarray.DataArray
        On ``stage`` instead of ``time``.
    """
    assert site.stages is not None
    stage = xr.DataArray(site.stages.of_hour, coords={"time": site.time}, dims="time")
    grouped: xr.DataArray = getattr(hourly.groupby(stage.rename("stage")), how)()
    return grouped.assign_coords(stage=stage_index(site))


def in_service_term(
    model: linopy.Model, site: SiteSupply, techs: list[SupplyTech]
) -> tuple[Any, Any]:
    """Capacity of each technology in service in each hour as a term ``(o_k(t), P_k)`` [MW].

    ``o = 1`` where no technology has in-service dates (the LP stays as it was).
    """
    cap = model.variables["capacity"].sel(technology=technology_index(techs))
    online = online_mask(site, techs)
    return (1.0 if online is None else online), cap


def online_mask(site: SiteSupply, techs: list[SupplyTech]) -> xr.DataArray | None:
    """:func:`online_matrix`, or None where no technology has in-service dates."""
    if all(t.online is None for t in techs):
        return None
    return online_matrix(site, techs)


def previous_state(site: SiteSupply, soc: Any) -> Any:
    """The state variable of the hour before each hour, cyclic over the year.

    In typical periods the state is counted from each period's start: before a period's
    first hour there is none (the variable is unset there, linopy's label -1).
    """
    if site.periods is None:
        return soc.roll(time=1)
    position = np.arange(len(site.time)) % site.periods.period_hours
    return soc.roll(time=1).where(site.hourly(position) > 0)


def typical_of_hour(site: SiteSupply) -> xr.DataArray:
    """Typical period of each modelled hour, on ``time`` [-] (typical periods only)."""
    assert site.periods is not None
    hours = np.arange(len(site.time)) // site.periods.period_hours
    return xr.DataArray(hours, coords={"time": site.time}, dims="time")


def typical_of_period(site: SiteSupply) -> xr.DataArray:
    """Typical period standing for each period of the year, on ``period`` [-]."""
    assert site.periods is not None
    year = pd.Index(np.arange(len(site.periods.order)), name="period")
    return xr.DataArray(site.periods.order, coords={"period": year}, dims="period")


def sum_terms(terms: list[Any]) -> Any:
    """The sum of linear expressions, or None for none."""
    if not terms:
        return None
    expr = terms[0]
    for term in terms[1:]:
        expr = expr + term
    return expr


def flexible_term(model: linopy.Model, site: SiteSupply) -> tuple[Any, Any] | None:
    """Flexible training's facility power ``PUE(t) f(t)`` as a term [MW], or None."""
    if "flexible-it" not in model.variables:
        return None
    return site.hourly(site.flexible_pue), model.variables["flexible-it"]


def flexible_facility(model: linopy.Model, site: SiteSupply) -> Any:
    """:func:`flexible_term` as an expression [MW], or None."""
    term = flexible_term(model, site)
    return None if term is None else term[0] * term[1]
