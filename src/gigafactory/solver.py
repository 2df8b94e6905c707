"""The one solver wrapper: every linopy model in the package is solved here.

:func:`solve_lp` picks the solver for the chosen method (Clarabel's interior point for a
full year, :mod:`gigafactory.interior`; HiGHS's simplex or interior point otherwise, and
after any interior point that ends unsure), sets HiGHS's options, silences the banner
HiGHS prints on C-level stdout before its options apply, and returns linopy's ``(status,
termination_condition)``. The supply LP (:mod:`gigafactory.supply.solve`) and the
placement LP (:mod:`gigafactory.placement.lp`) both call it. :class:`WarmStarts` keeps the
last optimal basis of each model a process solves and starts the next one of the same shape
from it (sweeps).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from gigafactory.interior import by_label, guessed_basis, solve_clarabel
from gigafactory.interior import reduced_costs as interior_reduced_costs
from gigafactory.solution import write_solution

if TYPE_CHECKING:
    import linopy

logger = logging.getLogger(__name__)

__all__ = [
    "INFEASIBLE",
    "IPM_THRESHOLD",
    "METHODS",
    "OBJECTIVE_GAP",
    "SIMPLEX_CHECK",
    "WarmStarts",
    "c_stdout_silenced",
    "not_optimal",
    "reduced_costs",
    "solve_lp",
]

IPM_THRESHOLD = 500
"""Variables above which ``method='auto'`` uses Clarabel's interior point [-]; below it
HiGHS chooses (the simplex for such sizes). Clarabel is faster on every supply LP measured
down to a few hundred variables: typical-day LPs of 745-1,955 variables 0.06-0.10 s
against HiGHS's 0.11-0.20 s, of 3,429-14,638 variables 0.08-0.32 s against 0.28-2.2 s,
whole runs on 96 typical days 1.4-9x faster (pine-island 12.8 against 1.4 s), the same
costs and capacities (2-core Intel, 2026-12-06). What the simplex did better is the dual:
where the optimum is degenerate its vertex can give a tighter entry price (on the scenario
of tests/test_explain.py 738 USD/kW for solar, which enters at 0.97 of it, where
Clarabel's interior dual says 867 and HiPO's said 1,071); any optimal dual's price is one
the technology stays out above (gigafactory.pipeline.explain), and ``solver.method:
simplex`` asks for the vertex. Until 2026-12-06 this was 20,000, which kept typical days on
the simplex."""

OBJECTIVE_GAP = 1e-6
"""Largest relative gap between the primal and dual objectives of a solve taken as optimal
[-]. HiGHS calls a solve optimal within its own KKT tolerances: HiPO with AMD ordering ended
one with the two 3.6e-6 apart, 4.4e-6 off the optimum, on the canonical LP
(benchmarks/README.md); results are promised to 1e-6."""

SIMPLEX_CHECK: dict[str, Any] = {"solver": "simplex"}
"""Options of the solve that follows an interior point which ends neither optimal nor at
the time limit. HiPO judges progress by its own rule, and IPX's infeasibility verdict is
not a certificate: on korea-southwest's campus at Warsaw (``compare --sites all``) HiPO
stopped after 25 iterations with "no progress" (status unknown), where the simplex solves
the same LP in 2.5 s; at Oslo HiPO ended unknown and IPX called the LP infeasible, where
the simplex finds its optimum (1,074 M USD/yr: 400 MW of PV and 3,654 MW of Li-ion) in
3.6 s (2026-12-06, 2-core Intel, HiGHS 1.15.1). The same Warsaw LP read from an MPS file,
its columns in another order, HiPO solves in 45 iterations."""

SIMPLEX_PRIMAL = 4
"""HiGHS's ``simplex_strategy`` for the primal simplex (its documented option value)."""

METHODS = ("auto", "clarabel", "ipm", "simplex", "choose")
"""``auto``: Clarabel above :data:`IPM_THRESHOLD` variables, HiGHS's choice below it;
``clarabel``: Clarabel's interior point; ``ipm``: HiGHS's (HiPO); ``simplex``: HiGHS's dual
simplex; ``choose``: HiGHS's own default."""


