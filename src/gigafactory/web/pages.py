"""The HTML pages: presets and runs, the scenario editor, a run's results, comparisons."""

from __future__ import annotations

import html
import io
import json
import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

import gigafactory
from gigafactory.web.context import WebContext, context
from gigafactory.web.editor import EDITOR_STYLE, editor_html
from gigafactory.web.sweeps import sweep_new_html, sweep_page_html

__all__ = ["router"]

router = APIRouter()

Context = Annotated[WebContext, Depends(context)]

STYLE = """table{display:table;margin:0} td,th{padding:3px 9px;text-align:left}
.side-by-side{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1em}
textarea{width:100%;height:28em;font-family:monospace} .error{color:#b00;white-space:pre-wrap}
nav a{margin-right:1em}"""
"""The web app's CSS on top of the reports' page shell."""

PROGRESS_SCRIPT = """<script>
const started = Date.now();
function seconds(s) { return s < 90 ? Math.round(s) + ' s' : Math.round(s / 60) + ' min'; }
const STAGES = [['queued', 0.01], ['starting', 0.03], ['weather', 0.08], ['optimising', 0.15],
  ['economics', 0.92], ['writing', 0.97], ['done', 1]];
async function poll() {
  const s = await (await fetch(location.pathname.replace('/runs/', '/api/runs/'))).json();
  if (s.state === 'done' || s.state === 'failed') { location.reload(); return; }
  const stage = STAGES.filter(([word]) => s.progress.includes(word)).pop();
  let share = stage ? stage[1] : 0.02;
  if (s.eta_s != null && s.elapsed_s != null) {
    share = Math.max(share, Math.min(0.95, s.elapsed_s / (s.elapsed_s + s.eta_s)));
  }
  document.getElementById('bar').value = share;
  document.getElementById('stage').textContent = s.progress;
  document.getElementById('elapsed').textContent = seconds(s.elapsed_s || 0);
  document.getElementById('eta').textContent = s.eta_s == null ? '?' : seconds(s.eta_s);
}
// at once, then twice a second: a year's run takes a second or two
poll();
setInterval(poll, 500);</script>"""


LANGUAGE_LINKS = """<script>
document.querySelectorAll('#languages a').forEach(a => {
  const params = new URLSearchParams(location.search);
  params.set('lang', new URLSearchParams(a.search).get('lang'));
  a.search = params.toString();
});</script>"""
"""Keeps a page's own query (the runs compared) when the language link switches language."""


def language(request: Request) -> str:
    """The page language: ``?lang=`` if given, else the ``lang`` cookie, else English."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang") or "en"
    return chosen if chosen in gigafactory.LANGUAGES else "en"


Lang = Annotated[str, Depends(language)]


def _page(title: str, body: str, lang: str = "en") -> HTMLResponse:
    _ = gigafactory.translator(lang)
    nav = (
        f"<nav><a href='/'>gigafactory</a><a href='/editor'>{_('new scenario')}</a>"
        f"<a href='/sweeps/new'>{_('new sweep')}</a><a href='/deals'>{_('deals')}</a>"
        f"<a href='/docs'>API</a> <span id='languages'><a href='?lang=en'>English</a>"
        f"<a href='?lang=ko'>한국어</a></span></nav>{LANGUAGE_LINKS}"
    )
    response = HTMLResponse(
        gigafactory.page_html(
            _(title),
            body,
            title=f"{_(title)} - gigafactory",
            plotly_src="/static/plotly.min.js",
            style=STYLE + gigafactory.FIRM_STYLE + EDITOR_STYLE,
            nav=nav,
            lang=lang,
        )
    )
    response.set_cookie("lang", lang, samesite="lax")
    return response


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
def home_page(ctx: Context, lang: Lang) -> HTMLResponse:
    """Presets to start from and the runs so far, with search, delete and re-run."""
    _ = gigafactory.translator(lang)
    presets = "".join(
        f"<tr><td><a href='/editor?preset={html.escape(n)}'>{html.escape(n)}</a></td>"
        f"<td>{html.escape(t)}</td></tr>"
        for n, t in gigafactory.presets().items()
    )
    runs = "".join(
        f"<tr class='run' data-id='{r.id}'><td><input type='checkbox' name='ids' value='{r.id}'>"
        f"</td><td><a href='/runs/{r.id}'>{html.escape(r.name)}</a></td><td>{_(r.state)}</td>"
        f"<td>{r.created_at:%Y-%m-%d %H:%M}</td>"
        f"<td><button type='button' class='rerun'>{_('re-run')}</button> "
        f"<button type='button' class='delete'>{_('delete')}</button></td></tr>"
        for r in ctx.store.runs()
    )
    return _page(
        "gigafactory",
        f"""
