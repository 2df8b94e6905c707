"""Summary sections of the money studies: a campus's cash flow and the announced deals."""

from __future__ import annotations

from pydantic import Field

from gigafactory.summary.base import Number, Section

__all__ = ["CashFlowSummary", "DealRow", "DealTable"]


class CashFlowSummary(Section):
    """A campus's yearly cash flow at one price per accelerator-hour, and what it is worth.

    Lists are per calendar year, construction first [USD]; ``irr``, ``equity_irr`` NaN
    where the flows never turn; ``payback_years`` and ``min_dscr`` ``inf`` where never or
    without debt. ``sensitivity`` is the NPV with each driver 20 % down and up [USD].
    """

    scenario: str
    price_usd_per_accelerator_hour: Number
    years: list[int]
    capex_usd: list[Number]
    opex_usd: list[Number]
    revenue_usd: list[Number]
    net_usd: list[Number]
    debt_service_usd: list[Number]
    equity_usd: list[Number]
    residual_usd: list[Number] = Field(default_factory=list)
    """Value of the assets left at the horizon's end, in its last year [USD]."""
    capex_parts_usd: dict[str, Number]
    wacc: Number
    npv_usd: Number
    irr: Number
    payback_years: Number
    equity_irr: Number
    min_dscr: Number
    sensitivity: dict[str, list[Number]]


class DealRow(Section):
    """One announced compute deal: what was reported and what it converts to."""

    name: str
    title: str
    accelerator: str
    reported: dict[str, Number]
    accelerators: Number
    campus_mw: Number
    energy_mwh_per_year: Number
    capex_usd: Number
    capex_usd_per_gw: Number
    cost_usd_per_accelerator_hour: Number
    price_usd_per_accelerator_hour: Number | None = None
    margin: Number | None = None
    sources: list[str] = Field(default_factory=list)


class DealTable(Section):
    """The bundled compute deals, each converted at the same assumptions."""

    deals: list[DealRow]
