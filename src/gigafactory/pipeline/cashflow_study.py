"""A campus's cash flow: what it costs to build and run, what it earns, NPV, IRR, payback.

The scenario is run as usual; its solved sites give the overnight capex (power assets built
by the LP, the facility, the accelerators), the yearly operating cost of the energy supply
(everything in the summary's annual cost but the power assets' annuities) and the fleet.
Revenue is the fleet's accelerator-hours sold at a price. The WACC comes from the capital
structure. Accelerators are bought again at the end of their life; power assets and the
building are not replaced within the horizon (their lives, 20-30 years in the catalog,
mostly exceed it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gigafactory import compute, economics
from gigafactory.economics.costs import FACILITY_LIFE_YEARS
from gigafactory.errors import ScenarioError, ensure
from gigafactory.pipeline.deals import UTILISATION
from gigafactory.pipeline.prepare import PreparedSite, prepare_site
from gigafactory.pipeline.roadmap_study import plan_roadmap, roadmap_lives
from gigafactory.pipeline.runner import run_prepared
from gigafactory.scenario import Scenario
from gigafactory.summary import CashFlowSummary, SiteSummary
from gigafactory.units import HOURS_PER_YEAR

__all__ = [
    "CampusCashFlow",
    "CapitalStructure",
    "campus_cash_flow",
    "cash_flow_summary",
]

SENSITIVITY = 0.2
"""Each driver moved down and up by this share for the sensitivity table [-]."""


@dataclass(frozen=True)
class CapitalStructure:
    """How the campus is financed; the defaults are estimates for a data-centre project.

    60 % debt at 6 % and 12 % asked by equity give a WACC of 8.4 % before tax. Debt is
    drawn with the capex and repaid as an annuity over ``tenor_years`` from the first
    operating year (10 years: between GPU-backed loans of ~5 years and the 15-20 of
    infrastructure project finance, an estimate).
    """

    debt_share: float = 0.6
    interest: float = 0.06
    equity_return: float = 0.12
    tax_rate: float = 0.0
    tenor_years: int = 10

    def __post_init__(self) -> None:
        ensure(0 <= self.debt_share <= 1, "debt_share", self.debt_share, "0 <= share <= 1")
        ensure(self.interest >= 0, "interest", self.interest, ">= 0")
        ensure(self.equity_return >= 0, "equity_return", self.equity_return, ">= 0")
        ensure(0 <= self.tax_rate < 1, "tax_rate", self.tax_rate, "0 <= rate < 1")
        ensure(self.tenor_years >= 1, "tenor_years", self.tenor_years, ">= 1")

    @property
    def wacc(self) -> float:
        """The weighted average cost of capital [-]."""
        return economics.wacc(self.debt_share, self.interest, self.equity_return, self.tax_rate)


@dataclass(frozen=True)
class CampusCashFlow:
    """Yearly cash flow of a campus and what it is worth.

    Attributes
    ----------
    years : numpy.ndarray
        Calendar years, construction first [yr].
    capex_usd, opex_usd, revenue_usd, net_usd : numpy.ndarray
        Per year [USD].
    capex_parts_usd : dict of str to float
        Overnight capex by part: power assets, facility, accelerators [USD].
    wacc, npv_usd, irr, payback_years : float
        At the structure's WACC; IRR NaN where the flows never turn; payback from the first
        construction year, ``inf`` where never.
    sensitivity : list of (str, float, float)
        NPV with each driver 20 % down and up [USD], largest swing first.
    debt : DebtSchedule or None
        Debt drawn, interest, repayments and balance per year.
    equity_usd : numpy.ndarray or None
        The equity's cash flow: net flow plus debt drawn less debt service [USD].
    equity_irr : float
        IRR of the equity's cash flow (NaN where it never turns) [-].
    min_dscr : float
        Lowest debt service coverage ratio, operating cash flow over debt service, in the
        years with debt service (``inf`` without debt) [-].
    residual_usd : numpy.ndarray or None
        Value of the assets left at the horizon's end (straight-line over their lives), in
        its last year; part of ``net_usd`` [USD].
    """

    years: np.ndarray
    capex_usd: np.ndarray
    opex_usd: np.ndarray
    revenue_usd: np.ndarray
    net_usd: np.ndarray
    capex_parts_usd: dict[str, float]
    wacc: float
    npv_usd: float
    irr: float
    payback_years: float
    sensitivity: list[tuple[str, float, float]] = field(default_factory=list)
    debt: economics.DebtSchedule | None = None
    equity_usd: np.ndarray | None = None
    equity_irr: float = float("nan")
    min_dscr: float = float("inf")
    residual_usd: np.ndarray | None = None


def _site_parts(prep: PreparedSite, site: SiteSummary) -> tuple[dict[str, float], float, float]:
    """Overnight capex by part, the accelerators' refresh cost and their life."""
    existing = {t.name: t.existing_mw for t in prep.supply.techs}
    power = sum(
        prep.costs[name].capex_usd_per_mw * max(mw - existing.get(name, 0.0), 0.0)
        for name, mw in site.capacity_mw.items()
        if name in prep.costs
    )
    plan = prep.compute
    assert plan is not None
    assert prep.spec.compute is not None
    hardware = sum(
        compute.hardware_capex(plan.hardware[name], n) for name, n in plan.accelerators.items()
    )
    life = min(plan.hardware[name].params["life_years"] for name in plan.accelerators)
    facility = prep.spec.compute.facility_capex_usd_per_mw * plan.nameplate_it_mw
    return {"power assets": power, "facility": facility, "accelerators": hardware}, hardware, life


