"""Wind capacity factors: autocorrelated Weibull hourly speeds through a power curve."""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["power_curve_output", "synthesise_wind_speed", "weibull_scale"]


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
        persistence is typically 0.95-0.98 (an estimate).

    Returns
    -------
    numpy.ndarray
        Wind speed [m/s].

    Notes
    -----
    A stationary Gaussian AR(1) series :math:`z_t` is mapped through the normal CDF
    :math:`\\Phi` and the Weibull quantile function,
    :math:`v_t = \\lambda(-\\ln(1-\\Phi(z_t)))^{1/k}` (a Gaussian copula), then scaled to the
    target mean.
    """
    if mean_speed <= 0:
        return np.zeros(n_hours)
    phi = lag1_autocorrelation
    eps = rng.standard_normal(n_hours) * np.sqrt(1 - phi**2)
    z = np.empty(n_hours)
    z[0] = rng.standard_normal()
    for i in range(1, n_hours):
        z[i] = phi * z[i - 1] + eps[i]
    u = np.clip(special.ndtr(z), 1e-12, 1 - 1e-12)
    speed = weibull_scale(mean_speed, k) * (-np.log1p(-u)) ** (1.0 / k)
    return np.asarray(speed * (mean_speed / speed.mean()))


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
