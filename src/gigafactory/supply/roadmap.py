"""A build-out in one LP: investment stages end to end, each technology built in vintages.

PyPSA's multi-investment-period optimisation is the model (``snapshots`` indexed by
period and hour, assets with a build year and a lifetime, capital costs annuitised and
weighted by the periods they are active in). Here each stage of a roadmap (2026, 2028,
2030, ...) is one year of hours with that stage's load, grid and in-service dates, laid
end to end on the LP's time axis; every technology that may be built is split into one
vintage per stage it can be built in (``solar_tracking@2028``), in service from its
build year for its life. Capacity carries over because a vintage stays in service in
every later stage of its life; the LP chooses what to build when.

Objective: the present value of the roadmap's costs. A stage standing for the years
``y_s .. y_{s+1} - 1`` counts ``W_s = sum_y (1 + r)^-(y - y_0)`` discounted years; a
vintage pays its annuity and fixed O&M at its build year's cost in each year it is in
service within the horizon (so an asset outliving the horizon pays only for the years
it serves, as in PyPSA), and each hour's operating cost counts its stage's ``W_s``.

:func:`vintage_site` builds the LP's inputs from one prepared site per stage;
:func:`add_vintage_limits` keeps each technology's build limit over its vintages in
service; :func:`gigafactory.supply.stage_tables.stage_tables` reads a solution back per stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.supply.inputs import DemandCharge, SiteSupply, Stages, SupplyTech, per_hour
from gigafactory.supply.terms import online_matrix, stage_matrix

if TYPE_CHECKING:
    import linopy

__all__ = [
    "EXISTING",
    "Vintage",
    "VintagePlan",
    "add_vintage_limits",
    "discounted_years",
    "interpolated_cost",
    "vintage_site",
]

EXISTING = "existing"
"""Build label of capacity that stands before the first stage."""


def discounted_years(years: Sequence[int], end: int, rate: float) -> np.ndarray:
    """Discounted years each stage stands for, counted from the first stage's year [yr].

    Stage ``s`` stands for the years from its own to the next stage's (the last: to
    ``end``, exclusive); each year ``y`` counts ``(1 + rate)^-(y - years[0])``.

    Examples
    --------
    >>> discounted_years([2026, 2028], 2030, 0.0).tolist()
    [2.0, 2.0]
    >>> discounted_years([2026, 2028], 2029, 0.1).round(4).tolist()
    [1.9091, 0.8264]
    """
    bounds = [*years[1:], end]
    out = []
    for first, last in zip(years, bounds, strict=True):
        if last <= first:
            msg = f"stage {first} ends at {last}: stages must be in ascending years before the end"
            raise ValueError(msg)
        out.append(sum((1.0 + rate) ** -(y - years[0]) for y in range(first, last)))
    return np.asarray(out)


def interpolated_cost(by_year: dict[int, float], year: int) -> float:
    """A cost at ``year`` on the line through the catalog's cost years, flat beyond them.

    Examples
    --------
    >>> interpolated_cost({2025: 100.0, 2030: 80.0}, 2027)
    92.0
    >>> interpolated_cost({2025: 100.0, 2030: 80.0}, 2035)
    80.0
    """
    known = sorted(by_year)
    values = [by_year[y] for y in known]
    return float(np.interp(year, known, values))


@dataclass(frozen=True)
class Vintage:
    """One vintage of a technology in a build-out.

    Attributes
    ----------
    name : str
        The LP's technology name, ``<technology>@<build year>`` or ``@existing``.
    technology : str
        The technology it is a vintage of.
    build_year : int or None
        Year it enters service; None for capacity that stands before the first stage.
    life_years : float
        Years in service [yr].
    fixed_usd_per_mw_year : float
        Annuity, fixed O&M and contract payments of one year in service at the build
        year's cost [USD/MW/yr].
    capex_usd_per_mw : float
        Overnight capex at the build year's cost (0 for existing capacity) [USD/MW].
    om_usd_per_mw_year : float
        The part of ``fixed_usd_per_mw_year`` that is not capital: fixed O&M and contract
        payments [USD/MW/yr].
    """

    name: str
    technology: str
    build_year: int | None
    life_years: float
    fixed_usd_per_mw_year: float
    capex_usd_per_mw: float
    om_usd_per_mw_year: float = 0.0


@dataclass(frozen=True)
class VintagePlan:
    """The build-out LP's inputs and what each of its vintages is."""

    site: SiteSupply
    vintages: tuple[Vintage, ...]

    @property
    def years(self) -> list[int]:
        """Calendar year of each stage."""
        assert self.site.stages is not None
        return [int(y) for y in self.site.stages.years]


