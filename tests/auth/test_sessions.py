"""Session cookies: signed, expiring, and refused when forged; CSRF on state-changing calls."""

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import Session

from app.auth.sessions import COOKIE, LoginStateCodec, SessionCodec
from app.core.config import Settings
from tests.factories import make_user
from tests.helpers import login


def codec_for(settings: Settings) -> SessionCodec:
    return SessionCodec(
        secret=settings.resolved_secret_key(), max_age=settings.session_max_age_seconds
    )


def test_a_session_cookie_reads_back_as_issued():
    codec = SessionCodec(secret="k", max_age=60)
    cookie, data = codec.issue(user_id=7)
    assert codec.read(cookie) == data
    assert len(data.csrf) >= 32


def test_every_session_gets_its_own_csrf_token():
    codec = SessionCodec(secret="k", max_age=60)
    assert codec.issue(user_id=7)[1].csrf != codec.issue(user_id=7)[1].csrf


def test_a_cookie_signed_with_another_secret_is_no_session():
    cookie, _ = SessionCodec(secret="attacker", max_age=60).issue(user_id=1)
    assert SessionCodec(secret="k", max_age=60).read(cookie) is None


def test_a_tampered_cookie_is_no_session():
    codec = SessionCodec(secret="k", max_age=60)
    cookie, _ = codec.issue(user_id=7)
    _payload, rest = cookie.split(".", 1)
    forged = URLSafeTimedSerializer("k", salt="loupe-session").dumps({"uid": 1, "csrf": "x"})
    assert codec.read(forged.split(".", 1)[0] + "." + rest) is None
    assert codec.read("garbage") is None


def test_an_old_cookie_has_expired(monkeypatch: pytest.MonkeyPatch):
    codec = SessionCodec(secret="k", max_age=60)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 61)
    cookie, _ = codec.issue(user_id=7)
    monkeypatch.setattr(time, "time", real)
    assert codec.read(cookie) is None


def test_a_cookie_read_before_still_expires_on_time(monkeypatch: pytest.MonkeyPatch):
    # Verified cookies are cached; the cache must not keep them alive past max_age.
    codec = SessionCodec(secret="k", max_age=60)
    cookie, data = codec.issue(user_id=7)
    assert codec.read(cookie) == data
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 59)
    assert codec.read(cookie) == data
    monkeypatch.setattr(time, "time", lambda: real() + 62)
    assert codec.read(cookie) is None
    # Nor is a cookie dated in the future (a clock set back) accepted once cached.
    monkeypatch.setattr(time, "time", lambda: real() - 5)
    assert codec.read(cookie) is None


def test_a_login_state_cookie_never_passes_for_a_session_and_back():
    login_cookie, _ = LoginStateCodec(secret="k").issue(next="/")
    session_cookie, _ = SessionCodec(secret="k", max_age=60).issue(user_id=7)
    assert SessionCodec(secret="k", max_age=60).read(login_cookie) is None
    assert LoginStateCodec(secret="k").read(session_cookie) is None


def test_the_pkce_verifier_follows_rfc_7636():
    _, state = LoginStateCodec(secret="k").issue(next="/")
    assert 43 <= len(state.verifier) <= 128
    assert all(c.isalnum() or c in "-._~" for c in state.verifier)


def test_an_expired_session_is_refused(
    client: TestClient, settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
):
    user = make_user(session)
    session.commit()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - settings.session_max_age_seconds - 5)
    cookie, _ = codec_for(settings).issue(user_id=user.id)
    monkeypatch.setattr(time, "time", real)
    client.cookies.set(COOKIE, cookie)
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_a_forged_session_cookie_is_refused(
    client: TestClient, settings: Settings, session: Session
):
    admin = make_user(session, admin=True)
    session.commit()
    forged, _ = SessionCodec(secret="guessed", max_age=3600).issue(user_id=admin.id)
    client.cookies.set(COOKIE, forged)
    assert client.get("/api/me").status_code == 401


def test_a_session_of_a_deleted_user_is_refused(
    client: TestClient, settings: Settings, session: Session
):
    user = make_user(session)
    session.commit()
    login(client, settings, user)
    session.delete(user)
    session.commit()
    assert client.get("/api/me").status_code == 401


def test_a_cross_site_post_without_the_csrf_token_is_refused(
    app: FastAPI, client: TestClient, settings: Settings, session: Session
):
    admin = make_user(session, admin=True)
    other = make_user(session)
    session.commit()
    headers = login(client, settings, admin)
    url = f"/api/users/{other.id}/organizer"

    missing = client.put(url)
    assert missing.status_code == 403
    assert missing.json()["error"] == "csrf_failed"
    wrong = client.put(url, headers={"X-CSRF-Token": "not-the-token"})
    assert wrong.status_code == 403
    # The token of another session of the same user does not fit this one either.
    _, other_session = codec_for(settings).issue(user_id=admin.id)
    assert client.put(url, headers={"X-CSRF-Token": other_session.csrf}).status_code == 403

    assert client.put(url, headers=headers).status_code == 200


def test_reads_need_no_csrf_token(client: TestClient, settings: Settings, session: Session):
    user = make_user(session)
    session.commit()
    login(client, settings, user)
    assert client.get("/api/me").status_code == 200
