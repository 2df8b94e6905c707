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
from gigafactory.units import HOURS_PER_YEAR

__all__ = ["read_hourly_csv"]


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