def _joined(values: Sequence[Any], n: int) -> Any:
    """One hourly input of every stage end to end; a number stays one if all agree."""
    if all(v is None for v in values):
        return None
    if all(np.ndim(v) == 0 for v in values) and len({float(v) for v in values}) == 1:
        return values[0]
    return np.concatenate([per_hour(1.0 if v is None else v, n) for v in values])


def _in_service(build_year: int | None, life: float, year: int) -> bool:
    return build_year is None or build_year <= year < build_year + life


def _share(tech: SupplyTech) -> float:
    return 1.0 if tech.online is None else float(np.mean(tech.online))


def _stage_charges(
    sites: Sequence[SiteSupply], weights: np.ndarray, n: int
) -> tuple[DemandCharge, ...]:
    """Each stage's demand charges on its own hours, priced by its discounted years."""
    out = []
    for s, site in enumerate(sites):
        for charge in site.demand_charges:
            period = np.full(n * len(sites), -1)
            period[s * n : (s + 1) * n] = charge.period
            out.append(
                replace(
                    charge,
                    name=f"{charge.name}-{s}",
                    usd_per_mw=charge.usd_per_mw * weights[s],
                    period=period,
                )
            )
    return tuple(out)


def vintage_site(
    sites: Sequence[SiteSupply],
    years: Sequence[int],
    weights: np.ndarray,
    *,
    life_years: dict[str, float],
    earliest_year: dict[str, int],
    fixed_usd_per_mw_year: dict[str, dict[int, float]],
    capex_usd_per_mw: dict[str, dict[int, float]],
    existing_usd_per_mw_year: dict[str, list[float]] | None = None,
    om_usd_per_mw_year: dict[str, dict[int, float]] | None = None,
) -> VintagePlan:
    """One site's build-out as one LP: the stages end to end, each technology in vintages.

    Parameters
    ----------
    sites : sequence of SiteSupply
        The site prepared for each stage's year (its load, grid, in-service dates), each
        on that year's hours, all with the same technologies and number of hours.
    years : sequence of int
        Calendar year of each stage, ascending.
    weights : numpy.ndarray
        Discounted years each stage stands for (:func:`discounted_years`) [yr].
    life_years : dict
        Life of each technology [yr].
    earliest_year : dict
        First year each technology can be in service (lead time from the decision) [-].
    fixed_usd_per_mw_year, capex_usd_per_mw : dict
        Per technology, the full-year fixed cost [USD/MW/yr] and overnight capex [USD/MW]
        of a vintage built in each stage's year.
    existing_usd_per_mw_year : dict, optional
        Per technology, what capacity standing before the first stage costs in each stage
        (its capex is sunk: fixed O&M and contract payments) [USD/MW/yr]; default: each
        stage's ``fixed_cost``.
    om_usd_per_mw_year : dict, optional
        Per technology and build year, the fixed O&M and contract part of the fixed cost
        [USD/MW/yr] (for cash flows); default 0.

    Returns
    -------
    VintagePlan
        The LP's inputs (``stages`` set) and its vintages.

    Raises
    ------
    ValueError
        When the stages differ in technologies or hours, or are typical periods.
    """
    first = sites[0]
    n = len(first.time)
    for site in sites:
        if [t.name for t in site.techs] != [t.name for t in first.techs] or len(site.time) != n:
            msg = f"site '{first.name}': the stages differ in technologies or hours"
            raise ValueError(msg)
        if site.periods is not None or site.weather_years != 1:
            msg = f"site '{first.name}': a build-out stacks whole single years"
            raise ValueError(msg)
    stage_count = len(sites)
    techs: list[SupplyTech] = []
    vintages: list[Vintage] = []
    for i, tech in enumerate(first.techs):
        name = tech.name
        per_stage = [site.techs[i] for site in sites]
        life = life_years.get(name, np.inf)
        builds: list[int | None] = [None] if tech.existing_mw > 0 else []
        room = None if tech.max_mw is None else tech.max_mw - tech.existing_mw
        if room is None or room > 0:
            builds += [y for y in years if y >= earliest_year.get(name, years[0])]
        for build in builds:
            active = [_in_service(build, life, y) for y in years]
            online = [
                (np.ones(n) if t.online is None else np.asarray(t.online, dtype=float)) * a
                for t, a in zip(per_stage, active, strict=True)
            ]
            high: float | None
            if build is None:  # what stands already: each stage's own fixed cost
                standing = [t.fixed_cost for t in per_stage]
                if existing_usd_per_mw_year is not None and name in existing_usd_per_mw_year:
                    standing = list(existing_usd_per_mw_year[name])
                unit = float(standing[0] / _share(per_stage[0]))
                pv = sum(
                    w * cost for w, cost, a in zip(weights, standing, active, strict=True) if a
                )
                low, high = tech.existing_mw, tech.existing_mw
                capex: float = 0.0
                om = unit
            else:
                unit = fixed_usd_per_mw_year[name][build]
                pv = sum(
                    w * unit * _share(t)
                    for w, t, a in zip(weights, per_stage, active, strict=True)
                    if a
                )
                low, high = 0.0, room
                capex = capex_usd_per_mw[name][build]
                om = (om_usd_per_mw_year or {}).get(name, {}).get(build, 0.0)
            label = f"{name}@{EXISTING if build is None else build}"
            techs.append(
                replace(
                    tech,
                    name=label,
                    base=name,
                    fixed_cost=float(pv),
                    online=np.concatenate(online),
                    availability=_joined([t.availability for t in per_stage], n),
                    existing_mw=low,
                    max_mw=high,
                )
            )
            vintages.append(Vintage(label, name, build, life, unit, capex, om))
    time = pd.DatetimeIndex(first.time.append([s.time for s in sites[1:]]))
    if not time.is_unique:
        msg = f"site '{first.name}': the stages' hours overlap; give each stage its own year"
        raise ValueError(msg)
    caps = [s.grid_import_cap_mw for s in sites]
    top = max(caps)
    grid_online = None
    if top > 0 and (len(set(caps)) > 1 or any(s.grid_online is not None for s in sites)):
        grid_online = np.concatenate(
            [per_hour(s.grid_cap_mw, n) / top for s in sites]
        )  # each stage's cap as a share of the largest
    designs = np.array([s.peak_design_mw for s in sites])
    co2 = [s.co2_cap_t for s in sites]
    stages = Stages(
        years=np.asarray(years),
        weight_years=np.asarray(weights, dtype=float),
        of_hour=np.repeat(np.arange(stage_count), n),
        design_mw=designs,
        co2_cap_t=None if co2[0] is None else np.asarray(co2, dtype=float),
    )
    coincident = np.concatenate(
        [per_hour(s.grid_coincident_usd_per_mw, n) * w for s, w in zip(sites, weights, strict=True)]
    )
    hourly = {
        name: _joined([getattr(s, name) for s in sites], n)
        for name in (
            "load_mw",
            "grid_price",
            "grid_carbon",
            "grid_export_price",
            "grid_cfe_share",
            "flexible_it_mw",
            "flexible_pue",
        )
    }
    site = replace(
        first,
        time=time,
        techs=tuple(techs),
        grid_import_cap_mw=top,
        grid_online=grid_online,
        demand_charges=_stage_charges(sites, weights, n),
        grid_coincident_usd_per_mw=coincident,
        design_load_mw=float(designs.max()),
        stages=stages,
        **hourly,
    )
    return VintagePlan(site, tuple(vintages))


