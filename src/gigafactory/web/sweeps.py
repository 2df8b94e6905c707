"""Sweeps from the web app: every case is a run in the store, the sweep a list of them.

``POST /api/sweeps`` expands ``--vary`` specifications (as the CLI's ``sweep`` reads them)
into the grid of cases, validates each case's scenario and queues it on the worker pool;
the sweep itself is a small JSON file (its parameters and the run of each case), written
atomically. ``/sweeps/ID`` shows the cases' progress, then the tornado and the bands.
"""

from __future__ import annotations

import copy
import html
import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import yaml
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

import gigafactory
from gigafactory.web.context import MAX_BODY_BYTES, WebContext, context

__all__ = ["MAX_WEB_CASES", "SweepRequest", "SweepStatus", "router", "sweep_table"]

router = APIRouter()

Context = Annotated[WebContext, Depends(context)]

MAX_WEB_CASES = 50
"""Most cases a sweep from the web app may have; larger sweeps belong to the CLI on Dask."""


class SweepRequest(BaseModel):
    """A scenario and what to vary, as the CLI's ``--vary`` takes it."""

    yaml: str = Field(max_length=MAX_BODY_BYTES, description="Scenario YAML")
    vary: list[str] = Field(
        min_length=1,
        max_length=5,
        description="path=v1,v2,... or path=start:stop:n, "
        "e.g. sites[0].grid.import_cap_mw=60:100:3",
    )


class SweepStatus(BaseModel):
    """How far a sweep is."""

    id: str
    name: str
    params: list[str]
    total: int
    done: int
    failed: int
    state: str = Field(description="running until every case has ended, then done")


def _folder(ctx: WebContext) -> Path:
    folder = ctx.home / "sweeps"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load(ctx: WebContext, sweep_id: str) -> dict[str, Any]:
    path = _folder(ctx) / f"{sweep_id}.json"
    if not sweep_id.isalnum() or not path.is_file():
        raise HTTPException(404, f"sweep '{sweep_id}' not found")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@router.post("/api/sweeps", status_code=201)
def api_create_sweep(body: SweepRequest, ctx: Context) -> SweepStatus:
    """Expand the cases, validate each, and queue them as runs."""
    try:
        base_scenario = ctx.parse(body.yaml)
        varies = [gigafactory.parse_vary(v) for v in body.vary]
        cases = gigafactory.grid_cases(varies)
        if len(cases) > MAX_WEB_CASES:
            msg = (
                f"vary: {len(cases)} cases; a sweep from the web app has at most "
                f"{MAX_WEB_CASES}: run larger ones with `gigafactory sweep` (Dask)"
            )
            raise gigafactory.ScenarioError(msg)
        base = gigafactory.read_yaml(body.yaml, "<web>")
        texts = []
        for params in cases:
            data = copy.deepcopy(base)
            for path, value in params.items():
                gigafactory.set_path(data, path, value)
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
            ctx.parse(text)  # every case must be a valid scenario before any is queued
            texts.append(text)
    except gigafactory.GigafactoryError as err:
        raise HTTPException(422, gigafactory.one_line(str(err))) from None
    sweep_id = gigafactory.case_id({"vary": body.vary, "yaml": body.yaml, "n": len(texts)})
    runs = []
    for params, text in zip(cases, texts, strict=True):
        label = ", ".join(f"{p.rsplit('.', 1)[-1]}={v}" for p, v in params.items())
        run_id = ctx.store.create(f"{base_scenario.name} [{label}]", text)
        ctx.worker_pool().submit(run_id)
        runs.append({"run": run_id, "params": params})
    record = {"name": base_scenario.name, "params": [v.path for v in varies], "cases": runs}
    gigafactory.write_text_atomic(_folder(ctx) / f"{sweep_id}.json", json.dumps(record))
    return _status(ctx, sweep_id, record)


def _status(ctx: WebContext, sweep_id: str, record: dict[str, Any]) -> SweepStatus:
    states = [getattr(ctx.store.get(c["run"]), "state", "failed") for c in record["cases"]]
    done, failed = states.count("done"), states.count("failed")
    return SweepStatus(
        id=sweep_id,
        name=record["name"],
        params=record["params"],
        total=len(states),
        done=done,
        failed=failed,
        state="done" if done + failed == len(states) else "running",
    )


