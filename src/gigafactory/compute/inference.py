"""Inference serving: a calibrated roofline for tokens per second, and daily demand shapes.

References
----------
.. [1] MLCommons, MLPerf Inference v4.1 results, Llama-2-70B offline, closed division
   (H100 2,675 tokens/s per GPU at FP8).
.. [2] R. Pope et al., "Efficiently scaling transformer inference," Proc. MLSys 5, 2023
   (decode bound by memory bandwidth, prefill by compute; the roofline used here).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from gigafactory.catalog import Accelerator, get_accelerator

__all__ = [
    "CALIBRATION_ACCELERATOR",
    "MLPERF_H100_TOKENS_PER_S",
    "MLPERF_LLAMA2_70B",
    "USABLE_HBM_SHARE",
    "WEIGHTS_HBM_SHARE",
    "InferenceModel",
    "InferencePerformance",
    "diurnal_profile",
    "inference_performance",
    "mfu_tokens_per_s",
]

WEIGHTS_HBM_SHARE = 0.6
"""Largest share of a replica's HBM the weights may take before tensor parallelism doubles
[-]; an estimate (room for the KV cache of a useful batch)."""

USABLE_HBM_SHARE = 0.9
"""Share of HBM usable for weights and KV cache [-]; an estimate (activations, runtime and
fragmentation take the rest)."""

CALIBRATION_ACCELERATOR = "h100_sxm"
"""Catalog accelerator whose MLPerf result calibrates the roofline [1]."""


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
    # estimate: OpenOrca prompts, mean ~300 tokens (no published mean found)
    prompt_tokens=300.0,
    # MLPerf closed division requires 294.45 +-10 % tokens per sample
    output_tokens=294.0,
    # estimate: continuous batching at a TPOT-bounded 64 sequences per replica
    max_batch=64,
)
"""The MLPerf Inference Llama-2-70B benchmark as served at FP8 (calibration case)."""

MLPERF_H100_TOKENS_PER_S = 2_675.0
"""MLPerf v4.1 Llama-2-70B offline, H100 80GB, FP8: 10,700 tokens/s on 4 GPUs [1]."""


@dataclass(frozen=True)
class InferencePerformance:
    """Roofline throughput of one accelerator serving one model."""

    tokens_per_s: float
    replica_size: int
    batch: float
    tpot_s: float
    ttft_s: float


def _precision(model: InferenceModel) -> str:
    """Numeric format whose dense peak a model's weight format runs at."""
    if model.bytes_per_parameter >= 2:
        return "bf16"
    return "fp4" if model.bytes_per_parameter <= 0.5 else "fp8"


def mfu_tokens_per_s(acc: Accelerator, model: InferenceModel, mfu: float) -> float:
    """Output tokens per second per accelerator at a model FLOPs utilisation [1/s].

    Every prompt and output token costs ``2 N`` FLOP (N active parameters), so one query
    takes ``2 N (prompt + output)`` at ``mfu`` of the dense peak of the weight format.

    Examples
    --------
    >>> from gigafactory.catalog import get_accelerator
    >>> # H100 at FP8 (1,979 TFLOP/s), 70B, 300 + 294 tokens, 10 % MFU
    >>> round(mfu_tokens_per_s(get_accelerator("h100_sxm"), MLPERF_LLAMA2_70B, 0.10))
    700
    """
    flops = acc.peak_flops(_precision(model))
    per_query = 2 * model.active_parameters * (model.prompt_tokens + model.output_tokens)
    return mfu * flops * model.output_tokens / per_query


def _roofline(acc: Accelerator, model: InferenceModel, batch_cap: float) -> InferencePerformance:
    flops = acc.peak_flops(_precision(model))
    bandwidth = acc.params["hbm_bytes_per_s"]
    hbm = acc.params["hbm_bytes"]
    weights = model.active_parameters * model.bytes_per_parameter
    # KV cache shrinks with the weight format (FP4 models keep an FP8 cache at half size)
    kv_token = model.kv_bytes_per_token * min(model.bytes_per_parameter, 1.0)
    k = 1
    while weights > WEIGHTS_HBM_SHARE * k * hbm:  # tensor parallel until weights fit
        k *= 2
    context = model.prompt_tokens + model.output_tokens / 2
    kv_sequence = kv_token * context
    memory_batch = (USABLE_HBM_SHARE * k * hbm - weights) / kv_sequence
    batch = max(min(batch_cap, memory_batch), 1.0)
    step = max(
        (weights + batch * kv_sequence) / (k * bandwidth),  # decode reads weights + KV
        batch * 2 * model.active_parameters / (k * flops),  # or is compute-bound
    )
    prefill = 2 * model.active_parameters * model.prompt_tokens / (k * flops)
    per_replica = batch * model.output_tokens / (model.output_tokens * step + batch * prefill)
    return InferencePerformance(per_replica / k, k, batch, step, prefill)


@functools.cache
def _calibration() -> float:
    h100 = get_accelerator(CALIBRATION_ACCELERATOR)
    return (
        MLPERF_H100_TOKENS_PER_S
        / _roofline(h100, MLPERF_LLAMA2_70B, MLPERF_LLAMA2_70B.max_batch).tokens_per_s
    )


def inference_performance(
    accelerator: Accelerator | str,
    model: InferenceModel = MLPERF_LLAMA2_70B,
    *,
    tpot_target_s: float | None = None,
    mfu: float | None = None,
    tokens_per_s: float | None = None,
) -> InferencePerformance:
    """Output tokens per second per accelerator from a calibrated roofline.

    Prefill is compute-bound (``2 N`` FLOP per prompt token at the dense peak of the
    weight format); decode is bound by reading the weights and the KV cache from HBM per
    step, or by compute at large batches. Tensor parallelism spreads the weights over
    the fewest power-of-two accelerators that keep them under 60 % of HBM. One efficiency
    factor, fitted once so that H100 reproduces MLPerf v4.1 Llama-2-70B offline (2,675
    tokens/s at FP8), scales every result [1]. A TPOT target shrinks the batch.

    Where a throughput is known, it replaces the roofline's: ``mfu`` gives it from model
    FLOPs utilisation (:func:`mfu_tokens_per_s`), ``tokens_per_s`` is a measured one [1/s].
    The replica size stays the roofline's, and the latencies scale with the throughput at
    the roofline's batch.

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
    rate = perf.tokens_per_s * eta
    if mfu is not None:
        rate = mfu_tokens_per_s(acc, model, mfu)
    elif tokens_per_s is not None:
        rate = tokens_per_s
    slower = perf.tokens_per_s * eta / rate
    return InferencePerformance(
        rate,
        perf.replica_size,
        perf.batch,
        perf.tpot_s / eta * slower,
        perf.ttft_s / eta * slower,
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
