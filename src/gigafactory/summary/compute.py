"""Summary sections of a compute fleet: training runs, inference services, ownership cost."""

from __future__ import annotations

from typing import Any

from pydantic import SerializerFunctionWrapHandler, field_serializer, field_validator

from gigafactory.summary.base import Number, Section, _empty_is_none

__all__ = [
    "FleetSummary",
    "InferenceService",
    "InferenceTotals",
    "OwnershipCost",
    "SiteCompute",
    "TrainingRun",
    "TrainingTotals",
]


class TrainingRun(Section):
    """One sized training run and what it costs and emits at its site.

    ``energy_mwh`` and ``emissions_tco2e`` count the energy inside ``boundary``
    (``accelerator``, ``server`` or ``facility``; see
    :func:`~gigafactory.compute.boundary_energy_mwh`).
    """

    name: str
    accelerator: str
    accelerators: int
    flops: Number
    days: Number
    accelerator_hours: Number
    goodput: Number
    interruptions: Number
    checkpoint_interval_min: Number
    boundary: str
    energy_mwh: Number
    emissions_tco2e: Number
    cost_usd: Number


class TrainingTotals(Section):
    """All training runs of a fleet together."""

    flops: Number
    accelerator_hours: Number
    interruptions: Number
    energy_mwh: Number
    emissions_tco2e: Number
    cost_usd: Number
    days: Number
    goodput: Number


class InferenceService(Section):
    """One inference service: fleet, latency, energy and cost per token.

    ``wh_per_query``, ``energy_mwh`` and ``emissions_tco2e`` count the energy inside
    ``boundary``, as for :class:`TrainingRun`.
    """

    name: str
    accelerator: str
    accelerators: int
    tokens_per_s: Number
    tokens_per_s_per_accelerator: Number
    tpot_ms: Number
    ttft_ms: Number
    tpot_met: bool
    ttft_met: bool
    boundary: str
    wh_per_query: Number
    energy_mwh: Number
    emissions_tco2e: Number
    usd_per_million_tokens: Number


class InferenceTotals(Section):
    """All inference services of a fleet together."""

    tokens_per_s: Number
    wh_per_query: Number
    usd_per_million_tokens: Number


class OwnershipCost(Section):
    """Annual cost of owning a site's compute by part [USD/yr]."""

    accelerators_servers_network: Number
    facility: Number
    energy_supply: Number


class _Fleet(Section):
    @field_validator("training", "inference", mode="before", check_fields=False)
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return _empty_is_none(value)

    @field_serializer("training", "inference", mode="wrap", check_fields=False)
    def _as_empty(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        return {} if value is None else handler(value)


class SiteCompute(_Fleet):
    """Fleet, training runs, inference services and compute economics of one site."""

    accelerators: dict[str, int]
    it_capacity_mw: Number
    peak_it_mw: Number
    training: TrainingTotals | None
    training_runs: list[TrainingRun]
    inference: InferenceTotals | None
    inference_services: list[InferenceService]
    usd_per_accelerator_hour: Number
    total_cost_of_ownership_usd: Number
    cost_of_ownership_usd: OwnershipCost
    rent_usd_per_accelerator_hour: Number
    breakeven_utilisation_vs_rent: Number


class FleetSummary(_Fleet):
    """The campus-wide compute section: fleets merged, runs and services listed."""

    accelerators: dict[str, int]
    it_capacity_mw: Number
    training: TrainingTotals | None
    training_runs: list[TrainingRun]
    inference: InferenceTotals | None
    inference_services: list[InferenceService]
    usd_per_accelerator_hour: Number
    total_cost_of_ownership_usd: Number
