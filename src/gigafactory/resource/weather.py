"""Hourly weather synthesised from monthly normals (seeded).

Solar irradiance starts from pvlib's clear sky (Ineichen-Perez with its bundled Linke
turbidity climatology) and is scaled day by day with a random clearness that keeps each
month's mean GHI equal to the normal. Temperature is the monthly mean plus a diurnal cosine
and an AR(1) weather anomaly whose monthly mean is removed, so monthly means are exact.
Humidity follows from a dew point held at the monthly normal.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from gigafactory.resource.kept import Kept, kept_call

__all__ = [
    "ar1_noise",
    "dew_point",
    "hourly_index",
    "relative_humidity",
    "sun_geometry",
    "synthesise_irradiance",
    "synthesise_temperature",
    "synthesise_weather",
    "wet_bulb_stull",
]

_MAGNUS_B = 17.625
_MAGNUS_C = 243.04  # degC


class SunGeometry(NamedTuple):
    """The sun at each mid-hour of a site's hours (read-only arrays)."""

    zenith: np.ndarray  # [deg]
    apparent_zenith: np.ndarray  # [deg], with refraction
    azimuth: np.ndarray  # [deg]
    ghi_clear: np.ndarray  # clear-sky GHI, Ineichen-Perez [W/m2]


_SUN = Kept()


def sun_geometry(
    index: pd.DatetimeIndex, latitude: float, longitude: float, elevation: float
) -> SunGeometry:
    """Solar position and clear-sky GHI at each mid-hour of ``index`` (pvlib), kept per site.

    The same hours at the same place give the same sun: a sweep's cases and a compare's
    weather years ask for it again and again (pvlib's SPA takes ~50 ms a year), so the
    last few are kept (:mod:`gigafactory.resource.kept`). Deterministic, so keeping them
    changes no number; the arrays are read-only.
    """
    inputs = ("sun", index, float(latitude), float(longitude), float(elevation))
    return kept_call(_SUN, inputs, lambda: _sun(index, latitude, longitude, elevation))


def _sun(
    index: pd.DatetimeIndex, latitude: float, longitude: float, elevation: float
) -> SunGeometry:
    import pvlib

    mid = index + pd.Timedelta(minutes=30)
    location = pvlib.location.Location(latitude, longitude, altitude=elevation)
    solpos = location.get_solarposition(mid)
    clear = location.get_clearsky(mid, model="ineichen", solar_position=solpos)
    arrays = [
        solpos["zenith"].to_numpy(dtype=float).copy(),
        solpos["apparent_zenith"].to_numpy(dtype=float).copy(),
        solpos["azimuth"].to_numpy(dtype=float).copy(),
        clear["ghi"].to_numpy(dtype=float).copy(),
    ]
    for array in arrays:
        array.flags.writeable = False
    return SunGeometry(*arrays)


def hourly_index(year: int) -> pd.DatetimeIndex:
    """8760 hourly UTC time stamps of ``year`` (29 February dropped in leap years).

    Examples
    --------
    >>> idx = hourly_index(2024)
    >>> len(idx), str(idx[0])
    (8760, '2024-01-01 00:00:00+00:00')
    """
    idx = pd.date_range(f"{year}-01-01", periods=8784 if _leap(year) else 8760, freq="h", tz="UTC")
    return idx[~((idx.month == 2) & (idx.day == 29))]


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def dew_point(temp_air: np.ndarray | float, relative_humidity: np.ndarray | float) -> np.ndarray:
    """Dew point from temperature and humidity (Magnus formula).

    Parameters
    ----------
    temp_air : array_like
        Air temperature [degC].
    relative_humidity : array_like
        Relative humidity [%].

    Returns
    -------
    numpy.ndarray
        Dew point [degC].

    Notes
    -----
    :math:`\\gamma = \\ln(RH/100) + bT/(c+T)`, :math:`T_d = c\\gamma/(b-\\gamma)` with
    b = 17.625 and c = 243.04 degC [1]_.

    References
    ----------
    .. [1] O. A. Alduchov and R. E. Eskridge, "Improved Magnus form approximation of
       saturation vapor pressure," J. Appl. Meteor., 35(4), 601-609, 1996.
       doi:10.1175/1520-0450(1996)035<0601:IMFAOS>2.0.CO;2

    Examples
    --------
    >>> round(float(dew_point(25.0, 60.0)), 3)
    16.698
    """
    t = np.asarray(temp_air, dtype=float)
    gamma = np.log(np.asarray(relative_humidity, dtype=float) / 100.0) + _MAGNUS_B * t / (
        _MAGNUS_C + t
    )
    return np.asarray(_MAGNUS_C * gamma / (_MAGNUS_B - gamma))


