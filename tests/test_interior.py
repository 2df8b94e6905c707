"""Clarabel's interior point (gigafactory.interior) and its place in solver.solve_lp."""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from gigafactory import interior, solver
from gigafactory.interior import solve_clarabel
from gigafactory.solver import not_optimal, reduced_costs, solve_lp


def toy() -> linopy.Model:
    """min x + 2 y + 3 z  s.t.  x + y + z >= 1 (demand),  x + y <= 2 (line),
    0 <= x <= 0.6,  z fixed at 0.05."""
    m = linopy.Model()
    x = m.add_variables(lower=0, upper=0.6, name="x")
    y = m.add_variables(lower=0, name="y")
    z = m.add_variables(lower=0.05, upper=0.05, name="z")
    m.add_constraints(x + y + z >= 1, name="demand")
    m.add_constraints(x + y <= 2, name="line")
    m.add_objective(1.0 * x + 2.0 * y + 3.0 * z)
    return m


def test_clarabel_finds_the_hand_computed_optimum_and_duals():
    # z fixed at 0.05; x (1 a unit) to its bound 0.6; y (2 a unit) the rest, 0.35; the
    # line (x + y <= 2) is slack. Cost 0.6 + 0.7 + 0.15 = 1.45. One more unit of demand
    # costs 2 (y's price): its dual is +2 (a >= row of a minimisation); x at its upper
    # bound has reduced cost 1 - 2 = -1, y (between bounds) 0, z (fixed) 3 - 2 = 1.
    m = toy()
    assert solve_clarabel(m) == ("ok", "optimal")
    assert m.objective.value == pytest.approx(1.45, rel=1e-7)
    assert float(m.variables["x"].solution) == pytest.approx(0.6, abs=1e-7)
    assert float(m.variables["y"].solution) == pytest.approx(0.35, abs=1e-7)
    assert float(m.constraints["demand"].dual) == pytest.approx(2.0, abs=1e-6)
    assert float(m.constraints["line"].dual) == pytest.approx(0.0, abs=1e-6)
    labels = [int(m.variables[v].labels) for v in "xyz"]
    costs = reduced_costs(m)
    assert costs is not None
    assert [costs[label] for label in labels] == pytest.approx([-1.0, 0.0, 1.0], abs=1e-6)


def test_clarabel_duals_match_the_simplex_ones():
    # the same LP by HiGHS's simplex: the same row duals and reduced costs, sign for sign
    clarabel_model, highs_model = toy(), toy()
    solve_clarabel(clarabel_model)
    assert solve_lp(highs_model, method="simplex") == ("ok", "optimal")
    for name in ("demand", "line"):
        assert float(clarabel_model.constraints[name].dual) == pytest.approx(
            float(highs_model.constraints[name].dual), abs=1e-6
        )
    theirs, ours = reduced_costs(highs_model), reduced_costs(clarabel_model)
    assert theirs is not None and ours is not None
    assert ours == pytest.approx(theirs, abs=1e-6)


def test_auto_solves_a_large_lp_with_clarabel(monkeypatch):
    # above IPM_THRESHOLD variables 'auto' is Clarabel: its reduced costs are the ones kept
    monkeypatch.setattr(solver, "IPM_THRESHOLD", 2)
    m = toy()
    assert solve_lp(m, method="auto") == ("ok", "optimal")
    assert interior.reduced_costs(m) is not None
    small = toy()
    monkeypatch.setattr(solver, "IPM_THRESHOLD", 3)  # 3 variables: not above it
    assert solve_lp(small, method="auto") == ("ok", "optimal")
    assert interior.reduced_costs(small) is None


def test_clarabel_at_its_iteration_limit_hands_the_lp_to_highs(monkeypatch):
    monkeypatch.setattr(interior, "MAX_ITERATIONS", 1)
    assert solve_clarabel(toy()) == ("warning", "iteration_limit")
    m = toy()
    assert solve_lp(m, method="clarabel") == ("ok", "optimal")
    assert m.objective.value == pytest.approx(1.45, rel=1e-7)
    assert interior.reduced_costs(m) is None  # HiGHS's answer, not Clarabel's


