"""Readers for user-supplied hourly series.

``read_hourly_csv`` returns ``(data, meta)`` like pvlib's readers. Every problem in a file
is reported in one line naming the file, the row (as a spreadsheet shows it, header = row
1) and the column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gigafactory.errors import DataFileError, did_you_mean
from gigafactory.units import DAYS_PER_MONTH, HOURS_PER_YEAR

__all__ = ["WEATHER_COLUMNS", "read_hourly_csv", "read_weather_file"]


def read_hourly_csv(
    path: str | Path,
    columns: list[str],
    *,
    n_hours: int = HOURS_PER_YEAR,
    bounds: dict[str, tuple[float, float]] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read an hourly CSV series.

    Parameters
    ----------
    path : str or Path
        CSV file with a header row; an optional first column ``time`` is ignored (rows are
        taken in order as hours 0..n-1 of the scenario year). Lines starting with ``#``
        are comments (provenance headers).
    columns : list of str
        Columns to read; each must be present.
    n_hours : int, default 8760
        Expected number of data rows [h].
    bounds : dict, optional
        Allowed ``(low, high)`` per column, in the column's unit.

    Returns
    -------
    data : pandas.DataFrame
        The requested columns as floats, indexed 0..n-1.
    meta : dict
        ``path``, ``comments`` (the ``#`` lines) and ``columns`` found.

    Raises
    ------
    DataFileError
        On a missing file, missing column, wrong length, or a non-numeric or out-of-range
        cell.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"{path}: file not found"
        raise DataFileError(msg) from None
    except (OSError, UnicodeDecodeError) as err:
        msg = f"{path}: cannot read: {err}"
        raise DataFileError(msg) from None
    lines = text.splitlines()
    comments = [line for line in lines if line.startswith("#")]
    n_comment_lines_before_header = 0
    for line in lines:
        if not line.startswith("#"):
            break
        n_comment_lines_before_header += 1
    try:
        frame = pd.read_csv(
            path, comment="#", dtype=str, skipinitialspace=True, keep_default_na=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        msg = f"{path}: not a readable CSV: {str(err).strip().splitlines()[0]}"
        raise DataFileError(msg) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in columns:
        if column not in frame.columns:
            msg = (
                f"{path}: missing column '{column}'{did_you_mean(column, frame.columns)}; "
                f"found: {', '.join(frame.columns)}"
            )
            raise DataFileError(msg)
    if len(frame) != n_hours:
        msg = f"{path}: {len(frame)} data rows, expected {n_hours} (one per hour of the year)"
        raise DataFileError(msg)
    out = {}
    first_data_row = n_comment_lines_before_header + 2  # 1-based, after the header
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna().to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            msg = (
                f"{path}: row {first_data_row + i}, column '{column}': "
                f"{frame[column].iloc[i]!r} is not a number"
            )
            raise DataFileError(msg)
        if bounds and column in bounds:
            low, high = bounds[column]
            outside = ((values < low) | (values > high)).to_numpy()
            if outside.any():
                i = int(np.argmax(outside))
                msg = (
                    f"{path}: row {first_data_row + i}, column '{column}': {values.iloc[i]} "
                    f"is outside [{low}, {high}]"
                )
                raise DataFileError(msg)
        out[column] = values.to_numpy(dtype=float)
    meta = {"path": str(path), "comments": comments, "columns": list(frame.columns)}
    return pd.DataFrame(out), meta


WEATHER_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "relative_humidity", "wind_speed")
"""Columns of a weather frame; ``dni``, ``dhi`` and ``wind_speed`` may be missing (NaN)."""

_CUMULATIVE_DAYS = np.cumsum([0, *DAYS_PER_MONTH[:-1]])


def _typical_year(data: pd.DataFrame, path: Path, *, hour_ending: bool) -> pd.DataFrame:
    """Place hourly rows onto the 8760 UTC hours of a typical year.

    Rows are matched by month, day and hour in the file's own (standard) time, then
    shifted by its UTC offset around the year, so typical meteorological years stitched
    from several calendar years map cleanly; 29 February is dropped.
    """
    index = pd.DatetimeIndex(data.index)
    offset_h = 0.0
    if index.tz is not None:
        offset = index[0].utcoffset()
        offset_h = offset.total_seconds() / 3600 if offset is not None else 0.0
        index = index.tz_localize(None)
    if hour_ending:
        index = index - pd.Timedelta(hours=1)
    index = index.floor("h")
    leap_day = np.asarray((index.month == 2) & (index.day == 29))
    frame = data
    if len(data) > HOURS_PER_YEAR:  # a leap year: drop 29 February
        index, frame = index[~leap_day], data[~leap_day]
        leap_day = np.zeros(len(index), dtype=bool)
    day = np.where(leap_day, 28, index.day)  # 28 Feb 24:00 read as 29 Feb 00:00, shifted
    local = (_CUMULATIVE_DAYS[index.month - 1] + day - 1) * 24 + index.hour
    position = (np.asarray(local) - round(offset_h)) % HOURS_PER_YEAR
    if len(frame) != HOURS_PER_YEAR or len(np.unique(position)) != HOURS_PER_YEAR:
        msg = (
            f"{path}: {len(np.unique(position))} distinct hours of the year, expected "
            f"{HOURS_PER_YEAR} (one full hourly year)"
        )
        raise DataFileError(msg)
    out = pd.DataFrame(
        np.nan, index=np.arange(HOURS_PER_YEAR), columns=list(WEATHER_COLUMNS), dtype=float
    )
    for column in WEATHER_COLUMNS:
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
            out.loc[position, column] = values
    for column in ("ghi", "temp_air", "relative_humidity"):
        bad = out[column].isna().to_numpy()
        if bad.any():
            msg = f"{path}: column '{column}' is missing or has {int(bad.sum())} empty hours"
            raise DataFileError(msg)
    return out


def _sniff(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".epw":
        return "epw"
    if suffix == ".json":
        return "pvgis"
    with path.open(encoding="utf-8", errors="replace") as handle:
        first, second = handle.readline(), handle.readline()
    if first.startswith("Latitude (decimal degrees)") or first.startswith("time(UTC)"):
        return "pvgis"
    if second.startswith("Date (MM/DD/YYYY)"):
        return "tmy3"
    return "csv"


def read_weather_file(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read hourly weather from EPW, TMY3, PVGIS (csv/json/epw) or a plain CSV.

    Parameters
    ----------
    path : str or Path
        The file; the format is told by its suffix and first lines. A plain CSV has
        columns ``ghi`` [W/m2], ``temp_air`` [degC] and ``relative_humidity`` [%] (``dni``,
        ``dhi`` [W/m2] and ``wind_speed`` [m/s] optional), one row per hour of the year in
        UTC.

    Returns
    -------
    data : pandas.DataFrame
        8760 rows (UTC hours of a typical year) with :data:`WEATHER_COLUMNS`.
    meta : dict
        ``format``, and ``latitude``, ``longitude``, ``altitude`` when the file has them.

    Raises
    ------
    DataFileError
        One line naming the file and what is wrong.
    """
    import pvlib

    path = Path(path)
    if not path.is_file():
        msg = f"{path}: file not found"
        raise DataFileError(msg)
    fmt = _sniff(path)
    if fmt == "csv":
        columns = ["ghi", "temp_air", "relative_humidity"]
        data, meta = read_hourly_csv(
            path,
            columns,
            bounds={"ghi": (0, 1500), "temp_air": (-60, 60), "relative_humidity": (0, 100)},
        )
        optional = [c for c in ("dni", "dhi", "wind_speed") if c in meta["columns"]]
        if optional:
            extra, _ = read_hourly_csv(path, optional, bounds=dict.fromkeys(optional, (0, 1500)))
            data = pd.concat([data, extra], axis=1)
        return data.reindex(columns=list(WEATHER_COLUMNS)), {"format": "csv"}
    try:
        if fmt == "epw":
            frame, meta = pvlib.iotools.read_epw(path)
            hour_ending = False  # pvlib labels EPW hours by their start
        elif fmt == "tmy3":
            frame, meta = pvlib.iotools.read_tmy3(path, map_variables=True)
            hour_ending = True  # TMY3 irradiance belongs to the previous hour
        else:
            frame, meta = pvlib.iotools.read_pvgis_tmy(path, map_variables=True)[:2]
            hour_ending = False
    except Exception as err:  # pvlib raises many types on malformed files
        if isinstance(err, KeyError):  # pvlib looks fields up by name: say which was missing
            first = f"no '{err.args[0]}' field where the format has one"
        else:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        msg = f"{path}: not a readable {fmt.upper()} file: {first}"
        raise DataFileError(msg) from None
    data = _typical_year(frame, path, hour_ending=hour_ending)
    info: dict[str, Any] = {"format": fmt}
    for key in ("latitude", "longitude", "altitude"):
        if key in meta:
            info[key] = float(meta[key])
    return data, info
