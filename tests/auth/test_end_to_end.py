"""A whole login through real HTTP servers: Loupe and the provider double on loopback ports,
driven like a browser that follows every redirect."""

import socket

import httpx
from sqlalchemy import Engine

from app.auth.double import OAuthProvider, serve_in_thread
from app.core.config import Settings
from app.main import create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_browser_logs_in_through_wikimedia_and_lands_on_next(
    settings: Settings, provider: OAuthProvider, provider_url: str, db: Engine
):
    # Registered without a port: Wikimedia matches loopback callbacks on any port.
    provider.add_client("e2e", secret="e2e-secret", redirect_uri="http://127.0.0.1/auth/callback")
    provider.add_user("Ivan Example", sub=53182469)
    provider.login_as("Ivan Example")
    port = free_port()
    live = settings.model_copy(
        update={
            "base_url": f"http://127.0.0.1:{port}",
            **provider.settings_for(provider_url, client_id="e2e"),
        }
    )
    app = create_app(live, engine=db, run_jobs=False)
    with (
        serve_in_thread(app, port=port) as loupe,
        httpx.Client(base_url=loupe, follow_redirects=True) as browser,
    ):
        response = browser.get("/auth/login", params={"next": "/api/me"})
        assert response.status_code == 200
        assert str(response.url) == f"{loupe}/api/me"
        me = response.json()
        assert me["user"]["username"] == "Ivan Example"
        assert me["user"]["wiki_id"] == 53182469

        # The CSRF token from /api/me is what state-changing calls send back.
        logout = browser.post(
            "/auth/logout", headers={"X-CSRF-Token": me["csrf_token"]}, follow_redirects=False
        )
        assert logout.status_code == 303
        assert browser.get("/api/me").status_code == 401
