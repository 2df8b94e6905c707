"""Why this mix: each technology's margin, and the sentences that say it in each language.

The pipeline fills :class:`TechnologyMargin` and :class:`MarginalValues` from the LP's reduced
costs and duals (:mod:`gigafactory.pipeline.explain`); ``text`` keeps the English sentences
in ``summary.json``, and :func:`why_this_mix` writes them in the reader's language for the
CLI and the report.
"""

from __future__ import annotations

import math

from gigafactory.i18n import translator
from gigafactory.summary.base import Number, Section, label

__all__ = [
    "BINDING_USD_PER_MW_YEAR",
    "MarginalValues",
    "TechnologyMargin",
    "technology_sentence",
    "why_this_mix",
]


class TechnologyMargin(Section):
    """Why one technology is or is not built, from the LP's reduced cost of its capacity."""

    technology: str
    status: str
    """``built``, ``not built``, ``at build limit``, ``existing only`` or ``contracted``."""
    capacity_mw: Number
    max_mw: float | None = None
    existing_mw: Number = 0.0
    contract: bool = False
    """A contract (signed or offered), not a plant: it is signed, not built."""
    at_margin: bool = False
    """Its reduced cost is residue (under :data:`~gigafactory.pipeline.explain.MARGIN_SHARE`
    of its yearly cost): any lower price moves it."""
    reduced_cost_usd_per_mw_year: Number
    """Annualised cost minus what one more MW would save [USD/MW/yr]: > 0 for one left
    out, < 0 for one held at its limit (one more MW of limit saves at most that much)."""
    price: float | None = None
    """Its price today in ``price_unit`` (capex, or a contract's energy price)."""
    entry_price: float | None = None
    """The price in ``price_unit`` it would need to be below to enter (left out) or grow (at
    its limit, where it is worth building up to); ``None`` when no price would do (its
    fixed O&M alone exceeds its value). From one optimal dual: above it the technology
    surely stays out, but where the optimum is degenerate the first MW may need a lower
    price still (korea-ulsan's floating wind: 3,134, 3,128 or 3,611 USD/kW from three
    interior point solvers, and still out at 3,000)."""
    price_unit: str = ""
    unit_mw: float | None = None
    """One unit of it [MW]: the scenario's ``unit_mw``, else a wind turbine's rating. The LP
    sizes capacity continuously; a build below one unit is a margin, not a project."""
    text: str = ""
    """The sentence of :func:`technology_sentence` in English."""


class MarginalValues(Section):
    """What the LP's marginal values say: the answers a planner asks a model first."""

    technologies: list[TechnologyMargin]
    grid_connection_usd_per_mw_year: float | None = None
    """One more MW of grid connection in every hour would save at most this [USD/MW/yr]."""
    cfe_target_usd_per_point: float | None = None
    """One more percentage point of hourly CFE target would cost at least this [USD/yr]."""
    co2_shadow_price_usd_per_t: float | None = None
    """One tonne less of CO2 cap would cost at least this [USD/t]."""
    text: list[str]
    """The lines of :func:`why_this_mix` in English."""


BINDING_USD_PER_MW_YEAR = 1.0
"""A limit worth less than this per MW and year does not bind [USD/MW/yr]: solver residue."""


def _usd(value: float, lang: str) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} {translator(lang)('million USD')}"
    return f"{value:,.0f} USD"


def _price(value: float, unit: str) -> str:
    digits = 1 if unit in {"USD/MWh", "USD/kW-month"} or abs(value) < 100 else 0
    return f"{value:,.{digits}f} {unit}"


