"""Reliability of training jobs and of the power they run on: failures, checkpoints, goodput.

* accelerator failures: a mean time between interruptions per accelerator (Llama 3 [1]);
* Young/Daly's optimum checkpoint interval [2] and the goodput it gives;
* outage processes for fault replays: grid outages (Poisson starts, exponential lengths) and
  forced outages of thermal units (two-state Markov chains).

References
----------
.. [1] A. Grattafiori et al. (Llama team), "The Llama 3 herd of models," arXiv:2407.21783,
   2024, Tables 4 and 5 (419 unexpected interruptions in 54 days on 16,384 H100; > 90 %
   effective training time).
.. [2] J. W. Young, "A first order approximation to the optimum checkpoint interval,"
   Commun. ACM 17(9), 530-531, 1974; J. T. Daly, "A higher order estimate of the optimum
   checkpoint interval for restart dumps," Future Gener. Comput. Syst. 22, 303-312, 2006.
"""

from __future__ import annotations

import math

import numpy as np

from gigafactory.units import HOURS_PER_YEAR, SECONDS_PER_HOUR

__all__ = [
    "ACCELERATOR_MTBI_HOURS",
    "CHECKPOINT_BANDWIDTH",
    "CHECKPOINT_BYTES_PER_PARAMETER",
    "DEFAULT_CHECKPOINT_SECONDS",
    "RESTART_SECONDS",
    "checkpoint_interval",
    "checkpoint_seconds",
    "forced_outages",
    "goodput",
    "grid_outages",
]

ACCELERATOR_MTBI_HOURS = 16_384 * 54 * 24 / 419
"""Mean time between unexpected job interruptions per accelerator [h]: 419 in 54 days on
16,384 H100 (Llama 3 paper, Table 5 [1]) = 50,675 h."""

CHECKPOINT_BYTES_PER_PARAMETER = 16.0
"""Full training state per parameter (BF16 weights, FP32 master weights and two Adam
moments) [bytes]: 405B parameters give ~6.5 TB (Llama 3 paper [1] §3.3.4 writes the state
to Tectonic)."""

CHECKPOINT_BANDWIDTH = 2e12
"""Sustained checkpoint write bandwidth [bytes/s]: Meta's Tectonic, 2 TB/s (Llama 3 paper
§3.3.4 [1])."""

DEFAULT_CHECKPOINT_SECONDS = 60.0
"""Checkpoint write time when neither it nor the model's parameters are given [s]; an
estimate."""

RESTART_SECONDS = 600.0
"""Time to restart a job after an interruption [s]: Daly's worked example, R = 10 min [2];
an estimate for automated restarts."""


def checkpoint_seconds(parameters: float | None, checkpoint_s: float | None = None) -> float:
    """Time to write one checkpoint [s].

    ``checkpoint_s`` when given; else the full training state of ``parameters`` (16 bytes
    each) at 2 TB/s; else :data:`DEFAULT_CHECKPOINT_SECONDS`.

    Examples
    --------
    >>> checkpoint_seconds(405e9)  # Llama 3.1 405B: 6.5 TB at 2 TB/s
    3.24
    """
    if checkpoint_s is not None:
        return checkpoint_s
    if parameters:
        return parameters * CHECKPOINT_BYTES_PER_PARAMETER / CHECKPOINT_BANDWIDTH
    return DEFAULT_CHECKPOINT_SECONDS


def checkpoint_interval(checkpoint_s: float, mtbi_s: float) -> float:
    """Daly's optimum checkpoint interval [s] [2].

    ``tau = sqrt(2 d M) [1 + sqrt(d / 2M) / 3 + (d / 2M) / 9] - d`` for ``d < 2M``, else
    ``M``; ``d`` the checkpoint write time and ``M`` the job's mean time between
    interruptions.

    Examples
    --------
    >>> round(checkpoint_interval(300, 24 * 3600) / 60)  # Daly's example: 117 min
    117
    """
    if checkpoint_s >= 2.0 * mtbi_s:
        return mtbi_s
    x = checkpoint_s / (2.0 * mtbi_s)
    return math.sqrt(2.0 * checkpoint_s * mtbi_s) * (1 + math.sqrt(x) / 3 + x / 9) - checkpoint_s


def goodput(
    n_accelerators: float,
    checkpoint_s: float,
    *,
    restart_s: float = RESTART_SECONDS,
    accelerator_mtbi_h: float = ACCELERATOR_MTBI_HOURS,
) -> tuple[float, float, float]:
    """Effective training time ratio of a synchronous job.

    Parameters
    ----------
    n_accelerators : float
        Accelerators in the job [-].
    checkpoint_s : float
        Time to write one checkpoint [s].
    restart_s : float, default 600
        Time to restart after an interruption [s].
    accelerator_mtbi_h : float
        Mean time between interruptions per accelerator [h]; default from Llama 3.

    Returns
    -------
    goodput : float
        Useful share of wall time, in (0, 1] [-].
    interval_s : float
        Checkpoint interval used (Daly optimum) [s].
    job_mtbi_h : float
        Mean time between interruptions of the whole job [h].

    Notes
    -----
    Wall time per unit of useful time is ``1 + d/tau + (tau + d)/(2M) + R/M``: checkpoint
    writes, on average half an interval of lost work per interruption, and the restart.
    """
    job_mtbi_s = accelerator_mtbi_h * SECONDS_PER_HOUR / max(n_accelerators, 1.0)
    tau = checkpoint_interval(checkpoint_s, job_mtbi_s)
    overhead = checkpoint_s / tau + (tau + checkpoint_s) / (2 * job_mtbi_s) + restart_s / job_mtbi_s
    return 1.0 / (1.0 + overhead), tau, job_mtbi_s / SECONDS_PER_HOUR


def grid_outages(
    n_hours: int, per_year: float, mean_hours: float, rng: np.random.Generator
) -> np.ndarray:
    """Hours with the grid up (True) or down (False).

    Outages start as a Poisson process (``per_year`` a year) and last an exponential time
    with mean ``mean_hours`` (at least one hour).
    """
    up = np.ones(n_hours, dtype=bool)
    count = rng.poisson(per_year * n_hours / HOURS_PER_YEAR)
    starts = rng.integers(0, n_hours, size=count)
    lengths = np.maximum(1, np.round(rng.exponential(mean_hours, size=count))).astype(int)
    for start, length in zip(starts, lengths, strict=True):
        up[start : start + length] = False
    return up


def forced_outages(
    n_hours: int,
    units: int,
    forced_outage_rate: float,
    mean_repair_hours: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Available share of a plant of ``units`` identical units, hour by hour [-].

    Each unit is a two-state Markov chain: it fails with probability ``1/MTTF`` an hour and
    is repaired with ``1/MTTR``, where MTTF follows from the forced outage rate
    ``FOR = MTTR / (MTTF + MTTR)``; units start in their steady state.
    """
    if units <= 0 or forced_outage_rate <= 0:
        return np.ones(n_hours)
    p_repair = 1.0 / mean_repair_hours
    p_fail = p_repair * forced_outage_rate / (1 - forced_outage_rate)
    down = rng.random(units) < forced_outage_rate
    draws = rng.random((n_hours, units))
    share = np.empty(n_hours)
    for t in range(n_hours):
        down = np.where(down, draws[t] >= p_repair, draws[t] < p_fail)
        share[t] = 1.0 - down.mean()
    return share
