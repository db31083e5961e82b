"""The Wikimedia OAuth double served on a loopback port, and settings that point at it."""

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.auth.double import OAuthProvider, serve_in_thread
from app.core.config import Settings

CALLBACK = "http://testserver/auth/callback"


@pytest.fixture(scope="session")
def provider_server() -> Iterator[tuple[OAuthProvider, str]]:
    provider = OAuthProvider(redirect_uri=CALLBACK)
    with serve_in_thread(provider.app) as url:
        yield provider, url


@pytest.fixture
def provider(provider_server: tuple[OAuthProvider, str]) -> OAuthProvider:
    provider, _url = provider_server
    provider.reset()
    return provider


@pytest.fixture
def provider_url(provider_server: tuple[OAuthProvider, str]) -> str:
    return provider_server[1]


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # Like a browser in these tests, but redirects are followed by hand to see each hop.
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def settings(settings: Settings, provider_server: tuple[OAuthProvider, str]) -> Settings:
    provider, url = provider_server
    return settings.model_copy(update=provider.settings_for(url))


def start_login(client: TestClient, *, next: str | None = None) -> httpx.Response:
    """``/auth/login``: the redirect to the provider's authorize page."""
    response = client.get("/auth/login", params={"next": next} if next else None)
    assert response.status_code == 303, response.text
    return response


def authorize(start: httpx.Response) -> str:
    """The browser at Wikimedia: returns where the provider sends it back."""
    response = httpx.get(start.headers["location"])
    assert response.status_code == 302, response.text
    return response.headers["location"]


def oauth_login(
    client: TestClient, provider: OAuthProvider, who: str | int, *, next: str | None = None
) -> httpx.Response:
    """The whole dance for ``who``; returns the callback's response."""
    provider.login_as(who)
    return client.get(authorize(start_login(client, next=next)))