def relative_humidity(temp_air: np.ndarray | float, temp_dew: np.ndarray | float) -> np.ndarray:
    """Relative humidity from temperature and dew point (Magnus formula), capped at 100 %.

    Parameters
    ----------
    temp_air : array_like
        Air temperature [degC].
    temp_dew : array_like
        Dew point [degC].

    Returns
    -------
    numpy.ndarray
        Relative humidity [%].

    Examples
    --------
    >>> round(float(relative_humidity(25.0, 16.69)), 1)
    60.0
    """
    t = np.asarray(temp_air, dtype=float)
    td = np.asarray(temp_dew, dtype=float)
    rh = 100.0 * np.exp(_MAGNUS_B * td / (_MAGNUS_C + td) - _MAGNUS_B * t / (_MAGNUS_C + t))
    return np.asarray(np.minimum(rh, 100.0))


def wet_bulb_stull(
    temp_air: np.ndarray | float, relative_humidity: np.ndarray | float
) -> np.ndarray:
    """Wet-bulb temperature at sea-level pressure (Stull 2011).

    Parameters
    ----------
    temp_air : array_like
        Air temperature [degC].
    relative_humidity : array_like
        Relative humidity [%].

    Returns
    -------
    numpy.ndarray
        Wet-bulb temperature [degC].

    Notes
    -----
    Empirical fit valid for RH 5-99 % and -20 to 50 degC, error within -1 to +0.65 degC [1]_;
    capped at the dry-bulb temperature.

    References
    ----------
    .. [1] R. Stull, "Wet-bulb temperature from relative humidity and air temperature,"
       J. Appl. Meteor. Climatol., 50(11), 2267-2269, 2011. doi:10.1175/JAMC-D-11-0143.1

    Examples
    --------
    >>> round(float(wet_bulb_stull(20.0, 50.0)), 1)  # Stull's own example: 13.7 degC
    13.7
    """
    t = np.asarray(temp_air, dtype=float)
    rh = np.clip(np.asarray(relative_humidity, dtype=float), 1.0, 100.0)
    fit = (
        t * np.arctan(0.151977 * np.sqrt(rh + 8.313659))
        + np.arctan(t + rh)
        - np.arctan(rh - 1.676331)
        + 0.00391838 * rh**1.5 * np.arctan(0.023101 * rh)
        - 4.686035
    )
    # The fit's error can put the wet bulb above the dry bulb near saturation or in frost;
    # physically it never is.
    return np.asarray(np.minimum(fit, t))


