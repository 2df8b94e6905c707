"""Wind capacity factors: autocorrelated Weibull hourly speeds through a power curve.

Hourly speeds keep the site's seasonal and diurnal shape (monthly ratios and a daily
harmonic, fitted from reanalysis data in the site library) and move with the solar
resource day by day: a common driver, the normal score of each day's GHI within its month,
enters the speed's Gaussian copula with the site's wind-solar correlation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

__all__ = [
    "copula_correlation",
    "daily_solar_score",
    "hourly_shape",
    "power_curve_output",
    "synthesise_wind_speed",
    "weibull_scale",
]


def weibull_scale(mean_speed: float, k: float) -> float:
    """Weibull scale parameter with the given mean.

    Parameters
    ----------
    mean_speed : float
        Mean wind speed [m/s].
    k : float
        Weibull shape [-].

    Returns
    -------
    float
        Scale :math:`\\lambda = \\bar v / \\Gamma(1 + 1/k)` [m/s].

    Examples
    --------
    >>> round(weibull_scale(6.03, 2.0), 3)
    6.804
    """
    return float(mean_speed / special.gamma(1.0 + 1.0 / k))


def synthesise_wind_speed(
    n_hours: int,
    mean_speed: float,
    rng: np.random.Generator,
    *,
    k: float = 2.0,
    lag1_autocorrelation: float = 0.97,
    shape: np.ndarray | None = None,
    common: np.ndarray | None = None,
    correlation: float = 0.0,
) -> np.ndarray:
    """Hourly wind speeds with a Weibull marginal and AR(1) persistence.

    Parameters
    ----------
    n_hours : int
        Number of hours [h].
    mean_speed : float
        Target mean speed at hub height [m/s]; the sample mean equals it exactly.
    rng : numpy.random.Generator
        Source of randomness.
    k : float, default 2.0
        Weibull shape [-] (Rayleigh).
    lag1_autocorrelation : float, default 0.97
        Lag-1 autocorrelation of the underlying Gaussian process [-]; hourly wind
        persistence is typically 0.95-0.98 (an estimate; 0.948-0.986 at hydesign's 39
        ERA5 sites at 100-150 m).
    shape : numpy.ndarray, optional
        Hourly multiplier of the speed (seasonal and diurnal shape, mean about 1) [-].
    common : numpy.ndarray, optional
        Hourly standard-normal driver shared with the solar resource, constant within a day
        (see :func:`daily_solar_score`) [-].
    correlation : float, default 0
        Target correlation between the normal scores of daily mean wind and ``common``
        [-]; converted to the hourly copula weight by :func:`copula_correlation`.

    Returns
    -------
    numpy.ndarray
        Wind speed [m/s].

    Notes
    -----
    A stationary Gaussian AR(1) series :math:`z_t` is mapped through the normal CDF
    :math:`\\Phi` and the Weibull quantile function,
    :math:`v_t = \\lambda(-\\ln(1-\\Phi(z_t)))^{1/k}` (a Gaussian copula), multiplied by
    ``shape`` and scaled to the target mean. With a common driver :math:`g_t`,
    :math:`z_t = \\sqrt{1-\\rho^2}\\,x_t + \\rho g_t` where :math:`x_t` is the AR(1) series,
    so :math:`z_t` stays standard normal.
    """
    if mean_speed <= 0:
        return np.zeros(n_hours)
    phi = lag1_autocorrelation
    eps = rng.standard_normal(n_hours) * np.sqrt(1 - phi**2)
    z = np.empty(n_hours)
    z[0] = rng.standard_normal()
    for i in range(1, n_hours):
        z[i] = phi * z[i - 1] + eps[i]
    if common is not None and correlation != 0.0:
        rho = copula_correlation(correlation, phi)
        z = np.sqrt(1.0 - rho**2) * z + rho * np.asarray(common, dtype=float)
    u = np.clip(special.ndtr(z), 1e-12, 1 - 1e-12)
    speed = weibull_scale(mean_speed, k) * (-np.log1p(-u)) ** (1.0 / k)
    if shape is not None:
        speed = speed * np.asarray(shape, dtype=float)
    return np.asarray(speed * (mean_speed / speed.mean()))


def copula_correlation(daily: float, lag1_autocorrelation: float, hours: int = 24) -> float:
    """Hourly copula weight that gives a target correlation of daily means with a daily driver.

    Parameters
    ----------
    daily : float
        Target correlation between the daily mean of :math:`z_t` and the daily driver [-].
    lag1_autocorrelation : float
        Lag-1 autocorrelation :math:`\\phi` of the hourly AR(1) series [-].
    hours : int, default 24
        Hours in a day.

    Returns
    -------
    float
        :math:`\\rho = r\\sqrt{v / (1 - r^2 (1 - v))}`, with :math:`v` the variance of the
        daily mean of a unit AR(1) series, :math:`v = n^{-2}\\sum_{i,j}\\phi^{|i-j|}`.

    Examples
    --------
    >>> round(copula_correlation(-0.15, 0.97), 4)
    -0.1341
    >>> copula_correlation(0.3, 0.0, hours=1)
    0.3
    """
    lags = np.arange(1, hours)
    v = (hours + 2.0 * np.sum((hours - lags) * lag1_autocorrelation**lags)) / hours**2
    return float(daily * np.sqrt(v / (1.0 - daily**2 * (1.0 - v))))


def hourly_shape(
    index: pd.DatetimeIndex,
    longitude: float,
    monthly_ratio: np.ndarray,
    diurnal_amplitude: float,
    peak_hour: float,
) -> np.ndarray:
    """Seasonal and diurnal multiplier of the hourly wind speed.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly UTC time stamps.
    longitude : float
        Site longitude [deg], for local solar time.
    monthly_ratio : array_like
        Monthly mean speed over the annual mean, January first (12 values) [-].
    diurnal_amplitude : float
        Amplitude of the daily harmonic [-].
    peak_hour : float
        Local solar hour of the daily maximum [h].

    Returns
    -------
    numpy.ndarray
        :math:`m_{month}\\,(1 + a\\cos(2\\pi(h - h_{peak})/24))` [-].

    Examples
    --------
    >>> idx = pd.date_range("2025-01-01", periods=2, freq="12h", tz="UTC")
    >>> hourly_shape(idx, 0.0, np.full(12, 1.1), 0.1, 0.0).round(3)
    array([1.21, 0.99])
    """
    ratio = np.asarray(monthly_ratio, dtype=float)[index.month.to_numpy() - 1]
    solar_hour = (index.hour.to_numpy() + longitude / 15.0) % 24.0
    diurnal = 1.0 + diurnal_amplitude * np.cos(2.0 * np.pi * (solar_hour - peak_hour) / 24.0)
    return np.asarray(ratio * diurnal)


def daily_solar_score(ghi: np.ndarray, index: pd.DatetimeIndex, longitude: float) -> np.ndarray:
    """Normal score of each local solar day's GHI within its month, repeated for every hour.

    Parameters
    ----------
    ghi : array_like
        Hourly global horizontal irradiance [W/m2].
    index : pandas.DatetimeIndex
        Hourly UTC time stamps of ``ghi``.
    longitude : float
        Site longitude [deg], to cut days at local solar midnight.

    Returns
    -------
    numpy.ndarray
        :math:`\\Phi^{-1}((r - 1/2)/n)` of the day's rank :math:`r` among the :math:`n`
        days of its month, per hour [-]: a standard-normal driver that is high on sunny days.

    Examples
    --------
    >>> idx = pd.date_range("2025-01-01", periods=48, freq="h", tz="UTC")
    >>> score = daily_solar_score(np.r_[np.ones(24), np.zeros(24)], idx, 0.0)
    >>> score[[0, 24]].round(3)
    array([ 0.674, -0.674])
    """
    local = index + pd.to_timedelta(longitude / 15.0, unit="h")
    # days as integers: local.date would build a Python date per hour
    days = local.normalize().asi8
    day = pd.Series(np.asarray(ghi, dtype=float)).groupby(days).transform("sum")
    month = np.asarray(local.year * 12 + local.month)
    frame = pd.DataFrame({"day": days, "sum": day.to_numpy(), "m": month})
    daily = frame.drop_duplicates("day")
    rank = daily.groupby("m")["sum"].rank(method="first")
    count = daily.groupby("m")["sum"].transform("size")
    scores = pd.Series(special.ndtri((rank - 0.5) / count).to_numpy(), index=daily["day"])
    return np.asarray(scores.reindex(frame["day"]).to_numpy())


def power_curve_output(
    wind_speed: np.ndarray,
    curve_speed: np.ndarray,
    curve_power: np.ndarray,
    *,
    losses: float = 0.10,
) -> np.ndarray:
    """Capacity factor from hub-height wind speed through a tabulated power curve.

    Parameters
    ----------
    wind_speed : array_like
        Hub-height wind speed [m/s].
    curve_speed, curve_power : array_like
        Power curve: speed [m/s] and output per unit of rated power [-].
    losses : float, default 0.10
        Wake, availability and electrical losses [-]; an estimate.

    Returns
    -------
    numpy.ndarray
        Capacity factor [-]; zero beyond the last curve point (cut-out).

    Examples
    --------
    >>> curve_speed, curve_power = np.array([0.0, 10.0]), np.array([0.0, 1.0])
    >>> power_curve_output(np.array([5.0, 30.0]), curve_speed, curve_power, losses=0.0)
    array([0.5, 0. ])
    """
    out = np.interp(wind_speed, curve_speed, curve_power, left=0.0, right=0.0)
    return np.asarray(out * (1.0 - losses))
