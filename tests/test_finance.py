"""Capital and compute deals: cash-flow measures and contract conversions, by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import gigafactory
from gigafactory.cli import app
from gigafactory.economics import debt_schedule, irr, npv, payback_years, wacc
from gigafactory.pipeline import ComputeDeal, deal_compute, deal_presets, price_covering

runner = CliRunner()


def test_npv_irr_and_payback_of_a_known_cash_flow():
    flows = [-1000.0, 300.0, 400.0, 500.0]
    # by hand at 10 %: -1000 + 300/1.1 + 400/1.21 + 500/1.331
    assert npv(flows, 0.10) == pytest.approx(-1000 + 272.7273 + 330.5785 + 375.6574, abs=1e-3)
    # 121 two years on from 100 is 10 % a year
    assert irr([-100.0, 0.0, 121.0]) == pytest.approx(0.10, abs=1e-10)
    # the rate found zeroes the NPV, and lies below 10 % where the NPV is negative
    rate = irr(flows)
    assert npv(flows, rate) == pytest.approx(0.0, abs=1e-6)
    assert 0.0 < rate < 0.10
    # 100 back at 30 a year: 3 years and a third
    assert payback_years([-100.0, 30.0, 30.0, 30.0, 30.0]) == pytest.approx(10 / 3)
    assert payback_years([-100.0, 30.0]) == float("inf")


def test_wacc_of_a_capital_structure():
    # 60 % debt at 6 %, interest deductible at 25 %, 40 % equity at 12 %: 2.7 % + 4.8 %
    assert wacc(0.6, 0.06, 0.12, tax_rate=0.25) == pytest.approx(0.075)
    assert wacc(0.0, 0.06, 0.12) == pytest.approx(0.12)


def test_debt_schedule_by_hand():
    """100 of capex in each of two construction years, 60 % debt at 6 % over 3 years from
    the first operating year (year 2). The year-0 draw of 60 accrues a year's interest
    first: 63.6; the annuity factor 0.06 / (1 - 1.06^-3) = 0.3741098; so the instalments
    are 63.6 x 0.3741098 = 23.7934 and 60 x 0.3741098 = 22.4466, together 46.2400 in years
    2, 3 and 4; year 2's interest is 0.06 x 123.6 = 7.416."""
    schedule = debt_schedule([100.0, 100.0, 0.0, 0.0, 0.0, 0.0], 0.6, 0.06, 3, 2)
    factor = 0.06 / (1 - 1.06**-3)
    assert factor == pytest.approx(0.3741098, abs=1e-7)
    assert schedule.drawn_usd.tolist() == [60.0, 60.0, 0.0, 0.0, 0.0, 0.0]
    assert schedule.service_usd.tolist() == pytest.approx(
        [0, 0, 46.2400, 46.2400, 46.2400, 0], abs=1e-4
    )
    assert schedule.interest_usd[2] == pytest.approx(7.416, abs=1e-9)
    assert schedule.repaid_usd.sum() == pytest.approx(123.6, abs=1e-9)  # all principal, once
    assert schedule.balance_usd[-2:].tolist() == pytest.approx([0.0, 0.0], abs=1e-9)
    with pytest.raises(
        ValueError, match=r"^tenor of 0 years: debt is repaid over at least one year$"
    ):
        debt_schedule([100.0], 0.6, 0.06, 0, 1)


def test_irr_says_why_there_is_none():
    with pytest.raises(ValueError, match=r"^cash flows never change sign: no internal rate"):
        irr([100.0, 10.0])
    with pytest.raises(ValueError, match=r"^debt share 1.5 not in 0..1$"):
        wacc(1.5, 0.05, 0.1)