def _monthly(values: pd.Series | np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
    """Broadcast 12 monthly values onto an hourly index."""
    return np.asarray(np.asarray(values, dtype=float)[np.asarray(index.month) - 1])


def _demean_by_month(x: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
    month = np.asarray(index.month)
    means = np.bincount(month, weights=x, minlength=13) / np.maximum(
        np.bincount(month, minlength=13), 1
    )
    return np.asarray(x - means[month])


def ar1_noise(n: int, std: float, e_folding_hours: float, rng: np.random.Generator) -> np.ndarray:
    """Stationary AR(1) noise [unit of ``std``].

    Standard deviation ``std``, lag-1 correlation ``exp(-1 / e_folding_hours)``, started in
    its stationary distribution (used for temperature anomalies and grid price noise).

    Examples
    --------
    >>> x = ar1_noise(200_000, 2.0, 48.0, np.random.default_rng(0))
    >>> round(float(x.std()), 1)
    2.0
    """
    phi = np.exp(-1.0 / e_folding_hours)
    shocks = rng.standard_normal(n) * std * np.sqrt(1 - phi**2)
    out = np.empty(n)
    out[0] = shocks[0] / np.sqrt(1 - phi**2)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


def synthesise_temperature(
    index: pd.DatetimeIndex,
    temp_mean: np.ndarray,
    temp_max: np.ndarray,
    longitude: float,
    rng: np.random.Generator,
    *,
    anomaly_std: float = 2.5,
    anomaly_hours: float = 48.0,
) -> np.ndarray:
    """Hourly air temperature from monthly normals.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly UTC time stamps.
    temp_mean, temp_max : array_like of 12
        Monthly mean and mean daily maximum temperature [degC].
    longitude : float
        Longitude, for local solar time [deg].
    rng : numpy.random.Generator
        Source of randomness.
    anomaly_std : float, default 2.5
        Standard deviation of the synoptic anomaly [degC]; an estimate typical of
        mid-latitude day-to-day variability.
    anomaly_hours : float, default 48
        e-folding time of the anomaly [h]; an estimate (synoptic systems pass in 2-5 days).

    Returns
    -------
    numpy.ndarray
        Air temperature [degC]; each month's mean equals ``temp_mean`` exactly.
    """
    solar_hour = (np.asarray(index.hour) + longitude / 15.0) % 24
    amplitude = _monthly(np.asarray(temp_max) - np.asarray(temp_mean), index)
    diurnal = amplitude * np.cos(2 * np.pi * (solar_hour - 15.0) / 24.0)  # peak at 15:00 solar
    anomaly = ar1_noise(len(index), anomaly_std, anomaly_hours, rng)
    wave = _demean_by_month(diurnal + anomaly, index)
    return np.asarray(_monthly(temp_mean, index) + wave)


def synthesise_irradiance(
    index: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    elevation: float,
    ghi_monthly: np.ndarray,
    rng: np.random.Generator,
    *,
    clearness_concentration: float = 6.0,
) -> pd.DataFrame:
    """Hourly GHI/DNI/DHI from pvlib clear sky scaled to monthly mean GHI.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly UTC time stamps (hour-beginning; irradiance is evaluated at mid-hour).
    latitude, longitude : float
        Location [deg].
    elevation : float
        Altitude [m].
    ghi_monthly : array_like of 12
        Monthly mean global horizontal irradiance [W/m2].
    rng : numpy.random.Generator
        Source of randomness.
    clearness_concentration : float, default 6
        Concentration of the Beta distribution of daily clearness around the monthly mean;
        an estimate giving day-to-day variability typical of mid-latitude climates.

    Returns
    -------
    pandas.DataFrame
        Columns ``ghi``, ``dni``, ``dhi`` [W/m2], plus ``solar_zenith`` and
        ``solar_azimuth`` [deg], on ``index``.

    Notes
    -----
    The daily clearness :math:`k_d \\sim \\mathrm{Beta}(k_m c, (1-k_m) c)` multiplies clear-sky
    GHI, with :math:`k_m` the ratio of normal to clear-sky monthly GHI; each month is then
    rescaled so its mean GHI equals the normal. DNI and DHI follow from the Erbs
    decomposition [1]_.

    References
    ----------
    .. [1] D. G. Erbs, S. A. Klein and J. A. Duffie, "Estimation of the diffuse radiation
       fraction for hourly, daily and monthly-average global radiation," Solar Energy,
       28(4), 293-302, 1982. doi:10.1016/0038-092X(82)90302-4
    """
    import pvlib

    mid = index + pd.Timedelta(minutes=30)
    sun = sun_geometry(index, latitude, longitude, elevation)
    ghi_clear = sun.ghi_clear
    month = np.asarray(index.month)
    clear_monthly = (
        np.bincount(month, weights=ghi_clear, minlength=13)[1:]
        / np.bincount(month, minlength=13)[1:]
    )
    # a polar night's month has no clear-sky sun, so no clearness to draw: any k gives 0 GHI
    sunlit = clear_monthly > 0
    ratio = np.divide(
        np.asarray(ghi_monthly, dtype=float), clear_monthly, out=np.zeros(12), where=sunlit
    )
    k_month = np.clip(ratio, 0.05, 0.98)
    # consecutive day numbers, so a leap year's dropped 29 February leaves no gap
    day = pd.factorize(index.normalize().asi8)[0]
    k_for_day = k_month[np.asarray(index.month[::24]) - 1][: day.max() + 1]
    draws = rng.beta(k_for_day * clearness_concentration, (1 - k_for_day) * clearness_concentration)
    ghi = ghi_clear * draws[day]
    totals = np.bincount(month, weights=ghi, minlength=13)[1:]
    wanted = np.asarray(ghi_monthly, dtype=float) * np.bincount(month, minlength=13)[1:]
    ghi = ghi * (wanted / np.where(totals > 0, totals, 1.0))[month - 1]
    parts = pvlib.irradiance.erbs(ghi, sun.zenith, mid)
    return pd.DataFrame(
        {
            "ghi": ghi,
            "dni": np.nan_to_num(np.asarray(parts["dni"], dtype=float)),
            "dhi": np.nan_to_num(np.asarray(parts["dhi"], dtype=float)),
            "solar_zenith": sun.apparent_zenith.copy(),
            "solar_azimuth": sun.azimuth.copy(),
        },
        index=index,
    )


def synthesise_weather(
    index: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    elevation: float,
    normals: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Hourly weather of a typical year from monthly normals.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly UTC time stamps.
    latitude, longitude : float
        Location [deg].
    elevation : float
        Altitude [m].
    normals : pandas.DataFrame
        Monthly ``ghi`` [W/m2], ``temp_mean`` and ``temp_max`` [degC],
        ``relative_humidity`` [%], indexed by month 1..12.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        ``ghi``, ``dni``, ``dhi`` [W/m2], ``solar_zenith``, ``solar_azimuth`` [deg],
        ``temp_air``, ``temp_dew``, ``temp_wet_bulb`` [degC], ``relative_humidity`` [%].
    """
    weather = synthesise_irradiance(
        index, latitude, longitude, elevation, normals["ghi"].to_numpy(), rng
    )
    temp = synthesise_temperature(
        index, normals["temp_mean"].to_numpy(), normals["temp_max"].to_numpy(), longitude, rng
    )
    dew_monthly = dew_point(
        normals["temp_mean"].to_numpy(), normals["relative_humidity"].to_numpy()
    )
    dew = np.minimum(_monthly(dew_monthly, index), temp)
    weather["temp_air"] = temp
    weather["temp_dew"] = dew
    weather["relative_humidity"] = relative_humidity(temp, dew)
    weather["temp_wet_bulb"] = wet_bulb_stull(temp, weather["relative_humidity"].to_numpy())
    return weather


def from_observations(
    data: pd.DataFrame,
    index: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    elevation: float,
) -> pd.DataFrame:
    """Complete measured or typical-year weather to the frame the models use.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per hour of ``index`` with ``ghi`` [W/m2], ``temp_air`` [degC],
        ``relative_humidity`` [%]; ``dni``, ``dhi`` [W/m2] and ``wind_speed`` [m/s] are used
        when present, else DNI/DHI come from the Erbs decomposition.
    index : pandas.DatetimeIndex
        Hourly UTC time stamps (hour-beginning; sun position at mid-hour).
    latitude, longitude : float
        Location [deg].
    elevation : float
        Altitude [m].

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`synthesise_weather`.
    """
    import pvlib

    mid = index + pd.Timedelta(minutes=30)
    sun = sun_geometry(index, latitude, longitude, elevation)
    ghi = data["ghi"].to_numpy(dtype=float)
    dni = data["dni"].to_numpy(dtype=float) if "dni" in data else np.full(len(index), np.nan)
    dhi = data["dhi"].to_numpy(dtype=float) if "dhi" in data else np.full(len(index), np.nan)
    if np.isnan(dni).any() or np.isnan(dhi).any():
        parts = pvlib.irradiance.erbs(ghi, sun.zenith, mid)
        dni = np.where(np.isnan(dni), np.nan_to_num(np.asarray(parts["dni"], dtype=float)), dni)
        dhi = np.where(np.isnan(dhi), np.nan_to_num(np.asarray(parts["dhi"], dtype=float)), dhi)
    temp = data["temp_air"].to_numpy(dtype=float)
    rh = np.clip(data["relative_humidity"].to_numpy(dtype=float), 1.0, 100.0)
    frame = pd.DataFrame(
        {
            "ghi": ghi,
            "dni": dni,
            "dhi": dhi,
            "solar_zenith": sun.apparent_zenith.copy(),
            "solar_azimuth": sun.azimuth.copy(),
            "temp_air": temp,
            "temp_dew": dew_point(temp, rh),
            "relative_humidity": rh,
            "temp_wet_bulb": wet_bulb_stull(temp, rh),
        },
        index=index,
    )
    if "wind_speed" in data and not data["wind_speed"].isna().any():
        frame["wind_speed"] = data["wind_speed"].to_numpy(dtype=float)
    return frame
