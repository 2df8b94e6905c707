"""gigafactory.solution.write_solution writes what linopy's Model.assign_result writes."""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import pytest
from linopy.constants import Result, Solution, Status

from gigafactory.solution import write_solution


def _model() -> linopy.Model:
    """Two variables on two dimensions and a scalar one, two constraint families."""
    model = linopy.Model(force_dim_names=True)
    time = pd.RangeIndex(4, name="time")
    tech = pd.Index(["wind", "store"], name="technology")
    x = model.add_variables(lower=0, coords=[tech, time], name="dispatch")
    cap = model.add_variables(lower=0, coords=[tech], name="capacity")
    z = model.add_variables(lower=0, name="peak")
    model.add_constraints(x - cap <= 0, name="limit")
    model.add_constraints(x.sum("technology") - z <= 3, name="peak-rows")
    model.add_objective(cap.sum() + 2 * z)
    return model


def _result(model: linopy.Model, seed: int, status: str = "ok") -> Result:
    rng = np.random.default_rng(seed)
    condition = "optimal" if status == "ok" else "infeasible"
    return Result(
        Status.process(status, condition),
        Solution(rng.normal(size=model._xCounter), rng.normal(size=model._cCounter), float(seed)),
    )


def test_the_same_solution_duals_and_status_as_linopys_assign_result_twice_over():
    # each write over the last, as a warm sweep re-solves one model: every variable's and
    # constraint's dataset identical to linopy's (values, dimensions, coordinates)
    ours, theirs = _model(), _model()
    for seed in (1, 2):
        result = _result(theirs, seed)
        assert write_solution(ours, result) == theirs.assign_result(result) == ("ok", "optimal")
        assert ours.objective.value == theirs.objective.value == float(seed)
        for name in theirs.variables:
            assert ours.variables[name].data.identical(theirs.variables[name].data), name
        for name in theirs.constraints:
            assert ours.constraints[name].data.identical(theirs.constraints[name].data), name
    # by hand: the capacity of "store" is the primal at its label
    label = int(ours.variables["capacity"].labels.sel(technology="store"))
    expected = _result(ours, 2).solution.primal[label]
    assert float(ours.variables["capacity"].solution.sel(technology="store")) == expected


def test_arrays_handed_out_before_a_write_keep_their_values():
    model = _model()
    write_solution(model, _result(model, 1))
    before = model.variables["dispatch"].solution
    kept = before.values.copy()
    write_solution(model, _result(model, 2))
    np.testing.assert_array_equal(before.values, kept)
    assert not np.array_equal(model.variables["dispatch"].solution.values, kept)


def test_a_result_that_is_not_ok_writes_its_status_and_no_values():
    model = _model()
    assert write_solution(model, _result(model, 3, status="warning")) == (
        "warning",
        "infeasible",
    )
    assert model.termination_condition == "infeasible"
    with pytest.raises(AttributeError):
        model.constraints["limit"].dual  # noqa: B018 - nothing was written
