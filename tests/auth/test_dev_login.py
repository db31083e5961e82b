"""The development login exists only with LOUPE_ENV=dev and LOUPE_DEV_LOGIN=true."""

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from app.auth.sessions import LOGIN_COOKIE
from app.core.config import Settings
from app.main import create_app


@pytest.fixture
def dev_client(settings: Settings, db: Engine):
    dev = settings.model_copy(update={"env": "dev", "dev_login": True, "oauth_client_id": ""})
    with TestClient(create_app(dev, engine=db), follow_redirects=False) as client:
        yield client


def dev_login(client: TestClient, username: str, *, next: str | None = None):
    form = client.get("/auth/dev-login", params={"next": next} if next else None)
    assert form.status_code == 200
    state = re.search(r'name="state" value="([^"]+)"', form.text).group(1)
    return client.post("/auth/dev-login", data={"username": username, "state": state})


def test_dev_login_logs_in_as_any_username(dev_client: TestClient):
    response = dev_login(dev_client, "demo_juror", next="/rounds/1")
    assert response.status_code == 303
    assert response.headers["location"] == "/rounds/1"
    assert dev_client.get("/api/me").json()["user"]["username"] == "Demo juror"


def test_dev_login_needs_the_state_from_its_own_form(dev_client: TestClient):
    dev_client.get("/auth/dev-login")
    response = dev_client.post("/auth/dev-login", data={"username": "Mallory", "state": "x"})
    assert response.status_code == 400
    assert dev_client.get("/api/me").status_code == 401


def test_dev_login_refuses_an_empty_username(dev_client: TestClient):
    response = dev_login(dev_client, "   ")
    assert response.status_code == 422
    assert LOGIN_COOKIE not in dev_client.cookies


def test_login_falls_back_to_dev_login_when_no_oauth_client_is_configured(
    dev_client: TestClient,
):
    response = dev_client.get("/auth/login", params={"next": "//evil.example"})
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/dev-login?next=%2F"


@pytest.mark.parametrize(
    "changes",
    [
        {"env": "test", "dev_login": True},
        {"env": "dev", "dev_login": False},
        {"env": "production", "dev_login": False},
    ],
)
def test_dev_login_does_not_exist_unless_dev_and_enabled(
    settings: Settings, db: Engine, changes: dict
):
    app = create_app(settings.model_copy(update=changes), engine=db)
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/auth/dev-login").status_code == 404
        assert client.post("/auth/dev-login", data={"username": "x"}).status_code == 404
    assert "/auth/dev-login" not in app.openapi()["paths"]


def test_enabling_dev_login_in_production_refuses_to_start(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LOUPE_ENV", "production")
    monkeypatch.setenv("LOUPE_SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("LOUPE_DEV_LOGIN", "true")
    with pytest.raises(ValidationError, match="DEV_LOGIN"):
        Settings()
