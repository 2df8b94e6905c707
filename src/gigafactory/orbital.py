"""Orbital datacenters: sunlight, arrays, radiators, batteries, mass, launch and cost.

Pure functions in SI-derived units (km for altitude, W, m2, kg, s). Equations and their
sources are in each docstring.

References
----------
.. [1] D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013
   (circular-orbit eclipse geometry, J2 nodal precession, sun-synchronous inclination).
.. [2] The Astronomical Almanac, low-precision formulae for the Sun's position (accuracy
   ~0.01 deg), also in Vallado's algorithm 29.
.. [3] Starcloud, "Why we should train AI in space" (white paper, 2024/25), radiator
   convention (two-sided, emissivity 0.92, absorptivity 0.09, 1,366 W/m2, Earth view
   factor 0.25, albedo 0.3, Earth at 253 K): 633 W/m2 net at 20 degC.
.. [4] B. Agüera y Arcas et al., "Towards a future space-based, highly scalable AI
   infrastructure system design" (Project Suncatcher), arXiv:2511.19468, 2025.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gigafactory.units import KG_PER_T, MINUTES_PER_HOUR, W_PER_MW

__all__ = [
    "EARTH_RADIUS_KM",
    "SOLAR_CONSTANT",
    "OrbitalDesign",
    "Sunlight",
    "beta_angles",
    "breakeven_launch_price",
    "design",
    "eclipse_fraction",
    "orbital_period_s",
    "radiator_net_flux",
    "sun_synchronous_inclination",
    "sunlight",
]

EARTH_RADIUS_KM = 6378.137
"""Earth's equatorial radius (WGS-84) [km]."""
MU_KM3_S2 = 398_600.4418
"""Earth's gravitational parameter [km3/s2]."""
J2 = 1.08263e-3
"""Earth's second zonal harmonic [-]."""
SOLAR_CONSTANT = 1361.0
"""Total solar irradiance at 1 AU (Kopp & Lean 2011; IAU 2015 nominal) [W/m2]."""
STEFAN_BOLTZMANN = 5.670374419e-8
"""[W/m2/K4]"""
BATTERY_ROUND_TRIP = 0.9
"""Round-trip efficiency of the eclipse batteries [-]; an estimate for space Li-ion."""

WH_PER_KWH = 1e3
"""Watt-hours per kilowatt-hour [Wh/kWh]."""

TROPICAL_YEAR_DAYS = 365.2422


def orbital_period_s(altitude_km: float) -> float:
    """Period of a circular orbit, ``2 pi sqrt(a^3 / mu)`` [s].

    Examples
    --------
    >>> round(orbital_period_s(400) / 60, 1)
    92.6
    """
    a = EARTH_RADIUS_KM + altitude_km
    return 2 * math.pi * math.sqrt(a**3 / MU_KM3_S2)


def eclipse_fraction(altitude_km: float, beta_deg: np.ndarray | float) -> np.ndarray:
    """Share of each orbit in Earth's (cylindrical) shadow [-] [1].

    ``f = arccos(sqrt(h^2 + 2 R h) / ((R + h) cos beta)) / pi`` when
    ``|beta| < arcsin(R / (R + h))``, else 0. Penumbra and oblateness are ignored.

    Examples
    --------
    >>> round(float(eclipse_fraction(400, 0.0)) * orbital_period_s(400) / 60, 1)
    36.1
    """
    r, h = EARTH_RADIUS_KM, altitude_km
    beta = np.radians(np.abs(np.asarray(beta_deg, dtype=float)))
    beta_star = math.asin(r / (r + h))
    with np.errstate(invalid="ignore"):
        x = math.sqrt(h * h + 2 * r * h) / ((r + h) * np.cos(beta))
        f = np.arccos(np.clip(x, -1.0, 1.0)) / math.pi
    return np.asarray(np.where(beta < beta_star, f, 0.0))


def sun_synchronous_inclination(altitude_km: float) -> float:
    """Inclination whose J2 nodal precession follows the mean Sun, 360 deg/yr [deg] [1].

    Examples
    --------
    >>> round(sun_synchronous_inclination(650), 2)
    97.99
    """
    a = EARTH_RADIUS_KM + altitude_km
    n = math.sqrt(MU_KM3_S2 / a**3)  # rad/s
    required = 2 * math.pi / (TROPICAL_YEAR_DAYS * 86_400)  # rad/s
    cos_i = -required / (1.5 * n * J2 * (EARTH_RADIUS_KM / a) ** 2)
    return math.degrees(math.acos(cos_i))


