"""The application factory: settings, database, middleware, routers, error handlers, frontend."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import Engine, text
from starlette.staticfiles import StaticFiles

from app.core import handlers, metrics, security
from app.core.config import Settings, get_settings
from app.core.db import WriteTurns, make_engine
from app.core.logs import RequestIdMiddleware
from app.jobs.runner import BackgroundWorker, Worker

log = logging.getLogger(__name__)

STATIC = (Path(__file__).parent / "static").resolve()
API_PREFIXES = ("/api/", "/auth/", "/healthz", "/_commons/")


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    run_jobs: bool | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    owns_engine = engine is None
    engine = engine or make_engine(
        settings.resolved_database_url(), pool_size=settings.database_pool_size
    )
    run_jobs = settings.jobs_in_server if run_jobs is None else run_jobs

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if run_jobs:
            import app.jobs.kinds  # noqa: F401  (registers every job handler)

            worker = BackgroundWorker(
                Worker(
                    engine=engine,
                    lease_seconds=settings.job_lease_seconds,
                    poll_seconds=settings.job_poll_seconds,
                )
            )
            worker.start()
        yield
        if worker is not None:
            worker.close()
        if owns_engine:
            engine.dispose()

    app = FastAPI(
        title="Loupe",
        version="0.1.0",
        description="A jury platform for Wikimedia Commons photo contests.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    # Innermost first: the access log and metrics also see the 413s of the body limit.
    security.install(app, settings)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(WriteTurns, engine=engine)  # SQLite's readers and writers
    metrics.install(app)
    handlers.install(app)

    @app.get("/healthz", tags=["ops"], summary="Liveness and database check")
    def healthz() -> JSONResponse:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("health check: database unavailable: %s", exc)
            return JSONResponse({"status": "error", "database": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    from app.api import include_routers

    include_routers(app)
    if settings.demo:
        _mount_demo_commons(app, settings)
    _mount_frontend(app)
    return app


def _mount_demo_commons(app: FastAPI, settings: Settings) -> None:
    """The demo's photos, from the same recipe the demo database was built with."""
    from app.commons.double import create_app as commons_app
    from app.demo.commons import MOUNT, demo_store

    store = demo_store(public_url=settings.base_url.rstrip("/") + MOUNT)
    app.mount(MOUNT, commons_app(store))


def _mount_frontend(app: FastAPI) -> None:
    """Serve the built single-page app: its files, and index.html for every other page."""
    index = STATIC / "index.html"
    if not index.exists():
        return
    app.mount("/assets", StaticFiles(directory=STATIC / "assets", check_dir=False), name="assets")

    def page_for(request: Request) -> FileResponse | None:
        # Only browser navigations get the app; API and auth paths keep their JSON 404s.
        path = request.url.path
        if request.method not in ("GET", "HEAD") or path.startswith(API_PREFIXES):
            return None
        candidate = (STATIC / path.lstrip("/")).resolve()
        if candidate.is_file() and STATIC in candidate.parents:
            return FileResponse(candidate)
        return FileResponse(index)

    app.state.page_for = page_for
