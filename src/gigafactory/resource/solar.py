"""Solar PV capacity factors from hourly weather, with pvlib."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["pv_capacity_factor"]


def pv_capacity_factor(
    weather: pd.DataFrame,
    latitude: float,
    *,
    tracking: bool = False,
    system_loss: float = 0.14,
    gamma_pdc: float = -0.0035,
    dc_ac_ratio: float = 1.2,
    inverter_efficiency: float = 0.96,
) -> np.ndarray:
    """Hourly AC capacity factor of a PV plant per MW_AC.

    Parameters
    ----------
    weather : pandas.DataFrame
        ``ghi``, ``dni``, ``dhi`` [W/m2], ``solar_zenith``, ``solar_azimuth`` [deg] and
        ``temp_air`` [degC] on an hourly index; a ``wind_speed`` column [m/s] is used when
        present (1 m/s otherwise).
    latitude : float
        Latitude [deg]; fixed-tilt arrays tilt by ``|latitude|`` towards the equator.
    tracking : bool, default False
        Single-axis tracker (north-south axis, max 60 deg, backtracking, GCR 0.35) instead
        of fixed tilt.
    system_loss : float, default 0.14
        Total DC system losses [-]; PVWatts v5 default [1]_.
    gamma_pdc : float, default -0.0035
        Power temperature coefficient [1/degC]; PVWatts v5 standard module [1]_.
    dc_ac_ratio : float, default 1.2
        DC/AC ratio [-]; PVWatts v5 default [1]_.
    inverter_efficiency : float, default 0.96
        Nominal inverter efficiency [-]; PVWatts v5 default [1]_.

    Returns
    -------
    numpy.ndarray
        AC output per unit of AC rating [-], between 0 and 1.

    Notes
    -----
    Plane-of-array irradiance by the Hay-Davies transposition, cell temperature by the
    SAPM open-rack glass/glass model, DC power by PVWatts and AC power by the PVWatts
    inverter model, clipping at the AC rating.

    References
    ----------
    .. [1] A. P. Dobos, "PVWatts Version 5 Manual," NREL/TP-6A20-62641, 2014.
       doi:10.2172/1158421
    """
    import pvlib

    zenith = weather["solar_zenith"]
    azimuth = weather["solar_azimuth"]
    if tracking:
        angles = pvlib.tracking.singleaxis(
            zenith, azimuth, axis_tilt=0, axis_azimuth=180, max_angle=60, backtrack=True, gcr=0.35
        )
        surface_tilt = angles["surface_tilt"].fillna(0.0)
        surface_azimuth = angles["surface_azimuth"].fillna(180.0)
    else:
        surface_tilt = pd.Series(abs(latitude), index=weather.index)
        surface_azimuth = pd.Series(180.0 if latitude >= 0 else 0.0, index=weather.index)
    dni_extra = pvlib.irradiance.get_extra_radiation(weather.index)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt,
        surface_azimuth,
        zenith,
        azimuth,
        weather["dni"],
        weather["ghi"],
        weather["dhi"],
        dni_extra=dni_extra,
        model="haydavies",
    )
    poa_global = poa["poa_global"].fillna(0.0).clip(lower=0.0)
    wind = weather.get("wind_speed", 1.0)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_glass"]
    temp_cell = pvlib.temperature.sapm_cell(poa_global, weather["temp_air"], wind, **params)
    pdc0 = dc_ac_ratio  # per unit of AC rating
    dc = pvlib.pvsystem.pvwatts_dc(poa_global, temp_cell, pdc0, gamma_pdc) * (1 - system_loss)
    ac = pvlib.inverter.pvwatts(dc, pdc0=1.0 / inverter_efficiency, eta_inv_nom=inverter_efficiency)
    return np.asarray(np.clip(np.nan_to_num(np.asarray(ac, dtype=float)), 0.0, 1.0))