def technology_sentence(margin: TechnologyMargin, lang: str = "en") -> str:
    """Why one technology is or is not built, in one sentence.

    >>> m = TechnologyMargin(technology="liion_4h", status="built", capacity_mw=99.5,
    ...                      reduced_cost_usd_per_mw_year=0.0)
    >>> technology_sentence(m)
    'liion_4h: 99.5 MW built, at the optimum (one MW more or less costs more)'
    >>> technology_sentence(m, "ko")
    '리튬이온 배터리: 99.5 MW 구축, 최적점(1 MW 더하거나 빼면 비용 증가)'
    """
    _ = translator(lang)
    m = margin
    tech = m.technology if lang == "en" else _(label(m.technology))
    reduced = m.reduced_cost_usd_per_mw_year
    now = (
        _(" (now {price})").format(price=_price(m.price, m.price_unit))
        if m.price is not None
        else ""
    )
    limit = f"{m.max_mw or m.capacity_mw:,.1f}"
    if m.status == "contracted":
        text = _("{tech}: signed for {mw} MW, which the LP takes as given").format(
            tech=tech, mw=limit
        )
        if not m.at_margin and math.isfinite(reduced):
            clause = (
                "; its last MW saves at least {usd}/yr more than it costs"
                if reduced < 0
                else "; its last MW costs up to {usd}/yr more than it saves"
            )
            text += _(clause).format(usd=_usd(abs(reduced), lang))
    elif m.status == "at build limit":
        text = _("{tech}: at its build limit of {mw} MW").format(tech=tech, mw=limit)
        if not m.at_margin:
            text += _("; one more MW of limit would save up to {usd}/yr").format(
                usd=_usd(-reduced, lang)
            )
            if m.entry_price is not None:
                text += _(" (worth building up to {entry}{now})").format(
                    entry=_price(m.entry_price, m.price_unit), now=now
                )
    elif m.status in {"not built", "existing only"}:
        text = _left_out(m, tech, now, lang)
    else:
        text = _("{tech}: {mw} MW built, at the optimum (one MW more or less costs more)").format(
            tech=tech, mw=f"{m.capacity_mw:,.1f}"
        )
        if m.unit_mw is not None and m.capacity_mw < m.unit_mw:
            text += _("; less than one {unit} MW unit: read it as a margin, not a project").format(
                unit=f"{m.unit_mw:g}"
            )
    return text


def _left_out(m: TechnologyMargin, tech: str, now: str, lang: str) -> str:
    """The sentence of a technology not built (or not grown, or a contract not signed)."""
    _ = translator(lang)
    if m.contract:
        lead, verb = _("{tech}: not signed").format(tech=tech), "be signed"
    elif m.status == "existing only":
        lead = _("{tech}: {mw} MW existing, none added").format(
            tech=tech, mw=f"{m.existing_mw:,.1f}"
        )
        verb = "grow"
    else:
        lead, verb = _("{tech}: not built").format(tech=tech), "enter"
    if m.at_margin:
        return lead + _(AT_THE_MARGIN[verb]).format(now=now)
    if m.entry_price is None:
        return lead + _(NOT_EVEN_AT_ZERO[verb])
    return lead + _(NEEDS_LESS_THAN[verb]).format(
        entry=_price(m.entry_price, m.price_unit), now=now
    )


AT_THE_MARGIN = {
    "enter": "; at the margin: it would enter at any lower cost{now}",
    "grow": "; at the margin: it would grow at any lower cost{now}",
    "be signed": "; at the margin: it would be signed at any lower cost{now}",
}
NOT_EVEN_AT_ZERO = {
    "enter": "; it would not enter even at zero capex: its fixed O&M exceeds its value",
    "grow": "; it would not grow even at zero capex: its fixed O&M exceeds its value",
    "be signed": "; it would not be signed even at zero capex: its fixed O&M exceeds its value",
}
NEEDS_LESS_THAN = {
    "enter": "; it would need less than {entry} to enter{now}",
    "grow": "; it would need less than {entry} to grow{now}",
    "be signed": "; it would need less than {entry} to be signed{now}",
}
"""The clauses of a technology left out, by what it would do (each has its translation)."""


def why_this_mix(margins: MarginalValues, lang: str = "en") -> list[str]:
    """Each technology's sentence, then the feed's, the CFE target's and the CO2 cap's values.

    The English lines are ``margins.text``; the CLI and the report print them in ``lang``.
    """
    _ = translator(lang)
    lines = [technology_sentence(m, lang) for m in margins.technologies]
    grid = margins.grid_connection_usd_per_mw_year
    if grid is not None:
        lines.append(
            _("grid connection: not a limit (one more MW would save nothing)")
            if grid < BINDING_USD_PER_MW_YEAR
            else _("grid connection: one more MW would save up to {usd}/yr").format(
                usd=_usd(grid, lang)
            )
        )
    cfe = margins.cfe_target_usd_per_point
    if cfe is not None:
        lines.append(
            _("CFE target: one more point would cost at least {usd}/yr").format(usd=_usd(cfe, lang))
        )
    co2 = margins.co2_shadow_price_usd_per_t
    if co2 is not None:
        lines.append(_("CO2 cap: its shadow price is {price} USD/t").format(price=f"{co2:,.1f}"))
    return lines
