"""Firm supply in the design LP: planning reserve, N-1, outage ride-through, permits.

REopt- and HOMER-style reliability terms, each off unless the scenario asks for it:

* planning reserve (``planning-reserve``): ``sum_k c_k P_k + c_grid M >= (1 + r) D``, with
  ``c_k`` the accredited share of each technology (:func:`capacity_credits`) and ``D`` the
  design (nameplate) facility power;
* N-1 (``n-minus-1``): the same accredited capacity less the largest contingency (the
  grid feed, or the largest unit of a technology that states ``unit_mw``) still covers D;
* outage ride-through (``ride-through-*``): for an outage of N hours starting at any hour
  t, storage holds at t-1 the energy that on-site supply cannot give over t..t+N-1;
* run-hour and NOx permits per technology (``full-load-hours``, ``nox-cap``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.errors import InfeasibleError
from gigafactory.supply.inputs import SiteSupply, SupplyTech
from gigafactory.supply.periods import take_hours
from gigafactory.supply.rows import Term, add_rows
from gigafactory.supply.terms import (
    availability_matrix,
    available_on_site,
    in_service_term,
    online_matrix,
    per_technology,
    previous_state,
    running_thermal,
    stage_index,
    stage_matrix,
    technology_index,
    typical_of_hour,
    typical_of_period,
)
from gigafactory.units import KG_PER_T

if TYPE_CHECKING:
    import linopy

__all__ = [
    "FULL_CREDIT_DURATION_H",
    "THERMAL_CREDIT",
    "TOP_LOAD_HOURS",
    "add_firm_constraints",
    "capacity_credits",
    "firm_capacity_mw",
    "largest_contingency_mw",
]

THERMAL_CREDIT = 0.95
"""Accredited share of thermal capacity: one less a 5 % forced outage rate, the rate the
fault replays use; an estimate (NERC GADS reports EFORd of a few % to ~10 % for gas
units) [-]."""

FULL_CREDIT_DURATION_H = 4.0
"""Storage duration that earns full capacity credit, as in CAISO's and PJM's resource
adequacy rules (4 hours at rated power); shorter storage earns duration / 4 [h]."""

TOP_LOAD_HOURS = 100
"""Hours of highest load over which a variable resource's mean output is its capacity
credit: the capacity-factor approximation of Madaeni, Sioshansi and Denholm, "Comparing
capacity value estimation techniques for photovoltaic solar power", IEEE J. Photovoltaics
3(1), 2013 [h]."""


def capacity_credits(site: SiteSupply) -> dict[str, float]:
    """Accredited firm share of each technology's capacity [-].

    A technology's own ``capacity_credit`` wins; otherwise thermal units at
    :data:`THERMAL_CREDIT`, storage at ``min(1, duration / 4 h)``, variable renewables and
    on-site contracts at their mean availability over the :data:`TOP_LOAD_HOURS` hours of
    highest load, off-site contracts at zero (they ride on the grid feed, which is
    counted once).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.date_range("2025-01-01", periods=4, freq="h", tz="UTC")
    >>> site = SiteSupply("s", t, np.array([1.0, 3.0, 2.0, 1.0]), (
    ...     SupplyTech("pv", "variable", 0.0, availability=np.array([0.0, 0.5, 0.2, 0.0])),
    ...     SupplyTech("bat", "storage", 0.0, duration_h=2.0)))
    >>> {name: round(c, 3) for name, c in capacity_credits(site).items()}
    {'pv': 0.175, 'bat': 0.5}
    """
    load = np.asarray(site.max_load_mw, dtype=float)
    top = np.argsort(-load, kind="stable")[: min(TOP_LOAD_HOURS, load.size)]
    out: dict[str, float] = {}
    for tech in site.techs:
        if tech.capacity_credit is not None:
            out[tech.name] = tech.capacity_credit
        elif tech.kind == "thermal":
            out[tech.name] = THERMAL_CREDIT
        elif tech.kind == "storage":
            out[tech.name] = min(1.0, tech.duration_h / FULL_CREDIT_DURATION_H)
        elif tech.kind == "contract" and tech.off_site:
            out[tech.name] = 0.0
        else:
            avail = np.broadcast_to(np.asarray(tech.hourly_availability, float), load.shape)
            out[tech.name] = float(avail[top].mean())
    return out


def _grid_credit_mw(site: SiteSupply) -> float:
    """The grid feed's firm capacity: its cap in the hour it is least in service [MW]."""
    return float(np.min(site.grid_cap_mw)) if site.grid_import_cap_mw > 0 else 0.0


