"""Web app over the public API, with a JSON API and a run store.

Presets, a scenario editor with inline validation, runs with live progress, results with
the report's charts, comparisons and downloads.

``create_app()`` builds a FastAPI app on a :class:`~gigafactory.store.RunStore` and a
:class:`~gigafactory.worker.WorkerPool`. It calls the public API only. Charts use the
plotly.js bundled with the plotly package, served by the app (no CDN).
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field

import gigafactory
from gigafactory.errors import GigafactoryError
from gigafactory.scenario import Scenario, scenario_from_yaml
from gigafactory.store import RunStore, default_home
from gigafactory.worker import WorkerPool

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 1_000_000
"""Largest request body accepted [bytes]; larger ones get 413."""

_FILE_FIELDS = (
    "load.profile_csv",
    "grid.price_csv",
    "grid.carbon_csv",
    "series.weather_file",
    "series.capacity_factors_csv",
)


class ScenarioText(BaseModel):
    """A scenario as YAML text."""

    yaml: str = Field(max_length=MAX_BODY_BYTES, description="Scenario YAML")


class Validation(BaseModel):
    """Outcome of validating a scenario."""

    ok: bool
    name: str | None = None
    error: str | None = None
    line: int | None = None


class RunCreated(BaseModel):
    """A queued run."""

    id: str
    state: str


class RunStatus(BaseModel):
    """A run's state."""

    id: str
    name: str
    state: str
    progress: str
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    error: str | None


def _line_of(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _check_files(scenario: Scenario, uploads: Path) -> None:
    """File references from the web must name uploaded files (no paths, no traversal)."""
    root = uploads.resolve()
    for i, site in enumerate(scenario.sites):
        for field in _FILE_FIELDS:
            group, name = field.split(".")
            value = getattr(getattr(site, group), name, None) if getattr(site, group) else None
            if value is None:
                continue
            path = Path(value).resolve()
            if path.parent != root:
                msg = (
                    f"<web>: sites[{i}].{field}: file references must name an uploaded file "
                    f"(got '{value}')"
                )
                raise gigafactory.ScenarioError(msg)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} - gigafactory</title>
