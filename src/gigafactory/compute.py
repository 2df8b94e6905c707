"""AI compute: training runs, goodput, inference throughput, IT load and compute economics.

Pure functions in canonical units (FLOP, FLOP/s, bytes, s, W, USD); accelerators come from
``data/accelerators.csv`` (:func:`gigafactory.catalog.accelerators`).

References
----------
.. [1] J. Kaplan et al., "Scaling laws for neural language models," arXiv:2001.08361, 2020
   (training FLOPs = 6 N D).
.. [2] A. Grattafiori et al. (Llama team), "The Llama 3 herd of models," arXiv:2407.21783,
   2024, Tables 4 and 5 (MFU 38-43 %; 419 unexpected interruptions in 54 days on 16,384
   H100; > 90 % effective training time).
.. [3] J. W. Young, "A first order approximation to the optimum checkpoint interval,"
   Commun. ACM 17(9), 530-531, 1974; J. T. Daly, "A higher order estimate of the optimum
   checkpoint interval for restart dumps," Future Gener. Comput. Syst. 22, 303-312, 2006.
.. [4] MLCommons, MLPerf Inference v4.1 results, Llama-2-70B offline, closed division
   (H100 2,675 tokens/s per GPU at FP8; shared/facts compute §5a).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gigafactory.catalog import Accelerator, get_accelerator
from gigafactory.economics import capital_recovery_factor
from gigafactory.scenario import ComputeSpec, FlexibleTraining, InferenceSpec, TrainingSpec

__all__ = [
    "ACCELERATOR_MTBI_HOURS",
    "MLPERF_LLAMA2_70B",
    "ComputePlan",
    "InferenceModel",
    "InferencePerformance",
    "TrainingResult",
    "checkpoint_interval",
    "diurnal_profile",
    "goodput",
    "hardware_capex",
    "inference_performance",
    "it_power_w",
    "ownership_cost",
    "plan_compute",
    "size_training",
    "training_flops",
    "training_it_power_w",
]

SECONDS_PER_HOUR = 3600.0
HOURS_PER_YEAR = 8760.0

ACCELERATOR_MTBI_HOURS = 16_384 * 54 * 24 / 419
"""Mean time between unexpected job interruptions per accelerator [h]: 419 in 54 days on
16,384 H100 (Llama 3 paper, Table 5 [2]) = 50,675 h."""

TRAINING_POWER_FRACTION = 0.75
"""Average draw of a training server as a share of its maximum [-]: DGX H100 typical
6.5-8.5 kW of 10.2 kW max, midpoint 7.5/10.2 = 0.74 (shared/facts compute §1b); an estimate."""

IDLE_POWER_FRACTION = 0.30
"""Draw of an idle accelerator server as a share of its maximum [-]; an estimate."""

NETWORK_STORAGE_OVERHEAD = 0.10
"""Scale-out network and storage power on top of server power [-]: "x ~1.1 network/storage"
(shared/facts compute §2b, derived)."""

CHECKPOINT_BYTES_PER_PARAMETER = 16.0
"""Full training state per parameter (BF16 weights, FP32 master weights and two Adam
moments) [bytes] (shared/facts compute §4a: ~6.5 TB for 405B)."""

CHECKPOINT_BANDWIDTH = 2e12
"""Sustained checkpoint write bandwidth [bytes/s]: Meta's Tectonic, 2 TB/s (Llama 3 paper
§3.3.4 [2])."""

FACILITY_LIFE_YEARS = 20.0
"""Economic life of the facility shell, cooling and electrical plant [yr]; an estimate."""

RESTART_SECONDS = 600.0
"""Time to restart a job after an interruption [s]: Daly's worked example, R = 10 min [3];
an estimate for automated restarts."""


def training_flops(parameters: float, tokens: float) -> float:
    """Training compute of a dense transformer: ``6 N D`` [FLOP] [1].

    Examples
    --------
    >>> f"{training_flops(405e9, 15.6e12):.2e}"  # Llama 3.1 405B
    '3.79e+25'
    """
    return 6.0 * parameters * tokens


def checkpoint_interval(checkpoint_s: float, mtbi_s: float) -> float:
    """Daly's optimum checkpoint interval [s] [3].

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
    if checkpoint_s is None:
        checkpoint_s = (
            parameters * CHECKPOINT_BYTES_PER_PARAMETER / CHECKPOINT_BANDWIDTH
            if parameters
            else 60.0
        )
    rate = acc.peak_flops(precision) * mfu
    if accelerators is None:
        assert deadline_days is not None
        n = 8.0
        for _ in range(20):  # fixed point: goodput falls as the fleet grows
            g = goodput(
                n, checkpoint_s, restart_s=restart_s, accelerator_mtbi_h=accelerator_mtbi_h
            )[0]
            needed = flops / (deadline_days * 86_400 * rate * g)
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
        days=wall_s / 86_400,
        accelerator_hours=accelerators * wall_s / SECONDS_PER_HOUR,
        goodput=g,
        interruptions=wall_s / SECONDS_PER_HOUR / job_mtbi_h,
        checkpoint_interval_s=tau,
        checkpoint_s=checkpoint_s,
    )


