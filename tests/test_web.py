"""Web app and API (FastAPI test client), run store on SQLite and PostgreSQL, worker kill."""

from __future__ import annotations

import json
import math
import os
import signal
import time
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from conftest import small_scenario
from gigafactory.web.app import MAX_BODY_BYTES, create_app
from gigafactory.web.store import RunStore

SMALL = yaml.safe_dump(small_scenario())


@pytest.fixture
def client(tmp_path):
    app = create_app(
        db_url=f"sqlite:///{tmp_path / 'runs.db'}", results_root=tmp_path / "results", workers=2
    )
    with TestClient(app) as c:
        c.uploads = tmp_path / "results" / "uploads"  # type: ignore[attr-defined]
        yield c


def wait_done(client, run_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = client.get(f"/api/runs/{run_id}").json()["state"]
        if state in {"done", "failed"}:
            return state
        time.sleep(0.5)
    raise AssertionError("run did not finish")


def test_validate_gives_cli_messages_with_line(client):
    ok = client.post("/api/validate", json={"yaml": SMALL}).json()
    assert ok == {"ok": True, "name": "small", "error": None, "line": None, "path": None}
    bad = client.post(
        "/api/validate", json={"yaml": "name: t\nsites:\n  - id: a\n   catalog: x\n"}
    ).json()
    assert bad["ok"] is False
    assert bad["line"] == 4
    assert (
        bad["error"]
        == "<web>: line 4, column 4: malformed YAML: expected <block end>, but found '<block mapping start>'"
    )
    field = client.post(
        "/api/validate", json={"yaml": SMALL.replace("direct_liquid", "immerson")}
    ).json()
    assert field["error"] == (
        "<web>: sites[0].cooling: Input should be 'air_economiser', 'direct_liquid' or 'immersion'; "
        "did you mean 'immersion'? (got 'immerson')"
    )


def test_run_lifecycle_summary_series_download_compare(client):
    created = client.post("/api/runs", json={"yaml": SMALL})
    assert created.status_code == 201
    run_id = created.json()["id"]
    assert wait_done(client, run_id) == "done"
    summary = client.get(f"/api/runs/{run_id}/summary").json()
    assert summary["scenario"] == "small"
    assert summary["it_energy_mwh"] == pytest.approx(50 * 8760)
    series = client.get(f"/api/runs/{run_id}/series/campus", params={"variable": "load_mw"}).json()
    assert len(series["values"]) == 8760
    assert (
        client.get(f"/api/runs/{run_id}/series/campus", params={"variable": "nope"}).status_code
        == 404
    )
    page = client.get(f"/runs/{run_id}").text
    assert "Plotly.newPlot" in page and "/static/plotly.min.js" in page
    # the result page is the report's content: headline, key figures, assumptions
    assert "class='headline'" in page and "class='figures'" in page
    assert "<h3>Assumptions</h3>" in page
    assert client.get("/static/plotly.min.js").status_code == 200
    assert client.get(f"/runs/{run_id}/download").headers["content-type"] == "application/zip"
    other = client.post(
        "/api/runs", json={"yaml": SMALL.replace("name: small", "name: other")}
    ).json()["id"]
    assert wait_done(client, other) == "done"
    compare = client.get("/compare", params={"ids": [run_id, other]}).text
    assert "comparison" in compare and "other" in compare
    # the docs' form too: ids=a,b; capacities, costs and what differs in the scenarios
    listed = client.get("/compare", params={"ids": f"{run_id},{other}"}).text
    assert "id='capacities'" in listed and "id='costs'" in listed
    assert "<td>grid connection</td><td>40.0</td><td>40.0</td>" in listed
    assert "<tr><td>name</td><td>small</td><td>other</td></tr>" in listed
    # and each run's dispatch in the same week, side by side
    assert "<h2>Dispatch, the same week</h2><div class='side-by-side'>" in listed
    assert listed.count("campus: hourly dispatch, week of") == 2


def test_bad_input_is_4xx_never_500(client):
    assert client.post("/api/runs", json={"yaml": "name: [unclosed"}).status_code == 422
    assert client.get("/api/runs/does-not-exist").status_code == 404
    assert client.get("/api/presets/nope").status_code == 404
    big = "x" * (MAX_BODY_BYTES + 10)
    assert client.post("/api/validate", json={"yaml": big}).status_code == 413
    # a path outside the uploads gets the same answer whether it exists or not (was: "file
    # not found: /etc/nope" against "must name an uploaded file" for /etc/passwd), and no
    # answer shows the server's folders
    for path in ("../../etc/passwd", "/etc/passwd", "/etc/nope"):
        outside = small_scenario(load={"profile_csv": path})
        response = client.post("/api/runs", json={"yaml": yaml.safe_dump(outside)})
        assert response.status_code == 422
        assert response.json()["detail"] == (
            "<web>: sites[0].load.profile_csv: file references must name an uploaded file "
            f"(got '{path}')"
        )
    missing = small_scenario(load={"profile_csv": "load.csv"})
    response = client.post("/api/runs", json={"yaml": yaml.safe_dump(missing)})
    assert response.json()["detail"] == (
        "<web>: sites[0].load.profile_csv: no uploaded file named 'load.csv'; upload it first"
    )
    # a path in an upload's name is dropped: the file lands in the uploads folder by its name
    evil = client.post("/api/uploads", files={"file": ("../evil.csv", b"x")})
    assert evil.status_code == 201
    assert evil.json() == {"name": "evil.csv"}
    assert (client.uploads / "evil.csv").read_bytes() == b"x"
    assert not (client.uploads.parent / "evil.csv").exists()
    hidden = client.post("/api/uploads", files={"file": (".env", b"x")})
    assert hidden.status_code == 422
    # numbers JSON cannot hold (1e999999 reads as infinity): was a 500 while echoing them
    for body in ('{"yaml": 1e999999}', '{"yaml": NaN}'):
        for url in ("/api/validate", "/api/runs"):
            bad = client.post(url, content=body, headers={"content-type": "application/json"})
            assert bad.status_code == 422
            assert bad.json()["detail"] == [
                {
                    "loc": ["body", "yaml"],
                    "msg": "Input should be a valid string",
                    "type": "string_type",
                }
            ]


def test_an_upload_never_replaces_another(client):
    # was: uploading the same name twice silently replaced the first file
    first = client.post("/api/uploads", files={"file": ("load.csv", b"it_mw\n40\n")})
    assert first.status_code == 201
    again = client.post("/api/uploads", files={"file": ("load.csv", b"it_mw\n40\n")})
    assert again.status_code == 201  # the same bytes: nothing changes
    other = client.post("/api/uploads", files={"file": ("load.csv", b"it_mw\n99\n")})
    assert other.status_code == 409
    assert other.json()["detail"] == (
        "an upload named 'load.csv' already exists with other content; scenarios may name it, "
        "so it is kept: upload this file under another name"
    )
    assert (client.uploads / "load.csv").read_bytes() == b"it_mw\n40\n"
    assert [p.name for p in client.uploads.iterdir()] == ["load.csv"]  # no temporary left


def test_uploaded_file_can_be_named(client, tmp_path):
    load = "it_mw\n" + "\n".join(["40"] * 8760) + "\n"
    assert client.post("/api/uploads", files={"file": ("load.csv", load.encode())}).json() == {
        "name": "load.csv"
    }
    scenario = small_scenario(load={"profile_csv": "load.csv"})
    assert (
        client.post("/api/validate", json={"yaml": yaml.safe_dump(scenario)}).json()["ok"] is True
    )


def store_urls():
    urls = ["sqlite"]
    if os.environ.get("GIGAFACTORY_TEST_PG_URL"):
        urls.append(os.environ["GIGAFACTORY_TEST_PG_URL"])
    return urls


@pytest.mark.parametrize("backend", store_urls())
def test_store_states_and_recovery(backend, tmp_path):
    url = f"sqlite:///{tmp_path / 'runs.db'}" if backend == "sqlite" else backend
    store = RunStore(url)
    done = store.create("a", SMALL)
    store.start(done, os.getpid())
    store.finish(done, {"x": 1}, "/tmp/a")
    dead = store.create("b", SMALL)
    store.start(dead, 2**22 + 12345)  # no such process
    queued = store.create("c", SMALL)
    alive = store.create("d", SMALL)
    store.start(alive, os.getpid())
    restarted = RunStore(url)
    recovered = restarted.recover()
    restarted.close()
    assert set(recovered) >= {dead, queued}
    assert alive not in recovered
    assert store.get(done).state == "done"
    assert store.get(done).as_dict()["summary"] == {"x": 1}
    assert store.get(dead).state == "failed"
    assert store.get(dead).error.startswith("interrupted")
    assert store.get(alive).state == "running"
    if backend != "sqlite":  # leave the shared database as we found it
        from sqlalchemy import delete

        from gigafactory.web.store import RunRecord

        with store.engine.begin() as connection:
            connection.execute(
                delete(RunRecord).where(RunRecord.id.in_([done, dead, queued, alive]))
            )
    store.close()


def test_killed_worker_is_marked_failed_at_next_start(tmp_path):
    import multiprocessing

    from gigafactory.web.worker import execute

    url = f"sqlite:///{tmp_path / 'runs.db'}"
    store = RunStore(url)
    finished = store.create("finished", SMALL)
    store.start(finished, os.getpid())
    store.finish(finished, {"ok": True}, str(tmp_path / "finished"))
    # a full-year pine-island run takes tens of seconds: long enough to kill mid-way
    victim = store.create(
        "victim",
        yaml.safe_dump(
            yaml.safe_load(
                __import__("gigafactory").dump_scenario(
                    __import__("gigafactory").load_scenario("pine-island")
                )
            )
        ),
    )
    process = multiprocessing.get_context("spawn").Process(
        target=execute, args=(url, victim, str(tmp_path / "results"))
    )
    process.start()
    deadline = time.time() + 60
    while store.get(victim).state != "running" and time.time() < deadline:
        time.sleep(0.2)
    assert store.get(victim).state == "running"
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    assert store.get(victim).state == "running"  # nobody marked it yet
    restarted = RunStore(url)
    restarted.recover()  # the next start
    restarted.close()
    assert store.get(victim).state == "failed"
    assert store.get(finished).state == "done"
    assert not (tmp_path / "results" / victim).exists()  # no half-written result
    store.close()


def test_a_worker_killed_mid_run_never_takes_the_pool_down(tmp_path):
    # was: the run stayed "running" and every later POST /api/runs returned 500
    # (BrokenProcessPool) until a restart
    import gigafactory
    from gigafactory.web.worker import WORKER_DIED, WorkerPool

    url = f"sqlite:///{tmp_path / 'runs.db'}"
    store = RunStore(url)
    pool = WorkerPool(url, tmp_path / "results", workers=1)
    victim = store.create(
        "victim", gigafactory.dump_scenario(gigafactory.load_scenario("pine-island"))
    )
    doomed = pool.submit(victim)
    deadline = time.time() + 60
    while store.get(victim).state != "running" and time.time() < deadline:
        time.sleep(0.2)
    os.kill(store.get(victim).pid, signal.SIGKILL)
    with pytest.raises(Exception, match="terminated abruptly"):
        doomed.result(timeout=60)
    deadline = time.time() + 10
    while store.get(victim).state == "running" and time.time() < deadline:
        time.sleep(0.1)
    assert store.get(victim).state == "failed"
    assert store.get(victim).error == WORKER_DIED
    # the next run is served by a fresh pool
    after = store.create("after", SMALL)
    assert pool.submit(after).result(timeout=120) == "done"
    assert store.get(after).state == "done"
    pool.shutdown()
    store.close()


SERVER = """
import os, sys, time
from pathlib import Path
import gigafactory
from gigafactory.web.store import RunStore
from gigafactory.web.worker import WorkerPool

url, root, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
pool = WorkerPool(url, root, workers=1)
if mode == "idle":
    print(pool._pool.submit(os.getpid).result(), flush=True)
else:
    store = RunStore(url)
    run = store.create("long", gigafactory.dump_scenario(gigafactory.load_scenario("pine-island")))
    pool.submit(run)
    while store.get(run).state != "running":
        time.sleep(0.2)
    print(store.get(run).pid, flush=True)
time.sleep(600)
"""


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


@pytest.mark.parametrize("mode", ["idle", "running"])
def test_workers_die_with_their_server(tmp_path, mode):
    # was: killing the server left its workers alive (~800 MB each) for minutes
    import subprocess
    import sys

    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, f"sqlite:///{tmp_path / 'runs.db'}", str(tmp_path), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    worker = int(server.stdout.readline())
    assert _alive(worker)
    server.kill()
    server.wait()
    server.stdout.close()
    deadline = time.time() + 10
    while _alive(worker) and time.time() < deadline:
        time.sleep(0.2)
    assert not _alive(worker), f"worker {worker} outlived its server"


def test_a_summary_with_undefined_figures_is_served_as_json_null(client, tmp_path):
    # was: a NaN in the summary (no accelerator-hours: no price per accelerator-hour) was
    # stored as the non-JSON token NaN, and GET .../summary answered 500
    store = RunStore(f"sqlite:///{tmp_path / 'runs.db'}")
    run = store.create("nan", SMALL)
    store.start(run, os.getpid())
    (tmp_path / "results" / run).mkdir(parents=True)
    store.finish(run, {"usd_per_accelerator_hour": math.nan, "x": [1.0, math.inf]}, str(tmp_path))
    store.close()
    response = client.get(f"/api/runs/{run}/summary")
    assert response.status_code == 200
    assert response.json() == {"usd_per_accelerator_hour": None, "x": [1.0, None]}


def test_a_web_run_is_bounded_in_sites(client):
    sites = [{**small_scenario()["sites"][0], "id": f"s{i}"} for i in range(13)]
    response = client.post(
        "/api/runs", json={"yaml": yaml.safe_dump({"name": "big", "sites": sites})}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "<web>: sites: 13 sites; a run from the web app has at most 12 (each is a full-year LP): "
        "run larger studies with the CLI"
    )
    twelve = {"name": "ok", "sites": sites[:12]}
    assert client.post("/api/validate", json={"yaml": yaml.safe_dump(twelve)}).json()["ok"] is True


def test_form_editor_api_field_paths_catalogs_and_yaml_both_ways(client):
    bad = client.post("/api/validate", json={"yaml": SMALL.replace("it_mw: 50", "it_mw: -5")})
    assert bad.json()["path"] == "sites[0].load.it_mw"
    sites = client.get("/api/catalog/sites").json()
    jeonnam = next(s for s in sites if s["site"] == "korea_southwest")
    assert (jeonnam["country"], jeonnam["latitude"]) == ("KR", pytest.approx(34.81))
    assert len(sites) == 43
    techs = client.get("/api/catalog/technologies").json()
    assert techs["solar_fixed"]["kind"] == "variable"
    capex = techs["solar_fixed"]["defaults"]["capex"]
    assert (capex["value"], capex["unit"]) == ("1430", "USD/kW")  # LBNL 2024, $1.43/W_AC
    assert capex["source"].startswith("LBNL Utility-Scale Solar 2024")
    form = {"name": "f", "sites": [{"id": "a", "catalog": "memphis", "load": {"it_mw": 50}}]}
    text = client.post("/api/scenario/yaml", json={"scenario": form}).json()["yaml"]
    assert text == "name: f\nsites:\n- id: a\n  catalog: memphis\n  load:\n    it_mw: 50\n"
    back = client.post("/api/scenario/parse", json={"yaml": text}).json()["scenario"]
    assert back == form
    twice = client.post("/api/scenario/parse", json={"yaml": "name: a\nname: b\n"})
    assert twice.status_code == 422
    assert "key 'name' given twice in one mapping" in twice.json()["detail"]


def test_runs_delete_rerun_and_time_left(client):
    first = client.post("/api/runs", json={"yaml": SMALL}).json()["id"]
    assert wait_done(client, first) == "done"
    status = client.get(f"/api/runs/{first}").json()
    assert status["elapsed_s"] > 0 and status["eta_s"] is None  # done: nothing left
    again = client.post(f"/api/runs/{first}/rerun")
    assert again.status_code == 201
    second = again.json()["id"]
    assert second != first
    assert wait_done(client, second) == "done"
    folder = Path(client.app.state.context.store.get(first).results_path)
    assert folder.is_dir()
    assert client.delete(f"/api/runs/{first}").status_code == 204
    assert client.get(f"/api/runs/{first}").status_code == 404
    assert not folder.exists()  # its results went with it
    assert [r["id"] for r in client.get("/api/runs").json()] == [second]
    # the median of the finished runs is what a new run expects to take
    store = client.app.state.context.store
    record = store.get(second)
    assert store.typical_seconds() == pytest.approx(
        (record.finished_at - record.started_at).total_seconds()
    )


def test_sweep_from_the_web_queues_its_cases_and_shows_the_tornado(client):
    created = client.post(
        "/api/sweeps", json={"yaml": SMALL, "vary": ["sites[0].grid.import_cap_mw=20,40"]}
    )
    assert created.status_code == 201, created.text
    sweep = created.json()
    assert (sweep["total"], sweep["params"]) == (2, ["sites[0].grid.import_cap_mw"])
    deadline = time.time() + 180
    while client.get(f"/api/sweeps/{sweep['id']}").json()["state"] != "done":
        assert time.time() < deadline, "sweep did not finish"
        time.sleep(0.5)
    status = client.get(f"/api/sweeps/{sweep['id']}").json()
    assert (status["done"], status["failed"]) == (2, 0)
    names = sorted(r["name"] for r in client.get("/api/runs").json())
    assert names == ["small [import_cap_mw=20]", "small [import_cap_mw=40]"]
    page = client.get(f"/sweeps/{sweep['id']}").text.replace("\\u002f", "/")
    assert "2 cases, 0 failed." in page
    assert "grid import cap [MW]" in page and "total annual cost [million USD/yr]" in page
    # a bigger feed cannot cost more: the 40 MW case has the 20 MW case's options and more
    ctx = client.app.state.context
    from gigafactory.web.sweeps import sweep_table

    table = sweep_table(ctx, json.loads((ctx.home / "sweeps" / f"{sweep['id']}.json").read_text()))
    cost = table.set_index("sites[0].grid.import_cap_mw")["total_annual_cost_usd"]
    assert cost[40] <= cost[20] * (1 + 1e-6)


def test_sweep_from_the_web_refuses_what_it_cannot_run(client):
    too_many = client.post(
        "/api/sweeps", json={"yaml": SMALL, "vary": ["sites[0].grid.import_cap_mw=10:60:51"]}
    )
    assert too_many.status_code == 422
    assert too_many.json()["detail"].startswith("vary: 51 cases; a sweep from the web app has at")
    bad = client.post("/api/sweeps", json={"yaml": SMALL, "vary": ["sites[0].load.it_mw=-5,50"]})
    assert bad.status_code == 422
    assert "sites[0].load.it_mw" in bad.json()["detail"]  # the bad case is named, none queued
    assert client.get("/api/runs").json() == []
    assert client.get("/sweeps/nope").status_code == 404


def test_deals_page_shows_the_contract_table(client):
    page = client.get("/deals").text
    # the Oracle-OpenAI row: the WSJ's 4.5 GW and 300 billion USD beside 1,859,842 GB200
    assert "Oracle-OpenAI cloud contract" in page
    assert "campus_gw 4.5, value_usd 3e+11" in page
    assert "<td>1,859,842</td>" in page
    assert "href='/deals'" in page
