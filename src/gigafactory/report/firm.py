"""Firm supply in a page: the warnings banner, reserve, grid feed, charges and contracts.

Shared by the run report and the web app's result page.
"""

from __future__ import annotations

import html
import math

from gigafactory.i18n import translator
from gigafactory.report.page import USD_PER_MILLION, header_row
from gigafactory.summary import Notice, SiteSummary, label, notice_text, why_this_mix
from gigafactory.summary.margins import BINDING_USD_PER_MW_YEAR, technology_sentence

__all__ = [
    "FIRM_STYLE",
    "binding_html",
    "binding_limits",
    "firm_html",
    "marginals_html",
    "notices_html",
]

FIRM_STYLE = """.banner{background:#b00020;color:#fff;padding:.6em 1em;margin:.5em 0;
font-weight:600}
.notes{background:#fff8e1;border-left:4px solid #f0b400;padding:.4em 1em;margin:.5em 0}
.binding{background:#e8f0fe;border-left:4px solid #1a73e8;padding:.4em 1em;margin:.5em 0}"""
"""CSS of the banner, the notes and the binding limits."""


def notices_html(notices: list[Notice], lang: str = "en") -> str:
    """Warnings as a red banner (one line each), notes in a box below; empty if none."""
    _ = translator(lang)
    warnings = [notice_text(n, lang) for n in notices if n.level == "warning"]
    notes = [notice_text(n, lang) for n in notices if n.level != "warning"]
    out = "".join(
        f"<div class='banner' role='alert'>{_('WARNING')}: {html.escape(w)}</div>" for w in warnings
    )
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        out += f"<div class='notes'><ul>{items}</ul></div>"
    return out


def _cells(label: str, value: str, unit: str = "") -> str:
    return (
        f"<tr><td>{html.escape(label)}</td><td class='n'>{html.escape(value)}</td>"
        f"<td>{html.escape(unit)}</td></tr>"
    )


def firm_html(site: SiteSummary, lang: str = "en") -> str:
    """Tables of a site's firm supply: feed, tariff, charges, reserve, backup, contracts."""
    _ = translator(lang)

    def _row(label: str, value: str, unit: str = "") -> str:
        return _cells(_(label), value, _(unit))

    breakdown = site.cost_breakdown_usd
    rows = [
        _row("grid feed (import cap)", f"{site.grid_import_cap_mw:,.1f}", "MW"),
        _row("tariff", site.tariff),
        _row("peak grid import", f"{site.peak_grid_import_mw:,.1f}", "MW"),
        _row("grid energy", f"{breakdown.grid_energy / USD_PER_MILLION:,.2f}", "million USD"),
        _row("demand charges", f"{breakdown.demand_charges / USD_PER_MILLION:,.2f}", "million USD"),
        _row("fixed charges", f"{breakdown.fixed_charges / USD_PER_MILLION:,.3f}", "million USD"),
        _row("hourly CFE (24/7)", f"{100 * site.cfe_share:,.1f}", "%"),
        _row("annual CFE match (RE100)", f"{100 * site.cfe_annual_matching:,.1f}", "%"),
        _cells(
            _("unserved energy"),
            f"{site.unserved_mwh:,.1f}",
            _("MWh in {hours} h").format(hours=site.unserved_hours),
        ),
    ]
    rel = site.reliability
    if rel is not None:
        required = rel.required_reserve_margin
        rows += [
            _row("design power", f"{rel.design_power_mw:,.1f}", "MW"),
            _row("peak load", f"{site.peak_load_mw:,.1f}", "MW"),
            _row("accredited firm capacity", f"{rel.accredited_firm_mw:,.1f}", "MW"),
            _row(
                "reserve margin (required)",
                f"{100 * rel.reserve_margin:,.1f}"
                + ("" if required is None or math.isnan(required) else f" ({100 * required:.0f})"),
                "%",
            ),
            _row(
                "N-1 (largest loss)",
                _("met") if rel.n_minus_1_met else _("not met"),
                f"{rel.largest_contingency_mw:,.1f} MW",
            ),
            _row("ride-through", f"{rel.ride_through_hours}", "h"),
            _row("backup-only units", f"{rel.backup_mw:,.1f}", "MW"),
        ]
    out = header_row("Firm supply", "Value", "Unit", lang=lang)
    out = f"<table>{out}{''.join(rows)}</table>"
    if site.contracts:
        head = header_row(
            "Contract",
            "Technology",
            "Shape",
            "Where",
            "MW",
            "Produced [MWh]",
            "Used [MWh]",
            "Cost [M USD]",
            lang=lang,
        )
        body = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(c.technology)}</td>"
            f"<td>{html.escape(c.shape)}</td><td>{html.escape(c.location)}</td>"
            f"<td class='n'>{c.mw:,.1f}</td><td class='n'>{c.produced_mwh:,.0f}</td>"
            f"<td class='n'>{c.delivered_mwh:,.0f}</td>"
            f"<td class='n'>{c.cost_usd / USD_PER_MILLION:,.2f}</td></tr>"
            for name, c in site.contracts.items()
        )
        out += f"<table>{head}{body}</table>"
    return out