@pytest.fixture
def highs_calls(monkeypatch) -> list[str]:
    """The HiGHS solver options ('ipm', 'simplex') of each HiGHS solve, in order."""
    seen: list[str] = []
    real = solver._solve_once

    def once(model, options, time_limit_s):
        seen.append(options["solver"])
        return real(model, options, time_limit_s)

    monkeypatch.setattr(solver, "_solve_once", once)
    return seen


def test_clarabel_objectives_apart_are_not_optimal(monkeypatch, highs_calls):
    # with no gap allowed even the exact answer is refused, and HiGHS is asked instead
    m = toy()
    assert solve_clarabel(m, objective_gap=-1.0) == ("warning", "objective_gap")
    monkeypatch.setattr(solver, "OBJECTIVE_GAP", -1.0)
    solve_lp(toy(), method="clarabel")
    assert highs_calls == ["ipm", "simplex"]


def test_clarabel_at_its_time_limit_says_so():
    status, condition = solve_lp(toy(), method="clarabel", time_limit_s=1e-12)
    assert (status, condition) == ("warning", "time_limit")
    assert not_optimal("site 'a'", status, condition, time_limit_s=1e-12) == (
        "site 'a': the solver stopped at its time limit (1e-12 s) before an optimal "
        "solution; raise solver.time_limit_s or remove it"
    )


def test_an_infeasible_lp_is_decided_by_highs(highs_calls):
    # Clarabel's infeasibility verdict is checked by HiGHS (interior point, then the
    # simplex's certificate), whose answer the callers explain
    m = linopy.Model()
    x = m.add_variables(lower=0, upper=1, name="x")
    m.add_constraints(x >= 2, name="demand")
    m.add_objective(1.0 * x)
    assert solve_clarabel(m)[1] == "infeasible"
    assert solve_lp(m, method="clarabel")[1] in solver.INFEASIBLE
    assert highs_calls[0] == "ipm"


@pytest.mark.parametrize("split", [False, True])
@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=2, max_value=8),
    st.integers(min_value=1, max_value=6),
)
def test_clarabel_agrees_with_the_simplex_on_random_lps(split, seed, n, rows):
    # min c'x, A x >= b (A >= 0, b >= 0: feasible), x <= u where u lets every row be met,
    # one column fixed: the optimum is Clarabel's and HiGHS's to 1e-6, the >= rows'
    # duals are >= 0 and complementary to their slack (the sign convention linopy and
    # HiGHS use; a flipped sign breaks the first, a wrong row the second), and each
    # column's reduced cost is >= 0 at its lower bound, <= 0 at its upper one and 0
    # between. With ``split`` every column of more than one entry is split into linked
    # copies of one entry (split_columns), which must change none of it.
    with pytest.MonkeyPatch.context() as patch:
        if split:
            patch.setattr(interior, "SPLIT_ENTRIES", 1)
            patch.setattr(interior, "AMD_DENSE_PER_ROOT", 1e9)
        _agrees_with_the_simplex(seed, n, rows)


def _agrees_with_the_simplex(seed: int, n: int, rows: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.1, 2.0, size=(rows, n))
    b = rng.uniform(0.0, 5.0, size=rows)
    c = rng.uniform(0.1, 3.0, size=n)
    fixed = rng.uniform(0.0, 1.0)

    def build() -> linopy.Model:
        m = linopy.Model()
        x = m.add_variables(lower=0, upper=100.0, coords=[range(n)], dims=["j"], name="x")
        f = m.add_variables(lower=fixed, upper=fixed, name="f")
        for i in range(rows):
            m.add_constraints((x * a[i]).sum() + f >= b[i], name=f"row{i}")
        m.add_objective((x * c).sum() + 1.0 * f)
        return m

    ours, theirs = build(), build()
    assert solve_clarabel(ours) == ("ok", "optimal")
    assert solve_lp(theirs, method="simplex") == ("ok", "optimal")
    assert ours.objective.value == pytest.approx(theirs.objective.value, rel=1e-6, abs=1e-7)
    x = ours.variables["x"].solution.to_numpy()
    for i in range(rows):
        dual = float(ours.constraints[f"row{i}"].dual)
        slack = float(a[i] @ x + fixed - b[i])
        assert dual >= -1e-6
        assert dual * slack == pytest.approx(0.0, abs=1e-5)
    costs = reduced_costs(ours)
    assert costs is not None
    labels = ours.variables["x"].labels.to_numpy()
    reduced = np.array([costs[int(label)] for label in labels])
    at_lower, at_upper = x < 1e-6, x > 100.0 - 1e-6
    assert (reduced[at_lower] >= -1e-6).all()
    assert (reduced[at_upper] <= 1e-6).all()
    between = ~at_lower & ~at_upper
    assert np.abs(reduced[between]).max(initial=0.0) == pytest.approx(0.0, abs=1e-5)


