"""Where every router is mounted. Secure by default: routes under ``/api`` need a session,
unless they sit on the public router on purpose."""

from fastapi import FastAPI


def include_routers(app: FastAPI) -> None:
    from app.jobs.routes import router as jobs_router

    app.include_router(jobs_router, prefix="/api")
