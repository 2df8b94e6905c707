"""The HTML pages: presets and runs, the scenario editor, a run's results, comparisons."""

from __future__ import annotations

import html
import io
import json
import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse

import gigafactory
from gigafactory.web.context import WebContext, context

__all__ = ["router"]

router = APIRouter()

Context = Annotated[WebContext, Depends(context)]

STYLE = """table{display:table;margin:0} td,th{padding:3px 9px;text-align:left}
textarea{width:100%;height:28em;font-family:monospace} .error{color:#b00;white-space:pre-wrap}
nav a{margin-right:1em}"""
"""The web app's CSS on top of the reports' page shell."""

NAV = """<nav><a href="/">gigafactory</a><a href="/editor">new scenario</a>\
<a href="/docs">API</a></nav>"""

EDITOR_SCRIPT = """<script>
async function post(url) {
  const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({yaml: document.getElementById('yaml').value})});
  return [r.status, await r.json()];
}
function show(text, line) {
  const m = document.getElementById('message');
  m.textContent = text;
  if (line) {
    const ta = document.getElementById('yaml'); const lines = ta.value.split('\\n');
    const start = lines.slice(0, line - 1).join('\\n').length + (line > 1 ? 1 : 0);
    ta.focus(); ta.setSelectionRange(start, start + (lines[line - 1] || '').length);
    m.textContent = 'line ' + line + ': ' + text;
  }
}
document.getElementById('validate').onclick = async () => {
  const [, v] = await post('/api/validate');
  show(v.ok ? 'ok: ' + v.name : v.error, v.ok ? null : v.line);
};
document.getElementById('run').onclick = async () => {
  const [status, r] = await post('/api/runs');
  if (status === 201) { window.location = '/runs/' + r.id; } else { show(r.detail, null); }
};
</script>"""

PROGRESS_SCRIPT = """<script>
setInterval(async () => {
  const s = await (await fetch(location.pathname.replace('/runs/', '/api/runs/'))).json();
  document.getElementById('progress').textContent = s.state + ': ' + s.progress;
  if (s.state === 'done' || s.state === 'failed') location.reload();
}, 1000);</script>"""


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        gigafactory.page_html(
            title,
            body,
            title=f"{title} - gigafactory",
            plotly_src="/static/plotly.min.js",
            style=STYLE + gigafactory.FIRM_STYLE,
            nav=NAV,
        )
    )


@router.get("/static/plotly.min.js", include_in_schema=False)
def plotly_js() -> Response:
    """plotly.js from the plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return Response(get_plotlyjs(), media_type="application/javascript")


@router.get("/runs/{run_id}/download")
def download(run_id: str, ctx: Context) -> Response:
    """The results folder as a zip."""
    record = ctx.record(run_id, done=True)
    buffer = io.BytesIO()
    root = Path(record.results_path or "")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(root))
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{run_id}.zip"'},
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(ctx: Context) -> HTMLResponse:
    """Presets to start from and the runs so far."""
    presets = "".join(
        f"<tr><td><a href='/editor?preset={html.escape(n)}'>{html.escape(n)}</a></td>"
        f"<td>{html.escape(t)}</td></tr>"
        for n, t in gigafactory.presets().items()
    )
    runs = "".join(
        f"<tr><td><input type='checkbox' name='ids' value='{r.id}'></td>"
        f"<td><a href='/runs/{r.id}'>{html.escape(r.name)}</a></td><td>{r.state}</td>"
        f"<td>{r.created_at:%Y-%m-%d %H:%M}</td></tr>"
        for r in ctx.store.runs()
    )
    return _page(
        "gigafactory",
        f"""
<h2>Presets</h2><table>{presets}</table>
<h2>Runs</h2><form action="/compare"><table>{runs}</table>
<button id="compare">compare selected</button></form>""",
    )


@router.get("/editor", response_class=HTMLResponse, include_in_schema=False)
def editor_page(preset: str | None = None) -> HTMLResponse:
    """A scenario editor with validation and run buttons."""
    text = ""
    if preset and preset in gigafactory.preset_names():
        text = gigafactory.dump_scenario(gigafactory.load_scenario(preset))
    return _page(
        "Scenario editor",
        f"""
<textarea id="yaml" spellcheck="false">{html.escape(text)}</textarea>
<p><button id="validate">validate</button> <button id="run">run</button></p>
<div id="message" class="error"></div>
{EDITOR_SCRIPT}""",
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
def run_page(run_id: str, ctx: Context) -> HTMLResponse:
    """A run's progress, then its results with the report's charts."""
    record = ctx.record(run_id)
    if record.state != "done":
        error = f"<p class='error'>{html.escape(record.error)}</p>" if record.error else ""
        refresh = "" if record.state == "failed" else PROGRESS_SCRIPT
        return _page(
            record.name,
            f"<p id='progress'>{record.state}: {html.escape(record.progress)}</p>{error}{refresh}",
        )
    results = gigafactory.Results.load(record.results_path or "")
    return _page(
        record.name,
        f"""<p id="progress">done</p>
<p><a href="/runs/{run_id}/download">download results</a></p>
{gigafactory.report_body_html(results)}""",
    )


@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(ctx: Context, ids: Annotated[list[str] | None, Query()] = None) -> HTMLResponse:
    """Finished runs side by side; ``ids`` repeated (``ids=a&ids=b``) or comma-separated."""
    wanted = [i.strip() for value in ids or [] for i in value.split(",") if i.strip()]
    chosen = [ctx.store.get(i) for i in wanted]
    done = [r for r in chosen if r is not None and r.state == "done"]
    if len(done) < 2:
        return _page("Compare runs", "<p class='error'>choose at least two finished runs</p>")
    summaries = [gigafactory.Summary.from_dict(json.loads(r.summary_json or "{}")) for r in done]
    diff = gigafactory.scenario_diff(done[0].scenario_yaml, done[1].scenario_yaml)
    return _page(
        "Compare runs",
        gigafactory.compare_runs_html([r.name for r in done], summaries, diff),
    )