<script src="/static/plotly.min.js"></script>
<style>body{{font-family:system-ui,sans-serif;max-width:1150px;margin:auto;padding:1em}}
table{{border-collapse:collapse}}
td,th{{padding:3px 9px;border-bottom:1px solid #ddd;text-align:left}}
textarea{{width:100%;height:28em;font-family:monospace}} .error{{color:#b00;white-space:pre-wrap}}
nav a{{margin-right:1em}}</style></head><body>
<nav><a href="/">gigafactory</a><a href="/editor">new scenario</a><a href="/docs">API</a></nav>
<h1>{html.escape(title)}</h1>{body}</body></html>""")


def create_app(
    db_url: str | None = None, results_root: Path | None = None, workers: int = 2
) -> FastAPI:
    """The web app, with its own store and worker pool."""
    home = results_root or default_home() / "results"
    uploads = home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    store = RunStore(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        store.recover()
        pool = WorkerPool(store.url, home, workers)
        _app.state.pool = pool
        yield
        pool.shutdown()
        store.close()

    app = FastAPI(
        title="gigafactory",
        version=gigafactory.__version__,
        description="Plan and simulate AI compute infrastructure.",
        lifespan=lifespan,
    )

    @app.middleware("http")
    async def limit_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return JSONResponse({"detail": f"request body over {MAX_BODY_BYTES:,} bytes"}, 413)
        return await call_next(request)

    def parse(text: str) -> Scenario:
        scenario = scenario_from_yaml(text, "<web>", uploads)
        _check_files(scenario, uploads)
        return scenario

    # ------------------------------------------------------------------ API

    @app.get("/api/presets")
    def api_presets() -> dict[str, str]:
        """Bundled presets and their one-line descriptions."""
        return gigafactory.presets()

    @app.get("/api/presets/{name}", response_class=PlainTextResponse)
    def api_preset(name: str) -> str:
        """A preset's YAML."""
        if name not in gigafactory.preset_names():
            raise HTTPException(404, f"unknown preset '{name}'")
        return gigafactory.dump_scenario(gigafactory.load_scenario(name))

    @app.post("/api/validate")
    def api_validate(body: ScenarioText) -> Validation:
        """Validate a scenario without running it; errors as the CLI gives them."""
        try:
            scenario = parse(body.yaml)
        except GigafactoryError as err:
            return Validation(ok=False, error=str(err), line=_line_of(str(err)))
        return Validation(ok=True, name=scenario.name)

    @app.post("/api/runs", status_code=201)
    def api_create_run(body: ScenarioText, request: Request) -> RunCreated:
        """Validate and queue a run."""
        try:
            scenario = parse(body.yaml)
        except GigafactoryError as err:
            raise HTTPException(422, str(err)) from None
        run_id = store.create(scenario.name, body.yaml)
        pool = getattr(request.app.state, "pool", None)
        if pool is None:  # served without the lifespan (e.g. some test clients)
            pool = request.app.state.pool = WorkerPool(store.url, home, workers)
        pool.submit(run_id)
        return RunCreated(id=run_id, state="queued")

    @app.get("/api/runs")
    def api_runs() -> list[RunStatus]:
        """Runs, newest first."""
        return [RunStatus(**_status(r.as_dict())) for r in store.runs()]

    def _status(d: dict[str, Any]) -> dict[str, Any]:
        return {k: d[k] for k in RunStatus.model_fields}

    def _record(run_id: str) -> Any:
        record = store.get(run_id)
        if record is None:
            raise HTTPException(404, f"run '{run_id}' not found")
        return record

    @app.get("/api/runs/{run_id}")
    def api_run(run_id: str) -> RunStatus:
        """A run's state and progress."""
        return RunStatus(**_status(_record(run_id).as_dict()))

    @app.get("/api/runs/{run_id}/summary")
    def api_summary(run_id: str) -> dict[str, Any]:
        """A finished run's summary."""
        record = _record(run_id)
        if record.state != "done":
            raise HTTPException(409, f"run '{run_id}' is {record.state}")
        return dict(json.loads(record.summary_json))

    @app.get("/api/runs/{run_id}/series/{site}")
    def api_series(run_id: str, site: str, variable: str = "load_mw") -> dict[str, Any]:
        """One hourly series of a finished run."""
        record = _record(run_id)
        if record.state != "done":
            raise HTTPException(409, f"run '{run_id}' is {record.state}")
        results = gigafactory.Results.load(record.results_path)
        if site not in results.series:
            raise HTTPException(
                404, f"site '{site}' not in run; sites: {', '.join(results.series)}"
            )
        data = results.series[site]
        if variable not in data or data[variable].dims != ("time",):
            hourly = [str(k) for k, v in data.data_vars.items() if v.dims == ("time",)]
            raise HTTPException(
                404, f"no hourly variable '{variable}'; allowed: {', '.join(hourly)}"
            )
        return {
            "site": site,
            "variable": variable,
            "units": data[variable].attrs.get("units", ""),
            "values": data[variable].values.tolist(),
        }

    @app.post("/api/uploads", status_code=201)
    async def api_upload(file: UploadFile) -> dict[str, str]:
        """Upload a CSV/EPW file that scenarios may then name."""
        name = Path(file.filename or "").name
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name) or name.startswith("."):
            raise HTTPException(422, "file name: letters, digits, '.', '_' and '-' only")
        content = await file.read()
        if len(content) > MAX_BODY_BYTES:
            raise HTTPException(413, f"file over {MAX_BODY_BYTES:,} bytes")
        (uploads / name).write_bytes(content)
        return {"name": name}

    @app.get("/runs/{run_id}/download")
    def download(run_id: str) -> Response:
        """The results folder as a zip."""
        record = _record(run_id)
        if record.state != "done":
            raise HTTPException(409, f"run '{run_id}' is {record.state}")
        buffer = io.BytesIO()
        root = Path(record.results_path)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root))
        return Response(
            buffer.getvalue(),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{run_id}.zip"'},
        )

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        from plotly.offline import get_plotlyjs

        return Response(get_plotlyjs(), media_type="application/javascript")

    # ------------------------------------------------------------------ pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home_page() -> HTMLResponse:
        presets = "".join(
            f"<tr><td><a href='/editor?preset={html.escape(n)}'>{html.escape(n)}</a></td>"
            f"<td>{html.escape(t)}</td></tr>"
            for n, t in gigafactory.presets().items()
        )
        runs = "".join(
            f"<tr><td><input type='checkbox' name='ids' value='{r.id}'></td>"
            f"<td><a href='/runs/{r.id}'>{html.escape(r.name)}</a></td><td>{r.state}</td>"
            f"<td>{r.created_at:%Y-%m-%d %H:%M}</td></tr>"
            for r in store.runs()
        )
        return _page(
            "gigafactory",
            f"""
<h2>Presets</h2><table>{presets}</table>
<h2>Runs</h2><form action="/compare"><table>{runs}</table>
<button id="compare">compare selected</button></form>""",
        )

    @app.get("/editor", response_class=HTMLResponse, include_in_schema=False)
    def editor_page(preset: str | None = None) -> HTMLResponse:
        text = ""
        if preset and preset in gigafactory.preset_names():
            text = gigafactory.dump_scenario(gigafactory.load_scenario(preset))
        return _page(
            "Scenario editor",
            f"""
<textarea id="yaml" spellcheck="false">{html.escape(text)}</textarea>
<p><button id="validate">validate</button> <button id="run">run</button></p>
<div id="message" class="error"></div>
<script>
async function post(url) {{
  const r = await fetch(url, {{method: 'POST', headers: {{'Content-Type': 'application/json'}},
    body: JSON.stringify({{yaml: document.getElementById('yaml').value}})}});
  return [r.status, await r.json()];
}}
function show(text, line) {{
  const m = document.getElementById('message');
  m.textContent = text;
  if (line) {{
    const ta = document.getElementById('yaml'); const lines = ta.value.split('\\n');
    const start = lines.slice(0, line - 1).join('\\n').length + (line > 1 ? 1 : 0);
    ta.focus(); ta.setSelectionRange(start, start + (lines[line - 1] || '').length);
    m.textContent = 'line ' + line + ': ' + text;
  }}
}}
document.getElementById('validate').onclick = async () => {{
  const [, v] = await post('/api/validate');
  show(v.ok ? 'ok: ' + v.name : v.error, v.ok ? null : v.line);
}};
document.getElementById('run').onclick = async () => {{
  const [status, r] = await post('/api/runs');
  if (status === 201) {{ window.location = '/runs/' + r.id; }} else {{ show(r.detail, null); }}
}};
</script>""",
        )

    @app.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_page(run_id: str) -> HTMLResponse:
        record = _record(run_id)
        if record.state != "done":
            error = f"<p class='error'>{html.escape(record.error)}</p>" if record.error else ""
            refresh = (
                ""
                if record.state == "failed"
                else """<script>
setInterval(async () => {
  const s = await (await fetch(location.pathname.replace('/runs/', '/api/runs/'))).json();
  document.getElementById('progress').textContent = s.state + ': ' + s.progress;
  if (s.state === 'done' || s.state === 'failed') location.reload();
}, 1000);</script>"""
            )
            return _page(
                record.name,
                f"<p id='progress'>{record.state}: {html.escape(record.progress)}</p>"
                f"{error}{refresh}",
            )
        results = gigafactory.Results.load(record.results_path)
        s = results.summary
        rows = [
            ("facility energy", f"{s['facility_energy_mwh'] / 1e3:,.1f} GWh"),
            ("PUE", f"{s['pue_annual']:.3f}"),
            ("total annual cost", f"{s['total_annual_cost_usd'] / 1e6:,.2f} million USD"),
            ("LCOE", f"{s['lcoe_usd_per_mwh']:,.1f} USD/MWh"),
            ("hourly CFE share", f"{100 * s['cfe_share']:.1f} %"),
            ("emissions", f"{s['emissions_tco2e'] / 1e3:,.1f} ktCO2e"),
            ("unserved", f"{s['unserved_mwh']:,.1f} MWh"),
        ] + [(f"capacity {k}", f"{v:,.1f} MW") for k, v in s["capacity_mw"].items()]
        table = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in rows
        )
        from gigafactory.report import figures

        charts = "".join(
            f"<h2>{html.escape(site)}</h2>"
            + "".join(f.to_html(full_html=False, include_plotlyjs=False) for f in figs)
            for site, figs in figures(results).items()
        )
        return _page(
            record.name,
            f"""<p id="progress">done</p>
<p><a href="/runs/{run_id}/download">download results</a></p>
<table id="summary">{table}</table>{charts}""",
        )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(ids: Annotated[list[str] | None, Query()] = None) -> HTMLResponse:
        import plotly.graph_objects as go

        chosen = [store.get(i) for i in (ids or [])]
        done = [r for r in chosen if r is not None and r.state == "done"]
        if len(done) < 2:
            return _page("Compare runs", "<p class='error'>choose at least two finished runs</p>")
        summaries = [json.loads(r.summary_json or "{}") for r in done]
        keys = [
            ("total_annual_cost_usd", 1e-6, "total cost (M USD)"),
            ("lcoe_usd_per_mwh", 1, "LCOE (USD/MWh)"),
            ("cfe_share", 100, "CFE (%)"),
            ("emissions_tco2e", 1e-3, "emissions (kt)"),
            ("pue_annual", 1, "PUE"),
            ("water_m3", 1e-3, "water (k m3)"),
        ]
        head = "".join(f"<th>{html.escape(r.name)}</th>" for r in done)
        body = "".join(
            f"<tr><td>{label}</td>"
            + "".join(f"<td>{s[k] * f:,.2f}</td>" for s in summaries)
            + "</tr>"
            for k, f, label in keys
        )
        fig = go.Figure(
            [
                go.Bar(
                    x=[r.name for r in done],
                    y=[s["total_annual_cost_usd"] / 1e6 for s in summaries],
                )
            ]
        )
        fig.update_layout(title="total annual cost (million USD)")
        return _page(
            "Compare runs",
            f"<table id='comparison'><tr><th></th>{head}</tr>{body}</table>"
            + fig.to_html(full_html=False, include_plotlyjs=False),
        )

    return app
