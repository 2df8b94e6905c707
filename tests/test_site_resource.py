"""Resource data at site resolution: per-site solar, turbine class, wind shape and correlation.

Expected values are the cited data's own numbers (GLDAS cells via pvcz 0.3.0, the Seonam-hae
demo via KEPCO) or hand calculations written here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from gigafactory import catalog
from gigafactory.resource import weather, wind

KWH_PER_DAY_TO_W = 1000.0 / 24.0


@pytest.mark.parametrize(
    ("site", "gldas_kwh_per_m2_day"),
    [
        # pvcz 0.3.0 GHI_mean of the nearest 0.25-degree GLDAS-2.1 Noah cell, 2010-2018
        ("korea_southwest", 3.887),  # cell 34.875 N, 126.375 E
        ("pohang", 3.967),  # cell 36.125 N, 129.375 E
        ("ulsan", 3.975),  # cell 35.625 N, 129.375 E
    ],
)
def test_annual_ghi_is_the_sites_own_quarter_degree_cell(site, gldas_kwh_per_m2_day):
    ghi = catalog.site_climate(site)["ghi"]
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    annual_mean = float(np.average(ghi, weights=days))
    # monthly values are rounded to 0.1 W/m2 and weighted by month length: within 0.5 %
    assert annual_mean == pytest.approx(gldas_kwh_per_m2_day * KWH_PER_DAY_TO_W, rel=5e-3)


def test_pohang_and_ulsan_no_longer_share_one_coarse_cell():
    pohang = catalog.site_climate("pohang")["ghi"]
    ulsan = catalog.site_climate("ulsan")["ghi"]
    assert not np.array_equal(pohang.to_numpy(), ulsan.to_numpy())
    # 60 km apart on one coast: their own cells agree within 1 %, as the data says
    assert ulsan.mean() / pohang.mean() == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(
    ("site", "curve"),
    [
        ("abilene", "enercon_e141_4200"),  # 8.0 m/s: above class III's 7.5 m/s
        ("dublin", "enercon_e141_4200"),  # 8.0 m/s
        ("pine_island", "nrel_atb2020_7mw_200"),  # 7.5 m/s: class III
        ("korea_southwest", "nrel_atb2020_7mw_200"),  # 5.5 m/s
    ],
)
def test_onshore_turbine_is_matched_to_the_sites_iec_class(site, curve):
    speed = catalog.get_site(site).params["wind_speed_onshore_m_s"]
    assert catalog.onshore_curve(speed) == curve


def test_iec_class_limits():
    # IEC 61400-1: V_ave = 0.2 V_ref; V_ref 37.5 / 42.5 / 50 m/s
    assert [catalog.iec_class(v) for v in (7.5, 7.51, 8.5, 8.51, 10.0, 10.01)] == [
        "III",
        "II",
        "II",
        "I",
        "I",
        "S",
    ]


def _site_wind(site, years, seed, correlation=None, shape=True, mean=None):
    """Synthetic weather and offshore wind speed for ``years`` consecutive years."""
    entry = catalog.get_site(site)
    normals = catalog.site_climate(site)
    rng = np.random.default_rng(seed)
    rho = entry.params["wind_solar_correlation"] if correlation is None else correlation
    parts = []
    for year in range(2025, 2025 + years):
        index = weather.hourly_index(year)
        wx = weather.synthesise_weather(
            index, entry.latitude, entry.longitude, entry.params["elevation_m"], normals, rng
        )
        factor = (
            wind.hourly_shape(
                index,
                entry.longitude,
                normals["wind_ratio"].to_numpy(),
                *catalog.diurnal_shape("offshore"),
            )
            if shape
            else None
        )
        speed = wind.synthesise_wind_speed(
            len(index),
            mean or entry.params["wind_speed_offshore_m_s"],
            rng,
            k=entry.params["weibull_k"],
            shape=factor,
            common=wind.daily_solar_score(wx["ghi"].to_numpy(), index, entry.longitude),
            correlation=rho,
        )
        parts.append((index, wx, speed))
    index = pd.DatetimeIndex(np.concatenate([p[0] for p in parts]))
    wx = pd.concat([p[1] for p in parts])
    return index, wx, np.concatenate([p[2] for p in parts]), entry


def _daily_score_correlation(index, ghi, speed, longitude):
    local = index + pd.Timedelta(hours=longitude / 15.0)
    frame = pd.DataFrame({"ghi": ghi, "speed": speed, "day": local.normalize()})
    daily = frame.groupby("day").mean()
    month = daily.index.year * 12 + daily.index.month

    def score(x):
        return x.groupby(month).transform(lambda v: stats.norm.ppf((v.rank() - 0.5) / len(v)))

    return float(np.corrcoef(score(daily["speed"]), score(daily["ghi"]))[0, 1])


def test_wind_and_sun_move_together_as_the_data_says():
    index, wx, speed, entry = _site_wind("korea_southwest", years=4, seed=5)
    target = entry.params["wind_solar_correlation"]
    assert target == pytest.approx(-0.15)  # the median of 36 European ERA5 sites
    measured = _daily_score_correlation(index, wx["ghi"].to_numpy(), speed, entry.longitude)
    # 1,460 days: the sampling spread of a correlation is about 1/sqrt(1460) = 0.026
    assert measured == pytest.approx(target, abs=0.06)


def test_independent_wind_has_no_solar_correlation():
    index, wx, speed, entry = _site_wind("korea_southwest", years=4, seed=5, correlation=0.0)
    measured = _daily_score_correlation(index, wx["ghi"].to_numpy(), speed, entry.longitude)
    assert abs(measured) < 0.06


def _winter_over_summer(index, speed):
    monthly = pd.Series(speed).groupby(index.month).mean()
    return monthly[[12, 1, 2]].mean() / monthly[[6, 7, 8]].mean()


def test_wind_keeps_the_sites_seasons():
    normals = catalog.site_climate("korea_southwest")["wind_ratio"]
    # winter monsoon: January 1.150, July 0.850 in the library
    assert normals[1] == pytest.approx(1.150)
    assert normals[7] == pytest.approx(0.850)
    expected = (1.139 + 1.150 + 1.121) / (0.861 + 0.850 + 0.879)  # DJF / JJA = 1.317
    index, _, speed, _ = _site_wind("korea_southwest", years=10, seed=7)
    assert _winter_over_summer(index, speed) == pytest.approx(expected, rel=0.06)


def test_flat_wind_has_no_season():
    index, _, speed, _ = _site_wind("korea_southwest", years=10, seed=7, shape=False)
    assert _winter_over_summer(index, speed) == pytest.approx(1.0, abs=0.08)


def test_modelled_seonam_hae_demo_against_its_measured_year():
    # Seonam-hae 60 MW demo, 2020 (KEPCO via chosun.com, 2021): mean 6.03 m/s, CF 21.7 %,
    # 98 days below 4 m/s. A 3 MW-class IEC IIa curve (V112-3.075) with 15 % losses:
    cfs, calm = [], []
    for seed in range(3):
        index, _, speed, _ = _site_wind("korea_southwest", years=1, seed=seed, mean=6.03)
        cf = wind.power_curve_output(speed, *catalog.power_curve("vestas_v112_3075"), losses=0.15)
        cfs.append(cf.mean())
        daily = pd.Series(speed, index=index).groupby(index.date).mean()
        calm.append(int((daily < 4.0).sum()))
    # the model reads 1-3 points above the demo's first full year: 21.7 % x 1.15 = 25.0 %
    assert 0.217 <= np.mean(cfs) <= 0.250
    assert np.mean(calm) == pytest.approx(98, rel=0.2)


def test_a_polar_night_has_no_sun_and_no_division_by_zero():
    # Longyearbyen, Svalbard (78.2 N; Arctic World Archive's data vault): the sun stays
    # below the horizon from late October to mid-February, so December's clear-sky GHI is
    # 0 and so is its normal; the other months keep their normals.
    index = pd.date_range("2025-01-01", periods=8760, freq="h", tz="UTC")
    normals = np.array([0.0, 2, 20, 80, 160, 200, 170, 100, 40, 8, 0, 0])  # [W/m2]
    with np.errstate(all="raise"):  # the division that was 0/0 in the dark months
        frame = weather.synthesise_irradiance(
            index, 78.2, 15.6, 10.0, normals, np.random.default_rng(1)
        )
    monthly = frame["ghi"].groupby(index.month).mean().to_numpy()
    assert monthly[11] == 0.0
    lit = normals > 0
    np.testing.assert_allclose(monthly[lit], normals[lit], rtol=1e-9)
