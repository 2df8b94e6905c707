"""The JSON API: presets, validation, runs, summaries, series and uploads."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, UploadFile
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

import gigafactory
from gigafactory.web.context import MAX_BODY_BYTES, WebContext, context, line_of

__all__ = ["RunCreated", "RunStatus", "ScenarioText", "Validation", "router"]

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

    @classmethod
    def of(cls, record: Any) -> RunStatus:
        """The status fields of a stored run."""
        d = record.as_dict()
        return cls(**{k: d[k] for k in cls.model_fields})


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
        return Validation(ok=False, error=str(err), line=line_of(str(err)))
    return Validation(ok=True, name=scenario.name)


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
    return [RunStatus.of(r) for r in ctx.store.runs()]


@router.get("/runs/{run_id}")
def api_run(run_id: str, ctx: Context) -> RunStatus:
    """A run's state and progress."""
    return RunStatus.of(ctx.record(run_id))


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
