"""The report's charts and boxes: what is built, cost by technology and kind, binding limits,
storage bands, the year by day and hour, duration curves and the site map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gigafactory
from conftest import small_scenario, stored_site, stored_summary
from gigafactory.report.charts import (
    capacity_figure,
    cost_by_source_usd,
    cost_figure,
    daily_band,
    local_hour_offset,
)
from gigafactory.report.firm import binding_limits
from gigafactory.report.maps import map_figure, world_outline
from gigafactory.scenario import scenario_from_dict


def test_cost_by_source_adds_up_to_the_total_and_gathers_the_grid():
    site = stored_site("korea-southwest")
    by_source = cost_by_source_usd(site)
    assert sum(by_source.values()) == pytest.approx(site.total_annual_cost_usd, rel=1e-9)
    # grid = energy 63.23 + demand charges 5.63 (+ fixed charges 0, export revenue 0) M USD
    breakdown = site.cost_breakdown_usd
    assert by_source["grid"] == pytest.approx(breakdown.grid_energy + breakdown.demand_charges)
    assert by_source["grid"] / 1e6 == pytest.approx(68.85, abs=0.01)
    assert by_source["jeonnam-wind-ppa (contract)"] / 1e6 == pytest.approx(15.23, abs=0.01)
    assert "carbon price" not in by_source  # zero items are left out


def test_cost_figure_shows_both_views_in_million_usd():
    site = stored_site("korea-southwest")
    fig = cost_figure(site)
    by_tech, by_kind = fig.data
    assert list(by_tech.y) == [
        "offshore wind",
        "fixed PV",
        "Li-ion",
        "jeonnam-wind-ppa (contract)",
        "grid",
    ]
    assert dict(zip(by_kind.y, by_kind.x, strict=True))["grid energy"] == pytest.approx(
        63.23, abs=0.01
    )
    assert sum(by_kind.x) == pytest.approx(site.total_annual_cost_usd / 1e6)
    assert "130.4 M USD/yr" in fig.layout.title.text


def test_capacity_figure_includes_the_grid_connection_and_storage_energy():
    site = stored_site("korea-southwest")
    bars = capacity_figure(site).data[0]
    values = dict(zip(bars.y, bars.x, strict=True))
    assert values["grid connection (kepco_industrial_tou)"] == pytest.approx(100.0)
    assert values["fixed PV"] == pytest.approx(272.8, abs=0.05)
    assert "99.5 MW / 398 MWh" in bars.text


def test_binding_limits_name_the_limit_and_its_worth():
    assert binding_limits(stored_site("korea-southwest")) == [
        "jeonnam: grid connection: the 100 MW feed binds; one more MW would save up to 764,691 "
        "USD/yr"
    ]
    pine = binding_limits(stored_site("pine-island"))
    assert pine[0].startswith("pine_island: solar_tracking: at its build limit of 200.0 MW")
    # the Korean line is the same sentence as the report's "why this mix", clause for clause
    assert binding_limits(stored_site("pine-island"), "ko")[0] == (
        "pine_island: 추적식 태양광: 구축 한도 200.0 MW 도달; 한도를 1 MW 늘리면 연 최대 "
        "123,349 USD 절감 (3,137 USD/kW까지는 구축할 가치가 있음 (현재 1,606 USD/kW))"
    )
    assert pine[-1] == (
        "pine_island: hourly CFE target binds: one more point would cost at least 19.08 million "
        "USD/yr"
    )
    # Pohang's 100 MW feed binds: re-solved at 101 MW the year costs 1.07 M USD less, at 99
    # MW 1.12 M more (2026-12-03), and the dual lies between the two
    feed = [line for line in binding_limits(stored_site("korea-pohang")) if "feed" in line]
    assert feed == [
        "pohang: grid connection: the 100 MW feed binds; one more MW would save up to 1,101,206 "
        "USD/yr"
    ]
    # a feed that is not a limit (Memphis: -0 USD/MW-yr) and no build limit: nothing binds
    assert binding_limits(stored_site("memphis-gas")) == []


def test_daily_band_by_hand():
    time = pd.date_range("2025-01-01", periods=48, freq="h")
    values = np.r_[np.arange(24.0), np.full(24, 5.0)]
    band = daily_band(values, time)
    assert band.loc["2025-01-01"].tolist() == [0.0, 11.5, 23.0]  # min, mean of 0..23, max
    assert band.loc["2025-01-02"].tolist() == [5.0, 5.0, 5.0]


@pytest.mark.parametrize(
    ("longitude", "offset"), [(126.5, 8), (-90.05, -6), (0.0, 0), (179.9, 12), (7.4, 0)]
)
def test_local_hour_offset(longitude, offset):
    assert local_hour_offset(longitude) == offset  # round(lon / 15)


def test_map_draws_the_outline_around_the_sites():
    outline = world_outline()
    assert list(outline.columns) == ["ring", "lon", "lat"]
    assert outline["lon"].between(-180, 180).all() and outline["lat"].between(-90, 90).all()
    # Korea's peninsula is among the rings: a vertex near Mokpo (34.8 N, 126.4 E)
    near = outline[outline["lon"].between(126, 127) & outline["lat"].between(34.5, 35.2)]
    assert len(near) > 0
    sites = pd.DataFrame(
        {
            "name": ["jeonnam", "ulsan"],
            "latitude": [34.8, 35.5],
            "longitude": [126.4, 129.3],
            "text": ["a", "b"],
        }
    )
    fig = map_figure(sites, title="where")
    land, points = fig.data
    assert list(points.x) == [126.4, 129.3]
    # the view keeps a 4 degree margin at least: 122.4 .. 133.3 E
    assert fig.layout.xaxis.range == pytest.approx((122.4, 133.3))
    drawn = np.array([x for x in land.x if x is not None])
    assert drawn.size > 100 and (drawn > 120).mean() > 0.5


def test_report_shows_binding_limits_key_figures_and_the_map():
    cheap_pv = {"solar_fixed": {"max_mw": 20, "capex_usd_per_kw": 300}, "gas_ct": {"max_mw": 100}}
    results = gigafactory.run(scenario_from_dict(small_scenario(technologies=cheap_pv)))
    page = gigafactory.report_html(results)
    assert "class='figures'" in page
    assert f"{results.summary.total_annual_cost_usd / 1e6:,.1f}" in page
    assert "small: where" in page  # the map
    assert "<strong>Binding limits</strong>" in page
    assert "campus: solar_fixed: at its build limit of 20.0 MW" in page
    assert "@media print" in page
    # charts: what is built first, then cost, dispatch, storage band, heatmap, durations
    titles = [f.layout.title.text for f in gigafactory.figures(results)["campus"]]
    assert titles[0].startswith("campus: what is built")
    assert titles[1].startswith("campus: annual cost")
    assert "campus: the year by day and hour" in titles
    assert "campus: duration curves" in titles


def test_compare_table_is_labelled_scaled_and_drops_empty_columns():
    from gigafactory.report.studies import compare_table

    table = pd.DataFrame(
        {
            "site": ["ulsan", "pohang"],
            "name": ["Ulsan", "Pohang"],
            "rank": [1, 2],
            "score": [0.17, 0.23],
            "total_annual_cost_usd": [117.5e6, 111.3e6],
            "cfe_share": [0.0, 0.578],
            "usd_per_accelerator_hour": [float("nan")] * 2,  # no compute: left out
            "dropped": ["", ""],  # nothing dropped: left out
        }
    )
    shown = compare_table(table)
    assert list(shown.columns) == [
        "rank",
        "site",
        "score [0 best - 1 worst]",
        "total annual cost [M USD/yr]",
        "hourly CFE [%]",
    ]
    assert shown["total annual cost [M USD/yr]"].tolist() == ["117.5", "111.3"]
    assert shown["hourly CFE [%]"].tolist() == ["0.0", "57.8"]


def test_sweep_page_labels_fields_and_draws_the_band_where_cases_share_a_value():
    from gigafactory.report.studies import sweep_html

    # 2 x 2 grid: at each gas price two cases (two caps), so a P10-P90 band exists
    table = pd.DataFrame(
        {
            "sites[0].gas_price_usd_per_mmbtu": [2.0, 2.0, 8.0, 8.0],
            "sites[0].grid.import_cap_mw": [50.0, 100.0, 50.0, 100.0],
            "total_annual_cost_usd": [70e6, 60e6, 90e6, 75e6],
            "error": ["", "", "", ""],
        }
    )
    params = ["sites[0].gas_price_usd_per_mmbtu", "sites[0].grid.import_cap_mw"]
    page = sweep_html(table, params, "t").replace("\\u002f", "/")  # as Plotly escapes "/"
    assert "gas price [USD/MMBtu]" in page and "grid import cap [MW]" in page
    assert "total annual cost [million USD/yr]" in page
    assert "P10-P90 over the other parameters" in page
    # tornado by hand: mean cost at 2 USD/MMBtu 65, at 8: 82.5 -> 65.00 to 82.50
    assert "65.00 to 82.50" in page
    # one parameter, one case per value: points and a median, no band to draw
    one = sweep_html(table.iloc[[0, 2]], params[:1], "t")
    assert "P10-P90" not in one and "each case" in one


def test_runs_side_by_side_by_hand():
    from gigafactory.report.runs import compare_runs_html, run_capacities_mw, run_costs_usd
    from gigafactory.summary import Summary

    def summary(preset):
        return Summary.from_dict(stored_summary(preset))

    korea, memphis = summary("korea-southwest"), summary("memphis-gas")
    built = run_capacities_mw(korea)
    assert built["fixed PV"] == pytest.approx(272.79, abs=0.01)
    assert built["grid connection"] == pytest.approx(100.0)
    assert sum(run_costs_usd(memphis).values()) == pytest.approx(memphis.total_annual_cost_usd)
    page = compare_runs_html(
        ["korea", "memphis"], [korea, memphis], [("sites[0].catalog", "korea_southwest", "memphis")]
    )
    assert "<tr><td>total annual cost [M USD/yr]</td><td>130.39</td>" in page
    assert "<td>grid connection</td><td>100.0</td><td>150.0</td>" in page
    assert "<tr><td>sites[0].catalog</td><td>korea_southwest</td><td>memphis</td></tr>" in page
