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

__all__ = ["KINDS", "SiteSupply", "SupplyTech", "nominal_load_mw"]

KINDS = ("variable", "contract", "thermal", "storage")


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
    def nominal_load_mw(self) -> np.ndarray:
        """Facility load with flexible training at its nominal pace [MW]."""
        return nominal_load_mw(self.load_mw, self.flexible_it_mw, self.flexible_pue)

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