def _check_sale(price: float, sold_share: float, construction_years: int) -> None:
    """A price, a share of hours sold and a build time a cash flow can stand on."""
    ensure(price >= 0, "price_usd_per_accelerator_hour", price, ">= 0")
    ensure(0 < sold_share <= 1, "sold_share", sold_share, "0 < share <= 1")
    ensure(construction_years >= 1, "construction_years", construction_years, ">= 1")


def campus_cash_flow(
    scenario: Scenario,
    price_usd_per_accelerator_hour: float,
    *,
    start_year: int = 2026,
    construction_years: int = 2,
    operating_years: int = 15,
    sold_share: float = UTILISATION,
    capital: CapitalStructure | None = None,
) -> CampusCashFlow:
    """The cash flow of every site with compute in ``scenario``, added up.

    Parameters
    ----------
    scenario : Scenario
        A scenario whose sites have a ``compute`` section.
    price_usd_per_accelerator_hour : float
        What an accelerator-hour sells for [USD/h].
    start_year : int
        First construction year [yr].
    construction_years, operating_years : int
        Build and use [yr].
    sold_share : float
        Share of the fleet's hours sold [-] (0.8, an estimate).
    capital : CapitalStructure, optional
        Debt, interest, equity return and tax; the default structure if none.

    Raises
    ------
    ScenarioError
        When no site has a compute section (no fleet to earn from), or for a negative
        price, a share sold outside (0, 1] or a build or use of no years.
    """
    _check_sale(price_usd_per_accelerator_hour, sold_share, construction_years)
    ensure(operating_years >= 1, "operating_years", operating_years, ">= 1")
    capital = capital or CapitalStructure()
    results, prepared = run_prepared(scenario)
    parts = {"power assets": 0.0, "facility": 0.0, "accelerators": 0.0}
    refresh, lives, opex, accelerators = 0.0, [], 0.0, 0
    for prep, site in zip(prepared, results.summary.sites, strict=True):
        if prep.compute is None:
            continue
        site_parts, hardware, life = _site_parts(prep, site)
        for key, value in site_parts.items():
            parts[key] += value
        refresh += hardware
        lives.append(life)
        opex += site.total_annual_cost_usd - site.cost_breakdown_usd.capex_annualised
        accelerators += sum(prep.compute.accelerators.values())
    if not lives:
        msg = f"{scenario.name}: no site has a compute section, so there is no fleet to earn from"
        raise ScenarioError(msg)
    revenue = price_usd_per_accelerator_hour * accelerators * HOURS_PER_YEAR * sold_share

    def flows(scale: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        capex, op, rev = economics.campus_cash_flows(
            (parts["power assets"] + parts["facility"]) * scale["capex"]
            + parts["accelerators"] * scale["capex"] * scale["accelerator price"],
            refresh * scale["capex"] * scale["accelerator price"],
            min(lives),
            opex * scale["opex"],
            revenue * scale["price"],
            construction_years,
            operating_years,
        )
        return capex, op, rev

    years = np.arange(start_year, start_year + construction_years + operating_years)
    return _valued(years, flows, parts, capital, construction_years)


Flows = Callable[[dict[str, float]], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""Yearly capex, opex and revenue [USD] with each driver scaled (capex, accelerator price,
opex, price: 1 is the base case)."""


def _valued(
    years: np.ndarray,
    flows: Flows,
    parts: dict[str, float],
    capital: CapitalStructure,
    first_payment: int,
    residual: Callable[[dict[str, float]], np.ndarray] | None = None,
) -> CampusCashFlow:
    """NPV, IRR, payback, debt, equity and the sensitivity of a cash flow.

    ``residual`` gives the value of the assets left at the horizon's end, by year (in the
    last), with the drivers scaled as ``flows``; the debt is settled by the last year.
    """
    base = dict.fromkeys(("capex", "accelerator price", "opex", "price"), 1.0)

    def left(scale: dict[str, float]) -> np.ndarray:
        return np.zeros(len(years)) if residual is None else residual(scale)

    capex, op, rev = flows(base)
    kept = left(base)
    net = rev - op - capex + kept
    sensitivity = []
    for driver in (*base, "wacc"):
        values = []
        for factor in (1 - SENSITIVITY, 1 + SENSITIVITY):
            if driver == "wacc":
                values.append(economics.npv(net, capital.wacc * factor))
            else:
                scale = {**base, driver: factor}
                moved_capex, moved_op, moved_rev = flows(scale)
                moved = moved_rev - moved_op - moved_capex + left(scale)
                values.append(economics.npv(moved, capital.wacc))
        sensitivity.append((driver, values[0], values[1]))
    sensitivity.sort(key=lambda row: -abs(row[2] - row[1]))
    debt = economics.debt_schedule(
        capex,
        capital.debt_share,
        capital.interest,
        capital.tenor_years,
        first_payment,
        settle_at_end=residual is not None,
    )
    equity = net + debt.drawn_usd - debt.service_usd
    # coverage of the scheduled instalments; a settlement at the horizon's end is paid from
    # the assets' remaining value, not from the year's operations
    instalments = debt.instalments_usd
    serviced = instalments > 0
    operating = (rev - op)[serviced]
    min_dscr = float(np.min(operating / instalments[serviced])) if serviced.any() else np.inf
    return CampusCashFlow(
        years=years,
        capex_usd=capex,
        opex_usd=op,
        revenue_usd=rev,
        net_usd=net,
        capex_parts_usd=parts,
        wacc=capital.wacc,
        npv_usd=economics.npv(net, capital.wacc),
        irr=_irr_or_nan(net),
        payback_years=economics.payback_years(net),
        sensitivity=sensitivity,
        debt=debt,
        equity_usd=equity,
        equity_irr=_irr_or_nan(equity),
        min_dscr=min_dscr,
        residual_usd=kept,
    )


def roadmap_cash_flow(
    scenario: Scenario,
    price_usd_per_accelerator_hour: float,
    *,
    construction_years: int = 2,
    sold_share: float = UTILISATION,
    capital: CapitalStructure | None = None,
    progress: Callable[[str], None] | None = None,
) -> CampusCashFlow:
    """The cash flow of a build-out: each stage's capex before it, its costs and sales in it.

    The roadmap (:func:`~gigafactory.pipeline.roadmap_study.plan_roadmap`) gives each
    stage's power assets entering service and their capex, operating cost and fixed O&M;
    the fleet and the facility grow with each site's share of its IT load (the full-size
    fleet of the scenario as written times the increase), are paid over the
    ``construction_years`` before the stage, and the accelerators are bought again at their
    life. From each stage's year to the next, the fleet in service sells
    ``sold_share`` of its hours at the price. Years run from the first construction year
    to the roadmap's end.

    Raises
    ------
    ScenarioError
        Without a roadmap section, or when no site has a compute section, or for a
        negative price, a share sold outside (0, 1] or a build of no years.
    """
    _check_sale(price_usd_per_accelerator_hour, sold_share, construction_years)
    capital = capital or CapitalStructure()
    roadmap = scenario.roadmap
    if roadmap is None:
        msg = f"{scenario.name}: the scenario has no roadmap section (docs/roadmap.md)"
        raise ScenarioError(msg)
    planned = plan_roadmap(scenario, progress)
    stage_years = roadmap.years
    first = stage_years[0] - construction_years
    years = np.arange(first, roadmap.end_year)
    index = {int(y): k for k, y in enumerate(years)}
    n = len(years)
    power_capex, facility_capex, hardware_capex = np.zeros(n), np.zeros(n), np.zeros(n)
    opex, sold = np.zeros(n), np.zeros(n)
    parts = {"power assets": 0.0, "facility": 0.0, "accelerators": 0.0}
    # value left at the end: (capex, share of its life still ahead), by kind
    left: dict[str, list[tuple[float, float]]] = {"power": [], "facility": [], "hardware": []}
    lives = roadmap_lives(scenario)
    fleets = 0
    for i, site in enumerate(planned.sites):
        prep = prepare_site(scenario, i)
        fleet = prep.compute
        spec = prep.spec.compute
        hardware = life = facility = 0.0
        accelerators = 0
        if fleet is not None and spec is not None:
            fleets += 1
            hardware = sum(
                compute.hardware_capex(fleet.hardware[name], k)
                for name, k in fleet.accelerators.items()
            )
            life = min(fleet.hardware[name].params["life_years"] for name in fleet.accelerators)
            facility = spec.facility_capex_usd_per_mw * fleet.nameplate_it_mw
            accelerators = sum(fleet.accelerators.values())
        before = 0.0
        ends = [*stage_years[1:], roadmap.end_year]
        for stage, end in zip(site.stages, ends, strict=True):
            added = max(stage.scale - before, 0.0)
            before = max(before, stage.scale)
            build = [index[y] for y in range(stage.year - construction_years, stage.year)]
            for k in build:
                power_capex[k] += stage.capex_usd / len(build)
                facility_capex[k] += added * facility / len(build)
                hardware_capex[k] += added * hardware / len(build)
            if life > 0:
                bought = float(stage.year)
                while round(bought + life) < roadmap.end_year:
                    bought += life
                    hardware_capex[index[round(bought)]] += added * hardware
                left["hardware"].append((added * hardware, _ahead(roadmap.end_year - bought, life)))
            left["facility"].append(
                (added * facility, _ahead(roadmap.end_year - stage.year, FACILITY_LIFE_YEARS))
            )
            built = sum(stage.built_mw.values())
            for tech, mw in stage.built_mw.items():
                if built > 0:
                    asset_life = lives[site.site].get(tech, FACILITY_LIFE_YEARS)
                    ahead = _ahead(roadmap.end_year - stage.year, asset_life)
                    left["power"].append((stage.capex_usd * mw / built, ahead))
            for y in range(stage.year, end):
                opex[index[y]] += stage.operating_cost_usd + stage.om_usd
                sold[index[y]] += accelerators * stage.scale * HOURS_PER_YEAR * sold_share
            parts["power assets"] += stage.capex_usd
            parts["facility"] += added * facility
            parts["accelerators"] += added * hardware
    if not fleets:
        msg = f"{scenario.name}: no site has a compute section, so there is no fleet to earn from"
        raise ScenarioError(msg)

    def flows(scale: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        capex = (power_capex + facility_capex) * scale["capex"] + hardware_capex * scale[
            "capex"
        ] * scale["accelerator price"]
        return (
            capex,
            opex * scale["opex"],
            sold * price_usd_per_accelerator_hour * scale["price"],
        )

    def residual(scale: dict[str, float]) -> np.ndarray:
        out = np.zeros(n)
        out[-1] = (
            sum(c * a for c, a in left["power"] + left["facility"]) * scale["capex"]
            + sum(c * a for c, a in left["hardware"]) * scale["capex"] * scale["accelerator price"]
        )
        return out

    return _valued(years, flows, parts, capital, construction_years, residual)


def _ahead(used_years: float, life_years: float) -> float:
    """Share of an asset's life still ahead after ``used_years``, straight-line [-]."""
    return max(0.0, 1.0 - used_years / life_years) if life_years > 0 else 0.0