def solve_lp(
    model: linopy.Model,
    *,
    method: str = "auto",
    time_limit_s: float | None = None,
) -> tuple[str, str]:
    """Solve an LP and return linopy's ``(status, termination_condition)``.

    ``method='clarabel'`` runs Clarabel's interior point (:mod:`gigafactory.interior`),
    the fastest choice for a full year: 3-5x HiPO's speed on the presets' years and the
    canonical LP (benchmarks/README.md); ``'ipm'`` runs HiGHS's interior point without
    crossover: HiPO, from highspy-extras (a dependency), or IPX where HiPO is missing;
    ``'simplex'`` gives a vertex solution; ``'auto'`` uses Clarabel above
    :data:`IPM_THRESHOLD` variables and leaves the choice to HiGHS below it, as
    ``'choose'`` does. Clarabel ending other than optimal or at the time limit (its
    iteration limit, numerical trouble, an infeasibility verdict) hands the LP to HiGHS's
    interior point; a HiGHS interior point that ends neither optimal nor at the time limit
    (unknown, infeasible, its objectives apart) is followed by the simplex
    (:data:`SIMPLEX_CHECK`); each within what is left of ``time_limit_s``.

    The model goes to HiGHS in memory (linopy's ``io_api='direct'``), not through an LP
    file: 0.1-0.3 s less a solve on typical days, where that was a third of the solve.
    """
    if method not in METHODS:
        msg = f"solver method '{method}' not in {', '.join(METHODS)}"
        raise ValueError(msg)
    large = int(model.nvars) > IPM_THRESHOLD
    started = time.perf_counter()
    if method == "clarabel" or (method == "auto" and large):
        status, condition = solve_clarabel(
            model, time_limit_s=time_limit_s, objective_gap=OBJECTIVE_GAP
        )
        left = _time_left(started, time_limit_s)
        if _settled(condition, left):
            return status, condition
        logger.info("Clarabel ended %s/%s; solving with HiGHS's interior point", status, condition)
        method, time_limit_s, started = "ipm", left, time.perf_counter()
    options: dict[str, Any] = {"log_to_console": False, "output_flag": False}
    ipm = method == "ipm"
    if ipm:
        options.update(solver="ipm", run_crossover="off")
    elif method == "simplex":
        options.update(solver="simplex")
    started = time.perf_counter()
    status, condition = _solve_once(model, options, time_limit_s)
    if not ipm:
        return status, condition
    check = _simplex_check(options, status, condition, started, time_limit_s)
    if check is None:
        return status, condition
    return _solve_once(model, check, None)


def _simplex_check(
    options: dict[str, Any],
    status: str,
    condition: str,
    started: float,
    time_limit_s: float | None,
) -> dict[str, Any] | None:
    """HiGHS options for the simplex after an interior point's answer, or None if not due.

    Due when the interior point ended neither optimal nor at its time limit and time is
    left (:data:`SIMPLEX_CHECK`); the options carry what is left of ``time_limit_s``.
    """
    left = _time_left(started, time_limit_s)
    if _settled(condition, left):
        return None
    logger.info("the interior point ended %s/%s; solving with the simplex", status, condition)
    check = {**options, "run_crossover": "off", **SIMPLEX_CHECK}
    if left is not None:
        check["time_limit"] = float(left)
    return check


def _settled(condition: str, left: float | None) -> bool:
    """Whether an interior point's answer stands: optimal, at its time limit, or no time left.

    Any other answer (unknown, infeasible, objectives apart) goes to the next solver.
    """
    return condition in {"optimal", "time_limit"} or (left is not None and left <= 0)


def _time_left(started: float, time_limit_s: float | None) -> float | None:
    """Seconds left of ``time_limit_s`` since ``started`` (``perf_counter``); None: no limit."""
    return None if time_limit_s is None else time_limit_s - (time.perf_counter() - started)


