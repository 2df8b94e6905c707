"""Beyond NVIDIA: the cost of a million tokens on every accelerator in the catalog.

For one served model, each accelerator's throughput comes from the calibrated roofline
(:func:`gigafactory.compute.inference_performance`: H100 reproduces MLPerf v4.1 Llama-2-70B)
times a software-stack efficiency (1 unless given: no public measurement puts a number on
CUDA against ROCm, XLA or a vendor stack for the same model and batch, so every stack is
assumed to reach NVIDIA's calibrated efficiency until the user says otherwise). Its cost per
hour is the hardware over its life, its share of the facility over 20 years at the WACC,
and its energy. The break-even price says what a challenger may cost per accelerator to
match the reference's cost per million tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from gigafactory import catalog, compute
from gigafactory.errors import ScenarioError, did_you_mean, ensure
from gigafactory.pipeline.deals import (
    ENERGY_PRICE_USD_PER_MWH,
    FACILITY_CAPEX_USD_PER_MW,
    PUE,
    UTILISATION,
    fleet_yearly_cost,
)
from gigafactory.units import HOURS_PER_YEAR, SECONDS_PER_HOUR

__all__ = ["ChipCost", "chip_costs"]


@dataclass(frozen=True)
class ChipCost:
    """One accelerator serving one model: throughput, cost per hour and per million tokens.

    Attributes
    ----------
    accelerator : str
        Catalog name.
    tokens_per_s : float
        Output tokens per second per accelerator, stack efficiency applied [1/s].
    usd_per_hour : float
        Hardware, facility and energy per accelerator-hour [USD/h].
    hardware_usd_per_hour : float
        Of which the hardware annuity [USD/h].
    usd_per_million_tokens : float
        At the mean utilisation [USD/M tokens].
    break_even_price_usd : float
        Accelerator price at which it matches the reference's cost per million tokens [USD];
        negative where its other costs alone exceed the reference's.
    """

    accelerator: str
    tokens_per_s: float
    usd_per_hour: float
    hardware_usd_per_hour: float
    usd_per_million_tokens: float
    break_even_price_usd: float


def chip_costs(
    active_parameters: float = 70e9,
    bytes_per_parameter: float = 1.0,
    *,
    reference: str = "h100_sxm",
    stack_efficiency: Mapping[str, float] | None = None,
    utilisation: float = UTILISATION,
    pue: float = PUE,
    energy_price_usd_per_mwh: float = ENERGY_PRICE_USD_PER_MWH,
    facility_capex_usd_per_mw: float = FACILITY_CAPEX_USD_PER_MW,
    wacc: float = 0.07,
) -> list[ChipCost]:
    """Every catalog accelerator serving one model, cheapest per million tokens first.

    The model is MLPerf's Llama-2-70B request shape (prompts, outputs, KV cache per token,
    batch) with ``active_parameters`` stored at ``bytes_per_parameter``.

    Raises
    ------
    ScenarioError
        For a reference or a stack-efficiency name the catalog lacks, an efficiency
        outside (0, 2], a model of no parameters or weights of no bytes.
    """
    ensure(active_parameters > 0, "active_parameters", active_parameters, "> 0")
    ensure(bytes_per_parameter > 0, "bytes_per_parameter", bytes_per_parameter, "> 0")
    ensure(0 < utilisation <= 1, "utilisation", utilisation, "0 < share <= 1")
    ensure(pue >= 1, "pue", pue, ">= 1")
    model = replace(
        compute.MLPERF_LLAMA2_70B,
        active_parameters=active_parameters,
        bytes_per_parameter=bytes_per_parameter,
    )
    table = catalog.accelerators()
    efficiency = dict(stack_efficiency or {})
    for name in [reference, *efficiency]:
        if name not in table:
            msg = f"accelerator '{name}' not in the catalog{did_you_mean(name, list(table))}"
            raise ScenarioError(msg)
    for name, value in efficiency.items():
        if not 0 < value <= 2:
            msg = f"stack efficiency of {name}: {value}, allowed 0 < e <= 2"
            raise ScenarioError(msg)

    def parts(name: str) -> tuple[float, float, float, float]:
        hardware, other = fleet_yearly_cost(
            table[name],
            1.0,
            pue=pue,
            utilisation=utilisation,
            energy_price_usd_per_mwh=energy_price_usd_per_mwh,
            facility_capex_usd_per_mw=facility_capex_usd_per_mw,
            wacc=wacc,
        )
        rate = compute.inference_performance(table[name], model).tokens_per_s
        rate *= efficiency.get(name, 1.0)
        tokens_per_year = rate * SECONDS_PER_HOUR * HOURS_PER_YEAR * utilisation
        return hardware, other, tokens_per_year, rate

    def per_million(hardware: float, other: float, tokens: float) -> float:
        return (hardware + other) / tokens * 1e6

    target_h, target_o, target_t, _ = parts(reference)
    target = per_million(target_h, target_o, target_t)
    out = []
    for name in table:
        try:
            hardware, other, tokens, rate = parts(name)
        except (KeyError, ValueError):  # no rate at the model's format, or no HBM room
            continue
        # hardware cost is proportional to the price: solve cost per million = target
        price = table[name].params["price_usd"]
        allowed_hardware = target * tokens / 1e6 - other
        out.append(
            ChipCost(
                accelerator=name,
                tokens_per_s=rate,
                usd_per_hour=(hardware + other) / HOURS_PER_YEAR,
                hardware_usd_per_hour=hardware / HOURS_PER_YEAR,
                usd_per_million_tokens=per_million(hardware, other, tokens),
                break_even_price_usd=price * allowed_hardware / hardware,
            )
        )
    return sorted(out, key=lambda c: c.usd_per_million_tokens)
