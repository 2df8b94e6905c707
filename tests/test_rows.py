"""Rows built from labels (supply.rows) are the rows linopy's operators build."""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from gigafactory.supply import SiteSupply, SupplyTech
from gigafactory.supply.inputs import Periods
from gigafactory.supply.model import build_model
from gigafactory.supply.periods import typical_site
from gigafactory.supply.rows import add_rows, linear_sum
from gigafactory.supply.terms import (
    availability_matrix,
    in_service_term,
    online_matrix,
    per_technology,
    previous_state,
    typical_of_hour,
    typical_of_period,
)

HOURS = pd.date_range("2025-01-01", periods=6, freq="h", name="time")
TECHS = pd.Index(["liion", "iron_air"], name="technology")


def _model() -> tuple[linopy.Model, dict[str, linopy.Variable]]:
    model = linopy.Model(force_dim_names=True)
    variables = {
        "soc": model.add_variables(lower=0, coords=[TECHS, HOURS], name="soc"),
        "charge": model.add_variables(lower=0, coords=[TECHS, HOURS], name="charge"),
        "capacity": model.add_variables(lower=0, coords=[TECHS], name="capacity"),
        "grid": model.add_variables(lower=0, coords=[HOURS], name="grid"),
    }
    return model, variables


def _rows(constraint: linopy.Constraint) -> list[tuple[tuple[tuple[int, float], ...], str, float]]:
    """Each row in label order: its (variable, coefficient) terms, sign and rhs."""
    labels = constraint.labels.values.ravel()
    shape = constraint.labels.shape
    variables = constraint.vars.values.reshape(len(labels), -1)
    coeffs = constraint.coeffs.values.reshape(len(labels), -1)
    signs = np.broadcast_to(constraint.sign.values, shape).ravel()
    rhs = np.broadcast_to(constraint.rhs.values, shape).ravel()
    out = []
    for i in np.argsort(labels):
        terms: dict[int, float] = {}
        for var, coeff in zip(variables[i], coeffs[i], strict=True):
            if var != -1:
                terms[int(var)] = terms.get(int(var), 0.0) + float(coeff)
        out.append((tuple(sorted(terms.items())), str(signs[i]), float(rhs[i])))
    return out


def test_storage_balance_rows_are_linopys():
    model, v = _model()
    eta = xr.DataArray([0.95, 0.6], coords=[TECHS])
    ours = add_rows(
        model,
        [(1, v["soc"]), (-1, v["soc"].roll(time=1)), (-eta, v["charge"]), (-4.0, v["capacity"])],
        "==",
        0,
        "ours",
    )
    theirs = model.add_constraints(
        v["soc"] - v["soc"].roll(time=1) - eta * v["charge"] - 4.0 * v["capacity"] == 0,
        name="theirs",
    )
    assert ours.labels.dims == theirs.labels.dims == ("technology", "time")
    assert _rows(ours) == _rows(theirs)
    # hand check of one row: liion's second hour, soc(1) - soc(0) - 0.95 c(1) - 4 P = 0
    soc, charge, cap = (v[n].labels for n in ("soc", "charge", "capacity"))
    liion = {"technology": "liion"}
    assert _rows(ours)[1] == (
        tuple(
            sorted(
                [
                    (int(soc.sel(liion).isel(time=1)), 1.0),
                    (int(soc.sel(liion).isel(time=0)), -1.0),
                    (int(charge.sel(liion).isel(time=1)), -0.95),
                    (int(cap.sel(liion)), -4.0),
                ]
            )
        ),
        "=",
        0.0,
    )


