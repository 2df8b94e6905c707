"""Hourly power supply of one site: capacity expansion and dispatch (linopy + HiGHS).

* :mod:`~gigafactory.supply.model`: the LP's inputs (:class:`SiteSupply`,
  :class:`SupplyTech`) and :func:`build_model`, one ``add_*`` function per constraint family;
* :mod:`~gigafactory.supply.solve`: :func:`optimise` (build -> solve -> extract, status
  checked, infeasibility explained; warm starts with :class:`~gigafactory.solver.WarmStarts`);
* :mod:`~gigafactory.supply.extract`: the solution as a dataset with units, CFE share;
* :mod:`~gigafactory.supply.rules`: rule-based dispatch of fixed capacities in
  milliseconds, for fault replays and sweeps.
"""

from gigafactory.supply.extract import (
    SOLUTION_ZERO_MW,
    annual_matching,
    cfe_share,
    emitting_supply_mw,
    extract,
)
from gigafactory.supply.firm import capacity_credits, firm_capacity_mw, largest_contingency_mw
from gigafactory.supply.inputs import DemandCharge
from gigafactory.supply.model import SiteSupply, SupplyTech, build_model, nominal_load_mw
from gigafactory.supply.rules import Replay, replay, ride_through
from gigafactory.supply.solve import optimise, solve

__all__ = [
    "SOLUTION_ZERO_MW",
    "DemandCharge",
    "Replay",
    "SiteSupply",
    "SupplyTech",
    "annual_matching",
    "build_model",
    "capacity_credits",
    "cfe_share",
    "emitting_supply_mw",
    "extract",
    "firm_capacity_mw",
    "largest_contingency_mw",
    "nominal_load_mw",
    "optimise",
    "replay",
    "ride_through",
    "solve",
]
