"""Fixtures for the Commons tests: the double served over real HTTP, and clients pointed at it.

One uvicorn server runs per test session; every test gets a fresh, empty store behind it.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from app.commons.client import CommonsClient
from app.commons.double import CommonsStore, create_app, serve_in_thread

USER_AGENT = "LoupeTests/0.1 (https://example.org/loupe; tests@example.org)"


class _SwappableApp:
    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "no store mounted"
        await self.app(scope, receive, send)


@pytest.fixture(scope="session")
def _commons_server() -> Iterator[tuple[_SwappableApp, str]]:
    app = _SwappableApp()
    with serve_in_thread(app) as base_url:
        yield app, base_url


@pytest.fixture
def store(_commons_server: tuple[_SwappableApp, str]) -> CommonsStore:
    app, _ = _commons_server
    fresh = CommonsStore()
    app.app = create_app(fresh)
    return fresh


@pytest.fixture
def base_url(_commons_server: tuple[_SwappableApp, str], store: CommonsStore) -> str:
    return _commons_server[1]


@pytest.fixture
def api_url(base_url: str) -> str:
    return f"{base_url}/w/api.php"


@pytest.fixture
def user_agent() -> str:
    return USER_AGENT


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(api_url: str, sleeps: list[float]) -> Iterator[Callable[..., CommonsClient]]:
    made: list[CommonsClient] = []

    def make(**overrides: Any) -> CommonsClient:
        options: dict[str, Any] = {
            "api_url": api_url,
            "user_agent": USER_AGENT,
            "sleep": sleeps.append,
            "max_retry_seconds": 60.0,
            "timeout": 10.0,
        }
        options.update(overrides)
        client = CommonsClient(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., CommonsClient]) -> CommonsClient:
    return make_client()