def reduced_costs(model: linopy.Model) -> np.ndarray | None:
    """The reduced cost of each column of the last solve of ``model``, by variable label.

    From Clarabel's dual (``c - A'y``, :func:`gigafactory.interior.reduced_costs`) or HiGHS's
    ``col_dual``; ``None`` where neither solved it. An array indexed by label (NaN for a
    label with no column): a dict of a year's 35,000 columns took 8 ms to build.
    """
    highs = model.solver_model  # None after Clarabel's solve: the last solve's answer wins
    if highs is None or not hasattr(highs, "getSolution"):
        return interior_reduced_costs(model)
    col_dual = np.asarray(highs.getSolution().col_dual, dtype=float)
    labels = _column_labels(model, highs)
    if len(col_dual) != len(labels):  # pragma: no cover - a model solved from a file
        return None
    return by_label(labels, col_dual, int(model._xCounter))


def _column_labels(model: linopy.Model, highs: Any) -> np.ndarray:
    """Linopy's variable label of each HiGHS column, in HiGHS's order.

    linopy hands HiGHS an LP file by default, whose columns come in the order they first
    appear in the file (``x0, x1, x74, ...``), not in label order; each is named
    ``x<label>``. A model passed directly (``io_api='direct'``) has no names and keeps
    linopy's matrix order.
    """
    names = list(highs.getLp().col_names_)
    if names:
        return np.array([int(name.removeprefix("x")) for name in names])
    # the order of model.matrices.vlabels, without building the matrices (12 ms a year)
    return np.asarray(model.variables.label_index.vlabels)


def _solve_once(
    model: linopy.Model, options: dict[str, Any], time_limit_s: float | None
) -> tuple[str, str]:
    """One HiGHS solve with ``options``; linopy's (status, condition), the gap checked."""
    if time_limit_s is not None:
        options = {**options, "time_limit": float(time_limit_s)}
    with c_stdout_silenced(), _linopy_warnings_silenced():
        status, condition = model.solve(
            solver_name="highs", io_api="direct", progress=False, **options
        )
    return _gap_checked(str(status), str(condition), getattr(model, "solver_model", None))


def _gap_checked(status: str, condition: str, highs: Any) -> tuple[str, str]:
    """``(status, condition)``, an optimal one whose objectives are apart made not optimal.

    ``highs`` is the HiGHS object of the solve (``None`` where there is none to ask).
    """
    if status != "ok" or condition != "optimal" or not hasattr(highs, "getInfo"):
        return status, condition
    if float(highs.getInfo().primal_dual_objective_error) > OBJECTIVE_GAP:
        return "warning", "objective_gap"
    return status, condition


@dataclass
class _Kept:
    """What :class:`WarmStarts` keeps of the last optimal LP of one key."""

    shape: tuple[Any, ...]
    basis: Any
    solver: Any  # linopy's HiGHS solver: the LP and its optimal basis, live in HiGHS
    model: linopy.Model
    inputs: Any