<h2>{_("Presets")}</h2><table>{presets}</table>
<h2>{_("Runs")}</h2>
<p><input type="search" id="run-search" placeholder="{_("search runs")}"></p>
<form action="/compare"><table id="runs">{runs}</table>
<button id="compare">{_("compare selected")}</button></form>
<script>
document.getElementById('run-search').addEventListener('input', ev => {{
  const q = ev.target.value.toLowerCase();
  document.querySelectorAll('tr.run').forEach(row => {{
    row.style.display = row.textContent.toLowerCase().includes(q) ? '' : 'none';
  }});
}});
document.querySelectorAll('tr.run').forEach(row => {{
  const id = row.dataset.id;
  row.querySelector('.delete').onclick = async () => {{
    const r = await fetch('/api/runs/' + id, {{method: 'DELETE'}});
    if (r.status === 204) row.remove(); else alert((await r.json()).detail);
  }};
  row.querySelector('.rerun').onclick = async () => {{
    const r = await fetch('/api/runs/' + id + '/rerun', {{method: 'POST'}});
    const body = await r.json();
    if (r.status === 201) window.location = '/runs/' + body.id; else alert(body.detail);
  }};
}});
</script>""",
        lang,
    )


@router.get("/editor", response_class=HTMLResponse, include_in_schema=False)
def editor_page(lang: Lang, preset: str | None = None) -> HTMLResponse:
    """The scenario editor: a form and the YAML in step, validation and a run button."""
    text = ""
    if preset and preset in gigafactory.preset_names():
        text = gigafactory.dump_scenario(gigafactory.load_scenario(preset))
    return _page("Scenario editor", editor_html(text, lang), lang)


@router.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
def run_page(run_id: str, ctx: Context, lang: Lang) -> HTMLResponse:
    """A run's live progress bar (stage, elapsed, time left), then its results as the report."""
    _ = gigafactory.translator(lang)
    record = ctx.record(run_id)
    if record.state != "done":
        error = f"<p class='error'>{html.escape(record.error)}</p>" if record.error else ""
        if record.state == "failed":
            return _page(record.name, f"<p id='progress'>{_('failed')}</p>{error}", lang)
        return _page(
            record.name,
            f"""<p id='progress'><progress id="bar" max="1" value="0.01"></progress>
<span id="stage">{html.escape(record.progress)}</span> &middot; {_("elapsed")}
<span id="elapsed">0 s</span> &middot; {_("time left")} <span id="eta">?</span></p>
{PROGRESS_SCRIPT}""",
            lang,
        )
    results = gigafactory.Results.load(record.results_path or "")
    return _page(
        record.name,
        f"""<p id="progress">{_("done")}</p>
<p><a href="/runs/{run_id}/download">{_("download results")}</a></p>
{gigafactory.report_body_html(results, lang=lang)}""",
        lang,
    )


@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(
    ctx: Context, lang: Lang, ids: Annotated[list[str] | None, Query()] = None
) -> HTMLResponse:
    """Finished runs side by side; ``ids`` repeated (``ids=a&ids=b``) or comma-separated."""
    wanted = [i.strip() for value in ids or [] for i in value.split(",") if i.strip()]
    chosen = [ctx.store.get(i) for i in wanted]
    done = [r for r in chosen if r is not None and r.state == "done"]
    if len(done) < 2:
        choose = gigafactory.translator(lang)("choose at least two finished runs")
        return _page("Compare runs", f"<p class='error'>{choose}</p>", lang)
    summaries = [gigafactory.Summary.from_dict(json.loads(r.summary_json or "{}")) for r in done]
    diff = gigafactory.scenario_diff(done[0].scenario_yaml, done[1].scenario_yaml)
    names = [r.name for r in done]
    series = []
    for record in done:
        results = gigafactory.Results.load(record.results_path or "")
        site = next(iter(results.series))
        series.append((site, results.series[site]))
    return _page(
        "Compare runs",
        gigafactory.compare_runs_html(names, summaries, diff, lang=lang)
        + gigafactory.dispatch_side_by_side_html(names, series, lang),
        lang,
    )


@router.get("/deals", response_class=HTMLResponse, include_in_schema=False)
def deals_page(lang: Lang) -> HTMLResponse:
    """The announced compute deals: what was reported beside what each converts to."""
    return _page("Compute deals", gigafactory.deals_body_html(gigafactory.deal_table()), lang)


@router.get("/sweeps/new", response_class=HTMLResponse, include_in_schema=False)
def sweep_new_page(lang: Lang) -> HTMLResponse:
    """Start a sweep over a preset: the fields to vary and their values."""
    return _page("New sweep", sweep_new_html(lang), lang)


@router.get("/sweeps/{sweep_id}", response_class=HTMLResponse, include_in_schema=False)
def sweep_page(sweep_id: str, ctx: Context, lang: Lang) -> HTMLResponse:
    """A sweep's progress, then its tornado and its bands."""
    title, body = sweep_page_html(ctx, sweep_id, lang)
    return _page(title, body, lang)
