"""Compute: reference cases from published runs and benchmarks, hand checks, invariants."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigafactory import catalog, compute, economics
from gigafactory.economics import capital_recovery_factor

LLAMA_405B_FLOPS = compute.training_flops(405e9, 15.6e12)


def test_llama31_405b_flops_hours_and_emissions():
    # Meta model card: 405B parameters, 15.6T tokens -> 6ND = 3.8e25 FLOPs
    assert LLAMA_405B_FLOPS == pytest.approx(3.8e25, rel=0.01)
    # Llama 3 paper Table 4: 16,384 H100 at 38-43 % MFU (BF16); model card: 30.84M H100-hours
    run = compute.size_training(
        LLAMA_405B_FLOPS, "h100_sxm", mfu=0.40, accelerators=16_384, parameters=405e9
    )
    assert run.accelerator_hours == pytest.approx(30.84e6, rel=0.10)
    # Model card: 8,930 tCO2e location-based at 700 W per GPU, i.e. 0.414 kg/kWh
    tco2e = run.accelerator_hours * 0.700 * 0.41 / 1e3
    assert tco2e == pytest.approx(8_930, rel=0.10)


def test_llama3_interruptions_and_effective_training_time():
    # Llama 3 paper Table 5: 419 unexpected interruptions in 54 days on 16,384 H100,
    # > 90 % effective training time. Checkpoint: 16 B/param x 405e9 / 2 TB/s = 3.24 s.
    g, interval_s, job_mtbi_h = compute.goodput(16_384, 405e9 * 16 / 2e12)
    assert 54 * 24 / job_mtbi_h == pytest.approx(419, rel=0.10)
    assert g > 0.90
    # Young: interval ~ sqrt(2 x 3.24 s x 3.09 h x 3600 s/h) = 268.6 s
    assert interval_s == pytest.approx(math.sqrt(2 * 3.24 * job_mtbi_h * 3600), rel=0.01)


@pytest.mark.parametrize(
    ("mtbi_h", "expected_min"),
    # Daly (2006), worked values with a 5-minute checkpoint
    [(24, 117), (6, 57), (0.25, 9.1)],
)
def test_daly_worked_examples(mtbi_h, expected_min):
    assert compute.checkpoint_interval(300, mtbi_h * 3600) / 60 == pytest.approx(
        expected_min, abs=0.5
    )


def test_mlperf_llama2_70b_ratios_after_one_calibration():
    # MLPerf Inference v4.1 Llama-2-70B offline per accelerator: H100 2,675 (FP8),
    # H200 4,016-4,488 (FP8), B200 11,264 (FP4): H200/H100 ~1.5, B200/H100 ~4.2
    h100 = compute.inference_performance("h100_sxm").tokens_per_s
    assert h100 == pytest.approx(2_675)
    h200 = compute.inference_performance("h200_sxm").tokens_per_s
    fp4 = replace(compute.MLPERF_LLAMA2_70B, bytes_per_parameter=0.5)
    b200 = compute.inference_performance("b200", fp4).tokens_per_s
    assert h200 / h100 == pytest.approx(1.5, rel=0.15)
    assert b200 / h100 == pytest.approx(4.2, rel=0.15)


def test_tpot_target_shrinks_the_batch():
    free = compute.inference_performance("h100_sxm")
    target = 0.97 * free.tpot_s
    tight = compute.inference_performance("h100_sxm", tpot_target_s=target)
    assert tight.batch < free.batch
    assert tight.tpot_s <= target
    assert tight.tokens_per_s < free.tokens_per_s
    # Reading 70 GB of FP8 weights from 2 x 3.35 TB/s takes ~10 ms per step at any batch,
    # so a 5 ms target cannot be met: batch 1, and the target is reported as missed.
    floor = compute.inference_performance("h100_sxm", tpot_target_s=0.005)
    assert floor.batch == 1
    assert floor.tpot_s > 0.005


def test_cluster_and_rack_power():
    h100 = catalog.get_accelerator("h100_sxm").params["system_w"]
    # SemiAnalysis: a 100k H100 cluster needs ~150 MW of critical IT
    # (DGX H100 10.2 kW / 8 = 1,275 W per GPU, +10 % network and storage = 140 MW)
    assert compute.it_power_w(100_000, h100, 1.0) / 1e6 == pytest.approx(150, rel=0.15)
    # GB200 NVL72 rack: 120-132 kW
    rack_w = 72 * catalog.get_accelerator("gb200").params["system_w"]
    assert 120e3 <= rack_w <= 132e3 + 1


def test_ownership_cost_by_hand():
    # 1 H100: 27,500 x 1.3 (server) x 1.15 (network) = 41,112.5 USD over 5 years at 7 %
    expected = 41_112.5 * capital_recovery_factor(0.07, 5)
    h100 = catalog.get_accelerator("h100_sxm")
    capex = compute.hardware_capex(h100, 1)
    assert capex == pytest.approx(41_112.5)
    assert economics.annualised_capex(capex, 0.07, h100.params["life_years"]) == pytest.approx(
        expected
    )
    assert expected == pytest.approx(10_027, abs=1)


def test_diurnal_profile_keeps_the_mean():
    hours = np.arange(24, dtype=float)
    profile = compute.diurnal_profile(hours, 1.6, peak_hour=19)
    assert profile.mean() == pytest.approx(1.0)
    assert profile.max() == pytest.approx(1.6)
    assert int(np.argmax(profile)) == 19


def test_deadline_sizing_meets_the_deadline():
    run = compute.size_training(LLAMA_405B_FLOPS, "h100_sxm", deadline_days=90, parameters=405e9)
    assert run.days <= 90
    assert run.accelerators % 8 == 0
    smaller = compute.size_training(
        LLAMA_405B_FLOPS, "h100_sxm", accelerators=run.accelerators - 8, parameters=405e9
    )
    assert smaller.days > 90 * (1 - 1e-3)


def test_training_needs_fleet_or_deadline():
    with pytest.raises(ValueError, match="give exactly one of accelerators or deadline_days"):
        compute.size_training(1e24, "h100_sxm")


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.05, 0.7),
    st.floats(0.05, 0.7),
    st.integers(8, 200_000),
    st.sampled_from(["h100_sxm", "gb200", "tpu7x", "mi355x"]),
)
def test_more_mfu_never_more_energy(mfu_a, mfu_b, n, accelerator):
    low, high = sorted((mfu_a, mfu_b))
    slow = compute.size_training(1e25, accelerator, mfu=low, accelerators=n, checkpoint_s=30)
    fast = compute.size_training(1e25, accelerator, mfu=high, accelerators=n, checkpoint_s=30)
    assert fast.accelerator_hours <= slow.accelerator_hours * (1 + 1e-12)
    slow_d = compute.size_training(1e25, accelerator, mfu=low, deadline_days=60, checkpoint_s=30)
    fast_d = compute.size_training(1e25, accelerator, mfu=high, deadline_days=60, checkpoint_s=30)
    assert fast_d.accelerator_hours <= slow_d.accelerator_hours * (1 + 1e-9)


@settings(max_examples=100)
@given(st.floats(1, 1e7), st.floats(0.1, 3600), st.floats(0, 7200), st.floats(10, 1e6))
def test_goodput_in_unit_interval(n, checkpoint_s, restart_s, mtbi_h):
    g, interval, _ = compute.goodput(
        n, checkpoint_s, restart_s=restart_s, accelerator_mtbi_h=mtbi_h
    )
    assert 0 < g <= 1
    assert interval > 0
