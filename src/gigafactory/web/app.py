"""The web app: :func:`create_app` builds a FastAPI app over the public API.

Presets, a scenario editor with inline validation, runs with live progress, results with
the report's charts, comparisons and downloads. Runs are kept in a
:class:`~gigafactory.web.store.RunStore` and executed by a
:class:`~gigafactory.web.worker.WorkerPool`; the JSON API is in :mod:`~gigafactory.web.api`
and the pages in :mod:`~gigafactory.web.pages`. Charts use the plotly.js bundled with the
plotly package, served by the app (no CDN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

import gigafactory
from gigafactory.web.api import router as api_router
from gigafactory.web.context import MAX_BODY_BYTES, WebContext
from gigafactory.web.pages import router as pages_router
from gigafactory.web.store import RunStore, default_home
from gigafactory.web.sweeps import router as sweeps_router
from gigafactory.web.worker import WorkerPool

__all__ = ["MAX_BODY_BYTES", "create_app"]


def create_app(
    db_url: str | None = None, results_root: Path | None = None, workers: int = 2
) -> FastAPI:
    """The web app, with its own store and worker pool."""
    home = results_root or default_home() / "results"
    (home / "uploads").mkdir(parents=True, exist_ok=True)
    ctx = WebContext(store=RunStore(db_url), home=home, workers=workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.store.recover()
        ctx.pool = WorkerPool(ctx.store.url, home, workers)
        yield
        ctx.pool.shutdown()
        ctx.store.close()

    app = FastAPI(
        title="gigafactory",
        version=gigafactory.__version__,
        description="Plan and simulate AI compute infrastructure.",
        lifespan=lifespan,
    )
    app.state.context = ctx

    @app.middleware("http")
    async def limit_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return JSONResponse({"detail": f"request body over {MAX_BODY_BYTES:,} bytes"}, 413)
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes the input, and an input JSON cannot hold (1e999999
        # read as infinity, NaN) made it fail with a 500; say what is wrong without it
        detail = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": detail}, 422)

    app.include_router(api_router)
    app.include_router(sweeps_router)
    app.include_router(pages_router)
    return app
