"""The JSON API: presets, validation, runs, summaries, series and uploads."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, HTTPException, Response, UploadFile
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

import gigafactory
from gigafactory.web.context import MAX_BODY_BYTES, WebContext, context, field_of, line_of
from gigafactory.web.editor import technology_defaults

__all__ = ["RunCreated", "RunStatus", "ScenarioData", "ScenarioText", "Validation", "router"]

router = APIRouter(prefix="/api")

Context = Annotated[WebContext, Depends(context)]

UPLOAD_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
"""Names an upload may have: no paths, at most 100 characters."""


class ScenarioText(BaseModel):
    """A scenario as YAML text."""

    yaml: str = Field(max_length=MAX_BODY_BYTES, description="Scenario YAML")


class Validation(BaseModel):
    """Outcome of validating a scenario."""

    ok: bool
    name: str | None = None
    error: str | None = None
    line: int | None = None
    path: str | None = Field(
        default=None, description="Field path the error names, e.g. sites[0].grid.import_cap_mw"
    )


class ScenarioData(BaseModel):
    """A scenario as a JSON mapping (as the form editor builds it)."""

    scenario: dict[str, Any]


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
    elapsed_s: float | None = Field(default=None, description="Seconds since it started")
    eta_s: float | None = Field(
        default=None, description="Seconds left, from the median of the latest finished runs"
    )

    @classmethod
    def of(cls, record: Any, typical_s: float | None = None) -> RunStatus:
        """The status fields of a stored run; its time left from ``typical_s`` [s]."""
        d = record.as_dict()
        status = cls(**{k: d[k] for k in cls.model_fields if k in d})
        if record.started_at is not None:
            end = record.finished_at or datetime.now(record.started_at.tzinfo)
            status.elapsed_s = max((end - record.started_at).total_seconds(), 0.0)
            if record.state == "running" and typical_s is not None:
                status.eta_s = max(typical_s - status.elapsed_s, 0.0)
        return status


@router.get("/presets")
def api_presets() -> dict[str, str]:
    """Bundled presets and their one-line descriptions."""
    return gigafactory.presets()


@router.get("/presets/{name}", response_class=PlainTextResponse)
def api_preset(name: str) -> str:
    """A preset's YAML."""
    if name not in gigafactory.preset_names():
        raise HTTPException(404, f"unknown preset '{name}'")
    return gigafactory.dump_scenario(gigafactory.load_scenario(name))


@router.post("/validate")
def api_validate(body: ScenarioText, ctx: Context) -> Validation:
    """Validate a scenario without running it; errors as the CLI gives them."""
    try:
        scenario = ctx.parse(body.yaml)
    except gigafactory.GigafactoryError as err:
        return Validation(ok=False, error=str(err), line=line_of(str(err)), path=field_of(str(err)))
    return Validation(ok=True, name=scenario.name)


@router.post("/scenario/yaml")
def api_scenario_yaml(body: ScenarioData) -> ScenarioText:
    """The form's scenario as YAML, in the form's field order (not validated)."""
    return ScenarioText(yaml=yaml.safe_dump(body.scenario, sort_keys=False, allow_unicode=True))


@router.post("/scenario/parse")
def api_scenario_parse(body: ScenarioText) -> ScenarioData:
    """YAML text as the mapping the form editor shows (read safely, not validated)."""
    try:
        data = gigafactory.read_yaml(body.yaml, "<web>")
    except gigafactory.GigafactoryError as err:
        raise HTTPException(422, str(err)) from None
    if not isinstance(data, dict):
        raise HTTPException(422, "<web>: a scenario is a mapping of fields (name, sites, ...)")
    return ScenarioData(scenario=data)


@router.get("/catalog/sites")
def api_catalog_sites() -> list[dict[str, Any]]:
    """The site library for the form's site search: name, country, place, grid facts."""
    table = gigafactory.site_overview()
    columns = ["site", "name", "country", "latitude", "longitude", "grid_price_usd_per_mwh"]
    records: list[dict[str, Any]] = gigafactory.json_safe(table[columns].to_dict("records"))
    return records


@router.get("/catalog/technologies")
def api_catalog_technologies() -> dict[str, dict[str, Any]]:
    """Each catalog technology with its kind, description and sourced default costs."""
    return technology_defaults()


