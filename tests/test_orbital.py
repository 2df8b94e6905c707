"""Orbital model: reference geometry, radiator convention, energy ratio, break-even."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pvlib
import pytest
from typer.testing import CliRunner

import gigafactory
from gigafactory import orbital
from gigafactory.cli import app
from gigafactory.economics import capital_recovery_factor
from gigafactory.resource import iotools, weather


def test_eclipse_400_km_beta_zero():
    # shared/facts §4d: 400 km at beta = 0: 36.1 of 92.6 min in shadow
    minutes = float(orbital.eclipse_fraction(400, 0.0)) * orbital.orbital_period_s(400) / 60
    assert minutes == pytest.approx(36.1, abs=1.0)
    # no eclipse above beta* = arcsin(R / (R + h)) (650 km: 65.2 deg)
    assert float(orbital.eclipse_fraction(650, 66.0)) == 0.0


def test_dawn_dusk_sso_sunlight():
    # shared/facts §4d/§9: dawn-dusk SSO 650 km: 96.0 % sunlit, longest eclipse 19.7 min,
    # ~91 eclipse days; 550 km: 95.0 %, 21.7 min
    s650 = orbital.sunlight(650)
    assert s650.sunlit_fraction == pytest.approx(0.96, abs=0.005)
    assert s650.eclipse_max_min == pytest.approx(19.7, abs=0.5)
    assert s650.eclipse_days == pytest.approx(91, abs=5)
    assert orbital.sunlight(550).eclipse_max_min == pytest.approx(21.7, abs=0.5)
    # an ISS-like 51.6 deg orbit is in shadow most orbits and ~1/3 of the time
    iss = orbital.sunlight(400, 51.6)
    assert 0.6 < iss.sunlit_fraction < 0.7


def test_sun_pointing_panel_yields_six_to_nine_times_ground():
    # Suncatcher: "up to 8x" a panel on Earth. Orbit: 1,361 W/m2 x 8,760 h x 96 % sunlit;
    # ground: plane-of-array irradiation of a fixed panel tilted at latitude in Greensboro,
    # NC (pvlib's bundled TMY3), 36.1 N.
    orbit_kwh = orbital.SOLAR_CONSTANT * 8760 * orbital.sunlight(650).sunlit_fraction / 1e3
    data, meta = iotools.read_weather_file(Path(pvlib.__file__).parent / "data" / "723170TYA.CSV")
    index = weather.hourly_index(2025)
    data.index = index
    wx = weather.from_observations(
        data, index, meta["latitude"], meta["longitude"], meta["altitude"]
    )
    poa = (
        pvlib.irradiance.get_total_irradiance(
            meta["latitude"],
            180,
            wx["solar_zenith"],
            wx["solar_azimuth"],
            wx["dni"],
            wx["ghi"],
            wx["dhi"],
        )["poa_global"]
        .fillna(0)
        .sum()
        / 1e3
    )
    assert 6 <= orbit_kwh / poa <= 9


def test_radiator_starcloud_convention():
    # shared/facts §4d: two-sided, eps 0.92 at 20 degC: 770.5 W/m2 emitted, minus sun
    # (0.09 x 1,366 = 122.9) and Earth (14.5) -> 633.1 W/m2 net
    assert orbital.radiator_net_flux(20.0) == pytest.approx(633.0, rel=0.02)
    # hotter radiators reject more: sigma T^4
    assert orbital.radiator_net_flux(60.0) > orbital.radiator_net_flux(20.0)


def _toy_design(launch_usd_per_kg: float) -> orbital.OrbitalDesign:
    """10 MW of IT, 1,000 accelerators of 20 kg and 50 k USD each, no structure mass."""
    return orbital.design(
        it_power_mw=10.0,
        hardware_crf=capital_recovery_factor(0.07, 5),
        system_crf=capital_recovery_factor(0.07, 10),
        accelerators=1000,
        accelerator_capex_usd=50e6,
        accelerator_mass_kg=20.0,
        structure_fraction=0.0,
        launch_usd_per_kg=launch_usd_per_kg,
    )


def test_design_masses_by_hand_and_breakeven():
    d = _toy_design(1000.0)
    # radiators reject 11 MW (10 % bus) at 633 W/m2 -> 17,375 m2 x 14.2 kg/m2
    assert d.radiator_m2 == pytest.approx(11e6 / orbital.radiator_net_flux(20.0))
    assert d.mass_kg["radiators"] == pytest.approx(d.radiator_m2 * 14.2)
    assert d.mass_kg["accelerators"] == pytest.approx(20_000)
    # break-even: the design at p* costs exactly the target
    target = 0.8 * d.total_annual_cost_usd
    p_star = orbital.breakeven_launch_price(d, 1000.0, target)
    assert _toy_design(p_star).total_annual_cost_usd == pytest.approx(target, rel=1e-9)
    # read from a design with free launches (which divided by its price of 0), the same p*
    free = _toy_design(0.0)
    assert orbital.breakeven_launch_price(free, 0.0, target) == pytest.approx(p_star, rel=1e-9)


def test_orbit_presets_and_cli(tmp_path):
    result = gigafactory.orbit(gigafactory.load_scenario("starcloud-40mw"))
    for key in (
        "sunlit_fraction",
        "eclipse_max_min",
        "array_m2",
        "radiator_m2",
        "mass_t",
        "launches",
        "usd_per_accelerator_hour",
        "breakeven_launch_usd_per_kg",
    ):
        assert np.isfinite(getattr(result, key)), key
    # Starcloud's own inputs are far lighter than the flight-proven estimate
    assert result.variants["starcloud"].mass_t < result.mass_t / 2
    # a cheaper launch always lowers the orbital cost
    curve = result.sensitivity.usd_per_accelerator_hour["base"]
    assert all(a < b for a, b in itertools.pairwise(curve))
    runner = CliRunner()
    out = runner.invoke(app, ["orbit", "suncatcher", "-o", str(tmp_path / "o")])
    assert out.exit_code == 0, out.output
    saved = json.loads((tmp_path / "o" / "orbit.json").read_text())
    assert saved["ground"]["site"] == "columbus"
    assert "break-even" in (tmp_path / "o" / "orbit.html").read_text()


def test_an_orbit_variant_keeps_the_options_bounds():
    # was: a ZeroDivisionError traceback from the design, the variant's dict unchecked
    suncatcher = gigafactory.load_scenario("suncatcher")
    with pytest.raises(gigafactory.ScenarioError) as zero:
        gigafactory.with_settings(
            suncatcher, {"orbit.variants.integrated_panels.array_specific_power_w_kg": 0}, "--set"
        )
    assert str(zero.value) == (
        "--set: orbit.variants.integrated_panels.array_specific_power_w_kg: Input "
        "should be greater than 0 (got 0.0)"
    )
    with pytest.raises(gigafactory.ScenarioError) as typo:
        gigafactory.with_settings(
            suncatcher, {"orbit.variants.integrated_panels.radiator_kg_mm": 3}, "--set"
        )
    assert str(typo.value).startswith(
        "--set: orbit.variants.integrated_panels: unknown option 'radiator_kg_mm'; "
        "did you mean 'radiator_kg_m2'?; allowed: accelerator_mass_kg, altitude_km, "
    )