@dataclass(frozen=True)
class InferenceModel:
    """A served model and its request shape."""

    active_parameters: float
    bytes_per_parameter: float = 1.0
    kv_bytes_per_token: float = 163_840.0
    prompt_tokens: float = 300.0
    output_tokens: float = 294.0
    max_batch: int = 64


MLPERF_LLAMA2_70B = InferenceModel(
    active_parameters=70e9,
    bytes_per_parameter=1.0,
    # 2 (K, V) x 80 layers x 8 KV heads x 128 dims x 1 byte (FP8 cache)
    kv_bytes_per_token=2 * 80 * 8 * 128,
    # estimate: OpenOrca prompts, mean ~300 tokens (not in shared/facts)
    prompt_tokens=300.0,
    # MLPerf closed division requires 294.45 +-10 % tokens per sample
    output_tokens=294.0,
    # estimate: continuous batching at a TPOT-bounded 64 sequences per replica
    max_batch=64,
)
"""The MLPerf Inference Llama-2-70B benchmark as served at FP8 (calibration case)."""

MLPERF_H100_TOKENS_PER_S = 2_675.0
"""MLPerf v4.1 Llama-2-70B offline, H100 80GB, FP8: 10,700 tokens/s on 4 GPUs [4]."""


@dataclass(frozen=True)
class InferencePerformance:
    """Roofline throughput of one accelerator serving one model."""

    tokens_per_s: float
    replica_size: int
    batch: float
    tpot_s: float
    ttft_s: float


def _roofline(acc: Accelerator, model: InferenceModel, batch_cap: float) -> InferencePerformance:
    precision = "fp4" if model.bytes_per_parameter <= 0.5 else "fp8"
    if model.bytes_per_parameter >= 2:
        precision = "bf16"
    flops = acc.peak_flops(precision)
    bandwidth = acc.params["hbm_bytes_per_s"]
    hbm = acc.params["hbm_bytes"]
    weights = model.active_parameters * model.bytes_per_parameter
    # KV cache shrinks with the weight format (FP4 models keep an FP8 cache at half size)
    kv_token = model.kv_bytes_per_token * min(model.bytes_per_parameter, 1.0)
    k = 1
    while weights > 0.6 * k * hbm:  # tensor parallel until weights take <= 60 % of HBM
        k *= 2
    context = model.prompt_tokens + model.output_tokens / 2
    kv_sequence = kv_token * context
    memory_batch = (0.9 * k * hbm - weights) / kv_sequence
    batch = max(min(batch_cap, memory_batch), 1.0)
    step = max(
        (weights + batch * kv_sequence) / (k * bandwidth),  # decode reads weights + KV
        batch * 2 * model.active_parameters / (k * flops),  # or is compute-bound
    )
    prefill = 2 * model.active_parameters * model.prompt_tokens / (k * flops)
    per_replica = batch * model.output_tokens / (model.output_tokens * step + batch * prefill)
    return InferencePerformance(per_replica / k, k, batch, step, prefill)


def _calibration() -> float:
    h100 = get_accelerator("h100_sxm")
    return (
        MLPERF_H100_TOKENS_PER_S
        / _roofline(h100, MLPERF_LLAMA2_70B, MLPERF_LLAMA2_70B.max_batch).tokens_per_s
    )