@router.get("/api/sweeps/{sweep_id}")
def api_sweep(sweep_id: str, ctx: Context) -> SweepStatus:
    """A sweep's progress: cases done and failed out of all."""
    return _status(ctx, sweep_id, _load(ctx, sweep_id))


def sweep_table(ctx: WebContext, record: dict[str, Any]) -> pd.DataFrame:
    """The sweep's cases as the CLI's sweep table: parameters, metrics, errors."""
    rows = []
    for case in record["cases"]:
        run = ctx.store.get(case["run"])
        entry: dict[str, Any] = {"id": case["run"], "params": case["params"]}
        if run is not None and run.state == "done":
            summary = gigafactory.Summary.from_dict(json.loads(run.summary_json or "{}"))
            entry["metrics"] = gigafactory.case_metrics(summary)
        else:
            entry["error"] = (run.error if run is not None else None) or "the run is gone"
        rows.append(entry)
    return gigafactory.case_table(rows)


SWEEP_FORM = """<form id="sweep-form" onsubmit="return false">
<label><span>{preset_label}</span><select id="preset">{options}</select></label>
<p class="muted">{vary_hint}</p>
<textarea id="vary" rows="3" spellcheck="false">{vary}</textarea>
<p><button id="start">{start}</button></p><div id="message" class="error"></div></form>
<script>
document.getElementById('start').onclick = async () => {{
  const name = document.getElementById('preset').value;
  const text = await (await fetch('/api/presets/' + name)).text();
  const vary = document.getElementById('vary').value.split('\\n').map(v => v.trim())
    .filter(v => v);
  const r = await fetch('/api/sweeps', {{method: 'POST',
    headers: {{'Content-Type': 'application/json'}}, body: JSON.stringify({{yaml: text, vary}})}});
  const body = await r.json();
  if (r.status === 201) window.location = '/sweeps/' + body.id;
  else document.getElementById('message').textContent =
    typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail);
}};
</script>"""

SWEEP_PROGRESS = """<p><progress id="bar" max="{total}" value="{ended}"></progress>
<span id="count">{ended} / {total}</span></p>
<script>
setInterval(async () => {{
  const s = await (await fetch('/api/sweeps/{sweep_id}')).json();
  document.getElementById('bar').value = s.done + s.failed;
  document.getElementById('count').textContent = (s.done + s.failed) + ' / ' + s.total;
  if (s.state === 'done') location.reload();
}}, 1500);
</script>"""


def sweep_new_html(lang: str) -> str:
    """The form that starts a sweep over a preset."""
    _ = gigafactory.translator(lang)
    options = "".join(
        f"<option value='{html.escape(n)}'>{html.escape(n)}</option>"
        for n in gigafactory.preset_names()
    )
    return SWEEP_FORM.format(
        preset_label=_("preset"),
        options=options,
        vary_hint=html.escape(
            _("One line per field: path=v1,v2,... or path=start:stop:n (at most 50 cases).")
        ),
        vary="sites[0].grid.import_cap_mw=60:100:3",
        start=_("start the sweep"),
    )


def sweep_page_html(ctx: WebContext, sweep_id: str, lang: str) -> tuple[str, str]:
    """A sweep's title and body: progress while cases run, then its tornado and bands."""
    _ = gigafactory.translator(lang)
    record = _load(ctx, sweep_id)
    status = _status(ctx, sweep_id, record)
    links = "".join(
        f"<li><a href='/runs/{c['run']}'>{html.escape(json.dumps(c['params']))}</a></li>"
        for c in record["cases"]
    )
    cases = f"<details><summary>{_('cases')}</summary><ul>{links}</ul></details>"
    title = f"{record['name']}: {_('sweep')}"
    if status.state != "done":
        body = SWEEP_PROGRESS.format(
            total=status.total, ended=status.done + status.failed, sweep_id=sweep_id
        )
        return title, body + cases
    table = sweep_table(ctx, record)
    return title, gigafactory.sweep_body_html(table, record["params"]) + cases
