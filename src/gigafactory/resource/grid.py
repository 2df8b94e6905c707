"""Hourly grid price and carbon intensity shapes where only annual figures exist.

Shapes multiply the annual mean, so the annual mean is kept exactly. Amplitudes are
estimates of typical patterns, documented here and overridable: prices peak in the early
evening and in both summer and winter; carbon intensity dips at midday when solar output
is high. Real hourly series (``grid.price_csv``, ``grid.carbon_csv``) are better when you
have them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gigafactory.resource.weather import ar1_noise

__all__ = ["CARBON_SHAPE", "PRICE_SHAPE", "GridShape", "shaped_series"]


class GridShape:
    """Relative amplitudes of a daily and a seasonal cycle plus persistent noise [-]."""

    def __init__(
        self,
        daily: float,
        peak_hour_local: float,
        seasonal: float,
        noise: float,
        noise_hours: float = 48.0,
    ) -> None:
        self.daily = daily
        self.peak_hour_local = peak_hour_local
        self.seasonal = seasonal
        self.noise = noise
        self.noise_hours = noise_hours


PRICE_SHAPE = GridShape(daily=0.25, peak_hour_local=18.0, seasonal=0.10, noise=0.10)
"""Estimate: evening peak 25 % above the mean, summer and winter peaks 10 % above,
day-to-day noise of 10 % with a 48 h memory."""

CARBON_SHAPE = GridShape(daily=-0.10, peak_hour_local=13.0, seasonal=0.05, noise=0.05)
"""Estimate: intensity 10 % below the mean at 13:00 (solar), 5 % seasonal swing, 5 % noise."""


def shaped_series(
    index: pd.DatetimeIndex,
    annual_mean: float,
    longitude: float,
    shape: GridShape,
    rng: np.random.Generator,
) -> np.ndarray:
    """Hourly series with the given annual mean and a typical daily and seasonal shape.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly UTC time stamps.
    annual_mean : float
        Mean of the result, kept exactly [unit of the series].
    longitude : float
        For local solar time [deg].
    shape : GridShape
        Amplitudes (see :data:`PRICE_SHAPE`, :data:`CARBON_SHAPE`).
    rng : numpy.random.Generator
        Source of the noise.

    Returns
    -------
    numpy.ndarray
        Non-negative hourly values whose mean is ``annual_mean``.

    Examples
    --------
    >>> idx = pd.date_range("2025-01-01", periods=8760, freq="h", tz="UTC")
    >>> x = shaped_series(idx, 100.0, 127.0, PRICE_SHAPE, np.random.default_rng(1))
    >>> round(float(x.mean()), 9)
    100.0
    """
    hour_local = (np.asarray(index.hour) + longitude / 15.0) % 24
    day = np.asarray(index.day_of_year, dtype=float)
    daily = shape.daily * np.cos(2 * np.pi * (hour_local - shape.peak_hour_local) / 24)
    # two seasonal peaks: mid-January and mid-July
    seasonal = shape.seasonal * np.cos(4 * np.pi * (day - 15) / 365)
    noise = ar1_noise(len(index), shape.noise, shape.noise_hours, rng)
    relative = np.clip(1.0 + daily + seasonal + noise, 0.05, None)
    return np.asarray(annual_mean * relative / relative.mean())