def test_the_oracle_openai_contract_converted_by_hand():
    deal = deal_presets()["oracle_openai"]
    c = deal_compute(deal)  # PUE 1.2, utilisation 0.8, 80 USD/MWh, WACC 7 %
    # GB200: 1,833 W per GPU in the NVL72 rack, x 1.1 for scale-out network and storage
    it_w = 1833.0 * 1.1
    n = 4.5e9 / (1.2 * it_w)  # 4.5 GW of campus
    assert c.accelerators == pytest.approx(n)  # ~1.86 million
    assert c.it_mw == pytest.approx(3750.0)
    assert c.campus_mw == pytest.approx(4500.0)
    # servers at 30 % idle + 70 % x 0.8, with network, times PUE, all year
    assert c.energy_mwh_per_year == pytest.approx(
        n * 1833 * (0.3 + 0.7 * 0.8) * 1.1 * 1.2 * 8.76e-3
    )
    # 42,400 USD per GPU (rack price / 72, hosts included) + 15 % networking
    assert c.hardware_capex_usd == pytest.approx(n * 42_400 * 1.15)
    assert c.facility_capex_usd == pytest.approx(3750.0 * 11.7e6)
    # 300 billion USD over 5 years is 60 billion a year, over n x 8,760 GPU-hours
    assert c.revenue_usd_per_year == pytest.approx(60e9)
    assert c.price_usd_per_accelerator_hour == pytest.approx(60e9 / (n * 8760))
    assert c.price_usd_per_accelerator_hour == pytest.approx(3.683, abs=1e-3)
    assert c.margin == pytest.approx(1 - c.cost_usd_per_year / 60e9)


def test_a_fleet_from_its_price_and_the_price_that_covers_it():
    deal = ComputeDeal(
        "toy", "toy", "h100_sxm", value_usd=2 * 8.76e9, years=2.0, usd_per_accelerator_hour=2.0
    )
    c = deal_compute(deal)
    assert c.accelerators == pytest.approx(500_000)  # 8.76e9 USD a year at 2 USD/h
    assert price_covering(c, 0.0) == pytest.approx(c.cost_usd_per_accelerator_hour)
    assert price_covering(c, 0.25) == pytest.approx(c.cost_usd_per_accelerator_hour / 0.75)
    # at the price that covers the cost, the margin is nil
    at_cost = deal_compute(
        ComputeDeal(
            "toy",
            "toy",
            "h100_sxm",
            value_usd=2 * 8.76e9,
            years=2.0,
            usd_per_accelerator_hour=c.cost_usd_per_accelerator_hour,
        )
    )
    assert at_cost.margin == pytest.approx(0.0, abs=1e-12)


