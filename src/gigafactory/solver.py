"""The one HiGHS wrapper: every linopy model in the package is solved here.

:func:`solve_highs` sets HiGHS's options for the chosen method, silences the banner HiGHS
prints on C-level stdout before its options apply, and returns linopy's ``(status,
termination_condition)``. The supply LP (:mod:`gigafactory.supply.solve`) and the
placement LP (:mod:`gigafactory.placement.lp`) both call it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import linopy

__all__ = [
    "INFEASIBLE",
    "IPM_THRESHOLD",
    "METHODS",
    "c_stdout_silenced",
    "not_optimal",
    "solve_highs",
]

IPM_THRESHOLD = 20_000
"""Variables above which ``method='auto'`` uses the interior-point solver [-]; an estimate
(small models solve in well under a second either way, and the simplex gives a vertex)."""

METHODS = ("auto", "ipm", "simplex", "choose")
"""``auto``: IPM above :data:`IPM_THRESHOLD` variables; ``choose``: HiGHS's own default."""


def solve_highs(
    model: linopy.Model,
    *,
    method: str = "auto",
    time_limit_s: float | None = None,
) -> tuple[str, str]:
    """Solve with HiGHS and return linopy's ``(status, termination_condition)``.

    ``method='ipm'`` runs HiGHS's interior point (IPX) without crossover, the fastest
    choice for a full year; ``'simplex'`` gives a vertex solution; ``'auto'`` uses IPM
    above :data:`IPM_THRESHOLD` variables; ``'choose'`` leaves the choice to HiGHS.
    """
    if method not in METHODS:
        msg = f"solver method '{method}' not in {', '.join(METHODS)}"
        raise ValueError(msg)
    options: dict[str, Any] = {"log_to_console": False, "output_flag": False}
    n_vars = int(model.nvars)
    if method == "ipm" or (method == "auto" and n_vars > IPM_THRESHOLD):
        options.update(solver="ipm", run_crossover="off")
    elif method == "simplex":
        options.update(solver="simplex")
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    with c_stdout_silenced(), _linopy_warnings_silenced():
        status, condition = model.solve(solver_name="highs", progress=False, **options)
    return str(status), str(condition)


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
