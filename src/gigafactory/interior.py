"""Clarabel's interior point for a linopy LP: the full year's fastest exact solve.

A full year's supply LP is some 8,760 hours of dispatch coupled by a handful of capacity
columns and storage chains. HiGHS's interior points factorise it slowly for its size:
HiPO's supernodes average 4.5 columns on the canonical LP, so its time goes to overhead,
not arithmetic (benchmarks/README.md). Clarabel (Goulart and Chen, "Clarabel: An
interior-point solver for conic programs with quadratic objectives", arXiv:2405.12762,
2024) factorises the same KKT system with QDLDL, a plain LDL' that suits a sparse banded
matrix: on the canonical LP 6-7 s against HiPO's 23-26 s, on the presets' years 0.5-3.9 s
against 2.0-18.1 s (2-core Intel, 2026-12-06), at the same optimum to 1e-8.

:func:`solve_clarabel` hands linopy's matrices to Clarabel in its conic form (equalities
in the zero cone, inequalities and finite bounds in the non-negative cone), writes the
primal and the row duals back onto the model in linopy's (and HiGHS's) sign convention,
and keeps the reduced costs, ``c - A'y``, for :func:`reduced_costs`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gigafactory.solution import write_solution

if TYPE_CHECKING:
    import linopy

__all__ = [
    "AMD_DENSE_PER_ROOT",
    "DIRECT_SOLVE_METHOD",
    "MAX_ITERATIONS",
    "SPLIT_ENTRIES",
    "InteriorPoint",
    "interior_point",
    "reduced_costs",
    "solve_clarabel",
    "split_columns",
]

MAX_ITERATIONS = 500
"""Clarabel's iteration limit [-]. The canonical LP takes 141 iterations, the presets'
years 11-107 (2026-12-06); Clarabel's own default of 200 leaves little room above that, and
a solve that stops at the limit is handed to HiGHS (:func:`gigafactory.solver.solve_lp`)."""

DIRECT_SOLVE_METHOD = "qdldl"
"""Clarabel's factorisation of its KKT system: QDLDL always, not Clarabel's ``auto``.
``auto`` picks faer's supernodal LDL' for some systems by their fill, and with it the
solution's last digits and time then depend on the machine's threads. On every preset's
year, 24/48/96 typical days and three weather years in full or on 48/96 typical days
(korea-pohang, korea-southwest, colossus, pine-island) ``auto`` chose QDLDL but once:
pine-island's three years on 96 typical days, 6.7 s against QDLDL's 1.6 s (two years:
5.9 against 1.3 s; 2-core Intel, 2026-12-06)."""


@dataclass(frozen=True)
class InteriorPoint:
    """Clarabel's optimum of an LP, in linopy's column and row order (HiGHS's too).

    Attributes
    ----------
    vlabels : numpy.ndarray
        Variable label of each column [-].
    x, lower, upper : numpy.ndarray
        Each column's value and bounds [-].
    activity, rhs : numpy.ndarray
        Each row's ``A x`` and right-hand side [-].
    sense : numpy.ndarray
        Each row's ``<``, ``=`` or ``>``.
    y, reduced : numpy.ndarray
        Row duals (HiGHS's convention) and reduced costs ``c - A'y`` [-].
    """

    vlabels: np.ndarray
    x: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    activity: np.ndarray
    rhs: np.ndarray
    sense: np.ndarray
    y: np.ndarray
    reduced: np.ndarray


_ANSWERS: weakref.WeakKeyDictionary[Any, InteriorPoint] = weakref.WeakKeyDictionary()
"""Per model solved by Clarabel: its optimum as arrays (reduced costs as a dict are built
only when asked: probes and stress solves never read them)."""

_CONDITIONS = {
    "Solved": ("ok", "optimal"),
    "PrimalInfeasible": ("warning", "infeasible"),
    "DualInfeasible": ("warning", "infeasible_or_unbounded"),
    "MaxTime": ("warning", "time_limit"),
    "MaxIterations": ("warning", "iteration_limit"),
}
"""Clarabel's status -> linopy's (status, termination condition); any other is unknown."""


def solve_clarabel(
    model: linopy.Model, *, time_limit_s: float | None = None, objective_gap: float = 1e-6
) -> tuple[str, str]:
    """Solve ``model`` with Clarabel and write its solution and duals onto it.

    Parameters
    ----------
    model : linopy.Model
        A linear program (no integers, no quadratic terms).
    time_limit_s : float, optional
        Clarabel's time limit [s].
    objective_gap : float
        Largest relative gap between the primal and dual objectives taken as optimal [-];
        a solve Clarabel calls solved with its objectives further apart is returned as
        ``("warning", "objective_gap")``.

    Returns
    -------
    tuple of str
        linopy's ``(status, termination_condition)``; the solution is written onto
        ``model`` only when it is ``("ok", "optimal")``.
    """
    import clarabel
    from linopy.constants import Result, Solution, Status

    matrices = model.matrices
    form = _ConicForm(matrices)
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.max_iter = MAX_ITERATIONS
    # Clarabel judges convergence by residuals of the iterates on the problem's own data,
    # so refining each Newton step only steers; off, a year solves 30-45 % faster at the
    # same optimum (canonical LP 5.8-6.8 s against 8.0-10.0 s, objectives 6e-9 apart;
    # the presets' years within 1e-9; 2-core Intel, 2026-12-06)
    settings.iterative_refinement_enable = False
    settings.direct_solve_method = DIRECT_SOLVE_METHOD
    if time_limit_s is not None:
        settings.time_limit = float(time_limit_s)
    cost = np.asarray(matrices.c, dtype=float)
    answer = clarabel.DefaultSolver(
        form.quadratic, form.cost(cost), form.matrix, form.rhs, form.cones, settings
    ).solve()
    status, condition = _CONDITIONS.get(str(answer.status), ("warning", "unknown"))
    primal_objective = float(answer.obj_val)
    if condition == "optimal":
        apart = abs(primal_objective - float(answer.obj_val_dual))
        if apart > objective_gap * max(1.0, abs(primal_objective)):
            status, condition = "warning", "objective_gap"
    if condition != "optimal":  # the caller says why, or hands the LP to HiGHS
        return status, condition
    x = np.asarray(answer.x, dtype=float)[: form.columns]
    y = form.row_duals(np.asarray(answer.z, dtype=float))
    reduced = cost - form.rows_matrix.T @ y
    vlabels = np.asarray(matrices.vlabels)
    primal = np.full(int(model._xCounter), np.nan)
    primal[vlabels] = x
    dual = np.full(int(model._cCounter), np.nan)
    dual[np.asarray(matrices.clabels)] = y
    objective = float(cost @ x)  # linopy's objectives have no constant term
    model.solver = None  # no HiGHS object of this solve to ask
    write_solution(
        model, Result(Status.process(status, condition), Solution(primal, dual, objective))
    )
    _ANSWERS[model] = InteriorPoint(
        vlabels=vlabels,
        x=x,
        lower=np.asarray(matrices.lb, dtype=float),
        upper=np.asarray(matrices.ub, dtype=float),
        activity=form.rows_matrix @ x,
        rhs=np.asarray(matrices.b, dtype=float),
        sense=np.asarray(matrices.sense),
        y=y,
        reduced=reduced,
    )
    return status, condition


def interior_point(model: linopy.Model) -> InteriorPoint | None:
    """Clarabel's last optimum of ``model``; None where Clarabel has not solved it."""
    return _ANSWERS.get(model)


def reduced_costs(model: linopy.Model) -> np.ndarray | None:
    """The reduced cost of each column of Clarabel's last solve of ``model``, by label.

    An array indexed by variable label (NaN for a label with no column); ``None`` where
    Clarabel has not solved it (HiGHS's are on ``model.solver_model``).
    """
    kept = _ANSWERS.get(model)
    if kept is None:
        return None
    return by_label(kept.vlabels, kept.reduced, int(model._xCounter))


class _ConicForm:
    """An LP ``A x (<=, =, >=) b``, ``lb <= x <= ub`` as Clarabel's ``A' x + s = b'``."""

    def __init__(self, matrices: Any) -> None:
        import clarabel
        import scipy.sparse as sp

        lb = np.asarray(matrices.lb, dtype=float)
        ub = np.asarray(matrices.ub, dtype=float)
        n = len(lb)
        a = sp.csr_matrix((0, n)) if matrices.A is None else sp.csr_matrix(matrices.A)
        b = np.asarray(matrices.b if matrices.A is not None else [], dtype=float)
        sense = np.asarray(matrices.sense if matrices.A is not None else [])
        self.rows_matrix = a
        self.equal = np.flatnonzero(sense == "=")
        self.below = np.flatnonzero(sense == "<")
        self.above = np.flatnonzero(sense == ">")
        self.rows = a.shape[0]
        # a fixed column is an equality: two facing inequalities leave no interior
        fixed = np.flatnonzero(np.isfinite(lb) & (lb == ub))
        lower = np.flatnonzero(np.isfinite(lb) & (lb != ub))
        upper = np.flatnonzero(np.isfinite(ub) & (lb != ub))
        unit = sp.identity(n, format="csr")
        blocks = [a[self.equal], unit[fixed], a[self.below], -a[self.above]]
        blocks += [-unit[lower], unit[upper]]
        matrix = sp.vstack(blocks, format="csc")
        rhs = np.concatenate(
            [b[self.equal], lb[fixed], b[self.below], -b[self.above], -lb[lower], ub[upper]]
        )
        zero = len(self.equal) + len(fixed)
        matrix, links = split_columns(matrix, zero)
        self.matrix = matrix
        self.rhs = np.concatenate([rhs[:zero], np.zeros(links), rhs[zero:]])
        zero += links
        self.cones = [
            clarabel.ZeroConeT(zero),
            clarabel.NonnegativeConeT(self.matrix.shape[0] - zero),
        ]
        self.columns = n
        self.quadratic = sp.csc_matrix((matrix.shape[1], matrix.shape[1]))
        self.below_at = zero  # after the equalities, the fixed columns and the links

    def cost(self, c: np.ndarray) -> np.ndarray:
        """The objective over Clarabel's columns: ``c``, then nothing on the copies."""
        return np.concatenate([c, np.zeros(self.matrix.shape[1] - self.columns)])

    def row_duals(self, z: np.ndarray) -> np.ndarray:
        """The rows' duals in HiGHS's convention (``c - A'y`` the reduced costs).

        Clarabel's dual satisfies ``c + A'z = 0`` with ``z >= 0`` on the non-negative
        cone, so a row kept as it is (``=``, ``<=``) has ``y = -z`` and a negated one
        (``>=``) ``y = z``; the bound rows' duals are the reduced costs themselves.
        """
        y = np.zeros(self.rows)
        y[self.equal] = -z[: len(self.equal)]
        at = self.below_at
        y[self.below] = -z[at : at + len(self.below)]
        at += len(self.below)
        y[self.above] = z[at : at + len(self.above)]
        return y


AMD_DENSE_PER_ROOT = 15.0
"""Clarabel's AMD ordering sets aside as dense (and orders last) a column of its KKT matrix
with more than this times the square root of the matrix's order entries [-]: AMD's
default of 10 (Amestoy, Davis and Duff, AMD user guide, SuiteSparse) scaled by 1.5
(Clarabel.rs, ``src/qdldl/qdldl.rs``, ``get_amd_ordering``)."""

SPLIT_ENTRIES = 168
"""Entries of one copy of a split column [-] (:func:`split_columns`). On korea-pohang's
three weather years, copies of 24-168 entries order in 0.22-0.23 s, of 730 in 0.33 s and
of 2,190 in 0.57 s, against 1.66 s unsplit (2-core Intel, 2026-12-06)."""


def split_columns(matrix: Any, zero: int) -> tuple[Any, int]:
    """Split the columns AMD would order slowly into linked copies.

    A column with many entries that AMD does not set aside as dense (at most
    :data:`AMD_DENSE_PER_ROOT` times the square root of the KKT matrix's order) costs its
    ordering time about quadratic in its entries: one LP over three weather years has a
    yearly demand-charge peak in 8,760 rows, just under the dense limit, and its ordering
    took 1.7 s of a 3.1 s solve. Each such column keeps its first :data:`SPLIT_ENTRIES`
    entries; each further block of as many goes to a new free column tied to it by an
    equality row ``copy - column = 0``. The LP and its optimum are the same.

    Parameters
    ----------
    matrix : scipy.sparse.csc_matrix
        The conic constraint matrix, zero-cone rows first.
    zero : int
        Its zero-cone rows [-]; the links are added after them.

    Returns
    -------
    tuple
        The matrix with the copies' columns after the originals and the links' rows after
        the first ``zero`` rows, and how many links (and copies) there are.
    """
    import scipy.sparse as sp

    rows, n = matrix.shape
    counts = np.diff(matrix.indptr)
    dense = AMD_DENSE_PER_ROOT * np.sqrt(rows + n)
    slow = (counts > SPLIT_ENTRIES) & (counts <= dense)
    if not slow.any():
        return matrix, 0
    column = np.repeat(np.arange(n), counts)
    block = (np.arange(matrix.nnz) - np.repeat(matrix.indptr[:-1], counts)) // SPLIT_ENTRIES
    block[~slow[column]] = 0
    extra = np.where(slow, -(-counts // SPLIT_ENTRIES) - 1, 0)  # copies per column
    first_copy = n + np.cumsum(extra) - extra
    moved = block > 0
    column[moved] = first_copy[column[moved]] + block[moved] - 1
    links = int(extra.sum())
    copies = np.arange(n, n + links)
    originals = np.repeat(np.arange(n), extra)
    link = sp.csc_matrix(
        (
            np.concatenate([np.ones(links), -np.ones(links)]),
            (np.tile(np.arange(links), 2), np.concatenate([copies, originals])),
        ),
        shape=(links, n + links),
    )
    split = sp.csc_matrix((matrix.data, (matrix.indices, column)), shape=(rows, n + links))
    return sp.vstack([split[:zero], link, split[zero:]], format="csc"), links


BASIS_TOLERANCE = 1e-5
"""Relative distance from a bound within which a column or row of Clarabel's optimum counts
as at that bound when a simplex basis is guessed from it [-] (:func:`basis_guess`): an
interior point stops near its bounds, not on them. Clarabel's time plus the dual simplex's
from the guess, against HiGHS's interior point and crossover (2-core Intel, 2026-12-06):
korea-pohang 0.6 + 1.2 s (4,524 pivots; 1.0 s at 1e-4, 1.8 s at 1e-6) against 3.4 s,
colossus 1.0 + 2.5 s (2.1 at 1e-4, 3.6 at 1e-6) against 5.5, stargate-abilene 0.9 + 0.9 s
against 6.9, memphis-gas 0.4 + 1.2 s against 3.2, korea-southwest 1.0 + 2.2 s against 5.4;
pine-island, whose 100 h iron-air makes each pivot dear, 4.3 + 26 s against 18.9 s, and no
optimum within 60 s at 1e-4."""


LOWER, BASIC, UPPER, ZERO = 0, 1, 2, 3
"""HiGHS's basis statuses (``HighsBasisStatus``): at the lower bound, basic, at the upper
bound, free and non-basic at zero."""


def basis_guess(
    point: InteriorPoint, tolerance: float = BASIS_TOLERANCE
) -> tuple[np.ndarray, np.ndarray]:
    """A simplex basis guessed from an interior optimum: each column's and row's status.

    A column strictly between its bounds is basic, one within ``tolerance`` of a bound is
    non-basic at it; a row with slack is basic (its slack is), a tight or equality row is
    not. The guess need not have as many basic entries as rows, nor be nonsingular: HiGHS
    takes it as an alien basis, keeps a nonsingular set of its basic columns (from an LU
    factorisation) and fills the rest with row slacks; that did better than ranking
    entries to balance the count here (colossus's year 2,123 pivots against 17,923).

    Parameters
    ----------
    point : InteriorPoint
        Clarabel's optimum (:func:`interior_point`).
    tolerance : float
        See :data:`BASIS_TOLERANCE` [-].

    Returns
    -------
    tuple of numpy.ndarray
        Status of each column and of each row (:data:`LOWER`, :data:`BASIC`, :data:`UPPER`,
        :data:`ZERO`), in the LP's order.

    Examples
    --------
    ``x0 + x1 <= 0.5`` with ``0 <= x <= 1`` at ``x = (0.5, 2e-9)``: the row is tight (at its
    upper side), ``x1`` at its lower bound, ``x0`` basic.

    >>> p = InteriorPoint(np.arange(2), np.array([0.5, 2e-9]), np.zeros(2), np.ones(2),
    ...     np.array([0.5]), np.array([0.5]), np.array(["<"]), np.ones(1), np.zeros(2))
    >>> [a.tolist() for a in basis_guess(p)]
    [[1, 0], [2]]
    """
    below, above = point.x - point.lower, point.upper - point.x
    near = np.minimum(below, above) / np.maximum(1.0, np.abs(point.x))  # inf: a free column
    side = np.where(np.isinf(near), ZERO, np.where(below <= above, LOWER, UPPER))
    columns = np.where(near <= tolerance, side, BASIC)
    slack = np.abs(point.rhs - point.activity) / np.maximum(1.0, np.abs(point.rhs))
    row_side = np.where(point.sense == "<", UPPER, LOWER)
    rows = np.where((slack <= tolerance) | (point.sense == "="), row_side, BASIC)
    return columns, rows


def guessed_basis(
    model: linopy.Model, *, time_limit_s: float | None = None, objective_gap: float = 1e-6
) -> Any:
    """A HiGHS basis (``highspy.HighsBasis``) guessed from Clarabel's optimum of ``model``.

    Clarabel solves it (0.6 s for korea-pohang's year) and :func:`basis_guess` reads a basis
    off the optimum, from which HiGHS's dual simplex reaches a vertex in 1.2 s, where its
    interior point and crossover took 3.4 s; 1.6-3.5x faster on five of the six presets'
    years measured, 1.6x slower on pine-island's (:data:`BASIS_TOLERANCE`). None where
    Clarabel does not end optimal: the caller solves from scratch.
    """
    import highspy

    status, condition = solve_clarabel(
        model, time_limit_s=time_limit_s, objective_gap=objective_gap
    )
    point = interior_point(model)
    if (status, condition) != ("ok", "optimal") or point is None:
        return None
    columns, rows = basis_guess(point)
    table = [
        highspy.HighsBasisStatus.kLower,
        highspy.HighsBasisStatus.kBasic,
        highspy.HighsBasisStatus.kUpper,
        highspy.HighsBasisStatus.kZero,
    ]
    basis = highspy.HighsBasis()
    basis.col_status = [table[i] for i in columns]
    basis.row_status = [table[i] for i in rows]
    basis.valid = True
    basis.alien = True  # maybe singular, maybe not one basic entry per row: HiGHS repairs it
    return basis


def by_label(labels: Any, values: np.ndarray, n_labels: int) -> np.ndarray:
    """``values`` of the columns ``labels`` as an array indexed by label, NaN elsewhere.

    >>> by_label([2, 0], np.array([5.0, 7.0]), 3).tolist()
    [7.0, nan, 5.0]
    """
    out = np.full(n_labels, np.nan)
    out[np.asarray(labels, dtype=int)] = values
    return out
