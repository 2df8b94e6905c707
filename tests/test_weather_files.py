"""Weather file readers (EPW, TMY3, CSV) and the synthesis check against a real TMY."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from gigafactory.errors import DataFileError
from gigafactory.resource import iotools, solar, weather

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
GREENSBORO = PVLIB_DATA / "723170TYA.CSV"  # NREL TMY3, Greensboro NC, 36.1 N -79.95, UTC-5


def test_tmy3_greensboro_is_placed_in_utc():
    data, meta = iotools.read_weather_file(GREENSBORO)
    assert meta["format"] == "tmy3"
    assert meta["latitude"] == pytest.approx(36.1)
    assert len(data) == 8760
    # Local solar noon at -79.95 deg is ~17:20 UTC: the brightest UTC hour of the mean day
    # is 17, and 05 UTC (midnight local) is dark all year.
    by_hour = data["ghi"].to_numpy().reshape(365, 24).mean(axis=0)
    assert int(np.argmax(by_hour)) == 17
    assert by_hour[5] == 0
    # first data row of the file: 01/01 01:00 local standard time, hour ending -> 06 UTC
    raw, _ = pvlib.iotools.read_tmy3(GREENSBORO, map_variables=True)
    assert data["temp_air"].iloc[6] == pytest.approx(raw["temp_air"].iloc[0])


def write_epw(path: Path, tz: float = 9.0) -> np.ndarray:
    """A minimal EPW: 8 header lines, 8760 rows, temperature = hour of year / 1000."""
    header = [
        f"LOCATION,Test,,KOR,test,000000,34.81,126.39,{tz},26.0",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,made in a test",
        "COMMENTS 2,",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    rows = []
    temp = np.arange(8760) / 1000.0
    for i, t in enumerate(pd.date_range("2025-01-01", periods=8760, freq="h")):
        fields = [
            2025,
            t.month,
            t.day,
            t.hour + 1,
            60,
            "?",
            f"{temp[i]:.3f}",
            5.0,
            70,
            101325,
            0,
            0,
            300,
            100.0,
            50.0,
            40.0,
            0,
            0,
            0,
            0,
            180,
            2.0,
            5,
            5,
            9999,
            77777,
            9,
            999999999,
            10,
            0.1,
            0,
            88,
            0.2,
            0,
            1,
        ]
        rows.append(",".join(str(f) for f in fields))
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    return temp


def test_epw_local_time_shifted_to_utc(tmp_path):
    path = tmp_path / "site.epw"
    temp = write_epw(path, tz=9.0)
    data, meta = iotools.read_weather_file(path)
    assert meta["format"] == "epw"
    assert meta["latitude"] == pytest.approx(34.81)
    # EPW hour 1 is 00-01 local = 15-16 UTC the day before: local row 9 is UTC 00:00
    np.testing.assert_allclose(data["temp_air"].to_numpy(), np.roll(temp, -9), atol=1e-9)
    assert data["ghi"].iloc[0] == pytest.approx(100.0)
    assert data["dni"].iloc[0] == pytest.approx(50.0)


def test_plain_csv_and_its_errors(tmp_path):
    path = tmp_path / "wx.csv"
    frame = pd.DataFrame({"ghi": np.zeros(8760), "temp_air": 20.0, "relative_humidity": 50.0})
    frame.to_csv(path, index=False)
    data, meta = iotools.read_weather_file(path)
    assert meta == {"format": "csv"}
    assert data["dni"].isna().all()
    frame.rename(columns={"temp_air": "temperature"}).to_csv(path, index=False)
    with pytest.raises(DataFileError) as err:
        iotools.read_weather_file(path)
    assert str(err.value) == (
        f"{path}: missing column 'temp_air'; did you mean 'temperature'?; found: ghi, "
        "temperature, relative_humidity"
    )
    frame.iloc[:100].to_csv(path, index=False)
    with pytest.raises(DataFileError, match=r"100 data rows, expected 8760"):
        iotools.read_weather_file(path)
    bad = frame.astype(object)
    bad.loc[41, "ghi"] = "cloudy"
    bad.to_csv(path, index=False)
    with pytest.raises(DataFileError) as err:
        iotools.read_weather_file(path)
    assert str(err.value) == f"{path}: row 43, column 'ghi': 'cloudy' is not a number"


def test_broken_epw_is_one_line(tmp_path):
    path = tmp_path / "broken.epw"
    path.write_text("LOCATION,x\nnot an epw\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"^.*broken\.epw: not a readable EPW file: "):
        iotools.read_weather_file(path)


def test_synthesis_reproduces_a_real_tmy_pv_yield():
    # Normals taken from the Greensboro TMY3 itself; the synthesised year must give the
    # same monthly means (GHI within 5 %, temperature within 0.5 degC) and an annual PV
    # yield within 10 % of the TMY's.
    data, meta = iotools.read_weather_file(GREENSBORO)
    index = weather.hourly_index(2025)
    data.index = index
    month = index.month
    daily_max = data["temp_air"].groupby(index.normalize()).max()
    normals = pd.DataFrame(
        {
            "ghi": data["ghi"].groupby(month).mean().to_numpy(),
            "temp_mean": data["temp_air"].groupby(month).mean().to_numpy(),
            "temp_max": daily_max.groupby(daily_max.index.month).mean().to_numpy(),
            "relative_humidity": data["relative_humidity"].groupby(month).mean().to_numpy(),
        },
        index=range(1, 13),
    )
    lat, lon, alt = meta["latitude"], meta["longitude"], meta["altitude"]
    synthetic = weather.synthesise_weather(index, lat, lon, alt, normals, np.random.default_rng(5))
    np.testing.assert_allclose(synthetic["ghi"].groupby(month).mean(), normals["ghi"], rtol=0.05)
    np.testing.assert_allclose(
        synthetic["temp_air"].groupby(month).mean(), normals["temp_mean"], atol=0.5
    )
    observed = weather.from_observations(data, index, lat, lon, alt)
    pv_tmy = solar.pv_capacity_factor(observed, lat).mean()
    pv_synthetic = solar.pv_capacity_factor(synthetic, lat).mean()
    assert pv_synthetic == pytest.approx(pv_tmy, rel=0.10)
