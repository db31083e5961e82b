"""Logging a test client in without the OAuth dance (the auth tests cover the dance itself)."""

from fastapi.testclient import TestClient

from app.auth.sessions import COOKIE, CSRF_HEADER, SessionCodec
from app.core.config import Settings
from app.models import User


def login(client: TestClient, settings: Settings, user: User) -> dict[str, str]:
    """Give ``client`` a session cookie for ``user``; returns the CSRF header to send."""
    codec = SessionCodec(
        secret=settings.resolved_secret_key(), max_age=settings.session_max_age_seconds
    )
    cookie, data = codec.issue(user_id=user.id, epoch=user.session_epoch)
    client.cookies.set(COOKIE, cookie)
    return {CSRF_HEADER: data.csrf}


def logout(client: TestClient) -> None:
    client.cookies.clear()
