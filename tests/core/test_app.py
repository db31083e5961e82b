from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.errors import Conflict


def test_healthz_checks_the_database(client: TestClient):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_database_that_is_down(settings):
    from app.core.db import make_engine
    from app.main import create_app

    dead = make_engine("postgresql://nobody@127.0.0.1:1/none")
    with TestClient(create_app(settings, engine=dead, run_jobs=False)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_unknown_api_path_is_a_json_404(client: TestClient):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Not Found"}


def test_typed_errors_render_as_error_and_detail(app: FastAPI):
    @app.get("/api/_boom")
    def boom() -> None:
        raise Conflict("The round is already active.")

    with TestClient(app) as client:
        response = client.get("/api/_boom")
    assert response.status_code == 409
    assert response.json() == {"error": "conflict", "detail": "The round is already active."}


def test_unexpected_errors_are_a_json_500_without_internals(app: FastAPI):
    @app.get("/api/_crash")
    def crash() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/_crash")
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error", "detail": "An internal error occurred."}


def test_validation_errors_name_the_field(app: FastAPI):
    @app.get("/api/_number")
    def number(n: int) -> int:
        return n

    with TestClient(app) as client:
        response = client.get("/api/_number", params={"n": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_input"
    assert "n" in body["detail"]


def test_request_id_is_echoed_or_made(client: TestClient):
    given = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert given.headers["x-request-id"] == "abc123"
    made = client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 16


def test_openapi_is_served_under_api(client: TestClient):
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Loupe"
    assert client.get("/api/docs").status_code == 200


def test_the_web_ui_answers_page_paths_but_never_api_paths(settings, db, tmp_path, monkeypatch):
    import app.main as main

    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Loupe</title>")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    monkeypatch.setattr(main, "STATIC", tmp_path.resolve())
    with TestClient(main.create_app(settings, engine=db, run_jobs=False)) as client:
        page = client.get("/campaigns/12/rounds")
        assert page.status_code == 200 and "<title>Loupe</title>" in page.text
        assert client.get("/favicon.svg").text == "<svg/>"
        api = client.get("/api/nothing-here")
        assert api.status_code == 404 and api.json()["error"] == "not_found"
        assert client.post("/campaigns").status_code in (404, 405)
