"""Sweeps: case generation, path setting, Dask execution, failures and resumption."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from conftest import small_scenario
from gigafactory import sweep
from gigafactory.errors import ScenarioError
from gigafactory.scenario import dump_scenario, scenario_from_dict, set_path
from gigafactory.supply.inputs import DemandCharge
from gigafactory.supply.objective import OBJECTIVE_ONLY, same_but_costs


def test_parse_and_grid():
    a = sweep.parse_vary("policy.carbon_price_usd_per_t=0:100:3")
    b = sweep.parse_vary("sites[0].cooling=air_economiser,immersion")
    cases = sweep.grid_cases([a, b])
    assert len(cases) == 6
    assert cases[0] == {"policy.carbon_price_usd_per_t": 0.0, "sites[0].cooling": "air_economiser"}
    with pytest.raises(
        ScenarioError, match=r"^--vary 'x': give path=v1,v2,\.\.\. or path=start:stop:n$"
    ):
        sweep.parse_vary("x")


def test_latin_hypercube_covers_each_range_once_per_stratum():
    varies = [sweep.parse_vary("a=0:10:2"), sweep.parse_vary("b=100:200:2")]
    cases = sweep.sample_cases(varies, 10, seed=3)
    a = sorted(c["a"] for c in cases)
    # one sample in each tenth of the range
    assert [int(x) for x in a] == list(range(10))
    assert all(100 <= c["b"] <= 200 for c in cases)
    assert sweep.sample_cases(varies, 10, seed=3) == cases  # seeded
    with pytest.raises(ScenarioError, match="--sample needs ranges"):
        sweep.sample_cases([sweep.parse_vary("c=1,2")], 4, seed=1)


def test_set_path():
    data = small_scenario()
    set_path(data, "sites[0].grid.import_cap_mw", 10)
    set_path(data, "policy.carbon_price_usd_per_t", 50)
    assert data["sites"][0]["grid"]["import_cap_mw"] == 10
    assert data["policy"]["carbon_price_usd_per_t"] == 50
    with pytest.raises(ScenarioError, match=r"no item \[3\]"):
        set_path(data, "sites[3].id", "x")


def test_a_case_the_scenario_does_not_allow_stops_the_sweep_before_it_starts(tmp_path):
    scenario = scenario_from_dict(small_scenario())
    cases = [{"sites[0].grid.import_cap_mw": 20}, {"sites[0].cooling": "immerson"}]
    folder = tmp_path / "sw"
    with pytest.raises(ScenarioError) as caught:
        sweep.run_sweep(scenario, cases, folder, workers=1)
    assert str(caught.value) == (
        "small sweep, case 2 of 2: sites[0].cooling: Input should be 'air_economiser', "
        "'direct_liquid' or 'immersion'; did you mean 'immersion'? (got 'immerson')"
    )
    assert not folder.exists()  # nothing written, no worker started


def test_sweep_runs_records_failures_and_resumes(tmp_path):
    scenario = scenario_from_dict(small_scenario())
    cases = [
        {"sites[0].grid.import_cap_mw": 20},
        {"sites[0].grid.import_cap_mw": 40},
        # valid, but 40 MW of feed and 1 MW of gas cannot carry the campus's ~60 MW peak:
        # infeasible when it runs, recorded, and the others go on
        {"sites[0].technologies.gas_ct.max_mw": 1},
    ]
    folder = tmp_path / "sw"
    seen = []
    table = sweep.run_sweep(
        scenario, cases, folder, workers=2, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (3, 3)
    assert len(table) == 3
    errors = dict(
        zip(table["sites[0].technologies.gas_ct.max_mw"].fillna(0), table["error"], strict=True)
    )
    # the peak the campus draws less 40 MW of feed and 1 MW of gas: 60.2 - 41 = 19.2 MW
    assert errors[1].startswith("site 'campus': supply is short in ")
    assert "by up to 19.2 MW" in errors[1]
    ok = table[table["error"] == ""]
    assert len(ok) == 2
    # a bigger grid connection never makes the supply dearer (the LP may ignore it)
    cost = dict(zip(ok["sites[0].grid.import_cap_mw"], ok["total_annual_cost_usd"], strict=True))
    assert cost[40] <= cost[20] * (1 + 1e-6)
    assert pd.read_parquet(folder / "sweep.parquet").shape[0] == 3
    assert xr.open_dataset(folder / "sweep.nc").sizes["case"] == 3
    # resuming: existing case files are kept, nothing is recomputed
    marker = folder / "cases" / f"{sweep.case_id(cases[0])}.json"
    record = json.loads(marker.read_text())
    record["metrics"]["total_annual_cost_usd"] = -1.0  # would be overwritten by a re-run
    marker.write_text(json.dumps(record))
    again = sweep.run_sweep(
        scenario, [*cases, {"sites[0].grid.import_cap_mw": 30}], folder, workers=1
    )
    assert len(again) == 4
    assert (again["total_annual_cost_usd"] == -1.0).sum() == 1


@pytest.fixture
def dask_on_localhost(tmp_path):
    """A Dask scheduler and two single-threaded worker processes, each its own program."""
    pytest.importorskip("distributed")
    with sweep.local_scheduler(tmp_path, workers=2) as address:
        yield address


def test_sweep_on_a_scheduler_with_two_worker_processes_matches_the_local_run(
    tmp_path, dask_on_localhost
):
    # the same cases on a scheduler at an address (two worker programs, as on two
    # machines) and on a LocalCluster: identical numbers, and both workers took part
    scenario = scenario_from_dict(small_scenario())
    cases = [{"sites[0].grid.import_cap_mw": cap} for cap in (20, 30, 40, 50)]
    # cold, so that which worker ran which case cannot pick another optimal vertex
    remote = sweep.run_sweep(
        scenario, cases, tmp_path / "remote", scheduler=dask_on_localhost, warm=False
    )
    local = sweep.run_sweep(scenario, cases, tmp_path / "local", workers=1, warm=False)
    columns = ["case", "total_annual_cost_usd", "emissions_tco2e", "cfe_share"]
    pd.testing.assert_frame_equal(
        remote[columns].sort_values("case").reset_index(drop=True),
        local[columns].sort_values("case").reset_index(drop=True),
    )
    assert (remote["error"] == "").all()
    hosts = {
        json.loads(p.read_text()).get("worker")
        for p in (tmp_path / "remote" / "cases").glob("*.json")
    }
    assert hosts == {"w0", "w1"}


def _warm_and_cold(base: dict, cases: list[dict]) -> tuple[list[dict], list[dict]]:
    """The cases run warm (one worker's kept LPs), then cold; the same objectives to 1e-6."""
    warm = [sweep.run_case(base, case) for case in cases]
    cold = [sweep.run_case(base, case, warm=False) for case in cases]
    for w, c in zip(warm, cold, strict=True):
        assert "error" not in w, w.get("error")
        assert w["metrics"]["total_annual_cost_usd"] == pytest.approx(
            c["metrics"]["total_annual_cost_usd"], rel=1e-6
        ), w["params"]
    return warm, cold


def test_warm_cases_give_the_cold_objectives_and_a_new_shape_starts_cold():
    base = yaml.safe_load(dump_scenario(scenario_from_dict(small_scenario())))
    cases = [
        {"sites[0].grid.import_cap_mw": 30},
        {"sites[0].technologies.solar_fixed.capex_usd_per_kw": 700},
        {"sites[0].gas_price_usd_per_mmbtu": 6.0},
        {"policy.carbon_price_usd_per_t": 80},
        {"sites[0].load.it_mw": 60},
        {"sites[0].technologies.liion_4h": {"max_mw": 100}},  # one technology more
        {"sites[0].technologies.liion_4h": {"max_mw": 50}},
    ]
    warm, cold = _warm_and_cold(base, cases)
    # the first case of this worker is cold, unless an earlier test left a basis behind
    starts = [r["start"] for r in warm[1:]]
    # (gas and carbon prices after a capex: costs alone, the kept LP re-solved in place)
    assert starts == ["warm", "in place", "in place", "warm", "cold", "warm"]
    assert {r["start"] for r in cold} == {"cold"}


def _campus_site(**fields):
    """The small scenario's site as LP inputs, with ``fields`` replaced (a VOLL, a charge)."""
    from dataclasses import replace

    from gigafactory.pipeline import prepare_site

    supply = prepare_site(scenario_from_dict(small_scenario()), 0).supply
    period = (supply.time.month - 1).to_numpy()
    charge = DemandCharge("monthly", 9_000.0, period)
    return replace(supply, **{"value_of_lost_load": 5_000.0, "demand_charges": (charge,), **fields})


def _moved(value):
    """A cost moved: 1.5x plus one (each hour of an hourly price its own factor)."""
    if isinstance(value, np.ndarray) or not np.isscalar(value):
        hourly = np.asarray(value, dtype=float)
        return hourly * np.linspace(1.1, 1.9, hourly.size).reshape(hourly.shape) + 1.0
    return float(value) * 1.5 + 1.0


@pytest.mark.parametrize(
    ("owner", "field"),
    [(cls.__name__, f) for cls, names in OBJECTIVE_ONLY.items() for f in names],
)
def test_a_cost_only_input_moves_the_objective_and_no_bound_or_row(owner, field):
    from dataclasses import replace

    from gigafactory.supply.model import build_model

    site = _campus_site(grid_coincident_usd_per_mw=0.0, grid_export_cap_mw=20.0)
    if owner == "SiteSupply":
        moved = replace(site, **{field: _moved(getattr(site, field))})
    elif owner == "SupplyTech":
        moved = replace(
            site, techs=tuple(replace(t, **{field: _moved(getattr(t, field))}) for t in site.techs)
        )
    else:
        moved = replace(
            site,
            demand_charges=tuple(
                replace(c, **{field: _moved(getattr(c, field))}) for c in site.demand_charges
            ),
        )
    assert same_but_costs(site, moved)
    before, after = build_model(site).matrices, build_model(moved).matrices
    assert not np.array_equal(before.c, after.c)  # the field is in the objective...
    for part in ("lb", "ub", "b", "sense", "vlabels", "clabels"):  # ...and nowhere else
        assert np.array_equal(getattr(before, part), getattr(after, part)), part
    assert (before.A != after.A).nnz == 0


def test_same_but_costs_sees_every_other_change():
    from dataclasses import replace

    site = _campus_site()
    solar = next(i for i, t in enumerate(site.techs) if t.name == "solar_fixed")
    techs = list(site.techs)
    shaded = np.array(techs[solar].availability, dtype=float)
    shaded[4000] *= 0.5
    techs[solar] = replace(techs[solar], availability=shaded)
    assert not same_but_costs(site, replace(site, techs=tuple(techs)))  # one hour's sun
    load = site.load_mw.copy()
    load[10] += 1.0
    assert not same_but_costs(site, replace(site, load_mw=load))
    assert not same_but_costs(site, replace(site, grid_import_cap_mw=39.0))
    assert not same_but_costs(site, replace(site, cfe_target=0.5))
    assert not same_but_costs(site, replace(site, value_of_lost_load=None))  # no unserved column
    assert not same_but_costs(site, replace(site, techs=site.techs[:-1]))
    assert not same_but_costs(site, replace(site, grid_carbon=0.3))  # also in the CO2 rows
    assert same_but_costs(site, replace(site, value_of_lost_load=9_000.0, carbon_price=50.0))


def test_cost_cases_reuse_the_kept_lp_in_place_at_the_cold_objectives():
    base = yaml.safe_load(dump_scenario(scenario_from_dict(small_scenario())))
    solar = "sites[0].technologies.solar_fixed.capex_usd_per_kw"
    cases = [
        {},
        {solar: 700},  # a cost: the LP of the case before, its objective replaced
        {"sites[0].gas_price_usd_per_mmbtu": 6.0, "policy.carbon_price_usd_per_t": 80},
        {"sites[0].load.it_mw": 60},  # a load: built again, from the kept basis
        {"sites[0].load.it_mw": 60, solar: 650},
        {"sites[0].load.it_mw": 55},
    ]
    warm, _cold = _warm_and_cold(base, cases)
    # the first case is cold, unless an earlier test left a basis of this shape behind
    starts = [r["start"] for r in warm[1:]]
    assert starts == ["in place", "in place", "warm", "in place", "warm"]
    # the cases differ: a reused LP that kept its old costs would repeat a total
    totals = [round(r["metrics"]["total_annual_cost_usd"]) for r in warm]
    assert len(set(totals)) == len(totals)