def _irr_or_nan(flows: np.ndarray) -> float:
    try:
        return economics.irr(flows)
    except ValueError:
        return float("nan")


def cash_flow_summary(
    name: str, price_usd_per_accelerator_hour: float, flow: CampusCashFlow
) -> CashFlowSummary:
    """The typed summary of a cash flow, for reports and JSON."""
    zeros = [0.0] * len(flow.years)
    return CashFlowSummary(
        scenario=name,
        price_usd_per_accelerator_hour=price_usd_per_accelerator_hour,
        years=[int(y) for y in flow.years],
        capex_usd=flow.capex_usd.tolist(),
        opex_usd=flow.opex_usd.tolist(),
        revenue_usd=flow.revenue_usd.tolist(),
        net_usd=flow.net_usd.tolist(),
        debt_service_usd=zeros if flow.debt is None else flow.debt.service_usd.tolist(),
        equity_usd=flow.net_usd.tolist() if flow.equity_usd is None else flow.equity_usd.tolist(),
        residual_usd=zeros if flow.residual_usd is None else flow.residual_usd.tolist(),
        capex_parts_usd=dict(flow.capex_parts_usd),
        wacc=flow.wacc,
        npv_usd=flow.npv_usd,
        irr=flow.irr,
        payback_years=flow.payback_years,
        equity_irr=flow.equity_irr,
        min_dscr=flow.min_dscr,
        sensitivity={driver: [low, high] for driver, low, high in flow.sensitivity},
    )