def inference_performance(
    accelerator: Accelerator | str,
    model: InferenceModel = MLPERF_LLAMA2_70B,
    *,
    tpot_target_s: float | None = None,
) -> InferencePerformance:
    """Output tokens per second per accelerator from a calibrated roofline.

    Prefill is compute-bound (``2 N`` FLOP per prompt token at the dense peak of the
    weight format); decode is bound by reading the weights and the KV cache from HBM per
    step, or by compute at large batches. Tensor parallelism spreads the weights over
    the fewest power-of-two accelerators that keep them under 60 % of HBM. One efficiency
    factor, fitted once so that H100 reproduces MLPerf v4.1 Llama-2-70B offline (2,675
    tokens/s at FP8), scales every result [4]. A TPOT target shrinks the batch.

    Examples
    --------
    >>> round(inference_performance("h100_sxm").tokens_per_s)
    2675
    """
    acc = get_accelerator(accelerator) if isinstance(accelerator, str) else accelerator
    eta = _calibration()
    batch = float(model.max_batch)
    perf = _roofline(acc, model, batch)
    while tpot_target_s is not None and perf.tpot_s / eta > tpot_target_s and batch > 1:
        batch = max(batch / 2, 1.0)
        perf = _roofline(acc, model, batch)
    return InferencePerformance(
        perf.tokens_per_s * eta, perf.replica_size, perf.batch, perf.tpot_s / eta, perf.ttft_s / eta
    )


def diurnal_profile(
    hour_local: np.ndarray, peak_to_mean: float, peak_hour: float = 20.0
) -> np.ndarray:
    """Demand relative to its mean over a day [-] (mean 1, maximum ``peak_to_mean``).

    A cosine peaking at ``peak_hour`` local time; ``peak_to_mean`` of 1 is flat.

    Examples
    --------
    >>> diurnal_profile(np.array([20.0, 8.0]), 1.5).round(2)
    array([1.5, 0.5])
    """
    amplitude = min(max(peak_to_mean - 1.0, 0.0), 1.0)
    return np.asarray(1.0 + amplitude * np.cos(2 * np.pi * (hour_local - peak_hour) / 24.0))


def it_power_w(accelerators: float, system_w: float, utilisation: np.ndarray | float) -> np.ndarray:
    """IT power of a group of accelerators [W].

    Servers at ``idle + (1 - idle) * utilisation`` of their maximum, plus 10 % for scale-out
    network and storage (see :data:`NETWORK_STORAGE_OVERHEAD`).

    Examples
    --------
    >>> float(it_power_w(100_000, 1275.0, 1.0)) / 1e6  # 100k H100 at full load [MW]
    140.25
    """
    u = np.clip(np.asarray(utilisation, dtype=float), 0.0, 1.0)
    server = IDLE_POWER_FRACTION + (1 - IDLE_POWER_FRACTION) * u
    return np.asarray(accelerators * system_w * server * (1 + NETWORK_STORAGE_OVERHEAD))


NETWORKING_FRACTION = 0.15
"""Scale-out networking capex as a share of server capex [-]; an estimate."""


def hardware_capex(
    accelerator: Accelerator | str,
    accelerators: float,
    *,
    networking_fraction: float = NETWORKING_FRACTION,
) -> float:
    """Capital cost of accelerators, their servers and networking [USD].

    ``n x price x (1 + server overhead) x (1 + networking)``; networking at 15 % of server
    capex is an estimate.
    """
    acc = get_accelerator(accelerator) if isinstance(accelerator, str) else accelerator
    p = acc.params
    return accelerators * p["price_usd"] * (1 + p["server_overhead"]) * (1 + networking_fraction)


def ownership_cost(
    accelerator: Accelerator | str,
    accelerators: float,
    wacc: float,
    *,
    networking_fraction: float = NETWORKING_FRACTION,
) -> float:
    """Annualised capital cost of accelerators, servers and networking [USD/yr].

    :func:`hardware_capex` times ``CRF(wacc, life)``.
    """
    acc = get_accelerator(accelerator) if isinstance(accelerator, str) else accelerator
    capex = hardware_capex(acc, accelerators, networking_fraction=networking_fraction)
    return capex * capital_recovery_factor(wacc, acc.params["life_years"])


