"""Where every router is mounted. Secure by default: routes under ``/api`` need a session,
unless they sit on the public router on purpose.

Add a domain router to ``private``; only what anonymous visitors must reach goes on
``public`` (and on the allowlist in tests/test_route_security.py, which checks all of this).
"""

from fastapi import APIRouter, Depends, FastAPI

from app.auth.deps import current_user


def include_routers(app: FastAPI) -> None:
    from app.auth.routes import api_router as me_router
    from app.auth.routes import dev_router as dev_login_router
    from app.auth.routes import router as auth_router
    from app.campaigns.routes import router as campaigns_router
    from app.eligibility.routes import router as eligibility_router
    from app.imports.routes import router as imports_router
    from app.jobs.routes import router as jobs_router
    from app.publishing.routes import public_router as public_results_router
    from app.publishing.routes import router as publishing_router
    from app.results.routes import router as results_router
    from app.rounds.routes import router as rounds_router
    from app.users.routes import router as users_router
    from app.voting.routes import add_busiest_routes
    from app.voting.routes import router as voting_router

    # Every route here needs a session, and a CSRF token unless it is GET/HEAD/OPTIONS.
    private = APIRouter(prefix="/api", dependencies=[Depends(current_user)])
    # Routes are matched in order: the jurors' routes, the busiest, come first (none of them
    # shadows another router's).
    private.include_router(voting_router)
    private.include_router(me_router)
    private.include_router(users_router)
    private.include_router(jobs_router)
    private.include_router(campaigns_router)
    private.include_router(rounds_router)
    private.include_router(publishing_router)
    private.include_router(results_router)
    private.include_router(imports_router)
    private.include_router(eligibility_router)

    # Anonymous on purpose (published results after their embargo); keep it short.
    public = APIRouter(prefix="/api")
    public.include_router(public_results_router)

    add_busiest_routes(app.router, prefix="/api")  # first: matched at the top, and quickly
    app.include_router(public)
    app.include_router(private)

    # Browser pages for logging in and out; not under /api.
    app.include_router(auth_router)
    # Only exists with LOUPE_ENV=dev and LOUPE_DEV_LOGIN=true (production refuses to start
    # with it enabled); anywhere else /auth/dev-login is a plain 404.
    if app.state.settings.dev_login_enabled:
        app.include_router(dev_login_router)