def add_vintage_limits(model: linopy.Model, site: SiteSupply) -> None:
    """Each technology's build limit on its vintages in service in each stage.

    ``sum_{v of k in service in s} P_v <= max_k`` (``vintage-limit``), for technologies
    with a limit and more than one vintage.
    """
    if site.stages is None:
        return
    groups: dict[str, list[SupplyTech]] = {}
    for tech in site.techs:
        groups.setdefault(tech.group, []).append(tech)
    limited = {
        name: members
        for name, members in groups.items()
        if len(members) > 1 and all(t.max_mw is not None for t in members)
    }
    if not limited:
        return
    techs = [t for members in limited.values() for t in members]
    names = pd.Index([t.name for t in techs], name="technology")
    active = stage_matrix(site, online_matrix(site, techs), "max") > 0
    group = xr.DataArray([t.group for t in techs], coords={"technology": names}, dims="technology")
    existing = {name: sum(t.existing_mw for t in members) for name, members in limited.items()}
    limit = pd.Series(
        {
            name: existing[name] + max(t.max_mw or 0.0 for t in members if t.existing_mw == 0)
            if any(t.existing_mw == 0 for t in members)
            else existing[name]
            for name, members in limited.items()
        }
    )
    in_service = active.astype(float) * model.variables["capacity"].sel(technology=names)
    grouped = in_service.groupby(group.rename("group")).sum()
    order = [str(g) for g in grouped.indexes["group"]]  # groupby sorts the groups
    bound = xr.DataArray(
        limit.loc[order].to_numpy(), coords={"group": grouped.indexes["group"]}, dims="group"
    )
    # no row for a stage without a vintage of the group in service: it would read 0 <= max,
    # which linopy's solve drops after numbering its rows, and HiGHS's duals then miss one
    any_in_service = active.groupby(group.rename("group")).max()
    model.add_constraints(grouped <= bound, name="vintage-limit", mask=any_in_service)
