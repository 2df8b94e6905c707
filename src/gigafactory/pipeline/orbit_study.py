"""Orbit study: the first site's compute fleet in orbit, against that site on the ground."""

from __future__ import annotations

from typing import Any

from gigafactory import compute, economics, orbital
from gigafactory.errors import ScenarioError
from gigafactory.pipeline.prepare import PreparedSite, prepare_site
from gigafactory.pipeline.summarise import size_site
from gigafactory.scenario import Scenario
from gigafactory.summary import (
    OrbitDesignSummary,
    OrbitGround,
    OrbitSensitivity,
    OrbitSummary,
    TornadoEntry,
)
from gigafactory.units import HOURS_PER_YEAR

__all__ = ["TORNADO_SWINGS", "orbit", "orbit_summary"]

TORNADO_SWINGS = {
    "launch_usd_per_kg": (1 / 3, 3.0),
    "array_usd_per_w": (1 / 3, 3.0),
    "hardware_life_years": (0.6, 1.4),
    "array_specific_power_w_kg": (0.5, 2.0),
    "radiator_kg_m2": (0.5, 2.0),
}
"""Low and high multiples of each base assumption in the tornado [-]; estimates of how far
each is uncertain: launch and array prices within a factor of 3 (Falcon Heavy ~1,500 USD/kg
against Starship targets), hardware life 3-7 years around 5, array specific power and
radiator areal mass within a factor of 2 of today's flown hardware."""

_DESIGN_KEYS = (
    "altitude_km",
    "inclination_deg",
    "cell_efficiency",
    "array_specific_power_w_kg",
    "array_usd_per_w",
    "radiator_temperature_c",
    "radiator_kg_m2",
    "radiator_usd_m2",
    "battery_wh_kg",
    "battery_usd_per_kwh",
    "structure_fraction",
    "launch_usd_per_kg",
    "launch_capacity_kg",
    "hardware_life_years",
    "system_life_years",
)
"""Scenario orbit options that :func:`gigafactory.orbital.design` takes as they are."""


def _design(
    options: dict[str, Any], plan: compute.ComputePlan, wacc: float
) -> orbital.OrbitalDesign:
    hardware_capex = sum(
        compute.hardware_capex(plan.hardware[name], n) for name, n in plan.accelerators.items()
    )
    return orbital.design(
        it_power_mw=plan.nameplate_it_mw,
        accelerators=sum(plan.accelerators.values()),
        accelerator_capex_usd=hardware_capex,
        accelerator_mass_kg=options["accelerator_mass_kg"],
        hardware_crf=economics.capital_recovery_factor(wacc, options["hardware_life_years"]),
        system_crf=economics.capital_recovery_factor(wacc, options["system_life_years"]),
        **{k: options[k] for k in _DESIGN_KEYS},
    )


def orbit(scenario: Scenario) -> OrbitSummary:
    """Put the first site's compute fleet in orbit and compare it with that site.

    The ground side is sized without the supply LP (energy at the site's tariff, see
    :func:`~gigafactory.pipeline.size`); the orbital side follows
    :func:`gigafactory.orbital.design` for the base options and each variant. Costs are
    compared per useful accelerator-hour (orbital hours derated for radiation).

    Returns
    -------
    OrbitSummary
        The base design (sunlight, sizing, mass, launches, cost per accelerator-hour,
        break-even launch price), ``ground`` (the site's figures), ``variants`` and
        ``sensitivity`` (cost per accelerator-hour against launch price, and a tornado of
        the other assumptions).
    """
    if scenario.orbit is None:
        msg = "orbit: the scenario has no 'orbit' section"
        raise ScenarioError(msg)
    return orbit_summary(scenario, prepare_site(scenario, 0))


def orbit_summary(scenario: Scenario, prep: PreparedSite) -> OrbitSummary:
    """:func:`orbit` with the first site already prepared."""
    spec = scenario.orbit
    assert spec is not None
    ground_site = size_site(prep, scenario.finance.wacc)
    plan = prep.compute
    assert plan is not None
    ground = ground_site.compute
    assert ground is not None
    n = sum(plan.accelerators.values())
    wacc = scenario.finance.wacc
    base = spec.model_dump(exclude={"variants", "launch_prices_usd_per_kg"})

    def evaluate(options: dict[str, Any]) -> OrbitDesignSummary:
        d = _design(options, plan, wacc)
        useful_hours = n * HOURS_PER_YEAR * options["radiation_derate"]
        target = ground.usd_per_accelerator_hour * useful_hours
        it_mwh = plan.nameplate_it_mw * HOURS_PER_YEAR
        energy_system = (
            d.annual_cost_usd["launch_system"] + d.annual_cost_usd["power_thermal_hardware"]
        )
        return OrbitDesignSummary(
            sunlit_fraction=d.sunlight.sunlit_fraction,
            eclipse_max_min=d.sunlight.eclipse_max_min,
            eclipse_days=d.sunlight.eclipse_days,
            load_mw=d.load_mw,
            array_mw=d.array_mw,
            array_m2=d.array_m2,
            radiator_m2=d.radiator_m2,
            battery_mwh=d.battery_mwh,
            mass_t=d.mass_t,
            mass_breakdown_t=d.mass_breakdown_t,
            launches=d.launches,
            launches_per_year=d.launches_per_year,
            annual_cost_usd=d.total_annual_cost_usd,
            cost_breakdown_usd=d.annual_cost_usd,
            usd_per_accelerator_hour=d.total_annual_cost_usd / useful_hours,
            usd_per_mwh_equivalent=energy_system / it_mwh,
            breakeven_launch_usd_per_kg=orbital.breakeven_launch_price(
                d, options["launch_usd_per_kg"], target
            ),
        )

    def cost_at(options: dict[str, Any]) -> float:
        return evaluate(options).usd_per_accelerator_hour

    result = evaluate(base)
    variants = {name: evaluate({**base, **over}) for name, over in spec.variants.items()}
    prices = list(spec.launch_prices_usd_per_kg)
    curves = {"base": [cost_at({**base, "launch_usd_per_kg": p}) for p in prices]}
    for name, over in spec.variants.items():
        merged = {**base, **over}
        curves[name] = [cost_at({**merged, "launch_usd_per_kg": p}) for p in prices]
    tornado = {}
    for key, (low_factor, high_factor) in TORNADO_SWINGS.items():
        low, high = base[key] * low_factor, base[key] * high_factor
        tornado[key] = TornadoEntry(
            low_value=low,
            high_value=high,
            low_usd_per_accelerator_hour=cost_at({**base, key: low}),
            high_usd_per_accelerator_hour=cost_at({**base, key: high}),
        )
    return OrbitSummary(
        **dict(result),
        accelerators=plan.accelerators,
        ground=OrbitGround(
            site=prep.spec.id,
            usd_per_accelerator_hour=ground.usd_per_accelerator_hour,
            total_cost_of_ownership_usd=ground.total_cost_of_ownership_usd,
            energy_usd_per_it_mwh=ground_site.total_annual_cost_usd / ground_site.it_energy_mwh,
            pue_annual=ground_site.pue_annual,
        ),
        variants=variants,
        sensitivity=OrbitSensitivity(
            launch_usd_per_kg=prices,
            usd_per_accelerator_hour=curves,
            tornado=tornado,
        ),
    )
