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
import xarray as xr

if TYPE_CHECKING:
    import linopy

__all__ = ["Term", "add_rows", "linear_sum"]

Term = tuple[Any, Any]
"""A coefficient (number or DataArray) and a linopy Variable: ``c * x``."""

TERM_DIM = "_term"  # linopy's name for the dimension of an expression's terms


def _term_arrays(term: Term, summed: Sequence[str]) -> tuple[xr.DataArray, xr.DataArray]:
    """One term's labels and coefficients on the same dimensions.

    Dimensions in ``summed`` are folded into the trailing term dimension.
    """
    coefficient, variable = term
    labels = variable.labels
    coeffs = coefficient if isinstance(coefficient, xr.DataArray) else xr.DataArray(coefficient)
    labels, coeffs = xr.align(labels, coeffs, join="exact")
    labels, coeffs = xr.broadcast(labels, coeffs)
    coeffs = coeffs.transpose(*labels.dims)
    folded = [d for d in labels.dims if d in summed]
    kept = [d for d in labels.dims if d not in summed]
    if folded:  # sum over them: each of their entries becomes a term of its own
        labels = labels.transpose(*kept, *folded).drop_vars(folded, errors="ignore")
        coeffs = coeffs.transpose(*kept, *folded).drop_vars(folded, errors="ignore")
        stacked = {TERM_DIM: folded}
        return labels.stack(stacked, create_index=False), coeffs.stack(stacked, create_index=False)
    return labels.expand_dims(TERM_DIM, axis=-1), coeffs.expand_dims(TERM_DIM, axis=-1)


def _stacked(
    terms: Sequence[Term], summed: Sequence[str], order: Sequence[str] | None = None
) -> xr.Dataset:
    """``coeffs`` and ``vars`` of ``sum_i c_i x_i`` on the union of the terms' dimensions.

    In ``order`` where given, else in order of first appearance.
    """
    if not terms:
        msg = "a linear sum needs at least one term"
        raise ValueError(msg)
    pairs = [_term_arrays(term, summed) for term in terms]
    aligned = xr.align(*(lab for lab, _ in pairs), join="exact", exclude=[TERM_DIM])
    broadcast = xr.broadcast(*aligned, exclude=[TERM_DIM])
    first = broadcast[0]
    dims = tuple(d for d in first.dims if d != TERM_DIM) if order is None else tuple(order)
    coeffs = [
        c.broadcast_like(lab, exclude=[TERM_DIM]).transpose(*dims, TERM_DIM)
        for (_, c), lab in zip(pairs, broadcast, strict=True)
    ]
    labels = [lab.transpose(*dims, TERM_DIM) for lab in broadcast]
    # the dataset numbers its rows along its coordinates' order: that of ``dims``
    coords = {name: first.coords[name] for name in dims if name in first.coords}
    return xr.Dataset(
        {
            "coeffs": (
                (*dims, TERM_DIM),
                np.concatenate([c.values.astype(float) for c in coeffs], axis=-1),
            ),
            "vars": ((*dims, TERM_DIM), np.concatenate([lab.values for lab in labels], axis=-1)),
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
    data["const"] = xr.zeros_like(data["coeffs"].isel({TERM_DIM: 0}), dtype=float)
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
    row = data["coeffs"].isel({TERM_DIM: 0}, drop=True)
    bound = rhs if isinstance(rhs, xr.DataArray) else xr.DataArray(float(rhs))
    row, bound = xr.align(row, bound, join="exact")
    data["rhs"] = bound.astype(float).broadcast_like(row).transpose(*row.dims)
    data["sign"] = xr.DataArray("=" if sign == "==" else sign)
    constraint: linopy.Constraint = model.add_constraints(linopy.Constraint(data, model), name=name)
    return constraint