def largest_contingency_mw(site: SiteSupply) -> float:
    """The largest single loss for N-1: the grid feed or the largest stated unit [MW]."""
    units = [t.unit_mw for t in site.techs if t.unit_mw is not None]
    return max([_grid_credit_mw(site), *units], default=0.0)


def firm_capacity_mw(site: SiteSupply, capacity_mw: dict[str, float]) -> float:
    """Accredited firm capacity of built capacities, grid feed included [MW]."""
    credits = capacity_credits(site)
    built = sum(credits[name] * capacity_mw.get(name, 0.0) for name in credits)
    return float(built + _grid_credit_mw(site))


def _require(
    model: linopy.Model, site: SiteSupply, credits: dict[str, float], need_mw: float, name: str
) -> None:
    """``sum_k c_k P_k >= need_mw`` as a constraint, or an error if nothing can meet it."""
    if not any(c > 0 for c in credits.values()):
        if need_mw > 1e-9:
            msg = (
                f"site '{site.name}': the {name.replace('-', ' ')} needs {need_mw:,.1f} MW "
                "more accredited capacity than the grid feed gives, and no technology "
                "allowed can provide it; allow thermal units or storage, or raise the "
                "import cap"
            )
            raise InfeasibleError(msg)
        return
    coeff = xr.DataArray(
        [credits[t.name] for t in site.techs],
        coords={"technology": technology_index(list(site.techs))},
        dims="technology",
    )
    model.add_constraints((coeff * model.variables["capacity"]).sum() >= need_mw, name=name)


def stage_site(site: SiteSupply, stage: int) -> SiteSupply:
    """One stage of a build-out on its own hours, with its design power (not typical periods)."""
    assert site.stages is not None
    (index,) = np.nonzero(np.asarray(site.stages.of_hour) == stage)
    design = None if site.stages.design_mw is None else float(site.stages.design_mw[stage])
    one = take_hours(site, index, site.time[index])
    return replace(one, stages=None, periods=None, design_load_mw=design, demand_charges=())


def _in_service_share(site: SiteSupply) -> xr.DataArray:
    """Share of each technology in service in every hour of each stage (technology, stage)."""
    techs = list(site.techs)
    return stage_matrix(site, online_matrix(site, techs), "min")


def _add_staged_reserve(model: linopy.Model, site: SiteSupply) -> None:
    """Planning reserve and N-1 in each stage of a build-out, on the vintages in service."""
    assert site.stages is not None
    techs = list(site.techs)
    share = _in_service_share(site)
    stages = stage_index(site)
    for name, wanted in (
        ("planning-reserve", site.reserve_margin is not None),
        ("n-minus-1", site.n_minus_1),
    ):
        if not wanted:
            continue
        coeff, need = [], []
        for s in range(site.stages.count):
            one = stage_site(site, s)
            credits = capacity_credits(one)
            active = share.isel(stage=s).to_numpy()
            coeff.append([credits[t.name] * a for t, a in zip(techs, active, strict=True)])
            if name == "planning-reserve":
                assert site.reserve_margin is not None
                need.append(one.peak_design_mw * (1.0 + site.reserve_margin) - _grid_credit_mw(one))
            else:
                units = [t.unit_mw for t, a in zip(techs, active, strict=True) if t.unit_mw and a]
                largest = max([_grid_credit_mw(one), *units], default=0.0)
                need.append(one.peak_design_mw + largest - _grid_credit_mw(one))
            if not any(c > 0 for c in coeff[-1]) and need[-1] > 1e-9:
                msg = (
                    f"site '{site.name}': in {int(site.stages.years[s])} the "
                    f"{name.replace('-', ' ')} needs {need[-1]:,.1f} MW more accredited "
                    "capacity than the grid feed gives, and no technology in service then can "
                    "provide it; allow thermal units or storage sooner, or raise the import cap"
                )
                raise InfeasibleError(msg)
        matrix = xr.DataArray(
            np.array(coeff).T,
            coords={"technology": technology_index(techs), "stage": stages},
            dims=("technology", "stage"),
        )
        rhs = xr.DataArray(need, coords={"stage": stages}, dims="stage")
        model.add_constraints(
            (matrix * model.variables["capacity"]).sum("technology") >= rhs, name=name
        )


