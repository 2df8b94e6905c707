"""Rows of the supply LP built from the variables' labels in one step.

linopy's operators (``a * x + b * y - z <= c``) align and copy xarray objects at each
step, 5-20 ms an operator whatever the array's size: most of the time it takes to build a
year's LP and nearly all of a typical-day LP's or a warm sweep case's. The rows with many
terms per hour are built here instead, as the ``coeffs``/``vars`` arrays that linopy's own
operators would produce (same rows, same order, same numbers: tests/test_rows.py), and
handed to linopy whole. Everything else in the LP uses linopy's operators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

if TYPE_CHECKING:
    import linopy

__all__ = ["Term", "add_rows", "linear_sum"]

Term = tuple[Any, Any]
"""A coefficient (number or DataArray) and a linopy Variable: ``c * x``."""

TERM_DIM = "_term"  # linopy's name for the dimension of an expression's terms


Axes = dict[str, tuple[int, Any]]
"""Dimensions in order, each with its size and its index (None without a coordinate)."""


def _axes_of(array: xr.DataArray) -> Axes:
    return {
        str(dim): (size, array.indexes.get(dim))
        for dim, size in zip(array.dims, array.shape, strict=True)
    }


def _merged(all_axes: Sequence[Axes], order: Sequence[str] | None = None) -> Axes:
    """The dimensions of several arrays, in ``order`` or in order of first appearance.

    A dimension that several arrays share must have the same size and coordinate: no
    silent reindexing, unlike xarray's default (``ValueError``).
    """
    merged: Axes = {}
    for axes in all_axes:
        for dim, (size, index) in axes.items():
            if dim not in merged or merged[dim][1] is None:
                if dim in merged and merged[dim][0] != size:
                    raise _misaligned(dim)
                merged[dim] = (size, index)
            elif size != merged[dim][0] or (index is not None and not index.equals(merged[dim][1])):
                raise _misaligned(dim)
    if order is None:
        return merged
    return {str(dim): merged[dim] for dim in order} | merged


def _misaligned(dim: str) -> ValueError:
    return ValueError(f"cannot align objects with join='exact' along dimension {dim!r}")


def _values_on(array: Any, dims: Sequence[str]) -> np.ndarray:
    """``array``'s values with one axis per name in ``dims`` (size 1 where it has none)."""
    if not isinstance(array, xr.DataArray):
        return np.reshape(np.asarray(array), (1,) * len(dims))
    own = [d for d in dims if d in array.dims]
    values = np.transpose(array.values, [array.dims.index(d) for d in own])
    return np.reshape(values, [array.sizes[d] if d in array.dims else 1 for d in dims])


def _stacked(
    terms: Sequence[Term], summed: Sequence[str], order: Sequence[str] | None = None
) -> xr.Dataset:
    """``coeffs`` and ``vars`` of ``sum_i c_i x_i`` on the union of the terms' dimensions.

    The rows' dimensions in ``order`` where given, else in order of first appearance; each
    dimension in ``summed`` is summed over (its entries become terms of their own, and
    each term may have its own: the technologies of each kind). Built with numpy, since
    xarray's alignment would cost as much as linopy's operators.
    """
    if not terms:
        msg = "a linear sum needs at least one term"
        raise ValueError(msg)
    own = [
        _merged([_axes_of(a) for a in (v.labels, c) if isinstance(a, xr.DataArray)])
        for c, v in terms
    ]
    row_axes = _merged([{d: a for d, a in o.items() if d not in summed} for o in own], order)
    rows = list(row_axes)
    shape = [size for size, _ in row_axes.values()]
    coeffs: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    for (coefficient, variable), axes in zip(terms, own, strict=True):
        folded = [d for d in axes if d in summed]
        dims = [*rows, *folded]
        full = [*shape, *(axes[d][0] for d in folded)]
        for values, out in ((variable.labels, labels), (coefficient, coeffs)):
            spread = np.broadcast_to(_values_on(values, dims), full)
            out.append(np.reshape(spread, (*shape, -1)))
    # a dimension without a coordinate (the hours a charge bills) gets one, 0, 1, ...:
    # linopy's constraints need one to number their rows
    coords = {
        d: pd.RangeIndex(size, name=d) if index is None else index
        for d, (size, index) in row_axes.items()
    }
    return xr.Dataset(
        {
            "coeffs": ((*rows, TERM_DIM), np.concatenate(coeffs, axis=-1).astype(float)),
            "vars": ((*rows, TERM_DIM), np.concatenate(labels, axis=-1)),
        },
        coords=coords,
    )


def linear_sum(
    model: linopy.Model, terms: Sequence[Term], *, summed: Sequence[str] = ()
) -> linopy.LinearExpression:
    """``sum_i c_i x_i`` as one linopy expression, each dimension in ``summed`` summed over.

    Parameters
    ----------
    model : linopy.Model
        The model the variables belong to.
    terms : sequence of (coefficient, Variable)
        Coefficients are numbers or DataArrays on (some of) their variable's dimensions.
    summed : sequence of str
        Dimensions summed over where a term has them (``technology`` for a balance).

    Returns
    -------
    linopy.LinearExpression
        On the union of the remaining dimensions, in order of first appearance; shared
        dimensions must carry the same coordinates (else ``ValueError``).
    """
    import linopy

    data = _stacked(terms, summed)
    data["const"] = (data["vars"].dims[:-1], np.zeros(data["vars"].shape[:-1]))
    return linopy.LinearExpression(data, model)


def add_rows(
    model: linopy.Model,
    terms: Sequence[Term],
    sign: str,
    rhs: Any,
    name: str,
    *,
    summed: Sequence[str] = (),
    order: Sequence[str] | None = None,
) -> linopy.Constraint:
    """Add ``sum_i c_i x_i  sign  rhs`` (``sign`` one of ``<=``, ``>=``, ``=``) as ``name``.

    ``rhs`` is a number or a DataArray on (some of) the rows' dimensions; see
    :func:`linear_sum` for ``terms`` and ``summed``. ``order`` gives the rows' dimensions
    in the order their rows are numbered (default: as they first appear in ``terms``).
    """
    import linopy

    data = _stacked(terms, summed, order)
    rows = [str(d) for d in data["coeffs"].dims if d != TERM_DIM]
    if isinstance(rhs, xr.DataArray):  # on the rows' coordinates, else ValueError
        extra = [str(d) for d in rhs.dims if d not in rows]
        if extra:
            raise _misaligned(extra[0])
        _merged([_axes_of(data["vars"]), _axes_of(rhs)])
    shape = data["vars"].shape[:-1]
    bound = np.broadcast_to(_values_on(rhs, rows), shape).astype(float)
    data["rhs"] = (rows, bound)
    data["sign"] = xr.DataArray("=" if sign == "==" else sign)
    constraint: linopy.Constraint = model.add_constraints(linopy.Constraint(data, model), name=name)
    return constraint
