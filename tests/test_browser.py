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


def _shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_form_editor_run_progress_result_compare_and_korean(server, browser):
    """Issue 15's walk: a scenario built in the form (no YAML typed), an inline field error,
    the run's live progress bar, the result page, two runs compared, the app in Korean."""
    import yaml

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/editor?lang=en")
    page.fill("[data-path='name']", "form-built")
    page.fill("[data-path='sites[0].id']", "jeonnam")
    page.fill("#site-search", "korea_southwest")
    page.wait_for_function("document.getElementById('site-info').textContent.includes('KR')")
    page.fill("[data-path='sites[0].load.it_mw']", "100")
    page.select_option("[data-path='sites[0].cooling']", "direct_liquid")
    page.fill("[data-path='sites[0].grid.import_cap_mw']", "100")
    page.check("[data-tech='solar_fixed']")
    page.fill("[data-path='sites[0].technologies.solar_fixed.max_mw']", "400")
    page.check("[data-tech='wind_offshore']")
    page.check("[data-tech='liion_4h']")
    page.check("[data-contract='kr_jeonnam_offshore_wind_ppa']")
    # the YAML view follows the form
    page.wait_for_function(
        "document.getElementById('yaml').value.includes('kr_jeonnam_offshore_wind_ppa')"
    )
    built = yaml.safe_load(page.input_value("#yaml"))
    assert built["sites"][0]["catalog"] == "korea_southwest"
    assert built["sites"][0]["technologies"] == {
        "solar_fixed": {"max_mw": 400},
        "wind_offshore": {},
        "liion_4h": {},
    }
    _shot(page, "editor-form")
    # a bad value is marked on its field, with the message under it
    page.fill("[data-path='sites[0].load.it_mw']", "-5")
    page.click("#validate")
    page.wait_for_selector(".invalid")
    assert page.get_attribute(".invalid", "data-path") == "sites[0].load.it_mw"
    assert "sites[0].load.it_mw" in page.text_content(".field-error")
    _shot(page, "editor-field-error")
    page.fill("[data-path='sites[0].load.it_mw']", "100")
    page.click("#validate")
    page.wait_for_function("document.getElementById('message').textContent === 'ok: form-built'")
    # run it and watch the progress bar move
    page.click("#run")
    page.wait_for_url("**/runs/*")
    page.wait_for_selector("#bar")
    # the page polls as it loads and then twice a second, and a year solves in about a
    # second (Clarabel; the weather kept from an earlier run of the site), so the bar is
    # caught at whichever stage a poll finds past 'queued' (0.01, as served)
    page.wait_for_function(
        "(() => { const s = document.getElementById('stage');"
        " return s !== null && /weather|optimising|economics|writing/.test(s.textContent)"
        " && document.getElementById('bar').value > 0.01; })()",
        timeout=60_000,
    )
    assert float(page.get_attribute("#bar", "value")) >= 0.08  # 'weather' or later
    _shot(page, "run-progress")
    page.wait_for_selector("#summary", timeout=180_000)
    page.wait_for_load_state("load")
    headline = page.text_content(".headline")
    assert headline.startswith("jeonnam: least cost is ")
    # map, built, cost, dispatch, monthly, storage band, day-by-hour, durations
    assert page.locator(".plotly-graph-div").count() == 8
    first = page.url.rsplit("/", 1)[1]
    _shot(page, "result")
    # a second run with a smaller feed, from the same form
    page.goto(f"{server}/editor")
    page.fill("[data-path='name']", "form-built-80")
    page.fill("[data-path='sites[0].id']", "jeonnam")
    page.fill("#site-search", "korea_southwest")
    page.fill("[data-path='sites[0].load.it_mw']", "100")
    page.fill("[data-path='sites[0].grid.import_cap_mw']", "80")
    page.check("[data-tech='solar_fixed']")
    page.check("[data-tech='liion_4h']")
    page.check("[data-tech='gas_recip']")
    page.wait_for_function("document.getElementById('yaml').value.includes('gas_recip')")
    page.click("#run")
    page.wait_for_url("**/runs/*")
    page.wait_for_selector("#summary", timeout=180_000)
    second = page.url.rsplit("/", 1)[1]
    # the runs list: search, then compare the two
    page.goto(f"{server}/")
    page.fill("#run-search", "form-built")
    page.check(f"input[value='{first}']")
    page.check(f"input[value='{second}']")
    page.click("#compare")
    page.wait_for_selector("#capacities")
    diff = page.text_content("#diff")
    assert "sites[0].grid.import_cap_mw" in diff and "form-built-80" in diff
    _shot(page, "compare")
    # the same pages in Korean
    page.click("text=한국어")
    page.wait_for_selector("html[lang='ko']")
    assert "실행별 구축 설비" in page.content()
    _shot(page, "compare-ko")
    page.goto(f"{server}/runs/{first}")
    assert page.get_attribute("html", "lang") == "ko"  # the choice is kept (cookie)
    assert "최소 비용 구성은" in page.text_content(".headline")
    assert "연간 총비용" in page.content()
    _shot(page, "result-ko")
    page.goto(f"{server}/editor")
    assert "허용 기술" in page.content()
    _shot(page, "editor-ko")
    page.click("text=English")
    page.wait_for_selector("html[lang='en']")
    page.close()


def test_sweep_page_starts_a_sweep_and_shows_its_tornado_and_bands(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/sweeps/new?lang=en")
    page.select_option("#preset", "memphis-gas")
    page.fill("#vary", "sites[0].gas_price_usd_per_mmbtu=2,5")
    page.click("#start")
    page.wait_for_url("**/sweeps/*")
    page.wait_for_selector(".plotly-graph-div", timeout=180_000)
    page.wait_for_load_state("load")
    assert "2 cases, 0 failed." in page.content()
    assert page.locator(".plotly-graph-div").count() == 2  # the tornado, cost against gas price
    _shot(page, "sweep")
    page.close()


def test_a_preset_fills_the_form_workload_included(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/editor?preset=colossus&lang=en")
    run = "sites[0].compute.training[0]"
    page.wait_for_function(
        f"document.querySelector('[data-path=\"{run}.accelerators\"]').value === '100000'"
    )
    assert page.input_value(f"[data-path='{run}.accelerator']") == "h100_sxm"
    assert float(page.input_value(f"[data-path='{run}.parameters']")) == 405e9
    assert page.is_checked("[data-tech='megapack_4h']")
    assert page.input_value("[data-path='sites[0].technologies.megapack_4h.max_mw']") == "300"
    # a change in the form reaches the YAML, and what the form does not show stays there
    page.fill(f"[data-path='{run}.mfu']", "0.35")
    page.wait_for_function("document.getElementById('yaml').value.includes('mfu: 0.35')")
    assert "window_hours: 168" in page.input_value("#yaml")
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