def test_a_balance_summed_over_technology_is_linopys():
    model, v = _model()
    availability = xr.DataArray(np.linspace(0, 1, 12).reshape(2, 6), coords=[TECHS, HOURS])
    load = xr.DataArray(np.arange(6.0) + 10, coords=[HOURS])
    terms = [(availability, v["capacity"]), (-1, v["charge"]), (1, v["grid"])]
    ours = add_rows(model, terms, ">=", load, "ours", summed=["technology"])
    theirs = model.add_constraints(
        (availability * v["capacity"]).sum("technology") - v["charge"].sum("technology") + v["grid"]
        >= load,
        name="theirs",
    )
    assert ours.labels.dims == ("time",)
    assert _rows(ours) == _rows(theirs)
    assert [rhs for *_, rhs in _rows(ours)] == [10.0, 11.0, 12.0, 13.0, 14.0, 15.0]
    expression = linear_sum(model, terms, summed=["technology"])
    reference = (
        (availability * v["capacity"]).sum("technology") - v["charge"].sum("technology") + v["grid"]
    )
    assert np.array_equal(expression.vars.values, reference.vars.values)
    assert np.array_equal(expression.coeffs.values, reference.coeffs.values)
    assert float(abs(expression.const).sum()) == 0.0


def test_each_summed_term_has_its_own_technologies():
    model, v = _model()
    thermal = pd.Index(["gas_ct", "gas_recip", "diesel"], name="technology")
    dispatch = model.add_variables(lower=0, coords=[thermal, HOURS], name="dispatch")
    terms = [(1, dispatch), (-1, v["charge"]), (1, v["grid"])]
    ours = add_rows(model, terms, ">=", 5.0, "ours", summed=["technology"])
    theirs = model.add_constraints(
        dispatch.sum("technology") - v["charge"].sum("technology") + v["grid"] >= 5.0,
        name="theirs",
    )
    assert _rows(ours) == _rows(theirs)
    assert len(_rows(ours)[0][0]) == 3 + 2 + 1  # every technology of each kind, and the grid


def test_rows_on_picked_hours_without_a_coordinate_are_linopys():
    # a demand charge's rows: the flow in each billed hour below that period's peak
    model, v = _model()
    periods = pd.Index([0, 1], name="month")
    peak = model.add_variables(lower=0, coords=[periods], name="peak")
    billed = xr.DataArray([0, 2, 3, 5], dims="billed")
    month = xr.DataArray([0, 0, 1, 1], dims="billed")
    ours = add_rows(
        model,
        [(1, v["grid"].isel(time=billed)), (-1, peak.isel(month=month))],
        "<=",
        0,
        "ours",
    )
    at_hour = (1 * v["grid"]).isel(time=billed).drop_vars("time")
    theirs = model.add_constraints(at_hour - (1 * peak).isel(month=month) <= 0, name="theirs")
    assert _rows(ours) == _rows(theirs)
    grid, top = v["grid"].labels.values, peak.labels.values
    assert _rows(ours)[2] == (((int(grid[3]), 1.0), (int(top[1]), -1.0)), "<=", 0.0)


def test_order_numbers_the_rows_hour_by_hour():
    model, v = _model()
    ours = add_rows(
        model, [(1, v["soc"]), (-1, v["charge"])], "<=", 0, "ours", order=("time", "technology")
    )
    assert ours.labels.dims == ("time", "technology")
    first, second = _rows(ours)[:2]  # the first hour's two technologies
    soc = v["soc"].labels
    assert first[0][0][0] == int(soc.sel(technology="liion").isel(time=0))
    assert second[0][0][0] == int(soc.sel(technology="iron_air").isel(time=0))


def test_mismatched_hours_are_an_error_not_a_silent_reindex():
    model, v = _model()
    other = model.add_variables(lower=0, coords=[HOURS + pd.Timedelta("1h")], name="other")
    with pytest.raises(ValueError, match="cannot align objects with join='exact'"):
        add_rows(model, [(1, v["grid"]), (1, other)], "<=", 0, "bad")
    with pytest.raises(ValueError, match="a linear sum needs at least one term"):
        add_rows(model, [], "<=", 0, "empty")