def test_deal_command_prints_the_conversion_and_names_a_wrong_deal():
    done = runner.invoke(app, ["deal", "oracle_openai", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["price_usd_per_accelerator_hour"] == pytest.approx(3.683, abs=1e-3)
    assert data["reported"]["campus_gw"] == 4.5
    wrong = runner.invoke(app, ["deal", "oracle"])
    assert wrong.exit_code == 1
    assert "deal 'oracle' not found; did you mean 'oracle_openai'?" in wrong.output
    unknown = runner.invoke(app, ["deal", "nvidia_openai", "--accelerator", "gb2000"])
    assert unknown.exit_code == 1
    assert "accelerator 'gb2000' not in the catalog; did you mean 'gb200'?" in unknown.output
    assert gigafactory.deal_presets().keys() >= {"oracle_openai", "nvidia_openai"}


def _campus() -> dict:
    site = {
        "id": "campus",
        "catalog": "memphis",
        "load": {"it_mw": 5},
        "cooling": "direct_liquid",
        "grid": {"import_cap_mw": 40},
        "technologies": {"gas_ct": {"max_mw": 60}},
        "compute": {
            "training": [
                {
                    "name": "run",
                    "accelerator": "h100_sxm",
                    "parameters": 70e9,
                    "tokens": 2e12,
                    "precision": "bf16",
                    "mfu": 0.4,
                    "accelerators": 1000,
                }
            ]
        },
    }
    return {"name": "campus", "seed": 1, "sites": [site]}


def test_a_campus_cash_flow_by_hand():
    from gigafactory.scenario import scenario_from_dict

    scenario = scenario_from_dict(_campus())
    flow = gigafactory.campus_cash_flow(
        scenario, 2.0, start_year=2026, construction_years=2, operating_years=8
    )
    site = gigafactory.run(scenario).summary.sites[0]
    # 1,000 H100 at 27,500 USD, +30 % server, +15 % network; bought again after 5 years
    hardware = 1000 * 27_500 * 1.3 * 1.15
    assert flow.capex_parts_usd["accelerators"] == pytest.approx(hardware)
    gas = site.capacity_mw["gas_ct"]
    assert flow.capex_usd.tolist() == pytest.approx(
        [sum(flow.capex_parts_usd.values()) / 2] * 2 + [0.0] * 5 + [hardware] + [0.0] * 2
    )
    assert gas > 0  # the gas turbines the LP built are in the power assets' capex
    assert flow.capex_parts_usd["power assets"] > 0
    # 2 USD/h x 1,000 accelerators x 8,760 h x 80 % sold
    assert flow.revenue_usd[2:].tolist() == pytest.approx([2.0 * 1000 * 8760 * 0.8] * 8)
    # opex: the site's annual cost without the power assets' annuities
    opex = site.total_annual_cost_usd - site.cost_breakdown_usd.capex_annualised
    assert flow.opex_usd[2] == pytest.approx(opex, rel=1e-6)
    # 60 % debt at 6 %, 40 % equity at 12 %: 8.4 %
    assert flow.wacc == pytest.approx(0.084)
    assert flow.npv_usd == pytest.approx(npv(flow.net_usd, 0.084))
    assert npv(flow.net_usd, flow.irr) == pytest.approx(0.0, abs=1e-3)
    # a dearer price always helps, and the table lists each driver once, largest swing first
    drivers = {row[0]: row for row in flow.sensitivity}
    assert drivers["price"][2] > flow.npv_usd > drivers["price"][1]
    swings = [abs(high - low) for _, low, high in flow.sensitivity]
    assert swings == sorted(swings, reverse=True)
    assert set(drivers) == {"price", "capex", "accelerator price", "opex", "wacc"}


def test_a_roadmap_cash_flow_by_hand():
    """Half the campus from 2026, all of it from 2028, to 2032, built a year before each
    stage: the fleet and the facility in two halves, the power assets each stage built, the
    accelerators bought again after their 5 years (the 2026 half in 2031), and what is left
    of every asset at the end (straight-line)."""
    from gigafactory.scenario import scenario_from_dict

    data = _campus()
    data["roadmap"] = {
        "decided": 2024,
        "end": 2032,
        "typical_days": 6,
        "stages": [{"year": 2026, "scale": 0.5}, {"year": 2028}],
    }
    scenario = scenario_from_dict(data)
    flow = gigafactory.roadmap_cash_flow(scenario, 2.0, construction_years=1)
    (site,) = gigafactory.plan_roadmap(scenario).sites
    first, second = site.stages
    hardware = 1000 * 27_500 * 1.3 * 1.15  # as in the single-year case above
    facility = flow.capex_parts_usd["facility"]
    assert flow.years.tolist() == list(range(2025, 2032))
    assert flow.capex_usd.tolist() == pytest.approx(
        [
            first.capex_usd + (facility + hardware) / 2,  # 2025
            0.0,
            second.capex_usd + (facility + hardware) / 2,  # 2027
            0.0,
            0.0,
            0.0,
            hardware / 2,  # 2031: the first half's accelerators again
        ],
        rel=1e-9,
    )
    sold = 2.0 * 1000 * 8760 * 0.8
    assert flow.revenue_usd.tolist() == pytest.approx([0, sold / 2, sold / 2] + [sold] * 4)
    assert flow.opex_usd[1] == pytest.approx(first.operating_cost_usd + first.om_usd)
    # left at the end of 2031: facility (20 yr) halves 14/20 and 16/20 ahead; the 2031
    # accelerators 4/5 of 5 years ahead, the 2028 half 1/5
    left = facility / 2 * (14 / 20 + 16 / 20) + hardware / 2 * (4 / 5 + 1 / 5)
    power = flow.residual_usd[-1] - left
    assert 0.0 <= power <= first.capex_usd + second.capex_usd
    assert flow.npv_usd == pytest.approx(npv(flow.net_usd, flow.wacc))
    assert flow.debt is not None and flow.debt.balance_usd[-1] == 0.0  # settled at the end


def test_cash_flow_needs_a_fleet():
    from gigafactory.scenario import scenario_from_dict

    no_compute = _campus()
    del no_compute["sites"][0]["compute"]
    with pytest.raises(gigafactory.ScenarioError, match="no site has a compute section"):
        gigafactory.campus_cash_flow(scenario_from_dict(no_compute), 2.0)


def test_industry_scale_by_hand():
    from gigafactory import catalog

    gb300 = catalog.get_accelerator("gb300").params
    one = gigafactory.industry_scale(1e12, "gb300")
    # a GW of campus at PUE 1.2 holds 1e9 / (1.2 x system W x 1.1 network) accelerators
    per_gw = 1e9 / (1.2 * gb300["system_w"] * 1.1)
    servers = per_gw * gb300["price_usd"] * (1 + gb300["server_overhead"])
    parts = {
        "accelerators and servers": servers,
        "networking": 0.15 * servers,
        "facility": 1e9 / 1.2 / 1e6 * 11.7e6,  # IT MW x 11.7 M USD
        "power supply": 2_157_000 * 1e3,  # gas combined cycle, catalog capex per MW
    }
    assert one.usd_per_gw == pytest.approx(parts)
    assert one.gw == pytest.approx(1e12 / sum(parts.values()))
    assert one.accelerators == pytest.approx(per_gw * one.gw)
    # energy: servers at 30 % idle + 70 % x 0.8, +10 % network, x PUE, all year
    twh = one.accelerators * gb300["system_w"] * (0.3 + 0.7 * 0.8) * 1.1 * 1.2 * 8760 / 1e12
    assert one.twh_per_year == pytest.approx(twh)
    assert one.share_of_us == pytest.approx(twh / 4000.0)  # 176 TWh were 4.4 % (LBNL)
    # twice the spend, twice everything
    two = gigafactory.industry_scale(2e12, "gb300")
    assert two.gw == pytest.approx(2 * one.gw)
    with pytest.raises(gigafactory.ScenarioError, match="did you mean 'gas_ct'"):
        gigafactory.industry_scale(1e12, power_technology="gas_c")


def test_a_late_grid_feed_costs_more_each_month_and_builds_the_bridge():
    from conftest import small_scenario
    from gigafactory.scenario import scenario_from_dict

    scenario = scenario_from_dict({**small_scenario(), "seed": 1})
    cases = gigafactory.grid_delay(scenario, [12, 0, 6])
    assert [c.months for c in cases] == [0, 6, 12]
    assert [str(c.in_service) for c in cases] == ["2025-01-01", "2025-07-01", "2026-01-01"]
    costs = [c.total_annual_cost_usd for c in cases]
    # a later feed only takes options away: never cheaper (to the solver's tolerance)
    assert costs[0] <= costs[1] * (1 + 1e-9) <= costs[2] * (1 + 1e-9)
    assert cases[0].extra_cost_usd == 0.0
    assert cases[2].extra_cost_usd == pytest.approx(costs[2] - costs[0])
    # with no feed all year, the gas turbines carry the whole load: at least its peak
    on_time, never = cases[0].capacity_mw, cases[2].capacity_mw
    assert on_time is not None and never is not None
    assert never["gas_ct"] >= on_time["gas_ct"]
    assert never["gas_ct"] >= gigafactory.run(scenario).summary.sites[0].peak_load_mw - 1e-3
    # the same year run on its own, cold, costs what the study found
    grid = scenario.sites[0].grid.model_copy(update={"in_service": cases[2].in_service})
    alone = scenario.model_copy(
        update={"sites": [scenario.sites[0].model_copy(update={"grid": grid})]}
    )
    assert gigafactory.run(alone).summary.total_annual_cost_usd == pytest.approx(costs[2], rel=1e-6)


def test_a_delay_without_a_bridge_says_where_supply_is_short():
    from conftest import small_scenario
    from gigafactory.scenario import scenario_from_dict

    no_gas = small_scenario(
        grid={"import_cap_mw": 80}, technologies={"solar_fixed": {"max_mw": 50}}
    )
    cases = gigafactory.grid_delay(scenario_from_dict(no_gas), [0, 12])
    assert cases[0].total_annual_cost_usd is not None
    assert cases[1].total_annual_cost_usd is None
    assert cases[1].infeasible.startswith("site 'campus': supply is short in ")
    with pytest.raises(gigafactory.ScenarioError, match=r"^months \[-1\]: delays must be 0"):
        gigafactory.grid_delay(scenario_from_dict(no_gas), [-1])


def test_cost_per_million_tokens_by_hand_and_the_break_even_price():
    from gigafactory.economics import capital_recovery_factor

    costs = {c.accelerator: c for c in gigafactory.chip_costs()}
    h100 = costs["h100_sxm"]
    # H100: 2,675 tokens/s (MLPerf v4.1 calibration), 80 % of the year
    tokens = 2675.0 * 3600 * 8760 * 0.8
    hardware = 27_500 * 1.3 * 1.15 * capital_recovery_factor(0.07, 5)
    it_mw = 1275e-6 * 1.1  # system W plus 10 % network and storage
    facility = it_mw * 11.7e6 * capital_recovery_factor(0.07, 20)
    energy = 1275e-6 * (0.3 + 0.7 * 0.8) * 1.1 * 1.2 * 8760 * 80.0
    assert h100.tokens_per_s == pytest.approx(2675.0, rel=1e-3)
    assert h100.usd_per_million_tokens == pytest.approx(
        (hardware + facility + energy) / tokens * 1e6, rel=1e-3
    )
    # the reference breaks even at its own price; a stack at half the speed doubles the
    # tokens' cost and lowers what the chip may cost
    assert h100.break_even_price_usd == pytest.approx(27_500, rel=1e-9)
    halved = {c.accelerator: c for c in gigafactory.chip_costs(stack_efficiency={"mi300x": 0.5})}
    assert halved["mi300x"].usd_per_million_tokens == pytest.approx(
        2 * costs["mi300x"].usd_per_million_tokens
    )
    assert halved["mi300x"].break_even_price_usd < costs["mi300x"].break_even_price_usd
    # sorted, cheapest first
    ordered = [c.usd_per_million_tokens for c in gigafactory.chip_costs()]
    assert ordered == sorted(ordered)
    with pytest.raises(
        gigafactory.ScenarioError, match=r"stack efficiency of mi300x: 3\.0, allowed 0 < e <= 2"
    ):
        gigafactory.chip_costs(stack_efficiency={"mi300x": 3.0})


def test_memory_of_a_fleet_by_hand():
    """Gross dies on a 300 mm wafer: pi 150^2 / A - pi 300 / sqrt(2 A) (de Vries 2005);
    a 24 Gb HBM3E die is 60 x 1.4 = 84 mm^2: 841.50 - 72.71 = 768.78 dies, x 0.9 x 0.75
    good = 518.93, x 3 GB = 1,556.8 GB a wafer. 1,000 H100: 80 GB in 5 stacks of 8 dies of
    16 Gb (2 GB) each; 1,000 H200: 141 GB in 6 stacks of 8 dies of 24 Gb (144 GB raw)."""
    from gigafactory.compute.memory import gross_dies_per_wafer, wafer_gb

    assert gross_dies_per_wafer(84.0) == pytest.approx(841.498 - 72.714, abs=1e-2)
    assert wafer_gb(24, hbm=True) == pytest.approx(768.784 * 0.9 * 0.75 * 3, rel=1e-5)
    demand = gigafactory.memory_demand({"h100_sxm": 1000, "h200_sxm": 1000}, months=10)
    h100, h200 = demand.by_accelerator["h100_sxm"], demand.by_accelerator["h200_sxm"]
    assert (h100["hbm_gb"], h100["stacks"], h100["dies"]) == (80_000, 5_000, 40_000)
    assert (h200["hbm_gb"], h200["stacks"], h200["dies"]) == (141_000, 6_000, 48_000)
    assert h200["wafers"] == pytest.approx(48_000 * 3 / wafer_gb(24, hbm=True), rel=1e-12)
    assert demand.host_dram_gb == 2000 * 256  # DGX H100: 2 TB for 8 GPUs
    total = demand.hbm_wafers + demand.dram_wafers
    assert demand.wafers_per_month == pytest.approx(total / 10)
    with pytest.raises(
        gigafactory.CatalogError, match=r"^accelerator 'mi325x': the catalog has no"
    ):
        gigafactory.memory_demand({"mi325x": 1})


def test_memory_command_sizes_a_deal():
    done = runner.invoke(app, ["memory", "--deal", "nvidia_openai", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert list(data["accelerators"]) == ["gb300"]
    # every GB300 carries 288 GB of HBM in 8 stacks of 12 dies
    count = data["accelerators"]["gb300"]
    assert data["hbm_gb"] == pytest.approx(288 * count)
    assert data["hbm_dies"] == pytest.approx(96 * count)
    bad = runner.invoke(app, ["memory", "--fleet", "gb300"])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "error: --fleet 'gb300': give name=count, e.g. gb300=1e6"


def test_cash_flow_and_contract_pages(tmp_path):
    flow = gigafactory.cash_flow_summary(
        "toy",
        2.0,
        gigafactory.CampusCashFlow(
            years=np.array([2026, 2027, 2028]),
            capex_usd=np.array([100e6, 0.0, 0.0]),
            opex_usd=np.array([0.0, 10e6, 10e6]),
            revenue_usd=np.array([0.0, 70e6, 70e6]),
            net_usd=np.array([-100e6, 60e6, 60e6]),
            capex_parts_usd={"facility": 100e6},
            wacc=0.08,
            npv_usd=-0.5e6,
            irr=0.13,
            payback_years=1.67,
            sensitivity=[("price", -30e6, 29e6)],
        ),
    )
    assert flow.debt_service_usd == [0.0, 0.0, 0.0]  # no schedule given: no debt
    page = gigafactory.write_cash_flow_report(flow, tmp_path / "cash.html").read_text()
    assert "toy: cash flow" in page
    assert "project IRR 13.0%, payback 1.7 years" in page
    assert "<tr><td>2027</td><td>0</td><td>10</td><td>70</td><td>60</td>" in page
    table = gigafactory.deal_table()
    assert [d.name for d in table.deals] == ["oracle_openai", "nvidia_openai", "broadcom_openai"]
    oracle = table.deals[0]
    # 60 billion USD a year over the fleet's hours (the conversion checked by hand above)
    assert oracle.price_usd_per_accelerator_hour == pytest.approx(
        60e9 / (oracle.accelerators * 8760), rel=1e-9
    )
    contracts = gigafactory.write_deals_report(table, tmp_path / "deals.html").read_text()
    assert "Compute deals" in contracts and "Sources" in contracts


def test_time_to_power_names_the_first_year_and_the_bridge():
    """Memphis's library wait for a new feed is 2 years (an estimate): decided in 2024 the
    feed serves from 2026. With leased turbines (no lead time) the campus can run from
    2024 at a premium; without them not before 2026. A year of waiting forgoes 1,000 H100
    x 8,760 h x 80 % sold x 2 USD = 14.016 M USD."""
    from gigafactory.scenario import scenario_from_dict

    data = _campus()
    data["sites"][0]["technologies"] = {"gas_ct_mobile": {"max_mw": 60}}
    bridged = gigafactory.time_to_power(
        scenario_from_dict(data), decided=2024, years=3, price_usd_per_accelerator_hour=2.0
    )
    assert [c.year for c in bridged] == [2024, 2025, 2026]
    assert [c.grid_import_cap_mw for c in bridged] == [0.0, 0.0, 40.0]
    assert bridged[0].built_mw["gas_ct_mobile"] > 1.0  # the bridge
    assert bridged[2].extra_cost_usd == 0.0  # the feed is the cheapest way
    assert bridged[0].extra_cost_usd > 0.0
    assert bridged[0].waiting_cost_usd == pytest.approx(2.0 * 1000 * 8760 * 0.8)
    data["sites"][0]["technologies"] = {}
    waiting = gigafactory.time_to_power(scenario_from_dict(data), decided=2024, years=3)
    assert [c.annual_cost_usd is None for c in waiting] == [True, True, False]
    assert waiting[0].infeasible.startswith("roadmap: site 'campus':")
