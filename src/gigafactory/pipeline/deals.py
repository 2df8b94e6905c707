"""Compute deals both ways: what a contract buys, and what a campus must charge.

A study that chains the compute room (a fleet's power and hardware cost) and the economics
room (annuities), so it lives in the pipeline.

From a contract (value over years, or a campus size) to the compute it implies::

    accelerators N = campus W / (PUE x IT W per accelerator)   (or revenue / (price x 8,760 h))
    IT MW = N x system W x 1.1 (network, storage);  campus MW = IT MW x PUE
    energy = IT power at the mean utilisation x PUE x 8,760 h
    capex = N x price x (1 + server overhead) x 1.15 (networking) + IT MW x facility capex

with the fleet's power and hardware cost from :mod:`gigafactory.compute.hardware`, as a
scenario's compute section uses them.

and the provider's side: the annualised cost per accelerator-hour (hardware over its life,
facility over 20 years, energy at a price) against the price the contract implies.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from gigafactory import catalog, economics
from gigafactory.compute.hardware import hardware_capex, it_power_mw
from gigafactory.errors import ScenarioError, did_you_mean, ensure
from gigafactory.scenario import MAX_WACC, ComputeSpec
from gigafactory.summary import DealRow, DealTable
from gigafactory.units import HOURS_PER_YEAR

__all__ = [
    "DEAL_PRESETS",
    "ComputeDeal",
    "DealCompute",
    "IndustryScale",
    "deal_compute",
    "deal_presets",
    "deal_table",
    "fleet_yearly_cost",
    "industry_scale",
    "price_covering",
]

DEAL_PRESETS = "compute_deals.yaml"

PUE = 1.2
"""Campus PUE of a liquid-cooled GB200-class build [-]: SemiAnalysis's 100k-H100 cluster,
150 MW critical IT and 1.59 TWh/yr, is ~181 MW average facility power, PUE ~1.2
(nextbigfuture.com, Dec 2024); an estimate for any one campus."""

UTILISATION = 0.8
"""Mean accelerator utilisation for the energy a contract's fleet uses [-]; an estimate
(a fleet sold by the hour runs most hours, not all)."""

ENERGY_PRICE_USD_PER_MWH = 80.0
"""Energy price [USD/MWh]: US industrial average ~8 US cents/kWh in 2023 (EIA, Electric
Power Annual, average revenue by sector)."""

FACILITY_CAPEX_USD_PER_MW: float = ComputeSpec.model_fields["facility_capex_usd_per_mw"].default
"""Facility capex per MW of IT [USD/MW]: the scenario's ``compute.facility_capex_usd_per_mw``
default (Cushman & Wakefield 2025 US average)."""


@dataclass(frozen=True)
class ComputeDeal:
    """An announced compute deal and the assumptions its conversion needs."""

    name: str
    title: str
    accelerator: str
    value_usd: float | None = None
    years: float | None = None
    investment_usd: float | None = None
    campus_gw: float | None = None
    usd_per_accelerator_hour: float | None = None
    reported: dict[str, float] = field(default_factory=dict)
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class DealCompute:
    """What a deal buys, and the provider's cost against its price.

    Attributes
    ----------
    accelerators : float
        Accelerators the deal stands for [-].
    it_mw, campus_mw : float
        IT power at full load and campus power with PUE [MW].
    energy_mwh_per_year : float
        Campus energy at the mean utilisation [MWh/yr].
    hardware_capex_usd, facility_capex_usd : float
        Accelerators with servers and network, and the buildings and plant [USD].
    cost_usd_per_year : float
        Hardware over its life and the facility over 20 years at the WACC, plus energy
        [USD/yr].
    cost_usd_per_accelerator_hour : float
        The same per accelerator-hour [USD/h].
    revenue_usd_per_year : float or None
        The contract's value per year [USD/yr]; None for an investment or a size alone.
    price_usd_per_accelerator_hour : float or None
        The price the contract implies [USD/h].
    margin : float or None
        Share of the revenue left after the cost [-].
    capex_usd_per_gw : float
        Hardware and facility capex per GW of campus [USD/GW].
    """

    accelerators: float
    it_mw: float
    campus_mw: float
    energy_mwh_per_year: float
    hardware_capex_usd: float
    facility_capex_usd: float
    cost_usd_per_year: float
    cost_usd_per_accelerator_hour: float
    revenue_usd_per_year: float | None
    price_usd_per_accelerator_hour: float | None
    margin: float | None
    capex_usd_per_gw: float


def _number(value: Any) -> float | None:
    # YAML 1.1 reads 300.0e9 (no sign in the exponent) as text
    return None if value is None else float(value)


@functools.cache
def deal_presets() -> dict[str, ComputeDeal]:
    """The announced deals bundled with the package, by name."""
    import yaml

    text = resources.files("gigafactory.data").joinpath(DEAL_PRESETS).read_text()
    raw: dict[str, dict[str, Any]] = yaml.safe_load(text)
    return {
        name: ComputeDeal(
            name=name,
            title=entry["title"],
            accelerator=entry["accelerator"],
            value_usd=_number(entry.get("value_usd")),
            years=_number(entry.get("years")),
            investment_usd=_number(entry.get("investment_usd")),
            campus_gw=_number(entry.get("campus_gw")),
            usd_per_accelerator_hour=_number(entry.get("usd_per_accelerator_hour")),
            reported={k: float(v) for k, v in entry.get("reported", {}).items()},
            sources=tuple(entry.get("sources", ())),
        )
        for name, entry in raw.items()
    }


def fleet_yearly_cost(
    accelerator: catalog.Accelerator,
    accelerators: float,
    *,
    pue: float,
    utilisation: float,
    energy_price_usd_per_mwh: float,
    facility_capex_usd_per_mw: float,
    wacc: float,
) -> tuple[float, float]:
    """Yearly cost of a fleet: the hardware annuity, and the facility's annuity plus energy.

    Hardware with servers and networking over its catalog life, the facility sized for the
    fleet at full load over 20 years, energy at the mean utilisation times PUE [USD/yr].
    """
    p = accelerator.params
    hardware = economics.annualised_capex(
        hardware_capex(accelerator, accelerators), wacc, p["life_years"]
    )
    it_mw = float(it_power_mw(accelerators, p["system_w"], 1.0))
    energy = float(it_power_mw(accelerators, p["system_w"], utilisation)) * pue * HOURS_PER_YEAR
    facility = economics.facility_cost(facility_capex_usd_per_mw, it_mw, wacc)
    return hardware, facility + energy * energy_price_usd_per_mwh


def deal_compute(
    deal: ComputeDeal,
    *,
    pue: float = PUE,
    utilisation: float = UTILISATION,
    energy_price_usd_per_mwh: float = ENERGY_PRICE_USD_PER_MWH,
    facility_capex_usd_per_mw: float = FACILITY_CAPEX_USD_PER_MW,
    wacc: float = 0.07,
) -> DealCompute:
    """What a deal buys: accelerators, power, energy, capex, and the provider's margin.

    The fleet comes from the price per accelerator-hour when the deal gives one, else from
    the campus power.

    Raises
    ------
    ScenarioError
        When the deal gives neither a price with a value nor a campus size, or names an
        accelerator the catalog lacks, or for a PUE below 1, a utilisation outside (0, 1],
        a price per accelerator-hour of 0 or less, a negative energy price or facility
        capex, or a WACC outside 0 to :data:`~gigafactory.scenario.MAX_WACC`.

    Examples
    --------
    >>> d = ComputeDeal("toy", "", "gb200", value_usd=8.76e9, years=1.0,
    ...                 usd_per_accelerator_hour=2.0)
    >>> round(deal_compute(d).accelerators)  # 8.76e9 USD / (2 USD/h x 8,760 h)
    500000
    """
    ensure(pue >= 1, "pue", pue, ">= 1")
    ensure(0 < utilisation <= 1, "utilisation", utilisation, "0 < share <= 1")
    ensure(
        energy_price_usd_per_mwh >= 0, "energy_price_usd_per_mwh", energy_price_usd_per_mwh, ">= 0"
    )
    ensure(
        facility_capex_usd_per_mw >= 0,
        "facility_capex_usd_per_mw",
        facility_capex_usd_per_mw,
        ">= 0",
    )
    ensure(0 <= wacc <= MAX_WACC, "wacc", wacc, f"0 <= wacc <= {MAX_WACC}, as finance.wacc")
    asked = deal.usd_per_accelerator_hour
    if asked is not None:  # the fleet is the value over it: none at 0, negative below
        ensure(asked > 0, "usd_per_accelerator_hour", asked, "> 0")
    table = catalog.accelerators()
    if deal.accelerator not in table:
        msg = (
            f"deal '{deal.name}': accelerator '{deal.accelerator}' not in the catalog"
            f"{did_you_mean(deal.accelerator, list(table))}"
        )
        raise ScenarioError(msg)
    accelerator = table[deal.accelerator]
    acc = accelerator.params
    it_w_each = float(it_power_mw(1.0, acc["system_w"], 1.0)) * 1e6  # at full load
    revenue = deal.value_usd / deal.years if deal.value_usd is not None and deal.years else None
    if deal.usd_per_accelerator_hour is not None and revenue is not None:
        accelerators = revenue / (deal.usd_per_accelerator_hour * HOURS_PER_YEAR)
    elif deal.campus_gw is not None:
        accelerators = deal.campus_gw * 1e9 / (pue * it_w_each)
    else:
        msg = (
            f"deal '{deal.name}': give campus_gw, or value_usd, years and usd_per_accelerator_hour"
        )
        raise ScenarioError(msg)
    it_mw = accelerators * it_w_each / 1e6
    energy = float(it_power_mw(accelerators, acc["system_w"], utilisation)) * pue * HOURS_PER_YEAR
    hardware = hardware_capex(accelerator, accelerators)
    facility = it_mw * facility_capex_usd_per_mw
    cost = sum(
        fleet_yearly_cost(
            accelerator,
            accelerators,
            pue=pue,
            utilisation=utilisation,
            energy_price_usd_per_mwh=energy_price_usd_per_mwh,
            facility_capex_usd_per_mw=facility_capex_usd_per_mw,
            wacc=wacc,
        )
    )
    hours = accelerators * HOURS_PER_YEAR
    price = revenue / hours if revenue is not None else None
    return DealCompute(
        accelerators=accelerators,
        it_mw=it_mw,
        campus_mw=it_mw * pue,
        energy_mwh_per_year=energy,
        hardware_capex_usd=hardware,
        facility_capex_usd=facility,
        cost_usd_per_year=cost,
        cost_usd_per_accelerator_hour=cost / hours,
        revenue_usd_per_year=revenue,
        price_usd_per_accelerator_hour=price,
        margin=None if revenue is None else 1.0 - cost / revenue,
        capex_usd_per_gw=(hardware + facility) / (it_mw * pue / 1e3),
    )


def price_covering(compute: DealCompute, margin: float = 0.0) -> float:
    """Price per accelerator-hour that covers a campus's cost and leaves ``margin`` [USD/h].

    ``cost / (1 - margin)``, the margin a share of the revenue.

    Examples
    --------
    >>> c = DealCompute(1, 1, 1, 1, 1, 1, 1, 2.0, None, None, None, 1)
    >>> price_covering(c, margin=0.2)
    2.5
    """
    ensure(0.0 <= margin < 1.0, "margin", margin, "0 <= share < 1 of the revenue")
    return compute.cost_usd_per_accelerator_hour / (1.0 - margin)


US_ELECTRICITY_TWH = 176.0 / 0.044
"""US electricity consumption [TWh/yr]: data centres' 176 TWh were 4.4 % of it in 2023
(LBNL, 2024 United States Data Center Energy Usage Report), so ~4,000 TWh."""

WORLD_ELECTRICITY_TWH = 415.0 / 0.015
"""World electricity consumption [TWh/yr]: data centres' ~415 TWh were ~1.5 % of it in 2024
(IEA, Energy and AI, Apr 2025), so ~27,700 TWh."""


@dataclass(frozen=True)
class IndustryScale:
    """What a spend on AI campuses builds, and its cost per GW of campus by part.

    Attributes
    ----------
    gw : float
        Campus power the spend builds [GW].
    accelerators : float
        Accelerators in it [-].
    twh_per_year : float
        Their energy at the mean utilisation [TWh/yr].
    share_of_us, share_of_world : float
        That energy against US and world electricity consumption [-].
    usd_per_gw : dict of str to float
        Capex per GW of campus: accelerators with servers, networking, facility, power
        supply [USD/GW].
    """

    gw: float
    accelerators: float
    twh_per_year: float
    share_of_us: float
    share_of_world: float
    usd_per_gw: dict[str, float]


def industry_scale(
    spend_usd: float,
    accelerator: str = "gb300",
    *,
    power_technology: str = "gas_cc",
    pue: float = PUE,
    utilisation: float = UTILISATION,
    facility_capex_usd_per_mw: float = FACILITY_CAPEX_USD_PER_MW,
) -> IndustryScale:
    """From a spend on AI campuses to GW, accelerators, TWh and shares of electricity.

    One GW of campus costs its accelerators (with servers), their networking, the facility
    and a power supply of that size built with ``power_technology`` (the catalog's capex per
    MW; gas combined cycle by default, as campuses that cannot wait for the grid build).

    Examples
    --------
    >>> one = industry_scale(1e12)
    >>> round(industry_scale(2e12).gw / one.gw, 6)
    2.0
    """
    ensure(spend_usd > 0, "spend_usd", spend_usd, "> 0")  # PUE and utilisation: deal_compute
    technologies = catalog.technologies()
    if power_technology not in technologies:
        msg = (
            f"power technology '{power_technology}' not in the catalog"
            f"{did_you_mean(power_technology, list(technologies))}"
        )
        raise ScenarioError(msg)
    per_gw = deal_compute(
        ComputeDeal("1 GW", "", accelerator, campus_gw=1.0),
        pue=pue,
        utilisation=utilisation,
        facility_capex_usd_per_mw=facility_capex_usd_per_mw,
    )
    acc = catalog.accelerators()[accelerator]
    servers = hardware_capex(acc, per_gw.accelerators, networking_fraction=0.0)
    parts = {
        "accelerators and servers": servers,
        "networking": per_gw.hardware_capex_usd - servers,
        "facility": per_gw.facility_capex_usd,
        "power supply": technologies[power_technology].params["capex_usd_per_mw"] * 1e3,
    }
    gw = spend_usd / sum(parts.values())
    twh = per_gw.energy_mwh_per_year * gw / 1e6
    return IndustryScale(
        gw=gw,
        accelerators=per_gw.accelerators * gw,
        twh_per_year=twh,
        share_of_us=twh / US_ELECTRICITY_TWH,
        share_of_world=twh / WORLD_ELECTRICITY_TWH,
        usd_per_gw=parts,
    )


def deal_table(**assumptions: float) -> DealTable:
    """Every bundled deal converted at the same assumptions (:func:`deal_compute`'s)."""
    rows = []
    for deal in deal_presets().values():
        bought = deal_compute(deal, **assumptions)
        rows.append(
            DealRow(
                name=deal.name,
                title=deal.title,
                accelerator=deal.accelerator,
                reported=dict(deal.reported),
                accelerators=bought.accelerators,
                campus_mw=bought.campus_mw,
                energy_mwh_per_year=bought.energy_mwh_per_year,
                capex_usd=bought.hardware_capex_usd + bought.facility_capex_usd,
                capex_usd_per_gw=bought.capex_usd_per_gw,
                cost_usd_per_accelerator_hour=bought.cost_usd_per_accelerator_hour,
                price_usd_per_accelerator_hour=bought.price_usd_per_accelerator_hour,
                margin=bought.margin,
                sources=list(deal.sources),
            )
        )
    return DealTable(deals=rows)
