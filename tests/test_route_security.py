"""Secure by default: every route refuses anonymous callers unless it is on the allowlist,
and every state-changing /api route refuses a session without its CSRF token.

The walk covers every operation in the OpenAPI document (plus routes hidden from it), so routes
added later are checked without touching this file; only a new public route needs a line here.
"""

import re
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.main import create_app
from tests.factories import make_user
from tests.helpers import login

# Reachable without a session, on purpose. Keep this short, and say why for each.
PUBLIC = {
    ("GET", "/healthz"),  # liveness probe for the proxy and orchestrator
    ("GET", "/auth/login"),  # starts a login
    ("GET", "/auth/callback"),  # Wikimedia redirects the browser here
    ("POST", "/auth/logout"),  # clears the cookie; needs the CSRF token with a live session
    ("GET", "/auth/dev-login"),  # development only (404 unless LOUPE_ENV=dev + enabled)
    ("POST", "/auth/dev-login"),
    ("GET", "/api/public/campaigns"),  # published results: only after the embargo
    ("GET", "/api/public/campaigns/{slug}"),
    ("GET", "/api/public/campaigns/{slug}/ceremony.pdf"),  # printable winners, same embargo
}
SAFE = {"GET", "HEAD", "OPTIONS"}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def operations(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document and every hidden API route."""
    found = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method.upper() in METHODS
    }
    # FastAPI keeps included routers nested: walk them with their full path templates.
    for context in iter_route_contexts(app.routes):
        path = context.path_format
        if isinstance(context.route, APIRoute) and path.startswith(("/api/", "/auth/")):
            found |= {(method, path) for method in context.route.methods if method in METHODS}
    return sorted(found)


def concrete(path: str) -> str:
    """The path with a dummy value for every parameter."""
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture(params=["production-like", "dev-login"])
def any_app(request: pytest.FixtureRequest, settings: Settings, db: Engine) -> FastAPI:
    changes = {"env": "dev", "dev_login": True} if request.param == "dev-login" else {}
    # With a token set /metrics exists, and must still refuse callers without it (401).
    changes["metrics_token"] = "scrape-token"
    return create_app(settings.model_copy(update=changes), engine=db, run_jobs=False)


@pytest.fixture
def anonymous(any_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(any_app, follow_redirects=False) as client:
        yield client


def test_the_walk_sees_the_api(any_app: FastAPI):
    found = operations(any_app)
    assert ("GET", "/api/me") in found
    assert ("GET", "/metrics") in found
    assert len([op for op in found if op[1].startswith("/api/")]) >= 4


def anonymous_leaks(app: FastAPI, client: TestClient) -> list[str]:
    leaks = []
    for method, path in operations(app):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, concrete(path))
        allowed = {401} if path.startswith("/api/") else {401, 404, 405}
        if response.status_code not in allowed:
            leaks.append(f"{method} {path} -> {response.status_code}")
    return leaks


def test_every_route_refuses_anonymous_callers_unless_it_is_public(
    any_app: FastAPI, anonymous: TestClient
):
    leaks = anonymous_leaks(any_app, anonymous)
    assert leaks == [], "routes reachable without a session (add a session, or to PUBLIC)"


def test_the_walk_catches_a_route_mounted_outside_the_private_router(
    settings: Settings, db: Engine
):
    app = create_app(settings, engine=db, run_jobs=False)

    @app.post("/api/oops/{thing_id}")
    def oops(thing_id: int) -> int:
        return thing_id

    with TestClient(app) as client:
        assert anonymous_leaks(app, client) == ["POST /api/oops/{thing_id} -> 200"]


def test_the_walk_catches_a_hidden_route_inside_an_included_router(settings: Settings, db: Engine):
    app = create_app(settings, engine=db, run_jobs=False)
    router = APIRouter(prefix="/api/hidden")

    @router.get("/{thing_id}", include_in_schema=False)
    def hidden(thing_id: int) -> int:
        return thing_id

    app.include_router(router)
    with TestClient(app) as client:
        assert anonymous_leaks(app, client) == ["GET /api/hidden/{thing_id} -> 200"]


def test_anonymous_api_refusals_are_typed_json(anonymous: TestClient):
    response = anonymous.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"error": "not_authenticated", "detail": "You need to log in."}


def test_every_public_route_still_exists(settings: Settings, db: Engine):
    dev = create_app(settings.model_copy(update={"env": "dev", "dev_login": True}), engine=db)
    assert set(PUBLIC) <= set(operations(dev)), "stale entries in PUBLIC"


def test_every_state_changing_api_route_needs_the_csrf_token(
    any_app: FastAPI, session: Session, settings: Settings
):
    admin = make_user(session, admin=True)
    session.commit()
    with TestClient(any_app, follow_redirects=False) as client:
        login(client, settings, admin)
        unprotected = []
        for method, path in operations(any_app):
            if method in SAFE or not path.startswith("/api/"):
                continue
            response = client.request(method, concrete(path))
            if response.status_code != 403 or response.json().get("error") != "csrf_failed":
                unprotected.append(f"{method} {path} -> {response.status_code}")
    assert unprotected == [], "state-changing routes that accept a request without CSRF token"