def _sun_unit_vectors(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sun direction (ECI, equator of date) and mean longitude [rad] from day since J2000 [2]."""
    mean_longitude = np.radians((280.460 + 0.9856474 * days) % 360)
    g = np.radians((357.528 + 0.9856003 * days) % 360)
    ecliptic = mean_longitude + np.radians(1.915) * np.sin(g) + np.radians(0.020) * np.sin(2 * g)
    obliquity = np.radians(23.439 - 4e-7 * days)
    s = np.stack(
        [
            np.cos(ecliptic),
            np.cos(obliquity) * np.sin(ecliptic),
            np.sin(obliquity) * np.sin(ecliptic),
        ]
    )
    return s, mean_longitude


def beta_angles(
    altitude_km: float,
    inclination_deg: float | None = None,
    *,
    ltan_hours: float = 18.0,
    raan_deg: float = 0.0,
    days: float = 365.0,
    samples_per_day: int = 10,
) -> np.ndarray:
    """Sun angle above the orbit plane, sampled over a year from 1 Jan 2025 [deg].

    Parameters
    ----------
    altitude_km : float
        Circular orbit altitude [km].
    inclination_deg : float, optional
        Inclination; ``None`` means sun-synchronous with local time of the ascending node
        ``ltan_hours`` (18:00 is dawn-dusk) [deg].
    raan_deg : float
        Right ascension of the ascending node at the start, for non-SSO orbits; the node
        then drifts by J2 precession [deg].
    """
    t = np.arange(0.0, days, 1.0 / samples_per_day)
    day_j2000 = 9131.0 + t  # 1 Jan 2025 00:00 TT is J2000 + 9,131 days
    sun, mean_longitude = _sun_unit_vectors(day_j2000)
    a = EARTH_RADIUS_KM + altitude_km
    if inclination_deg is None:
        inc = math.radians(sun_synchronous_inclination(altitude_km))
        raan = mean_longitude + math.radians((ltan_hours - 12.0) * 15.0)
    else:
        inc = math.radians(inclination_deg)
        n = math.sqrt(MU_KM3_S2 / a**3)
        rate = -1.5 * n * J2 * (EARTH_RADIUS_KM / a) ** 2 * math.cos(inc)  # rad/s
        raan = math.radians(raan_deg) + rate * t * 86_400
    normal = np.stack(
        [
            math.sin(inc) * np.sin(raan),
            -math.sin(inc) * np.cos(raan),
            np.full_like(t, math.cos(inc)),
        ]
    )
    return np.asarray(np.degrees(np.arcsin(np.clip((normal * sun).sum(axis=0), -1, 1))))


@dataclass(frozen=True)
class Sunlight:
    """Sunlight over a year for one orbit."""

    sunlit_fraction: float
    eclipse_max_min: float
    eclipse_days: float
    period_min: float


def sunlight(altitude_km: float, inclination_deg: float | None = None, **kwargs: float) -> Sunlight:
    """Annual sunlit fraction, longest eclipse and days with eclipses of a circular orbit.

    Examples
    --------
    >>> s = sunlight(650)  # dawn-dusk sun-synchronous
    >>> round(s.sunlit_fraction, 2), round(s.eclipse_max_min)
    (0.96, 20)
    """
    beta = beta_angles(altitude_km, inclination_deg, **kwargs)  # type: ignore[arg-type]
    f = eclipse_fraction(altitude_km, beta)
    period = orbital_period_s(altitude_km) / 60
    per_day = len(beta) / 365.0
    return Sunlight(
        sunlit_fraction=float(1 - f.mean()),
        eclipse_max_min=float(f.max() * period),
        eclipse_days=float((f > 0).sum() / per_day),
        period_min=period,
    )


def radiator_net_flux(
    temperature_c: float,
    *,
    emissivity: float = 0.92,
    absorptivity: float = 0.09,
    sides: int = 2,
    solar_w_m2: float = 1366.0,
    earth_view_factor: float = 0.25,
    albedo: float = 0.3,
    earth_temperature_k: float = 253.0,
) -> float:
    """Net heat rejected per m2 of radiator panel [W/m2] [3].

    ``sides eps sigma T^4 - alpha S - alpha F (A S + sigma T_E^4)``: emission from both
    faces less absorbed sunlight and absorbed Earth albedo and infrared, in the Starcloud
    white paper's convention (defaults).

    Examples
    --------
    >>> round(radiator_net_flux(20.0), 1)
    633.1
    """
    t = temperature_c + 273.15
    emitted = sides * emissivity * STEFAN_BOLTZMANN * t**4
    earth = earth_view_factor * (albedo * solar_w_m2 + STEFAN_BOLTZMANN * earth_temperature_k**4)
    return emitted - absorptivity * solar_w_m2 - absorptivity * earth


@dataclass(frozen=True)
class OrbitalDesign:
    """Sizing, mass and annual cost of an orbital compute cluster."""

    sunlight: Sunlight
    load_w: float
    array_w: float
    array_m2: float
    radiator_m2: float
    battery_wh: float
    mass_kg: dict[str, float]
    launches: int
    launches_per_year: float
    annual_cost_usd: dict[str, float]
    launch_mass_kg_per_year: float
    annual_cost_per_launch_price: float
    """What one more USD/kg of launch price adds to the annual cost [USD/yr per USD/kg]:
    the mass launched, each part annualised over its own life."""

    @property
    def mass_t(self) -> float:
        """Total mass in orbit [t]."""
        return sum(self.mass_kg.values()) / KG_PER_T

    @property
    def mass_breakdown_t(self) -> dict[str, float]:
        """Mass in orbit by part [t]."""
        return {k: v / KG_PER_T for k, v in self.mass_kg.items()}

    @property
    def load_mw(self) -> float:
        """Electrical load: IT plus bus [MW]."""
        return self.load_w / W_PER_MW

    @property
    def array_mw(self) -> float:
        """Solar array output in sunlight [MW]."""
        return self.array_w / W_PER_MW

    @property
    def battery_mwh(self) -> float:
        """Battery capacity for the longest eclipse [MWh]."""
        return self.battery_wh / W_PER_MW

    @property
    def total_annual_cost_usd(self) -> float:
        """Annualised cost [USD/yr]."""
        return sum(self.annual_cost_usd.values())


def design(
    *,
    it_power_mw: float,
    accelerators: int,
    accelerator_capex_usd: float,
    accelerator_mass_kg: float,
    altitude_km: float = 650.0,
    inclination_deg: float | None = None,
    bus_overhead: float = 0.10,
    cell_efficiency: float = 0.22,
    array_specific_power_w_kg: float = 59.0,
    array_usd_per_w: float = 0.03,
    radiator_temperature_c: float = 20.0,
    radiator_kg_m2: float = 14.2,
    radiator_usd_m2: float = 500.0,
    battery_wh_kg: float = 150.0,
    battery_usd_per_kwh: float = 300.0,
    battery_depth_of_discharge: float = 0.8,
    structure_fraction: float = 0.20,
    launch_usd_per_kg: float = 500.0,
    launch_capacity_kg: float = 100_000.0,
    hardware_life_years: float = 5.0,
    system_life_years: float = 10.0,
    operations_fraction: float = 0.02,
    hardware_crf: float,
    system_crf: float,
) -> OrbitalDesign:
    """Size an orbital cluster and annualise its cost.

    Parameters (defaults and their sources)
    ---------------------------------------
    it_power_mw : IT power of the accelerators at full load [MW].
    bus_overhead : power conversion, attitude control, links (estimate 10 %).
    cell_efficiency : 0.22 (Starcloud white paper: 4 km x 4 km for 5 GW) [-].
    array_specific_power_w_kg : 59 W/kg, ISS iROSA ~20 kW / 340 kg (NASA) [W/kg].
    array_usd_per_w : 0.03 USD/W (Starcloud's assumption) [USD/W].
    radiator_kg_m2 : 14.2 kg/m2, ISS EATCS radiator ORU 1,122 kg / 79.2 m2 (NASA, "ISS
        active thermal control system overview").
    radiator_usd_m2 : estimate [USD/m2].
    battery_wh_kg, battery_usd_per_kwh : 150 Wh/kg, 300 USD/kWh for space Li-ion (estimates).
    structure_fraction : structure, shielding and bus mass on top of the rest (estimate 20 %).
    launch_usd_per_kg : 500 USD/kg (between Falcon Heavy ~1,500 and Starship targets) [USD/kg].
    launch_capacity_kg : 100 t per Starship launch (Starcloud) [kg].
    hardware_life_years : accelerators replaced (and relaunched) this often [yr].
    system_life_years : arrays, radiators, structure [yr].
    hardware_crf, system_crf : capital recovery factors over those lives
        (:func:`gigafactory.economics.capital_recovery_factor`) [1/yr].

    Notes
    -----
    The array carries the load in sunlight and recharges the batteries for the longest
    eclipse; batteries carry the load through it. Radiators reject all electrical power
    (it ends as heat). Capital is annualised with the capital recovery factor; accelerators
    and their share of launch mass over ``hardware_life_years``, everything else over
    ``system_life_years``.
    """
    sun = sunlight(altitude_km, inclination_deg)
    load = it_power_mw * W_PER_MW * (1 + bus_overhead)
    eclipse_share = sun.eclipse_max_min / sun.period_min
    # energy for the longest eclipse is made up during the rest of that orbit
    sunlit = max(1 - eclipse_share, 1e-9)  # guard: an orbit always in shadow
    array_w = load * (1 + eclipse_share / sunlit / BATTERY_ROUND_TRIP)
    array_m2 = array_w / (SOLAR_CONSTANT * cell_efficiency)
    radiator_m2 = load / radiator_net_flux(radiator_temperature_c)
    battery_wh = load * sun.eclipse_max_min / MINUTES_PER_HOUR / battery_depth_of_discharge
    mass = {
        "accelerators": accelerators * accelerator_mass_kg,
        "solar_array": array_w / array_specific_power_w_kg,
        "radiators": radiator_m2 * radiator_kg_m2,
        "batteries": battery_wh / battery_wh_kg,
    }
    mass["structure_shielding"] = structure_fraction * sum(mass.values())
    total = sum(mass.values())
    launches = math.ceil(total / launch_capacity_kg)
    crf_hw, crf_sys = hardware_crf, system_crf
    compute_launch = mass["accelerators"] * launch_usd_per_kg
    system_launch = (total - mass["accelerators"]) * launch_usd_per_kg
    system_capex = (
        array_w * array_usd_per_w
        + radiator_m2 * radiator_usd_m2
        + battery_wh / WH_PER_KWH * battery_usd_per_kwh
    )
    annual = {
        "accelerators": accelerator_capex_usd * crf_hw,
        "launch_compute": compute_launch * crf_hw,
        "launch_system": system_launch * crf_sys,
        "power_thermal_hardware": system_capex * crf_sys,
        "operations": operations_fraction * (accelerator_capex_usd + system_capex),
    }
    launch_mass_per_year = (
        mass["accelerators"] / hardware_life_years
        + (total - mass["accelerators"]) / system_life_years
    )
    return OrbitalDesign(
        sunlight=sun,
        load_w=load,
        array_w=array_w,
        array_m2=array_m2,
        radiator_m2=radiator_m2,
        battery_wh=battery_wh,
        mass_kg=mass,
        launches=launches,
        launches_per_year=launch_mass_per_year / launch_capacity_kg,
        annual_cost_usd=annual,
        launch_mass_kg_per_year=launch_mass_per_year,
        annual_cost_per_launch_price=mass["accelerators"] * crf_hw
        + (total - mass["accelerators"]) * crf_sys,
    )


def breakeven_launch_price(
    design_at: OrbitalDesign, launch_usd_per_kg: float, target_usd: float
) -> float:
    """Launch price at which the orbital annual cost equals ``target_usd`` [USD/kg].

    The annual cost is linear in the launch price, ``C(p) = A + B p``, with ``B`` the
    design's :attr:`~OrbitalDesign.annual_cost_per_launch_price` and ``C(p0)`` its cost at
    price ``p0`` (free launches too): ``p* = p0 + (target - C(p0)) / B``. Negative means
    the cluster cannot match the target even with free launches.
    """
    slope = design_at.annual_cost_per_launch_price
    return launch_usd_per_kg + (target_usd - design_at.total_annual_cost_usd) / slope