def test_the_last_solve_gives_the_reduced_costs():
    # Clarabel's reduced costs are kept beside the model; a later HiGHS solve of the same
    # model replaces them with its own (and Clarabel's again after that)
    m = toy()
    solve_clarabel(m)
    assert m.solver_model is None
    x, y, z = (m.variables[name] for name in "xyz")
    # x at 1.5 a unit: still to its bound, its reduced cost now 1.5 - 2 = -0.5 (was -1)
    m.add_objective(1.5 * x + 2.0 * y + 3.0 * z, overwrite=True)
    assert solve_lp(m, method="simplex") == ("ok", "optimal")
    assert m.solver_model is not None  # HiGHS's, which reduced_costs reads
    costs = reduced_costs(m)
    assert costs is not None and costs[int(x.labels)] == pytest.approx(-0.5, abs=1e-9)
    solve_clarabel(m)
    costs = reduced_costs(m)
    assert costs is not None and costs[int(x.labels)] == pytest.approx(-0.5, abs=1e-6)


def test_a_model_without_rows_is_solved_too():
    # min 3 x, 1 <= x: no constraint rows, only a bound (linopy gives no matrix)
    m = linopy.Model()
    x = m.add_variables(lower=1, name="x")
    m.add_objective(3.0 * x)
    assert solve_clarabel(m) == ("ok", "optimal")
    assert m.objective.value == pytest.approx(3.0, rel=1e-8)
    costs = reduced_costs(m)
    assert costs is not None and costs[int(x.labels)] == pytest.approx(3.0, abs=1e-6)


def test_a_long_column_is_split_into_linked_copies():
    # one column in 500 rows of a 2,000 x 2,000 matrix: KKT order 4,000, AMD's dense limit
    # 15 sqrt(4,000) = 949 > 500, so it is split: 500 = 168 + 168 + 164, two copies, each
    # tied to it by a row "copy - column = 0" placed after the 10 zero-cone rows
    n = 2000
    entries = sp.identity(n, format="lil")
    entries[:500, 7] = 2.0
    matrix = sp.csc_matrix(entries)
    split, links = interior.split_columns(matrix, 10)
    assert links == 2
    assert split.shape == (n + 2, n + 2)
    counts = np.diff(split.indptr)
    assert counts[7] == 168 + 2  # its first block and the two links
    assert counts[n:].tolist() == [168 + 1, 164 + 1]
    assert split[10:12].toarray()[:, [7, n, n + 1]].tolist() == [[-1, 1, 0], [-1, 0, 1]]
    assert split.sum() == matrix.sum()  # every entry kept, the links add +1 -1
    # the other columns are not moved
    assert (split[:10, :7] != matrix[:10, :7]).nnz == 0


def test_a_column_amd_sets_aside_as_dense_is_left_whole():
    # 500 entries in a 600 x 600 matrix: 15 sqrt(1,200) = 520 > 500, split; in a
    # 500 x 500 one 15 sqrt(1,000) = 474 < 500, AMD orders it last itself: left alone
    for n, expected in ((600, 2), (500, 0)):
        entries = sp.identity(n, format="lil")
        entries[:500, 3] = 1.0
        assert interior.split_columns(sp.csc_matrix(entries), 0)[1] == expected