def add_reserve_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Planning reserve and N-1 on accredited capacity (``planning-reserve``, ``n-minus-1``).

    In a build-out, one row per stage, on the vintages in service through that stage.
    """
    if site.reserve_margin is None and not site.n_minus_1:
        return
    if site.stages is not None:
        _add_staged_reserve(model, site)
        return
    design = site.peak_design_mw
    grid = _grid_credit_mw(site)
    credits = capacity_credits(site)
    if site.reserve_margin is not None:
        need = design * (1.0 + site.reserve_margin) - grid
        _require(model, site, credits, need, "planning-reserve")
    if site.n_minus_1:
        need = design + largest_contingency_mw(site) - grid
        _require(model, site, credits, need, "n-minus-1")


def _on_site_terms(model: linopy.Model, site: SiteSupply) -> list[Term]:
    """Hourly on-site supply that keeps running when the grid is lost [MW].

    Terms over ``technology``: thermal units in service (backup-only ones too), on-site
    renewables and contracts.
    """
    capacity = model.variables["capacity"]
    terms: list[Term] = []
    thermal = site.of_kind("thermal")
    if thermal:
        cap = capacity.sel(technology=technology_index(thermal))
        terms.append((online_matrix(site, thermal), cap))
    available = available_on_site(site)
    if available:
        cap = capacity.sel(technology=technology_index(available))
        terms.append((availability_matrix(site, available), cap))
    return terms


def add_ride_through(model: linopy.Model, site: SiteSupply) -> None:
    """Survive a grid outage of N hours starting at any hour (``ride-through-*``).

    ``r(t) >= L(t) - S(t)``, ``r >= 0`` is the gap that on-site supply ``S`` (thermal
    units incl. backup-only ones, on-site renewables and contracts) leaves during an
    outage; storage covers it: ``r(t) <= sum_s P_s`` (``ride-through-power``) and
    ``sum_s eta_d,s e_s(t-1) >= sum_{k<N} r(t+k)`` (``ride-through-energy``, cyclic), with L
    the load at training's nominal pace; thermal and storage power together reach the
    design power (``ride-through-design``): backup is sized to nameplate, its energy to the
    load. Without storage, ``S(t) >= L(t)`` in every hour.

    The hourly rows are built from labels (:func:`gigafactory.supply.rows.add_rows`):
    with linopy's operators they took a quarter of a typical-day LP's build (colossus).
    """
    hours = site.ride_through_hours
    if hours <= 0:
        return
    load = site.hourly(site.nominal_load_mw)
    supply = _on_site_terms(model, site)
    storage = site.of_kind("storage")
    # backup power is sized to the design power, energy to the hourly load
    firm = [t for t in site.techs if t.kind in {"thermal", "storage"}]
    if firm and site.stages is not None:  # in each stage, by the vintages in service
        cap_firm = model.variables["capacity"].sel(technology=technology_index(firm))
        share = _in_service_share(site).sel(technology=technology_index(firm))
        design = [stage_site(site, s).peak_design_mw for s in range(site.stages.count)]
        rhs = xr.DataArray(design, coords={"stage": stage_index(site)}, dims="stage")
        model.add_constraints(
            (share * cap_firm).sum("technology") >= rhs, name="ride-through-design"
        )
    elif firm:
        cap_firm = model.variables["capacity"].sel(technology=technology_index(firm))
        model.add_constraints(cap_firm.sum() >= site.peak_design_mw, name="ride-through-design")
    summed = ["technology"]
    if not storage:
        if not supply:
            msg = (
                f"site '{site.name}': a {hours} h ride-through needs on-site supply or "
                "storage, and none is allowed"
            )
            raise InfeasibleError(msg)
        add_rows(model, supply, ">=", load, "ride-through-supply", summed=summed)
        return
    gap = model.add_variables(lower=0, coords=[site.time], name="ride-through-gap")
    add_rows(model, [(1, gap), *supply], ">=", load, "ride-through-gap-def", summed=summed)
    names = technology_index(storage)
    online, cap = in_service_term(model, site, storage)
    add_rows(model, [(1, gap), (-online, cap)], "<=", 0, "ride-through-power", summed=summed)
    eta = per_technology(storage, "discharge_efficiency")
    usable: list[Term] = [(eta, previous_state(site, model.variables["storage-soc"]))]
    if site.periods is not None:
        floor = _lowest_start(model, site, names).isel(typical=typical_of_hour(site))
        usable.append((eta, floor))
    add_rows(
        model,
        [*usable, (-1, _outage_window(site, gap, hours))],
        ">=",
        0,
        "ride-through-energy",
        summed=[*summed, OUTAGE_HOUR],
    )


def _lowest_start(model: linopy.Model, site: SiteSupply, names: pd.Index) -> Any:
    """Per typical period, a floor under the start level of every period it stands for [MWh].

    In typical periods the state before hour t is its period's start level plus the change
    since; the outage must be covered from the lowest start among the periods a typical
    period stands for (``ride-through-soc-floor``).
    """
    assert site.periods is not None
    typical = pd.Index(np.arange(len(site.periods.representative)), name="typical")
    floor = model.add_variables(lower=0, coords=[names, typical], name="ride-through-soc-floor")
    add_rows(
        model,
        [
            (1, floor.isel(typical=typical_of_period(site))),
            (-1, model.variables["storage-soc-start"]),
        ],
        "<=",
        0,
        "ride-through-soc-floor-def",
    )
    return floor


OUTAGE_HOUR = "_outage_hour"
"""Dimension of the hours of an outage, summed over in ``ride-through-energy``."""


def _outage_window(site: SiteSupply, gap: Any, hours: int) -> Any:
    """``r(t+k)`` for ``k < N``: the gap over an outage starting at each hour [MW].

    On (time, :data:`OUTAGE_HOUR`). Cyclic over the year; in typical periods an outage
    running past the period's end wraps within it (the next period is not known).
    """
    position = np.arange(len(site.time))[:, np.newaxis]
    ahead = np.arange(hours)[np.newaxis, :]
    if site.periods is None:
        later = (position + ahead) % len(site.time)
    else:
        period_h = site.periods.period_hours
        later = (position // period_h) * period_h + (position % period_h + ahead) % period_h
    # picked by position: xarray would index the hours' time-zone-aware coordinate too
    by_position = gap.assign_coords(time=np.arange(len(site.time)))
    picked = by_position.isel(time=xr.DataArray(later, dims=("time", OUTAGE_HOUR)))
    return picked.assign_coords(time=site.time)


def _limited(techs: list[SupplyTech], attr: str) -> list[SupplyTech]:
    return [t for t in techs if getattr(t, attr) is not None]


def add_permit_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Annual run-hour and NOx permits of thermal technologies.

    * ``full-load-hours``: ``w sum_t p_g(t) <= H_g P_g``: the annual output of at most
      ``H_g`` hours at full capacity (an LP cannot count hours on, so a run-hour permit is
      read as full-load-equivalent hours);
    * ``nox-cap``: ``w sum_t n_g p_g(t) <= N_g`` with ``n_g`` the NOx per MWh after any SCR.

    In a build-out both hold in each stage's year, and a NOx permit covers all vintages of
    its technology together.
    """
    thermal = running_thermal(site)
    hours = _limited(thermal, "max_full_load_hours")
    if hours:
        names = technology_index(hours)
        output = site.per_stage(model.variables["thermal-dispatch"].sel(technology=names))
        cap = model.variables["capacity"].sel(technology=names)
        limit = per_technology(hours, "max_full_load_hours")
        model.add_constraints(output - limit * cap <= 0, name="full-load-hours")
    nox = _limited(thermal, "nox_cap_t")
    if nox:
        names = technology_index(nox)
        output = site.per_stage(model.variables["thermal-dispatch"].sel(technology=names))
        per_mwh_t = per_technology(nox, "nox_kg_per_mwh") / KG_PER_T
        if site.stages is not None:
            group = xr.DataArray(
                [t.group for t in nox], coords={"technology": names}, dims="technology"
            )
            limit = (
                xr.DataArray(
                    [t.nox_cap_t for t in nox], coords={"technology": names}, dims="technology"
                )
                .groupby(group.rename("group"))
                .max()
            )
            model.add_constraints(
                (per_mwh_t * output).groupby(group.rename("group")).sum() <= limit,
                name="nox-cap",
            )
            return
        model.add_constraints(
            per_mwh_t * output <= per_technology(nox, "nox_cap_t"), name="nox-cap"
        )


def add_firm_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Every firm-supply family that the site asks for (see the module docstring)."""
    add_reserve_constraints(model, site)
    add_ride_through(model, site)
    add_permit_constraints(model, site)
