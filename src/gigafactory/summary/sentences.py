"""A site's answer in one sentence, in English or Korean, from its solved summary."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from gigafactory.i18n import money_usd, number, translator
from gigafactory.summary.base import label

if TYPE_CHECKING:
    from gigafactory.summary import Notice, SiteSummary

__all__ = ["AT_THE_MARGIN", "SHOWN_MW", "headline", "notice_text"]

AT_THE_MARGIN = 0.99
"""An entry price above this share of today's price is "at the margin", not worth a clause."""

SHOWN_MW = 0.5
"""Capacities below this are left out of the headline [MW]."""


def headline(site: SiteSummary, lang: str = "en") -> str:
    """The site's answer in one sentence.

    What is built (capacities above :data:`SHOWN_MW`, storage with its energy, contracts and
    the grid feed), what it costs a year, its hourly CFE share and unserved energy, and for
    each technology offered but not built the price at which it would enter.

    Examples
    --------
    The sentence for ``korea-southwest`` reads: "jeonnam: least cost is 1 MW offshore wind,
    273 MW fixed PV, Li-ion 100 MW / 398 MWh, a 35 MW contract (jeonnam-wind-ppa) and a 100 MW
    grid feed, 130.4 M USD/yr at 66 % hourly CFE, no unserved energy."; in Korean "jeonnam:
    최소 비용 구성은 해상풍력 1 MW, 고정식 태양광 273 MW, 리튬이온 배터리 100 MW / 398 MWh,
    35 MW 계약(jeonnam-wind-ppa), 100 MW 계통 연계이며, 연 1.3억 달러, 시간별 무탄소 전력
    66 %, 미공급 전력 없음."
    """
    _ = translator(lang)
    korean = lang == "ko"

    def mw(value: float) -> str:
        return f"{number(value, 0, lang)} MW"

    built = []
    for name, capacity in site.capacity_mw.items():
        if capacity < SHOWN_MW:
            continue
        tech = _(label(name))
        if name in site.storage_mwh:
            built.append(f"{tech} {mw(capacity)} / {number(site.storage_mwh[name], 0, lang)} MWh")
        elif name in site.contracts:
            built.append(
                f"{mw(capacity)} 계약({name})" if korean else f"a {mw(capacity)} contract ({name})"
            )
        else:
            built.append(f"{tech} {mw(capacity)}" if korean else f"{mw(capacity)} {tech}")
    if site.grid_import_cap_mw > 0:
        feed = mw(site.grid_import_cap_mw)
        built.append(f"{feed} 계통 연계" if korean else f"a {feed} grid feed")
    margins = site.marginals.technologies if site.marginals is not None else []
    entering = [
        (_(label(m.technology)), f"{number(m.entry_price, 0, lang)} {m.price_unit}", m.price)
        for m in margins
        if m.status == "not built"
        and m.entry_price is not None
        and m.price is not None
        and math.isfinite(m.entry_price)
        and 0 < m.entry_price < AT_THE_MARGIN * m.price
    ]
    cfe = f"{100 * site.cfe_share:.0f} %"
    cost = money_usd(site.total_annual_cost_usd, lang)
    if korean:
        unserved = (
            "미공급 전력 없음"
            if site.unserved_mwh < 1.0
            else f"미공급 전력 {number(site.unserved_mwh, 0, lang)} MWh"
        )
        text = (
            f"{site.site}: 최소 비용 구성은 {', '.join(built) or '없음'}이며, 연 {cost}, "
            f"시간별 무탄소 전력 {cfe}, {unserved}"
        )
        if entering:
            text += "; 미구축: " + "; ".join(
                f"{tech}은(는) {price} 미만이어야 진입 가능 (현재 {number(now, 0, lang)})"
                for tech, price, now in entering
            )
        return text + "."
    what = " and ".join([", ".join(built[:-1]), built[-1]] if len(built) > 1 else built) or (
        "nothing"
    )
    unserved = (
        "no unserved energy"
        if site.unserved_mwh < 1.0
        else f"{number(site.unserved_mwh, 0)} MWh unserved"
    )
    text = f"{site.site}: least cost is {what}, {cost}/yr at {cfe} hourly CFE, {unserved}"
    if entering:
        text += "; not built: " + "; ".join(
            f"{tech} would need less than {price} to enter (now {number(now, 0)})"
            for tech, price, now in entering
        )
    return text + "."


def notice_text(notice: Notice, lang: str = "en") -> str:
    """A notice's line in ``lang``: its template translated and filled, else its English text.

    A ``tech`` field is written as the technology's label in that language.

    >>> from gigafactory.summary import Notice
    >>> n = Notice.of("note", "{site}: {tech} is at its build limit of {mw} MW",
    ...               site="jeonnam", tech="liion_4h", mw="50")
    >>> notice_text(n, "ko")
    'jeonnam: 리튬이온 배터리 구축 한도 50 MW에 도달'
    """
    _ = translator(lang)
    if lang == "en" or not notice.template or _(notice.template) == notice.template:
        return notice.text
    values = {k: _(label(v)) if k == "tech" else v for k, v in notice.values.items()}
    return _(notice.template).format(**values)