@settings(max_examples=25, deadline=None)
@given(
    coefficients=st.lists(
        st.floats(min_value=-50, max_value=50, allow_nan=False).filter(lambda c: c != 0),
        min_size=4,
        max_size=4,
    ),
    chosen=st.lists(st.sampled_from(["soc", "charge", "capacity", "grid"]), min_size=1, max_size=4),
    sign=st.sampled_from(["<=", ">=", "=="]),
    rhs=st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
)
def test_any_sum_of_terms_is_the_row_linopy_builds(coefficients, chosen, sign, rhs):
    model, v = _model()
    terms = [(c, v[name]) for c, name in zip(coefficients, chosen, strict=False)]
    ours = add_rows(model, terms, sign, rhs, "ours", summed=["technology"])
    expression = sum(
        (c * v[name]).sum("technology") if "technology" in v[name].dims else c * v[name]
        for c, name in zip(coefficients, chosen, strict=False)
    )
    theirs = model.add_constraints(expression, sign, rhs, name="theirs")
    assert _rows(ours) == _rows(theirs)


def _riding_site(typical: bool) -> SiteSupply:
    """Four days behind a 20 MW feed: a battery, solar and a genset ride through 3 h."""
    time = pd.date_range("2025-01-01", periods=96, freq="h", tz="UTC")
    sun = np.tile(np.clip(np.sin((np.arange(24) - 6) / 12 * np.pi), 0, None), 4)
    site = SiteSupply(
        "ride",
        time,
        np.linspace(8.0, 12.0, 96),
        (
            SupplyTech("bat", "storage", 1_000.0, duration_h=2.0, discharge_efficiency=0.9),
            SupplyTech("pv", "variable", 500.0, availability=sun),
            SupplyTech("diesel", "thermal", 2_000.0, marginal_cost=20.0, backup_only=True),
        ),
        grid_import_cap_mw=20.0,
        grid_price=50.0,
        ride_through_hours=3,
    )
    if not typical:
        return site
    return typical_site(site, Periods(24, np.array([0, 0, 1, 1]), np.array([0, 2])))


@pytest.mark.parametrize("typical", [False, True], ids=["year", "typical days"])
def test_ride_through_rows_are_the_rows_linopys_operators_build(typical):
    # the formulation as it was written with linopy's operators, before its rows were built
    # from labels (supply.firm): an outage of 3 h at each hour, wrapping within its period
    site = _riding_site(typical)
    model = build_model(site)
    v = model.variables
    gap, soc = v["ride-through-gap"], v["storage-soc"]
    thermal, pv = site.of_kind("thermal"), site.of_kind("variable")
    supply = (online_matrix(site, thermal) * v["capacity"].sel(technology=["diesel"])).sum(
        "technology"
    ) + (availability_matrix(site, pv) * v["capacity"].sel(technology=["pv"])).sum("technology")
    load = site.hourly(site.nominal_load_mw)
    storage = site.of_kind("storage")
    level = soc.roll(time=1) if not typical else previous_state(site, soc).fillna(0)
    window = gap
    position = np.arange(len(site.time))
    for k in range(1, 3):
        if not typical:
            window = window + gap.roll(time=-k)
            continue
        later = (position // 24) * 24 + (position % 24 + k) % 24
        window = window + gap.isel(time=xr.DataArray(later, dims="time")).assign_coords(
            time=site.time
        )
    online, cap = in_service_term(model, site, storage)
    theirs = {
        "ride-through-gap-def": gap + supply >= load,
        "ride-through-power": gap - (online * cap).sum("technology") <= 0,
    }
    if typical:
        floor = v["ride-through-soc-floor"]
        theirs["ride-through-soc-floor-def"] = (
            floor.isel(typical=typical_of_period(site)) - v["storage-soc-start"] <= 0
        )
        level = level + floor.isel(typical=typical_of_hour(site))
    usable = (per_technology(storage, "discharge_efficiency") * level).sum("technology")
    theirs["ride-through-energy"] = usable - window >= 0
    for name, constraint in theirs.items():
        reference = model.add_constraints(constraint, name=f"theirs-{name}")
        assert _rows(model.constraints[name]) == _rows(reference), name