def marginals_html(site: SiteSummary, lang: str = "en") -> str:
    """Why each technology is or is not built: status, price now, entry price, value."""
    _ = translator(lang)
    margins = site.marginals
    if margins is None:
        return ""
    head = header_row(
        "Technology",
        "Status",
        "MW",
        "Price now",
        "Enters / grows at",
        "Reduced cost [USD/MW-yr]",
        lang=lang,
    )

    def price(value: float | None, unit: str) -> str:
        return "-" if value is None else f"{value:,.1f} {unit}"

    body = "".join(
        f"<tr><td>{html.escape(_(label(m.technology)))}</td><td>{html.escape(_(m.status))}</td>"
        f"<td class='n'>{m.capacity_mw:,.1f}</td>"
        f"<td class='n'>{html.escape(price(m.price, m.price_unit))}</td>"
        f"<td class='n'>{html.escape(price(m.entry_price, m.price_unit))}</td>"
        f"<td class='n'>{m.reduced_cost_usd_per_mw_year:,.0f}</td></tr>"
        for m in margins.technologies
    )
    items = "".join(f"<li>{html.escape(line)}</li>" for line in why_this_mix(margins, lang))
    intro = (
        "From the LP's reduced costs and duals: the price below which a technology left out "
        "would enter, and what one more MW of a limit is worth."
    )
    return (
        f"<h3>{_('Why this mix')}</h3><p>{html.escape(_(intro))}</p>"
        f"<table>{head}{body}</table><ul class='why'>{items}</ul>"
    )


def binding_limits(site: SiteSummary, lang: str = "en") -> list[str]:
    """The limits that shape a site's answer, from the LP's marginal values, one line each.

    Build limits reached, a grid connection worth more than it is, a binding CFE target or
    CO2 cap: each is what a planner would try to relax first.
    """
    _ = translator(lang)
    margins = site.marginals
    if margins is None:
        return []
    out = [
        technology_sentence(m, lang) for m in margins.technologies if m.status == "at build limit"
    ]
    grid = margins.grid_connection_usd_per_mw_year
    if grid is not None and grid > BINDING_USD_PER_MW_YEAR:
        out.append(
            _(
                "grid connection: the {mw} MW feed binds; one more MW would save up to {usd} USD/yr"
            ).format(mw=f"{site.grid_import_cap_mw:,.0f}", usd=f"{grid:,.0f}")
        )
    if margins.cfe_target_usd_per_point:
        out.append(
            _(
                "hourly CFE target binds: one more point would cost at least {musd} million USD/yr"
            ).format(musd=f"{margins.cfe_target_usd_per_point / USD_PER_MILLION:,.2f}")
        )
    if margins.co2_shadow_price_usd_per_t:
        out.append(
            _("CO2 cap binds: one tonne less would cost at least {usd} USD/t").format(
                usd=f"{margins.co2_shadow_price_usd_per_t:,.0f}"
            )
        )
    return [f"{site.site}: {line}" for line in out]


def binding_html(sites: list[SiteSummary], lang: str = "en") -> str:
    """The binding limits of every site in one box; empty if none binds."""
    lines = [line for site in sites for line in binding_limits(site, lang)]
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    heading = translator(lang)("Binding limits")
    return f"<div class='binding'><strong>{heading}</strong><ul>{items}</ul></div>"