@router.post("/runs", status_code=201)
def api_create_run(body: ScenarioText, ctx: Context) -> RunCreated:
    """Validate and queue a run."""
    try:
        scenario = ctx.parse(body.yaml)
    except gigafactory.GigafactoryError as err:
        raise HTTPException(422, str(err)) from None
    run_id = ctx.store.create(scenario.name, body.yaml)
    ctx.worker_pool().submit(run_id)
    return RunCreated(id=run_id, state="queued")


@router.get("/runs")
def api_runs(ctx: Context) -> list[RunStatus]:
    """Runs, newest first."""
    typical = ctx.store.typical_seconds()
    return [RunStatus.of(r, typical) for r in ctx.store.runs()]


@router.get("/runs/{run_id}")
def api_run(run_id: str, ctx: Context) -> RunStatus:
    """A run's state, progress, elapsed time and time left."""
    return RunStatus.of(ctx.record(run_id), ctx.store.typical_seconds())


@router.delete("/runs/{run_id}", status_code=204)
def api_delete_run(run_id: str, ctx: Context) -> Response:
    """Delete a finished or failed run and its results folder (409 while it runs)."""
    record = ctx.record(run_id)
    if record.state in {"queued", "running"}:
        raise HTTPException(409, f"run '{run_id}' is {record.state}; delete it once it ends")
    ctx.store.delete(run_id)
    folder = Path(record.results_path or "")
    if record.results_path and folder.resolve().is_relative_to(ctx.home.resolve()):
        shutil.rmtree(folder, ignore_errors=True)
    return Response(status_code=204)


@router.post("/runs/{run_id}/rerun", status_code=201)
def api_rerun(run_id: str, ctx: Context) -> RunCreated:
    """Queue the same scenario again as a new run."""
    record = ctx.record(run_id)
    return api_create_run(ScenarioText(yaml=record.scenario_yaml), ctx)


@router.get("/runs/{run_id}/summary")
def api_summary(run_id: str, ctx: Context) -> dict[str, Any]:
    """A finished run's summary."""
    record = ctx.record(run_id, done=True)
    return dict(json.loads(record.summary_json or "{}"))


@router.get("/runs/{run_id}/series/{site}")
def api_series(run_id: str, site: str, ctx: Context, variable: str = "load_mw") -> dict[str, Any]:
    """One hourly series of a finished run."""
    record = ctx.record(run_id, done=True)
    results = gigafactory.Results.load(record.results_path or "")
    if site not in results.series:
        raise HTTPException(404, f"site '{site}' not in run; sites: {', '.join(results.series)}")
    data = results.series[site]
    if variable not in data or data[variable].dims != ("time",):
        hourly = [str(k) for k, v in data.data_vars.items() if v.dims == ("time",)]
        raise HTTPException(404, f"no hourly variable '{variable}'; allowed: {', '.join(hourly)}")
    return {
        "site": site,
        "variable": variable,
        "units": data[variable].attrs.get("units", ""),
        "values": data[variable].values.tolist(),
    }


@router.post("/uploads", status_code=201)
async def api_upload(file: UploadFile, ctx: Context) -> dict[str, str]:
    """Upload a CSV/EPW file that scenarios may then name."""
    name = Path(file.filename or "").name
    if not UPLOAD_NAME.fullmatch(name) or name.startswith("."):
        raise HTTPException(422, "file name: letters, digits, '.', '_' and '-' only")
    content = await file.read()
    if len(content) > MAX_BODY_BYTES:
        raise HTTPException(413, f"file over {MAX_BODY_BYTES:,} bytes")
    if not _store_once(ctx.uploads / name, content):
        raise HTTPException(
            409,
            f"an upload named '{name}' already exists with other content; scenarios may name "
            "it, so it is kept: upload this file under another name",
        )
    return {"name": name}


def _store_once(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` unless another file is there; True when ``path`` holds it.

    The bytes go to a temporary file first and are linked into place, which fails if the
    name exists: a finished upload is never replaced, and a half-written one never seen.
    """
    if path.exists():
        return path.read_bytes() == content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        path.hardlink_to(tmp)
    except FileExistsError:
        return path.read_bytes() == content
    finally:
        Path(tmp).unlink()
    return True
