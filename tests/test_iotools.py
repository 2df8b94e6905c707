"""Hourly CSV reader: one-line errors naming file, row and column."""

from __future__ import annotations

import numpy as np
import pytest

from gigafactory.errors import DataFileError
from gigafactory.resource.iotools import read_hourly_csv


def write_csv(tmp_path, rows, header="time,price_usd_per_mwh", comment=""):
    path = tmp_path / "series.csv"
    body = "\n".join(f"{i},{v}" for i, v in enumerate(rows))
    path.write_text(f"{comment}{header}\n{body}\n", encoding="utf-8")
    return path


def test_reads_values_and_provenance(tmp_path):
    path = write_csv(tmp_path, [10, 20.5, 30], comment="# source: test\n")
    data, meta = read_hourly_csv(path, ["price_usd_per_mwh"], n_hours=3)
    np.testing.assert_allclose(data["price_usd_per_mwh"], [10, 20.5, 30])
    assert meta["comments"] == ["# source: test"]


def test_wrong_length(tmp_path):
    path = write_csv(tmp_path, [1, 2])
    with pytest.raises(DataFileError) as err:
        read_hourly_csv(path, ["price_usd_per_mwh"], n_hours=3)
    assert str(err.value) == f"{path}: 2 data rows, expected 3 (one per hour of the year)"


def test_non_numeric_cell_names_row_and_column(tmp_path):
    path = write_csv(tmp_path, [1, "n/a", 3], comment="# provenance\n")
    with pytest.raises(DataFileError) as err:
        read_hourly_csv(path, ["price_usd_per_mwh"], n_hours=3)
    # line 1 comment, line 2 header, line 3 first hour -> 'n/a' is on line 4
    assert str(err.value) == f"{path}: row 4, column 'price_usd_per_mwh': 'n/a' is not a number"


def test_missing_column_suggests(tmp_path):
    path = write_csv(tmp_path, [1, 2, 3], header="time,price_usd_mwh")
    with pytest.raises(DataFileError) as err:
        read_hourly_csv(path, ["price_usd_per_mwh"], n_hours=3)
    assert str(err.value) == (
        f"{path}: missing column 'price_usd_per_mwh'; did you mean 'price_usd_mwh'?; "
        "found: time, price_usd_mwh"
    )


def test_out_of_bounds(tmp_path):
    path = write_csv(tmp_path, [1, 2, 3000])
    with pytest.raises(DataFileError) as err:
        read_hourly_csv(
            path, ["price_usd_per_mwh"], n_hours=3, bounds={"price_usd_per_mwh": (0, 1000)}
        )
    assert str(err.value) == f"{path}: row 4, column 'price_usd_per_mwh': 3000 is outside [0, 1000]"


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match=r"nope\.csv: file not found$"):
        read_hourly_csv(tmp_path / "nope.csv", ["x"])