def test_a_split_column_keeps_the_optimum_and_duals():
    # a demand charge: min 5 peak + sum_t x_t  s.t.  x_t >= d_t,  x_t <= peak, for 400
    # hours of d_t = 1 + (t mod 7): peak = 7, objective 5 x 7 + sum d_t; the peak's
    # column (400 rows) is split. The 5 of the peak's price falls on the hours at the
    # peak: the <= rows' duals add up to -5, and each x_t at d_t has reduced cost 0.
    hours = 400
    demand = 1.0 + np.arange(hours) % 7
    m = linopy.Model()
    index = pd.RangeIndex(hours, name="hour")
    x = m.add_variables(lower=0, coords=[index], name="x")
    peak = m.add_variables(lower=0, name="peak")
    m.add_constraints(x >= xr.DataArray(demand, coords=[index]), name="demand")
    m.add_constraints(x - peak <= 0, name="peak-rows")
    m.add_objective(5.0 * peak + x.sum())
    form = interior._ConicForm(m.matrices)
    assert form.matrix.shape[1] > m.matrices.A.shape[1]  # the peak column was split
    assert solve_clarabel(m) == ("ok", "optimal")
    assert m.objective.value == pytest.approx(5 * 7 + demand.sum(), rel=1e-7)
    assert float(peak.solution) == pytest.approx(7.0, abs=1e-6)
    duals = m.constraints["peak-rows"].dual.to_numpy()
    assert duals.sum() == pytest.approx(-5.0, abs=1e-6)
    assert np.abs(duals[demand < 7]).max() == pytest.approx(0.0, abs=1e-6)
    costs = reduced_costs(m)
    assert costs is not None
    assert costs[int(peak.labels)] == pytest.approx(0.0, abs=1e-6)


def test_basis_guess_by_hand():
    # three columns in [0, 10] at x = (5, 10, 5e-8): x0 inside (basic), x1 at its upper
    # bound, x2 within 1e-5 of its lower one; row 0 (x0 + x1 + x2 <= 15) tight at its
    # upper side, row 1 (x0 - x1 >= -20) slack by 15: basic, row 2 (x0 = 5) an equality,
    # never basic. Two basic for three rows: HiGHS completes the guess with a slack.
    point = interior.InteriorPoint(
        vlabels=np.arange(3),
        x=np.array([5.0, 10.0, 5e-8]),
        lower=np.zeros(3),
        upper=np.full(3, 10.0),
        activity=np.array([15.0 + 5e-8, -5.0, 5.0]),
        rhs=np.array([15.0, -20.0, 5.0]),
        sense=np.array(["<", ">", "="]),
        y=np.array([-1.0, 0.0, 0.5]),
        reduced=np.array([0.0, -0.5, 2.0]),
    )
    columns, rows = interior.basis_guess(point)
    assert columns.tolist() == [interior.BASIC, interior.UPPER, interior.LOWER]
    assert rows.tolist() == [interior.UPPER, interior.BASIC, interior.LOWER]
    # at 1e-9 x2 (5e-8 from its bound) is inside, and row 0 (5e-8 over) has slack
    columns, rows = interior.basis_guess(point, tolerance=1e-9)
    assert columns.tolist() == [interior.BASIC, interior.UPPER, interior.BASIC]
    assert rows.tolist() == [interior.BASIC, interior.BASIC, interior.LOWER]


@settings(max_examples=20, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=2, max_value=8),
    st.integers(min_value=1, max_value=6),
)
def test_the_first_solve_of_a_warm_series_starts_the_simplex_from_clarabel(seed, n, rows):
    # above IPM_THRESHOLD variables WarmStarts' first solve is Clarabel's, then the simplex
    # from the basis guessed off its optimum: the simplex's optimum, a vertex (its basis
    # kept for the next solve), and Clarabel's point left on the model
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.1, 2.0, size=(rows, n))
    b = rng.uniform(0.0, 5.0, size=rows)
    c = rng.uniform(0.1, 3.0, size=n)

    def build() -> linopy.Model:
        m = linopy.Model()
        x = m.add_variables(lower=0, upper=100.0, coords=[range(n)], dims=["j"], name="x")
        for i in range(rows):
            m.add_constraints((x * a[i]).sum() >= b[i], name=f"row{i}")
        m.add_objective((x * c).sum())
        return m

    ours, theirs = build(), build()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solver, "IPM_THRESHOLD", 1)
        starts = solver.WarmStarts()
        assert starts.solve("lp", ours) == ("ok", "optimal")
    assert solve_lp(theirs, method="simplex") == ("ok", "optimal")
    assert ours.objective.value == pytest.approx(theirs.objective.value, rel=1e-9, abs=1e-9)
    assert interior.interior_point(ours) is not None  # Clarabel solved it first
    assert starts.starts == {"lp": "cold"}
    assert starts.kept("lp") is not None  # an optimal basis to start the next one from