class WarmStarts:
    """Solve a series of LPs of one shape, each from the last one's optimal basis.

    A sweep changes costs, prices, caps, targets or loads: the numbers of the LP, not its
    shape. The first LP of each ``key`` is solved cold, to a vertex (a basis to keep): above
    :data:`IPM_THRESHOLD` variables by Clarabel and then HiGHS's dual simplex from a basis
    guessed off Clarabel's optimum, else (or where that fails) by HiGHS's interior point and
    crossover; each next LP with the same variables and constraints is
    handed that basis and re-solved with the simplex, which starts from a point that is
    still primal (cost changes) or dual (bound and load changes) feasible and needs a few
    thousand pivots instead of a factorisation of the whole year. An LP of another shape
    (another technology, another number of hours) is solved cold and its basis kept instead.

    Where only the objective changes (a sweep over costs and prices), the caller need not
    build the LP again: :meth:`kept` hands back the last model of the key and the inputs it
    was built from, the caller replaces its objective, and :meth:`resolve` writes the new
    costs into the LP HiGHS still holds and runs the simplex from its basis. The caller
    decides what "only the objective" means (the supply LP:
    :func:`gigafactory.supply.objective.same_but_costs`).

    The objective is the same to the solver's tolerance (1e-9 relative on ``korea-southwest``;
    ``make bench``); where the optimum is degenerate the dispatch may be another optimal
    vertex. One instance serves one thread: keep one per worker.

    Attributes
    ----------
    starts : dict of str to str
        Per key, how its last LP started: ``"warm"`` or ``"cold"``.
    in_place : dict of str to bool
        Per key, whether its last LP was the kept one with only its costs changed.
    iterations : dict of str to int
        Per key, the simplex pivots its last LP took (crossover's pivots, after HiGHS's
        interior point, are not counted).
    """

    def __init__(self) -> None:
        self._held: dict[str, _Kept] = {}
        self.starts: dict[str, str] = {}
        self.in_place: dict[str, bool] = {}
        self.iterations: dict[str, int] = {}

    def solve(
        self,
        key: str,
        model: linopy.Model,
        *,
        time_limit_s: float | None = None,
        inputs: Any = None,
    ) -> tuple[str, str]:
        """Solve ``model`` from the basis kept under ``key``; linopy's (status, condition).

        ``inputs``: what the model was built from, handed back by :meth:`kept`.
        """
        from linopy.solvers import Solver

        shape = _shape(model)
        held = self._held.get(key)
        warm = held is not None and held.shape == shape
        options: dict[str, Any] = {"log_to_console": False, "output_flag": False}
        options.update({"solver": "simplex"} if warm else {"solver": "ipm", "run_crossover": "on"})
        if time_limit_s is not None:
            options["time_limit"] = float(time_limit_s)

        def attempt(opts: dict[str, Any], basis: Any = None) -> tuple[str, str, Any]:
            with c_stdout_silenced(), _linopy_warnings_silenced():
                solver = Solver.from_name("highs", model=model, io_api="direct", options=opts)
                if basis is not None:
                    solver.solver_model.setBasis(basis)
                status, condition = write_solution(model, solver.solve(), solver)
            highs = solver.solver_model
            return (*_gap_checked(str(status), str(condition), highs), solver)

        started = time.perf_counter()
        guess = None if warm else _interior_basis(model, time_limit_s)
        if guess is not None:  # the simplex from Clarabel's optimum, in what time is left
            simplex = {**options, "solver": "simplex", "run_crossover": "off"}
            left = _time_left(started, time_limit_s)
            if left is not None:
                simplex["time_limit"] = max(left, 0.0)
            status, condition, solver = attempt(simplex, guess)
            if (status, condition) != ("ok", "optimal"):
                guess = None  # from scratch below
        if guess is None:
            status, condition, solver = attempt(options, held.basis if warm and held else None)
            # a warm start is the simplex already
            check = (
                None if warm else _simplex_check(options, status, condition, started, time_limit_s)
            )
            if check is not None:
                status, condition, solver = attempt(check)
        self.starts[key] = "warm" if warm else "cold"
        self.in_place[key] = False
        return self._keep(key, status, condition, _Kept(shape, None, solver, model, inputs))

    def kept(self, key: str) -> tuple[linopy.Model, Any] | None:
        """The model last solved optimally under ``key`` and its ``inputs``, or None."""
        held = self._held.get(key)
        return None if held is None else (held.model, held.inputs)

    def resolve(
        self, key: str, *, time_limit_s: float | None = None, inputs: Any = None
    ) -> tuple[str, str]:
        """Solve the model kept under ``key`` again, its objective replaced in place.

        Only the objective may have changed since :meth:`kept` handed the model out: its
        bounds and rows are still the LP HiGHS holds, with the last optimal basis. The new
        costs (linopy's objective vector, in the columns' order linopy built the LP in) go
        into HiGHS, and the simplex starts from that basis, still primal feasible.
        ``inputs``: what the new objective was built from.
        """
        held = self._held[key]
        model, solver = held.model, held.solver
        highs = solver.solver_model
        cost = _objective_vector(model)
        highs.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        # the primal simplex: the kept basis is still primal feasible, only its costs moved
        # (the benchmark's 100-case cost sweep: two cases took 443-462 pivots, 0.6 s each,
        # where the dual simplex had four of 3,448-3,982 pivots, 1.0-1.1 s each)
        highs.setOptionValue("solver", "simplex")
        highs.setOptionValue("simplex_strategy", SIMPLEX_PRIMAL)
        limit = float("inf") if time_limit_s is None else float(time_limit_s)
        highs.setOptionValue("time_limit", limit)
        with c_stdout_silenced(), _linopy_warnings_silenced():
            status, condition = write_solution(model, solver.solve(), solver)
        status, condition = _gap_checked(str(status), str(condition), highs)
        self.starts[key] = "warm"
        self.in_place[key] = True
        return self._keep(key, status, condition, replace(held, inputs=inputs))

    def _keep(self, key: str, status: str, condition: str, kept: _Kept) -> tuple[str, str]:
        """Keep ``kept`` (and its HiGHS basis) under ``key`` if optimal, else forget the key."""
        highs = kept.solver.solver_model
        self.iterations[key] = int(highs.getInfo().simplex_iteration_count)
        if status == "ok" and condition == "optimal":
            self._held[key] = replace(kept, basis=highs.getBasis())
        else:  # the next LP of this key starts cold
            self._held.pop(key, None)
        return status, condition


