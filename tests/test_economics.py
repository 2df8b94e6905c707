import pytest

from gigafactory.economics import annualised_capex, capital_recovery_factor, lcoe, levelised


def test_crf_by_hand():
    # r = 7 %, n = 20: 0.07 / (1 - 1.07**-20); 1.07**20 = 3.869684 -> 0.07 / 0.741581 = 0.094393
    assert capital_recovery_factor(0.07, 20) == pytest.approx(0.0943929, rel=1e-6)


def test_crf_zero_rate_is_straight_line():
    assert capital_recovery_factor(0.0, 25) == pytest.approx(0.04)


def test_crf_rejects_non_positive_life():
    with pytest.raises(ValueError, match="lifetime_years must be > 0, got 0"):
        capital_recovery_factor(0.05, 0)


def test_annualised_capex_by_hand():
    # 1,000 USD at 10 % over 2 years: 0.1 / (1 - 1/1.21) = 0.576190 -> 576.19 USD/yr
    assert annualised_capex(1000.0, 0.10, 2) == pytest.approx(576.190476, rel=1e-6)


def test_lcoe_lbnl_utility_pv():
    # LBNL Utility-Scale Solar 2024: USD 1.43/W capex, 24 % CF, 3.4 % real WACC, 30 years,
    # USD 20/kW-yr O&M -> "about USD 46/MWh" (shared/facts energy §1).
    # By hand, per MW: CRF = 0.034 / (1 - 1.034**-30) = 0.05388;
    # (1.43e6 * 0.05388 + 20e3) / (8760 * 0.24) = 97,050 / 2,102.4 = 46.2 USD/MWh
    assert lcoe(1.43e6, 20e3, 0.24, 0.034, 30) == pytest.approx(46.0, abs=1.0)


def test_lcoe_adds_variable_cost():
    base = lcoe(1e6, 0, 0.5, 0.0, 10)
    # (1e6 USD/MW * 0.1) / (8760 h * 0.5) = 22.83 USD/MWh, plus 30 USD/MWh variable
    assert base == pytest.approx(1e5 / 4380)
    assert lcoe(1e6, 0, 0.5, 0.0, 10, variable_usd_per_mwh=30) == pytest.approx(base + 30)


def test_levelised_of_nothing_is_nan():
    assert levelised(100.0, 50.0) == 2.0
    assert levelised(100.0, 0.0) != levelised(100.0, 0.0)  # NaN
