"""A site's workloads -> its fleet and hourly IT load [MW], before the supply LP.

The workloads arrive as plain dataclasses (:class:`TrainingJob`, :class:`InferenceJob`)
with their accelerators already resolved from the catalog; the pipeline builds them from
the scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gigafactory.catalog import Accelerator
from gigafactory.compute.hardware import it_power_mw
from gigafactory.compute.inference import (
    InferenceModel,
    InferencePerformance,
    diurnal_profile,
    inference_performance,
)
from gigafactory.compute.training import TrainingResult, size_training, training_it_power_w
from gigafactory.units import SECONDS_PER_DAY, W_PER_MW

__all__ = [
    "ComputePlan",
    "FlexibleWindow",
    "InferenceJob",
    "ServedInference",
    "TrainingJob",
    "plan_compute",
]


@dataclass(frozen=True)
class FlexibleWindow:
    """Training whose pace may move within limits while its energy per window is delivered.

    It runs between ``floor`` and ``ceiling`` of its nominal pace [-] in any hour, with
    its nominal energy delivered within each window of ``window_hours`` [h].
    """

    floor: float
    ceiling: float
    window_hours: int


@dataclass(frozen=True)
class TrainingJob:
    """A training run; its fleet trains back to back all year."""

    name: str
    accelerator: Accelerator
    flops: float
    precision: str
    mfu: float
    accelerators: int | None
    deadline_days: float | None
    parameters: float | None
    checkpoint_s: float | None
    restart_s: float
    flexible: FlexibleWindow | None = None


@dataclass(frozen=True)
class InferenceJob:
    """An inference service: a model, its traffic [tokens/day] and latency targets [s]."""

    name: str
    accelerator: Accelerator
    model: InferenceModel
    tokens_per_day: float
    peak_to_mean: float
    peak_hour_local: float
    tpot_target_s: float | None
    ttft_target_s: float | None
    mfu: float | None = None
    tokens_per_s_per_accelerator: float | None = None


@dataclass(frozen=True)
class ServedInference:
    """An inference service as planned: throughput, fleet and hourly IT power [MW]."""

    job: InferenceJob
    performance: InferencePerformance
    accelerators: int
    it_mw: np.ndarray


@dataclass(frozen=True)
class ComputePlan:
    """The IT load [MW] and fleet that a site's workloads imply (before the supply LP)."""

    firm_it_mw: np.ndarray
    flexible_it_mw: np.ndarray | None
    flexible: FlexibleWindow | None
    accelerators: dict[str, int]
    hardware: dict[str, Accelerator]
    nameplate_it_mw: float
    training: list[tuple[TrainingJob, TrainingResult]]
    inference: list[ServedInference]
    idle_it_mw: np.ndarray


def plan_compute(
    training: list[TrainingJob],
    inference: list[InferenceJob],
    idle: list[tuple[Accelerator, int]],
    hour_local: np.ndarray,
) -> ComputePlan:
    """Fleet and hourly IT load [MW] of a site's workloads.

    * Training fleets run back to back all year at their average draw (see
      :data:`~gigafactory.compute.training.TRAINING_POWER_FRACTION`), less the idle share of
      checkpoint writes.
    * Inference fleets are sized for the daily peak (rounded up to whole replicas) and
      draw ``idle + (1 - idle) * utilisation`` with demand following
      :func:`~gigafactory.compute.inference.diurnal_profile`.
    * Idle accelerators draw
      :data:`~gigafactory.compute.hardware.IDLE_POWER_FRACTION` of their maximum.

    Parameters
    ----------
    training, inference : list
        The site's workloads.
    idle : list of (Accelerator, int)
        Accelerators installed but not working [-].
    hour_local : numpy.ndarray
        Local solar hour of each modelled hour [h].
    """
    n = len(hour_local)
    firm = np.zeros(n)
    flexible = None
    flex_spec = None
    accelerators: dict[str, int] = {}
    hardware: dict[str, Accelerator] = {}
    trained = []
    for t in training:
        result = size_training(
            t.flops,
            t.accelerator,
            precision=t.precision,
            mfu=t.mfu,
            accelerators=t.accelerators,
            deadline_days=t.deadline_days,
            parameters=t.parameters,
            checkpoint_s=t.checkpoint_s,
            restart_s=t.restart_s,
        )
        trained.append((t, result))
        name = t.accelerator.name
        hardware[name] = t.accelerator
        accelerators[name] = accelerators.get(name, 0) + result.accelerators
        power_mw = np.full(n, training_it_power_w(t.accelerator, result) / W_PER_MW)
        if t.flexible is not None:
            flexible = power_mw if flexible is None else flexible + power_mw
            flex_spec = flex_spec or t.flexible
        else:
            firm += power_mw
    served = []
    for s in inference:
        perf = inference_performance(
            s.accelerator,
            s.model,
            tpot_target_s=s.tpot_target_s,
            mfu=s.mfu,
            tokens_per_s=s.tokens_per_s_per_accelerator,
        )
        demand = (
            s.tokens_per_day
            / SECONDS_PER_DAY
            * diurnal_profile(hour_local, s.peak_to_mean, s.peak_hour_local)
        )
        replicas = math.ceil(float(demand.max()) / (perf.tokens_per_s * perf.replica_size))
        count = replicas * perf.replica_size
        name = s.accelerator.name
        hardware[name] = s.accelerator
        accelerators[name] = accelerators.get(name, 0) + count
        utilisation = demand / (count * perf.tokens_per_s)
        power_mw = it_power_mw(count, s.accelerator.params["system_w"], utilisation)
        firm += power_mw
        served.append(ServedInference(s, perf, count, power_mw))
    idle_mw = np.zeros(n)
    for acc, count in idle:
        hardware[acc.name] = acc
        accelerators[acc.name] = accelerators.get(acc.name, 0) + count
        idle_mw += float(it_power_mw(count, acc.params["system_w"], 0.0))
    firm += idle_mw
    nameplate = sum(
        float(it_power_mw(count, hardware[name].params["system_w"], 1.0))
        for name, count in accelerators.items()
    )
    return ComputePlan(
        firm, flexible, flex_spec, accelerators, hardware, nameplate, trained, served, idle_mw
    )
