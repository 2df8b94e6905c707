"""End to end in Debian's chromium through Playwright, and schemathesis on the API."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from gigafactory.web.app import create_app

CHROMIUM = os.environ.get("GIGAFACTORY_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "out" / "test-artifacts"


@pytest.fixture(scope="module")
def server():
    import uvicorn

    home = Path(tempfile.mkdtemp(prefix="gigafactory-web-"))
    app = create_app(
        db_url=f"sqlite:///{home / 'runs.db'}", results_root=home / "results", workers=2
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not instance.started and time.time() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


def run_preset(page, server, preset):
    page.goto(f"{server}/")
    page.click(f"text={preset}")
    page.wait_for_url("**/editor?preset=*")
    page.click("#run")
    page.wait_for_url("**/runs/*")
    page.wait_for_selector("#summary", timeout=120_000)
    page.wait_for_selector(".plotly-graph-div", timeout=30_000)
    return page.url.rsplit("/", 1)[1]


def test_run_a_preset_see_charts_and_compare(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    first = run_preset(page, server, "memphis-gas")
    assert page.locator(".plotly-graph-div").count() >= 4
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "result-page.png"), full_page=False)
    second = run_preset(page, server, "memphis-gas")
    page.goto(f"{server}/")
    page.check(f"input[value='{first}']")
    page.check(f"input[value='{second}']")
    page.click("#compare")
    page.wait_for_selector("#comparison")
    assert page.locator("#comparison th").count() == 3
    page.close()


def test_inline_validation_error_points_at_the_line(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/editor")
    page.fill("#yaml", "name: t\nsites:\n  - id: a\n   catalog: x\n")
    page.click("#validate")
    page.wait_for_function("document.getElementById('message').textContent.length > 0")
    message = page.text_content("#message")
    assert message.startswith("line 4: <web>: line 4, column 4: malformed YAML")
    selected = page.evaluate(
        "() => { const t = document.getElementById('yaml'); return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert selected == "   catalog: x"
    page.close()


def test_openapi_has_no_server_errors(tmp_path):
    """Every operation in the schema, fuzzed, and a real fast run's endpoints: no 5xx."""
    import schemathesis
    import yaml
    from fastapi.testclient import TestClient
    from hypothesis import HealthCheck, given, settings

    from conftest import small_scenario

    app = create_app(
        db_url=f"sqlite:///{tmp_path / 'runs.db'}", results_root=tmp_path / "results", workers=1
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    statuses: list[int] = []
    operations = [op.ok() for op in schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} >= {
        ("POST", "/api/validate"),
        ("POST", "/api/runs"),
        ("POST", "/api/uploads"),
        ("GET", "/api/runs/{run_id}/series/{site}"),
        ("GET", "/runs/{run_id}/download"),
    }
    for operation in operations:

        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call_and_validate(checks=[schemathesis.checks.not_a_server_error])
            statuses.append(response.status_code)

        check()
    assert statuses and max(statuses) < 500
    # a real run (a one-site year that solves in about a second) and what it serves
    with TestClient(app) as client:
        created = client.post("/api/runs", json={"yaml": yaml.safe_dump(small_scenario())})
        assert created.status_code == 201
        run = created.json()["id"]
        deadline = time.time() + 180
        while client.get(f"/api/runs/{run}").json()["state"] not in {"done", "failed"}:
            assert time.time() < deadline, "run did not finish"
            time.sleep(0.5)
        assert client.get(f"/api/runs/{run}").json()["state"] == "done"
        for url in (
            f"/api/runs/{run}/summary",
            f"/api/runs/{run}/series/campus?variable=load_mw",
            f"/runs/{run}/download",
        ):
            assert client.get(url).status_code == 200, url
        for url in (
            f"/api/runs/{run}/series/nowhere",
            f"/api/runs/{run}/series/campus?variable=nope",
        ):
            assert 400 <= client.get(url).status_code < 500, url
