"""Compute sections of a scenario: training runs, inference services, accelerators.

Users may define accelerators the catalog lacks (:class:`AcceleratorSpec`, under the
scenario's ``accelerators:``); they carry their own source and enter the model exactly as a
catalog row would. The accounting boundary (:class:`AccountingBoundary`) says which energy a
run's figures count, so that published numbers (a model card's GPU-hours x TDP) can be
reproduced next to the full facility's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from gigafactory import catalog
from gigafactory.scenario.base import FIRST_YEAR, LAST_YEAR, ScenarioModel

__all__ = [
    "AcceleratorSpec",
    "AccountingBoundary",
    "ComputeSpec",
    "FlexibleTraining",
    "InferenceSpec",
    "Precision",
    "TrainingSpec",
]


class AccountingBoundary(StrEnum):
    """Which energy a training run's or inference service's figures count.

    ``accelerator``: the chips at their TDP for every accelerator-hour, the convention of
    published model cards (Llama 2 and 3, BLOOM: "TDP as peak power"), an upper bound of the
    chips' own draw. ``server``: whole servers at their modelled draw, without the scale-out
    network, storage and facility overheads. ``facility``: everything the site meters, IT
    with network and storage times the hourly PUE (the default).
    """

    accelerator = "accelerator"
    server = "server"
    facility = "facility"


class AcceleratorSpec(ScenarioModel):
    """An accelerator the catalog lacks, with its own source (datasheet values)."""

    label: str = Field(min_length=1, description="Product name [-]")
    vendor: str = Field(min_length=1, description="Vendor [-]")
    tdp_w: float = Field(gt=0, le=5_000, description="Thermal design power of one chip [W]")
    system_w: float = Field(
        gt=0, le=20_000, description="Server power per accelerator at full load [W]"
    )
    bf16_tflops: float = Field(gt=0, le=100_000, description="Dense BF16 peak [TFLOP/s]")
    fp8_tflops: float | None = Field(None, gt=0, le=100_000, description="Dense FP8 peak [TFLOP/s]")
    fp4_tflops: float | None = Field(None, gt=0, le=100_000, description="Dense FP4 peak [TFLOP/s]")
    hbm_gb: float = Field(gt=0, le=10_000, description="Memory per chip [GB]")
    hbm_tb_s: float = Field(gt=0, le=1_000, description="Memory bandwidth per chip [TB/s]")
    scaleup_domain: int = Field(8, ge=1, description="Chips in one scale-up domain [-]")
    price_usd: float = Field(gt=0, description="Price per accelerator [USD]")
    server_overhead: float = Field(
        0.3, ge=0, le=5, description="Host, memory and chassis on top of the price; an estimate [-]"
    )
    life_years: float = Field(5.0, gt=0, le=20, description="Depreciation life [yr]")
    source: str = Field(min_length=1, description="Public document the values come from [-]")
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="Year of the source [-]")
    estimate: bool = Field(False, description="True where the values are estimates [-]")

    @model_validator(mode="after")
    def _server_holds_chip(self) -> AcceleratorSpec:
        if self.system_w < self.tdp_w:
            msg = (
                f"system_w {self.system_w:g} W is below tdp_w {self.tdp_w:g} W: system_w is "
                "the whole server's power per accelerator, at least the chip's TDP"
            )
            raise ValueError(msg)
        return self

    def to_accelerator(self, name: str) -> catalog.Accelerator:
        """The accelerator in the catalog's canonical units, converted as a catalog row is."""
        values: dict[str, tuple[object, str]] = {
            "name": (self.label, "-"),
            "vendor": (self.vendor, "-"),
            "tdp": (self.tdp_w, "W"),
            "system_power": (self.system_w, "W"),
            "bf16": (self.bf16_tflops, "TFLOP/s"),
            "fp8": (self.fp8_tflops, "TFLOP/s"),
            "fp4": (self.fp4_tflops, "TFLOP/s"),
            "hbm": (self.hbm_gb, "GB"),
            "hbm_bandwidth": (self.hbm_tb_s, "TB/s"),
            "scaleup_domain": (self.scaleup_domain, "chips"),
            "price": (self.price_usd, "USD"),
            "server_overhead": (self.server_overhead, "-"),
            "life": (self.life_years, "yr"),
        }
        rows = [
            {
                "parameter": parameter,
                "value": str(value),
                "unit": unit,
                "source": f"scenario: {self.source}",
                "year": str(self.year),
                "estimate": str(self.estimate).lower(),
            }
            for parameter, (value, unit) in values.items()
            if value is not None
        ]
        return catalog.accelerator_from_rows(name, rows, "the scenario's accelerators")


class Precision(StrEnum):
    """Numeric format of a workload."""

    bf16 = "bf16"
    fp8 = "fp8"
    fp4 = "fp4"


class FlexibleTraining(ScenarioModel):
    """Training that may slow down in any hour if its energy over each window is delivered."""

    floor: float = Field(
        0.5, ge=0, le=1, description="Lowest pace in any hour, share of nominal [-]"
    )
    ceiling: float = Field(
        1.1,
        ge=1,
        le=2,
        description="Highest pace, share of nominal: spare accelerators or raised power caps; "
        "an estimate [-]",
    )
    window_hours: int = Field(
        168, ge=1, le=8760, description="Energy is delivered within each window of this length [h]"
    )