def _interior_basis(model: linopy.Model, time_limit_s: float | None) -> Any:
    """:func:`gigafactory.interior.guessed_basis` above :data:`IPM_THRESHOLD` variables."""
    if int(model.nvars) <= IPM_THRESHOLD:
        return None
    return guessed_basis(model, time_limit_s=time_limit_s, objective_gap=OBJECTIVE_GAP)


def _objective_vector(model: linopy.Model) -> np.ndarray:
    """The objective's coefficient of each column, in the columns' order [-].

    What ``model.matrices.c`` gives (the package scales no column), without building the
    constraint matrix as ``model.matrices`` does (7 ms for a year's LP).
    """
    index = model.variables.label_index
    labels, coeffs = model.objective.linear_terms()
    cost = np.zeros(len(index.vlabels))
    np.add.at(cost, index.label_to_pos[labels], np.asarray(coeffs) * model.objective.scaling)
    return cost


def _shape(model: linopy.Model) -> tuple[Any, ...]:
    """What a basis depends on: each variable's and constraint's name and shape."""
    return (
        tuple((name, var.shape) for name, var in model.variables.items()),
        tuple((name, con.shape) for name, con in model.constraints.items()),
    )


@contextlib.contextmanager
def _linopy_warnings_silenced() -> Iterator[None]:
    """Hold back linopy's own report of a failed solve (an 11-line block on stderr).

    Every caller checks status and termination itself and says in one line what went wrong
    and what to change (:func:`not_optimal`, the supply LP's infeasibility explanation).
    """
    logger = logging.getLogger("linopy")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


INFEASIBLE = frozenset({"infeasible", "infeasible_or_unbounded"})
"""Termination conditions a caller explains itself (where supply is short, by how much)."""


def not_optimal(
    where: str, status: str, condition: str, *, time_limit_s: float | None = None
) -> str | None:
    """One line saying why a solve gave no optimal solution and what to change; None if optimal.

    Only ``status == 'ok'`` with ``condition == 'optimal'`` passes: a time limit, an
    unbounded problem, numerical trouble or an unknown status each get their own line.

    Examples
    --------
    >>> not_optimal("site 'a'", "ok", "optimal") is None
    True
    >>> print(not_optimal("site 'a'", "ok", "time_limit", time_limit_s=0.5)[:61])
    site 'a': the solver stopped at its time limit (0.5 s) before
    """
    if status == "ok" and condition == "optimal":
        return None
    if condition == "time_limit":
        limit = f" ({time_limit_s:g} s)" if time_limit_s is not None else ""
        return (
            f"{where}: the solver stopped at its time limit{limit} before an optimal solution; "
            "raise solver.time_limit_s or remove it"
        )
    if condition == "objective_gap":
        return (
            f"{where}: the interior point stopped with its primal and dual objectives more "
            f"than {OBJECTIVE_GAP:g} apart, so the cost is not certain to that; try "
            "solver.method: simplex"
        )
    if condition == "unbounded":
        return (
            f"{where}: the problem is unbounded (cost can fall without limit); look for a "
            "negative price or cost, or a technology without a build limit that earns money"
        )
    return (
        f"{where}: the solver stopped without an optimal solution ({status}, {condition}); "
        "look for extreme values (loads, prices, caps many orders of magnitude apart) or "
        "try solver.method: simplex"
    )


@contextlib.contextmanager
def c_stdout_silenced() -> Iterator[None]:
    """Silence C-level stdout: HiGHS prints a banner on construction, before options apply.

    Without this, ``gigafactory run --json`` would not print pure JSON.
    """
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable fd 1 (e.g. embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