@dataclass(frozen=True)
class ComputePlan:
    """The IT load and fleet that a site's workloads imply (before the supply LP)."""

    firm_it_mw: np.ndarray
    flexible_it_mw: np.ndarray | None
    flexible: FlexibleTraining | None
    accelerators: dict[str, int]
    nameplate_it_mw: float
    training: list[tuple[TrainingSpec, TrainingResult]]
    inference: list[tuple[InferenceSpec, InferencePerformance, int, np.ndarray]]
    idle_it_mw: np.ndarray


def training_it_power_w(spec: TrainingSpec, result: TrainingResult) -> float:
    """Average IT power of a training fleet [W].

    Servers draw 75 % of their maximum while computing and idle during checkpoint writes
    (the dips, averaged over the hour).
    """
    acc = get_accelerator(spec.accelerator)
    busy = (TRAINING_POWER_FRACTION - IDLE_POWER_FRACTION) / (1 - IDLE_POWER_FRACTION)
    writing = result.checkpoint_s / (result.checkpoint_interval_s + result.checkpoint_s)
    return float(it_power_w(result.accelerators, acc.params["system_w"], busy * (1 - writing)))


def plan_compute(spec: ComputeSpec, hour_local: np.ndarray) -> ComputePlan:
    """Fleet and hourly IT load [MW] of a site's workloads.

    * Training fleets run back to back all year at their average draw (see
      :data:`TRAINING_POWER_FRACTION`), less the idle share of checkpoint writes.
    * Inference fleets are sized for the daily peak (rounded up to whole replicas) and
      draw ``idle + (1 - idle) * utilisation`` with demand following
      :func:`diurnal_profile`.
    * Idle accelerators draw :data:`IDLE_POWER_FRACTION` of their maximum.
    """
    n = len(hour_local)
    firm = np.zeros(n)
    flexible = None
    flex_spec = None
    accelerators: dict[str, int] = {}
    training = []
    for t in spec.training:
        flops = t.flops if t.flops is not None else training_flops(t.parameters or 0, t.tokens or 0)
        result = size_training(
            flops,
            t.accelerator,
            precision=t.precision.value,
            mfu=t.mfu,
            accelerators=t.accelerators,
            deadline_days=t.deadline_days,
            parameters=t.parameters,
            checkpoint_s=t.checkpoint_s,
            restart_s=t.restart_s,
        )
        training.append((t, result))
        accelerators[t.accelerator] = accelerators.get(t.accelerator, 0) + result.accelerators
        power_mw = np.full(n, training_it_power_w(t, result) / 1e6)
        if t.flexible is not None:
            flexible = power_mw if flexible is None else flexible + power_mw
            flex_spec = flex_spec or t.flexible
        else:
            firm += power_mw
    inference = []
    for s in spec.inference:
        model = InferenceModel(
            active_parameters=s.active_parameters,
            bytes_per_parameter=s.bytes_per_parameter,
            kv_bytes_per_token=s.kv_bytes_per_token,
            prompt_tokens=s.prompt_tokens,
            output_tokens=s.output_tokens,
            max_batch=s.max_batch,
        )
        perf = inference_performance(s.accelerator, model, tpot_target_s=s.tpot_target_s)
        demand = (
            s.tokens_per_day
            / 86_400
            * diurnal_profile(hour_local, s.peak_to_mean, s.peak_hour_local)
        )
        replicas = math.ceil(float(demand.max()) / (perf.tokens_per_s * perf.replica_size))
        count = replicas * perf.replica_size
        accelerators[s.accelerator] = accelerators.get(s.accelerator, 0) + count
        utilisation = demand / (count * perf.tokens_per_s)
        power_mw = (
            it_power_w(count, get_accelerator(s.accelerator).params["system_w"], utilisation) / 1e6
        )
        firm += power_mw
        inference.append((s, perf, count, power_mw))
    idle = np.zeros(n)
    for name, count in spec.idle_accelerators.items():
        accelerators[name] = accelerators.get(name, 0) + count
        idle += float(it_power_w(count, get_accelerator(name).params["system_w"], 0.0)) / 1e6
    firm += idle
    nameplate = sum(
        float(it_power_w(count, get_accelerator(name).params["system_w"], 1.0)) / 1e6
        for name, count in accelerators.items()
    )
    return ComputePlan(
        firm, flexible, flex_spec, accelerators, nameplate, training, inference, idle
    )
