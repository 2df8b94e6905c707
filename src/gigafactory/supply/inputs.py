"""The supply LP's inputs, in model units: one site's technologies, load and grid.

:class:`SupplyTech` is one technology at one site; :class:`SiteSupply` holds everything the
LP of one site needs (hourly load, technologies, grid limits and prices, policy, flexible
training). Both are plain frozen dataclasses: :mod:`gigafactory.pipeline` fills them from
the scenario and the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gigafactory.units import HOURS_PER_YEAR

__all__ = [
    "KINDS",
    "DemandCharge",
    "Periods",
    "SiteSupply",
    "Stages",
    "SupplyTech",
    "nominal_load_mw",
    "per_hour",
]

KINDS = ("variable", "contract", "thermal", "storage")


def per_hour(value: Any, n: int) -> np.ndarray:
    """An hourly input (a number or one value per hour) as ``n`` values, read-only [-].

    >>> per_hour(2.0, 3).tolist()
    [2.0, 2.0, 2.0]
    """
    return np.broadcast_to(np.asarray(value, dtype=float), (n,))


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
    backup_only : bool
        Thermal unit that runs only when the grid is lost (ride-through), never in normal
        hours; it still counts in the planning reserve.
    max_full_load_hours : float or None
        Annual output at most this many hours at full capacity (a run-hour permit) [h].
    nox_kg_per_mwh : float
        NOx per MWh delivered, after any SCR [kg/MWh].
    nox_cap_t : float or None
        Annual NOx permit of this technology [t].
    capacity_credit : float or None
        Accredited firm share of capacity for the planning reserve [-]; None: by kind
        (see :func:`gigafactory.supply.firm.capacity_credits`).
    unit_mw : float or None
        Size of the largest single unit, for N-1 [MW].
    off_site : bool
        Contract delivered through the grid feed (counts against the import cap).
    online : numpy.ndarray or None
        Hourly 1/0 mask: the asset is in service (in-service and retirement dates) [-].
    base : str
        In a build-out (:class:`Stages`), the technology this is one vintage of (its build
        limit is shared with the other vintages); empty otherwise.
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
    backup_only: bool = False
    max_full_load_hours: float | None = None
    nox_kg_per_mwh: float = 0.0
    nox_cap_t: float | None = None
    capacity_credit: float | None = None
    unit_mw: float | None = None
    off_site: bool = False
    online: np.ndarray | None = None
    base: str = ""

    @property
    def group(self) -> str:
        """The technology a vintage belongs to, else the technology itself."""
        return self.base or self.name

    @property
    def hourly_availability(self) -> np.ndarray | float:
        """Availability per MW times the in-service mask [-]."""
        if self.online is None:
            return self.availability
        return np.asarray(np.asarray(self.availability, dtype=float) * self.online)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            msg = f"technology '{self.name}': kind '{self.kind}' not in {', '.join(KINDS)}"
            raise ValueError(msg)


def nominal_load_mw(
    load_mw: np.ndarray, flexible_it_mw: np.ndarray | None, flexible_pue: np.ndarray | float
) -> np.ndarray:
    """Facility load with flexible training at its nominal pace [MW].

    ``L(t) + PUE(t) F(t)``: the firm facility load plus the flexible training's IT power
    ``F`` at the facility's PUE.

    Examples
    --------
    >>> nominal_load_mw(np.array([10.0, 10.0]), np.array([2.0, 4.0]), 1.5)
    array([13., 16.])
    """
    load = np.asarray(load_mw, dtype=float)
    if flexible_it_mw is None:
        return load
    return np.asarray(load + np.asarray(flexible_pue) * flexible_it_mw)


@dataclass(frozen=True)
class DemandCharge:
    """A charge on the peak grid import in each billing period.

    Attributes
    ----------
    name : str
        Label, e.g. ``monthly`` or ``annual-ratchet``.
    usd_per_mw : float
        Charge per MW of each period's peak import [USD/MW per period].
    period : numpy.ndarray of int
        Billing period of each hour (0, 1, ...), -1 for hours the charge ignores [-].
    """

    name: str
    usd_per_mw: float
    period: np.ndarray


@dataclass(frozen=True)
class Periods:
    """The year as representative periods: which typical period stands for each period.

    Attributes
    ----------
    period_hours : int
        Hours per period (24: typical days) [h].
    order : numpy.ndarray of int
        Typical period of each period of the year, in calendar order (D values) [-].
    representative : numpy.ndarray of int
        The period of the year each typical period is (its medoid), ascending (K values) [-].

    Examples
    --------
    >>> p = Periods(2, np.array([0, 1, 0]), np.array([0, 1]))
    >>> p.count.tolist(), p.typical_hours.tolist(), p.modelled_hour.tolist()
    ([2, 1], [0, 1, 2, 3], [0, 1, 2, 3, 0, 1])
    """

    period_hours: int
    order: np.ndarray
    representative: np.ndarray

    @property
    def n_hours(self) -> int:
        """Hours of the year the periods stand for [h]."""
        return len(self.order) * self.period_hours

    @property
    def count(self) -> np.ndarray:
        """Periods of the year each typical period stands for (K values) [-]."""
        return np.bincount(self.order, minlength=len(self.representative))

    @property
    def typical_hours(self) -> np.ndarray:
        """Hour of the year of each modelled hour (K x period_hours values) [-]."""
        hours = np.arange(self.period_hours)
        return (self.representative[:, None] * self.period_hours + hours).ravel()

    @property
    def modelled_hour(self) -> np.ndarray:
        """Modelled hour that stands for each hour of the year (n_hours values) [-]."""
        hour = np.arange(self.n_hours)
        return self.order[hour // self.period_hours] * self.period_hours + hour % self.period_hours

    @property
    def hour_weights(self) -> np.ndarray:
        """Hours of the year each modelled hour stands for (K x period_hours values) [-]."""
        scale = HOURS_PER_YEAR / self.n_hours
        return np.repeat(self.count.astype(float), self.period_hours) * scale


@dataclass(frozen=True)
class Stages:
    """Investment periods of a build-out, laid end to end on the LP's hours.

    Each stage is one representative year of a period of the roadmap (e.g. 2026 standing
    for 2026-2027); its annual costs count for ``weight_years`` discounted years, and
    annual limits (CO2 cap, CFE target, permits) and the planning reserve hold in each stage.

    Attributes
    ----------
    years : numpy.ndarray of int
        Calendar year of each stage (S values) [-].
    weight_years : numpy.ndarray
        Discounted years each stage's annual cost stands for (S values) [yr].
    of_hour : numpy.ndarray of int
        Stage of each modelled hour (T values) [-].
    design_mw : numpy.ndarray or None
        Design facility power of each stage for the planning reserve (S values); None:
        each stage's hourly peak [MW].
    co2_cap_t : numpy.ndarray or None
        Each stage's annual CO2 cap (S values); None: the site's ``co2_cap_t`` [tCO2e].

    Examples
    --------
    >>> s = Stages(np.array([2026, 2028]), np.array([2.0, 1.8]), np.array([0, 0, 1, 1]))
    >>> s.count, s.cost_weight.tolist()
    (2, [4.0, 4.0, 3.6, 3.6])
    """

    years: np.ndarray
    weight_years: np.ndarray
    of_hour: np.ndarray
    design_mw: np.ndarray | None = None
    co2_cap_t: np.ndarray | None = None

    @property
    def count(self) -> int:
        """Number of stages [-]."""
        return len(self.years)

    @property
    def cost_weight(self) -> np.ndarray:
        """Hourly factor on operating costs that makes the objective a present value [yr].

        Annual sums over S stages end to end are means over the stages (hour weight
        ``1/S``), so each hour's cost is multiplied by ``S x weight_years`` of its stage.
        """
        weights = np.asarray(self.weight_years, dtype=float)
        return np.asarray(self.count * weights[np.asarray(self.of_hour)])


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
    grid_cfe_share : numpy.ndarray or float
        Carbon-free share of imports, hourly or flat [-].
    grid_online : numpy.ndarray or None
        Hourly 1/0 mask: the grid feed is in service [-].
    demand_charges : tuple of DemandCharge
        Charges on the peak import per billing period.
    grid_coincident_usd_per_mw : numpy.ndarray or float
        Charge on the import in each hour, per MW (coincident-peak transmission charges
        such as ERCOT's 4CP) [USD/MW]; not scaled by :attr:`weight`.
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
    design_load_mw : float or None
        Design (nameplate) facility power that the planning reserve covers [MW]; None:
        the peak of the hourly load.
    reserve_margin : float or None
        Planning reserve: accredited firm capacity >= design load x (1 + margin) [-].
    n_minus_1 : bool
        Firm capacity less the largest contingency (grid feed or largest unit) still
        covers the design load.
    ride_through_hours : int
        Survive a grid outage of this many hours starting at any hour, from storage and
        on-site supply [h].
    periods : Periods or None
        The hours are typical periods standing for the year (see
        :mod:`gigafactory.supply.periods`); None: the hours are the year in order.
        Demand-charge billing periods then stay on the year's hours.
    weather_years : int
        Weather years laid end to end on ``time`` (:mod:`gigafactory.supply.years`); the
        hour weight makes energy sums a mean year, and demand charges are divided by it.
    stages : Stages or None
        Investment periods of a build-out end to end on ``time``
        (:mod:`gigafactory.supply.roadmap`); None: one year.
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
    grid_cfe_share: np.ndarray | float = 0.0
    grid_online: np.ndarray | None = None
    demand_charges: tuple[DemandCharge, ...] = ()
    grid_coincident_usd_per_mw: np.ndarray | float = 0.0
    value_of_lost_load: float | None = None
    co2_cap_t: float | None = None
    carbon_price: float = 0.0
    cfe_target: float | None = None
    flexible_it_mw: np.ndarray | None = None
    flexible_pue: np.ndarray | float = 1.0
    flexible_floor: float = 1.0
    flexible_ceiling: float = 1.0
    flexible_window_h: int = 168
    design_load_mw: float | None = None
    reserve_margin: float | None = None
    n_minus_1: bool = False
    ride_through_hours: int = 0
    periods: Periods | None = None
    weather_years: int = 1
    stages: Stages | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # linopy takes dimension names from index names.
        object.__setattr__(self, "time", pd.DatetimeIndex(self.time, name="time"))

    @property
    def weight(self) -> float:
        """Hours of the year each modelled hour stands for, on average [-]."""
        return HOURS_PER_YEAR / len(self.time)

    @property
    def hour_weights(self) -> np.ndarray | float:
        """Hours of the year each modelled hour stands for [-].

        A number for the year in order, one per hour for typical periods.
        """
        return self.weight if self.periods is None else self.periods.hour_weights

    def annual(self, hourly: Any, dim: str | None = None) -> Any:
        """Sum over the modelled hours scaled to a year: an expression or an array.

        ``w sum_t x(t)`` for the year in order, ``sum_t w(t) x(t)`` for typical periods.
        ``dim='time'`` sums over the hours only (other dimensions kept); the default sums
        over everything.
        """
        if self.periods is None:
            return hourly.sum(dim) * self.weight
        weights = self.hourly(self.periods.hour_weights)
        if isinstance(hourly, np.ndarray):
            return float((weights.values * hourly).sum())
        return (weights * hourly).sum(dim)

    def per_stage(self, hourly: Any) -> Any:
        """Annual sums in each investment stage (``stage`` dimension), else over the year.

        What annual limits (CO2 cap, CFE target, permits) hold on: each stage's year in a
        build-out, the year (or the mean weather year) otherwise. Other dimensions are kept.
        """
        if self.stages is None:
            return self.annual(hourly, "time")
        if isinstance(hourly, np.ndarray):
            weights = np.broadcast_to(np.asarray(self.hour_weights, dtype=float), hourly.shape)
            return np.bincount(
                self.stages.of_hour,
                weights=weights * self.stages.count * hourly,
                minlength=self.stages.count,
            )
        stage = xr.DataArray(
            np.asarray(self.stages.of_hour), coords={"time": self.time}, dims="time", name="stage"
        )
        return (self.hourly(self.hour_weights) * self.stages.count * hourly).groupby(stage).sum()

    @property
    def cost_weight(self) -> np.ndarray | float:
        """Hourly factor on operating costs: discounted years in a build-out, else 1 [-]."""
        return 1.0 if self.stages is None else self.stages.cost_weight

    @property
    def nominal_load_mw(self) -> np.ndarray:
        """Facility load with flexible training at its nominal pace [MW]."""
        return nominal_load_mw(self.load_mw, self.flexible_it_mw, self.flexible_pue)

    def _load_at_pace(self, pace: float) -> np.ndarray:
        if self.flexible_it_mw is None:
            return np.asarray(self.load_mw, dtype=float)
        flexible = pace * np.asarray(self.flexible_pue) * self.flexible_it_mw
        return np.asarray(self.load_mw + flexible)

    @property
    def max_load_mw(self) -> np.ndarray:
        """Facility load with flexible training at its highest pace [MW]."""
        return self._load_at_pace(self.flexible_ceiling)

    @property
    def least_load_mw(self) -> np.ndarray:
        """Facility load with flexible training at its lowest pace [MW]."""
        return self._load_at_pace(self.flexible_floor)

    @property
    def grid_cap_mw(self) -> np.ndarray | float:
        """Import cap per hour, zero while the feed is not in service [MW]."""
        if self.grid_online is None:
            return self.grid_import_cap_mw
        return self.grid_import_cap_mw * np.asarray(self.grid_online, dtype=float)

    @property
    def peak_design_mw(self) -> float:
        """The power the planning reserve covers: design load, else the hourly peak [MW]."""
        if self.design_load_mw is not None:
            return self.design_load_mw
        return float(np.max(self.max_load_mw))

    def of_kind(self, kind: str) -> list[SupplyTech]:
        """Technologies of one kind, in input order."""
        return [t for t in self.techs if t.kind == kind]

    def hourly(self, value: np.ndarray | float) -> xr.DataArray:
        """Broadcast a scalar or an hourly array onto the ``time`` coordinate."""
        data = np.broadcast_to(np.asarray(value, dtype=float), (len(self.time),))
        return xr.DataArray(data, coords={"time": self.time}, dims="time")
