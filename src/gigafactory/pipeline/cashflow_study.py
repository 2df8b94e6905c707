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

from dataclasses import dataclass, field

import numpy as np

from gigafactory import compute, economics
from gigafactory.errors import ScenarioError
from gigafactory.pipeline.deals import UTILISATION
from gigafactory.pipeline.prepare import PreparedSite
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
        When no site has a compute section (no fleet to earn from).
    """
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

    def flows(scale: dict[str, float]) -> tuple[np.ndarray, ...]:
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
        return capex, op, rev, rev - op - capex

    base = dict.fromkeys(("capex", "accelerator price", "opex", "price"), 1.0)
    capex, op, rev, net = flows(base)
    sensitivity = []
    for driver in (*base, "wacc"):
        values = []
        for factor in (1 - SENSITIVITY, 1 + SENSITIVITY):
            if driver == "wacc":
                values.append(economics.npv(net, capital.wacc * factor))
            else:
                moved = flows({**base, driver: factor})[3]
                values.append(economics.npv(moved, capital.wacc))
        sensitivity.append((driver, values[0], values[1]))
    sensitivity.sort(key=lambda row: -abs(row[2] - row[1]))
    debt = economics.debt_schedule(
        capex, capital.debt_share, capital.interest, capital.tenor_years, construction_years
    )
    equity = net + debt.drawn_usd - debt.service_usd
    serviced = debt.service_usd > 0
    operating = (rev - op)[serviced]
    min_dscr = float(np.min(operating / debt.service_usd[serviced])) if serviced.any() else np.inf
    return CampusCashFlow(
        years=np.arange(start_year, start_year + construction_years + operating_years),
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
    )


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
        capex_parts_usd=dict(flow.capex_parts_usd),
        wacc=flow.wacc,
        npv_usd=flow.npv_usd,
        irr=flow.irr,
        payback_years=flow.payback_years,
        equity_irr=flow.equity_irr,
        min_dscr=flow.min_dscr,
        sensitivity={driver: [low, high] for driver, low, high in flow.sensitivity},
    )