class TrainingSpec(ScenarioModel):
    """A training run; its fleet trains back to back all year."""

    name: str = Field(min_length=1, description="Label [-]")
    accelerator: str = Field(description="Catalog accelerator [-]")
    parameters: float | None = Field(None, gt=0, description="Parameters N (active) [-]")
    tokens: float | None = Field(None, gt=0, description="Training tokens D [-]")
    flops: float | None = Field(None, gt=0, description="Training compute; default 6 N D [FLOP]")
    precision: Precision = Field(Precision.bf16, description="Format of the MFU's peak [-]")
    mfu: float = Field(
        0.40, gt=0, le=1, description="Model FLOPs utilisation; Llama 3 405B 38-43 % [-]"
    )
    accelerators: int | None = Field(None, gt=0, description="Fleet size [-]")
    deadline_days: float | None = Field(None, gt=0, description="Size the fleet to finish in [d]")
    checkpoint_s: float | None = Field(
        None, gt=0, description="Checkpoint write time; default 16 B/param at 2 TB/s [s]"
    )
    restart_s: float = Field(600.0, ge=0, description="Restart time after an interruption [s]")
    flexible: FlexibleTraining | None = Field(
        None, description="Let the supply optimisation slow training down [-]"
    )

    @model_validator(mode="after")
    def _complete(self) -> TrainingSpec:
        if self.flops is None and (self.parameters is None or self.tokens is None):
            msg = "give flops, or parameters and tokens"
            raise ValueError(msg)
        if (self.accelerators is None) == (self.deadline_days is None):
            msg = "give exactly one of accelerators or deadline_days"
            raise ValueError(msg)
        return self


class InferenceSpec(ScenarioModel):
    """An inference service: a model, its traffic and latency targets."""

    name: str = Field(min_length=1, description="Label [-]")
    accelerator: str = Field(description="Catalog accelerator [-]")
    active_parameters: float = Field(gt=0, description="Active parameters per token [-]")
    bytes_per_parameter: float = Field(1.0, gt=0, le=4, description="Weight format, FP8 = 1 [B]")
    kv_bytes_per_token: float = Field(
        163_840.0, gt=0, description="KV cache per token at 1 B/value; Llama-2-70B 163,840 [B]"
    )
    tokens_per_day: float = Field(gt=0, description="Output tokens served per day [-]")
    prompt_tokens: float = Field(300.0, ge=0, description="Mean prompt length [-]")
    output_tokens: float = Field(300.0, gt=0, description="Mean output length [-]")
    peak_to_mean: float = Field(1.5, ge=1, le=2, description="Daily peak over mean demand [-]")
    peak_hour_local: float = Field(20.0, ge=0, lt=24, description="Hour of peak demand [h]")
    max_batch: int = Field(64, ge=1, description="Sequences per replica at most [-]")
    ttft_target_s: float | None = Field(None, gt=0, description="Time to first token target [s]")
    tpot_target_s: float | None = Field(None, gt=0, description="Time per output token target [s]")
    mfu: float | None = Field(
        None,
        gt=0,
        le=1,
        description="Throughput from model FLOPs utilisation instead of the roofline: "
        "2 N FLOP per prompt and output token at this share of the dense peak [-]",
    )
    tokens_per_s_per_accelerator: float | None = Field(
        None, gt=0, description="Measured output throughput instead of the roofline [1/s]"
    )

    @model_validator(mode="after")
    def _one_throughput(self) -> InferenceSpec:
        if self.mfu is not None and self.tokens_per_s_per_accelerator is not None:
            msg = "give mfu or tokens_per_s_per_accelerator, not both"
            raise ValueError(msg)
        return self


class ComputeSpec(ScenarioModel):
    """AI workloads of a site; they set its IT load."""

    training: list[TrainingSpec] = Field(default_factory=list, description="Training runs [-]")
    inference: list[InferenceSpec] = Field(
        default_factory=list, description="Inference services [-]"
    )
    idle_accelerators: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="Installed accelerators without work [-]"
    )
    rent_usd_per_accelerator_hour: float = Field(
        2.35,
        gt=0,
        description="Rental price to compare with owning; SemiAnalysis H100 rental index, "
        "Mar 2026 [USD/h]",
    )
    facility_capex_usd_per_mw: float = Field(
        11.7e6,
        ge=0,
        description="Facility capex per MW of IT; Cushman & Wakefield 2025 US average [USD/MW]",
    )
    boundary: AccountingBoundary = Field(
        AccountingBoundary.facility,
        description="Energy that training and inference figures count: accelerator (TDP x "
        "accelerator-hours, as model cards), server or facility [-]",
    )

    @model_validator(mode="after")
    def _some_work(self) -> ComputeSpec:
        if not self.training and not self.inference and not self.idle_accelerators:
            msg = "give training, inference or idle_accelerators"
            raise ValueError(msg)
        return self
