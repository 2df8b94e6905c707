"""Training runs: compute, wall time, accelerator-hours and the fleet's average IT power.

References
----------
.. [1] J. Kaplan et al., "Scaling laws for neural language models," arXiv:2001.08361, 2020
   (training FLOPs = 6 N D).
.. [2] A. Grattafiori et al. (Llama team), "The Llama 3 herd of models," arXiv:2407.21783,
   2024, Tables 4 and 5 (MFU 38-43 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gigafactory.catalog import Accelerator, get_accelerator
from gigafactory.compute.hardware import IDLE_POWER_FRACTION, it_power_w
from gigafactory.compute.reliability import (
    ACCELERATOR_MTBI_HOURS,
    RESTART_SECONDS,
    checkpoint_seconds,
    goodput,
)
from gigafactory.units import SECONDS_PER_DAY, SECONDS_PER_HOUR

__all__ = [
    "TRAINING_POWER_FRACTION",
    "TrainingResult",
    "size_training",
    "training_flops",
    "training_it_power_w",
]

TRAINING_POWER_FRACTION = 0.75
"""Average draw of a training server as a share of its maximum [-]: DGX H100 typical
6.5-8.5 kW of 10.2 kW max, midpoint 7.5/10.2 = 0.74 (NVIDIA DGX H100 user guide, power
specifications); an estimate."""


def training_flops(parameters: float, tokens: float) -> float:
    """Training compute of a dense transformer: ``6 N D`` [FLOP] [1].

    Examples
    --------
    >>> f"{training_flops(405e9, 15.6e12):.2e}"  # Llama 3.1 405B
    '3.79e+25'
    """
    return 6.0 * parameters * tokens


@dataclass(frozen=True)
class TrainingResult:
    """A sized training run (all per run)."""

    flops: float
    accelerator: str
    accelerators: int
    days: float
    accelerator_hours: float
    goodput: float
    interruptions: float
    checkpoint_interval_s: float
    checkpoint_s: float


def size_training(
    flops: float,
    accelerator: Accelerator | str,
    *,
    precision: str = "bf16",
    mfu: float = 0.40,
    accelerators: int | None = None,
    deadline_days: float | None = None,
    parameters: float | None = None,
    checkpoint_s: float | None = None,
    restart_s: float = RESTART_SECONDS,
    accelerator_mtbi_h: float = ACCELERATOR_MTBI_HOURS,
) -> TrainingResult:
    """Wall time and accelerator-hours of a training run, from a fleet or a deadline.

    Parameters
    ----------
    flops : float
        Training compute [FLOP] (see :func:`training_flops`).
    accelerator : Accelerator or str
        Catalog accelerator.
    precision : {'bf16', 'fp8', 'fp4'}
        Format whose dense peak MFU refers to.
    mfu : float, default 0.40
        Model FLOPs utilisation [-]; Llama 3 405B reached 38-43 % [2].
    accelerators, deadline_days : optional
        Give the fleet size, or a deadline [days] to size the fleet (rounded up to 8).
    parameters : float, optional
        Parameters, for the checkpoint size (16 bytes each at 2 TB/s) when
        ``checkpoint_s`` is not given [-].
    checkpoint_s : float, optional
        Checkpoint write time [s]; default from ``parameters``, else 60 s (an estimate).
    """
    acc = get_accelerator(accelerator) if isinstance(accelerator, str) else accelerator
    if (accelerators is None) == (deadline_days is None):
        msg = "give exactly one of accelerators or deadline_days"
        raise ValueError(msg)
    checkpoint_s = checkpoint_seconds(parameters, checkpoint_s)
    rate = acc.peak_flops(precision) * mfu
    if accelerators is None:
        assert deadline_days is not None
        n = 8.0
        for _ in range(20):  # fixed point: goodput falls as the fleet grows
            g = goodput(
                n, checkpoint_s, restart_s=restart_s, accelerator_mtbi_h=accelerator_mtbi_h
            )[0]
            needed = flops / (deadline_days * SECONDS_PER_DAY * rate * g)
            new = 8.0 * math.ceil(needed / 8.0)
            if new == n:
                break
            n = new
        accelerators = int(n)
    g, tau, job_mtbi_h = goodput(
        accelerators, checkpoint_s, restart_s=restart_s, accelerator_mtbi_h=accelerator_mtbi_h
    )
    wall_s = flops / (accelerators * rate * g)
    return TrainingResult(
        flops=flops,
        accelerator=acc.name,
        accelerators=int(accelerators),
        days=wall_s / SECONDS_PER_DAY,
        accelerator_hours=accelerators * wall_s / SECONDS_PER_HOUR,
        goodput=g,
        interruptions=wall_s / SECONDS_PER_HOUR / job_mtbi_h,
        checkpoint_interval_s=tau,
        checkpoint_s=checkpoint_s,
    )


def training_it_power_w(accelerator: Accelerator, result: TrainingResult) -> float:
    """Average IT power of a training fleet [W].

    Servers draw 75 % of their maximum while computing and idle during checkpoint writes
    (the dips, averaged over the hour).
    """
    busy = (TRAINING_POWER_FRACTION - IDLE_POWER_FRACTION) / (1 - IDLE_POWER_FRACTION)
    writing = result.checkpoint_s / (result.checkpoint_interval_s + result.checkpoint_s)
    return float(
        it_power_w(result.accelerators, accelerator.params["system_w"], busy * (1 - writing))
    )
