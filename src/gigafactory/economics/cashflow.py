"""Cash-flow measures: the WACC of a capital structure, internal rate of return, payback.

Yearly cash flows, the first at year 0, as in :func:`~gigafactory.economics.npv`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gigafactory.economics.costs import npv

__all__ = [
    "DebtSchedule",
    "campus_cash_flows",
    "debt_schedule",
    "irr",
    "payback_years",
    "wacc",
]


def wacc(debt_share: float, interest: float, equity_return: float, tax_rate: float = 0.0) -> float:
    """Weighted average cost of capital [-].

    ``D i (1 - t) + (1 - D) r_e``, interest deductible at the tax rate ``t``.

    Parameters
    ----------
    debt_share : float
        Debt's share of the capital [-], 0..1.
    interest : float
        Interest on the debt [-/yr].
    equity_return : float
        Return the equity asks [-/yr].
    tax_rate : float, default 0
        Corporate tax rate [-].

    Examples
    --------
    >>> round(wacc(0.6, 0.06, 0.12, tax_rate=0.25), 4)  # 0.6 x 4.5 % + 0.4 x 12 %
    0.075
    """
    if not 0.0 <= debt_share <= 1.0:
        msg = f"debt share {debt_share} not in 0..1"
        raise ValueError(msg)
    return debt_share * interest * (1.0 - tax_rate) + (1.0 - debt_share) * equity_return


def irr(cash_flows_usd: np.ndarray | list[float]) -> float:
    """Internal rate of return: the rate at which the NPV is zero [-/yr].

    Raises
    ------
    ValueError
        When the flows never change sign (no rate makes the NPV zero) or the NPV has no root
        between -99 % and +1,000 %.

    Examples
    --------
    >>> round(irr([-100.0, 60.0, 60.0]), 4)  # 60/(1+r) + 60/(1+r)^2 = 100
    0.1307
    """
    from scipy.optimize import brentq

    flows = np.asarray(cash_flows_usd, dtype=float)
    if not (flows.min() < 0 < flows.max()):
        msg = "cash flows never change sign: no internal rate of return"
        raise ValueError(msg)
    low, high = -0.99, 10.0
    if npv(flows, low) * npv(flows, high) > 0:
        msg = "no internal rate of return between -99 % and +1,000 %"
        raise ValueError(msg)
    return float(brentq(lambda r: npv(flows, r), low, high, xtol=1e-12))


def payback_years(cash_flows_usd: np.ndarray | list[float]) -> float:
    """Years until the cumulative cash flow turns positive, linear within the year [yr].

    ``inf`` when it never does.

    Examples
    --------
    >>> round(payback_years([-100.0, 60.0, 60.0]), 4)  # 40 of the second 60 needed
    1.6667
    """
    flows = np.asarray(cash_flows_usd, dtype=float)
    cumulative = np.cumsum(flows)
    after = np.flatnonzero(cumulative >= 0)
    if after.size == 0:
        return float("inf")
    year = int(after[0])
    if year == 0:
        return 0.0
    short = -cumulative[year - 1]
    return float(year - 1 + short / flows[year])


def campus_cash_flows(
    capex_usd: float,
    refresh_usd: float,
    refresh_years: float,
    opex_usd_per_year: float,
    revenue_usd_per_year: float,
    construction_years: int,
    operating_years: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Yearly capex, opex and revenue of a campus, from its first construction year [USD].

    The capex (accelerators included) is spent evenly over the construction years; the
    campus then runs ``operating_years``, paying opex and earning revenue each year, and
    buys its accelerators again (``refresh_usd``) at the start of every ``refresh_years``-th
    operating year that lies inside the horizon.

    Examples
    --------
    >>> capex, opex, revenue = campus_cash_flows(100.0, 40.0, 2, 5.0, 50.0, 2, 4)
    >>> capex.tolist()  # built over 2 years, accelerators bought again 2 years into use
    [50.0, 50.0, 0.0, 0.0, 40.0, 0.0]
    >>> (revenue - opex).tolist()
    [0.0, 0.0, 45.0, 45.0, 45.0, 45.0]
    """
    if construction_years < 1 or operating_years < 1:
        msg = "construction and operation each take at least one year"
        raise ValueError(msg)
    n = construction_years + operating_years
    capex = np.zeros(n)
    capex[:construction_years] = capex_usd / construction_years
    if refresh_years > 0:
        for k in range(1, int(operating_years // refresh_years) + 1):
            year = construction_years + round(k * refresh_years)
            if year < n:
                capex[year] += refresh_usd
    opex = np.zeros(n)
    revenue = np.zeros(n)
    opex[construction_years:] = opex_usd_per_year
    revenue[construction_years:] = revenue_usd_per_year
    return capex, opex, revenue


@dataclass(frozen=True)
class DebtSchedule:
    """Loans drawn with the capex and repaid as annuities (mortgage-style).

    Attributes
    ----------
    drawn_usd, interest_usd, repaid_usd : numpy.ndarray
        Per year: debt drawn, interest paid, principal repaid [USD].
    balance_usd : numpy.ndarray
        Debt outstanding at each year's end [USD].
    settled_usd : float
        The part of the last year's repayment that settles the debt still owed at the end
        of the horizon, not an instalment [USD].
    """

    drawn_usd: np.ndarray
    interest_usd: np.ndarray
    repaid_usd: np.ndarray
    balance_usd: np.ndarray
    settled_usd: float = 0.0

    @property
    def instalments_usd(self) -> np.ndarray:
        """Scheduled interest and principal per year, without the settlement [USD]."""
        out = self.service_usd.copy()
        if len(out):
            out[-1] -= self.settled_usd
        return out

    @property
    def service_usd(self) -> np.ndarray:
        """Interest plus principal per year [USD]."""
        return np.asarray(self.interest_usd + self.repaid_usd)


def debt_schedule(
    capex_usd: np.ndarray | list[float],
    debt_share: float,
    interest: float,
    tenor_years: int,
    first_payment_year: int,
    *,
    settle_at_end: bool = False,
) -> DebtSchedule:
    """Debt drawn as a share of each year's capex, each draw repaid over ``tenor_years``.

    A draw in year ``k`` accrues interest until ``first_payment_year`` (capitalised during
    construction), then is repaid in equal instalments of interest and principal, the
    annuity ``D (1 + i)^g x i / (1 - (1 + i)^-n)`` with ``g`` the years of grace; later draws
    (accelerator refreshes) start repaying the year after they are drawn. Payments beyond
    the horizon are left out and ``balance_usd`` shows what is still owed, unless
    ``settle_at_end``: then the last year repays it (a horizon shorter than the tenor, as a
    sale of the project would).

    Examples
    --------
    >>> s = debt_schedule([100.0, 0.0, 0.0, 0.0], 0.5, 0.10, 2, 1)
    >>> s.service_usd.round(4).tolist()  # 50 repaid over 2 years at 10 %
    [0.0, 28.8095, 28.8095, 0.0]
    >>> s.balance_usd.round(4).tolist()
    [50.0, 26.1905, 0.0, 0.0]
    >>> sold = debt_schedule([100.0, 0.0], 0.5, 0.10, 2, 1, settle_at_end=True)
    >>> sold.repaid_usd.round(4).tolist()  # the rest of the 50 repaid in the last year
    [0.0, 50.0]
    """
    flows = np.asarray(capex_usd, dtype=float)
    if tenor_years < 1:
        msg = f"tenor of {tenor_years} years: debt is repaid over at least one year"
        raise ValueError(msg)
    n = len(flows)
    drawn = debt_share * flows
    interest_paid = np.zeros(n)
    repaid = np.zeros(n)
    balance = np.zeros(n)
    for year, amount in enumerate(drawn):
        if amount <= 0:
            continue
        start = max(first_payment_year, year + 1)
        owed = amount * (1.0 + interest) ** (start - 1 - year)  # capitalised until then
        if interest > 0:
            instalment = owed * interest / (1.0 - (1.0 + interest) ** -tenor_years)
        else:
            instalment = owed / tenor_years
        balance[year:start] += amount * (1.0 + interest) ** (np.arange(start - year))
        for k in range(start, min(start + tenor_years, n)):
            paid_interest = owed * interest
            interest_paid[k] += paid_interest
            repaid[k] += instalment - paid_interest
            owed -= instalment - paid_interest
            balance[k] += max(owed, 0.0)
    settled = 0.0
    if settle_at_end and n:
        settled = float(balance[-1])
        repaid[-1] += settled
        balance[-1] = 0.0
    return DebtSchedule(drawn, interest_paid, repaid, balance, settled)
