"""Policy rows of the supply LP: the annual CO2 cap and the hourly CFE target.

Also the expressions they limit, the year's emissions and the energy from emitting sources,
which :func:`gigafactory.supply.solve.optimise` minimises to say how far an infeasible
site's supply can go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from gigafactory.errors import InfeasibleError
from gigafactory.supply.inputs import SiteSupply
from gigafactory.supply.terms import (
    availability_matrix,
    available_on_site,
    flexible_facility,
    off_site,
    per_technology,
    running_thermal,
    stage_index,
    sum_terms,
    technology_index,
)

if TYPE_CHECKING:
    import linopy

__all__ = [
    "add_cfe_constraints",
    "add_co2_constraints",
    "carbon_emitting_supply",
    "emission_terms",
]


def carbon_emitting_supply(model: linopy.Model, site: SiteSupply) -> Any:
    """Hourly energy from carbon-emitting sources as a linear expression [MW].

    Emitting thermal output, other non-clean output, the emitting share of imports and
    unserved energy (load not served by carbon-free energy either).
    """
    terms = []
    available = [t for t in available_on_site(site) if not t.clean]
    if available:
        cap = model.variables["capacity"].sel(technology=technology_index(available))
        terms.append((availability_matrix(site, available) * cap).sum("technology"))
    brown = [t for t in off_site(site) if not t.clean]
    if brown:
        delivered = model.variables["contract-delivered"].sel(technology=technology_index(brown))
        terms.append(delivered.sum("technology"))
    thermal = [t for t in running_thermal(site) if not t.clean]
    if thermal:
        dispatch = model.variables["thermal-dispatch"].sel(technology=technology_index(thermal))
        terms.append(dispatch.sum("technology"))
    if "grid-import" in model.variables and np.any(np.asarray(site.grid_cfe_share) < 1):
        emitting_share = 1.0 - site.hourly(site.grid_cfe_share)
        terms.append(emitting_share * model.variables["grid-import"])
    if "unserved" in model.variables:
        terms.append(model.variables["unserved"])
    return sum_terms(terms)


def emission_terms(model: linopy.Model, site: SiteSupply) -> Any:
    """Annual emissions as a linear expression [tCO2e]."""
    terms = []
    thermal = [t for t in running_thermal(site) if t.co2 > 0]
    if thermal:
        p = model.variables["thermal-dispatch"].sel(technology=technology_index(thermal))
        terms.append(site.annual(per_technology(thermal, "co2") * p))
    if "grid-import" in model.variables and np.any(np.asarray(site.grid_carbon) > 0):
        terms.append(site.annual(site.hourly(site.grid_carbon) * model.variables["grid-import"]))
    return terms


def add_co2_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Annual emissions cap: ``w sum_t (sum_g e_g p_g(t) + k(t) m(t)) <= cap`` (``co2-cap``).

    In a build-out, one row per stage: each stage's year within the cap.
    """
    if site.co2_cap_t is None:
        return
    if site.stages is not None:
        hourly = _hourly_emissions(model, site)
        cap: Any = site.co2_cap_t
        if site.stages.co2_cap_t is not None:
            cap = xr.DataArray(
                site.stages.co2_cap_t, coords={"stage": stage_index(site)}, dims="stage"
            )
        if hourly is not None:
            model.add_constraints(site.per_stage(hourly) <= cap, name="co2-cap")
        return
    terms = emission_terms(model, site)
    if not terms:
        return
    model.add_constraints(sum_terms(terms) <= site.co2_cap_t, name="co2-cap")


def _hourly_emissions(model: linopy.Model, site: SiteSupply) -> Any:
    """Hourly emissions as a linear expression on ``time`` [tCO2e/h], or None."""
    terms = []
    thermal = [t for t in running_thermal(site) if t.co2 > 0]
    if thermal:
        p = model.variables["thermal-dispatch"].sel(technology=technology_index(thermal))
        terms.append((per_technology(thermal, "co2") * p).sum("technology"))
    if "grid-import" in model.variables and np.any(np.asarray(site.grid_carbon) > 0):
        terms.append(site.hourly(site.grid_carbon) * model.variables["grid-import"])
    return sum_terms(terms)


def add_cfe_constraints(model: linopy.Model, site: SiteSupply) -> None:
    """Hourly-matched carbon-free energy (24/7 CFE), ``cfe-target``.

    ``sum_t e(t) <= (1 - target) sum_t L(t)``, with ``e(t)`` the energy from emitting
    sources in hour t (:func:`carbon_emitting_supply`). Energy spilled in one hour cannot
    cover emitting supply in another, so the match is hourly: every hour's carbon-free
    share is ``1 - e(t) / L(t)``. Emitting energy used to charge storage counts in the hour
    it is bought (conservative: before storage losses). One row, no extra variables; one
    per stage in a build-out.
    """
    if site.cfe_target is None or site.cfe_target <= 0:
        return
    has_clean = any(t.clean or t.kind == "storage" for t in site.techs) or (
        bool(np.any(np.asarray(site.grid_cfe_share) > 0)) and site.grid_import_cap_mw > 0
    )
    if not has_clean:
        msg = (
            f"site '{site.name}': CFE target {site.cfe_target:.0%} but no carbon-free supply "
            "allowed"
        )
        raise InfeasibleError(msg)
    emitting = carbon_emitting_supply(model, site)
    if emitting is None:
        return
    share = 1.0 - site.cfe_target
    flexible = flexible_facility(model, site)
    if site.stages is not None:  # each stage's year meets the target
        stage_load = site.per_stage(np.asarray(site.load_mw, dtype=float))
        emitted = emitting if flexible is None else emitting - share * flexible
        load = xr.DataArray(stage_load, coords={"stage": stage_index(site)}, dims="stage")
        model.add_constraints(site.per_stage(emitted) <= share * load, name="cfe-target")
        return
    if site.periods is None:
        total_load = float(site.hourly(site.load_mw).sum())
        lhs = emitting.sum() if flexible is None else emitting.sum() - share * flexible.sum()
    else:  # hours weighted by the days they stand for
        total_load = float(site.annual(np.asarray(site.load_mw, dtype=float)))
        lhs = site.annual(emitting if flexible is None else emitting - share * flexible)
    model.add_constraints(lhs <= share * total_load, name="cfe-target")
