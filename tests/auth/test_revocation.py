"""Ending sessions: logout ends them everywhere, admins can end someone's, and a cookie planted
before login is never the one that gets logged in (no session fixation)."""

import asyncio
import subprocess
import sys

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from app.auth.deps import current_user
from app.auth.double import OAuthProvider
from app.auth.sessions import COOKIE, CSRF_HEADER, SessionCodec
from app.core.config import Settings
from app.models import AuditEvent, User
from tests.auth.conftest import oauth_login
from tests.factories import make_user
from tests.helpers import login

# The cookie domain TestClient's responses set, so a planted cookie sits in the same slot.
SITE = "testserver.local"


def browser(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False)


def me(client: TestClient) -> str | None:
    response = client.get("/api/me")
    return response.json()["user"]["username"] if response.status_code == 200 else None


def epoch(db: Engine, username: str) -> int:
    with Session(db) as session:
        return session.exec(select(User).where(User.username == username)).one().session_epoch


def test_logout_in_one_browser_ends_the_session_in_every_other(
    app: FastAPI, provider: OAuthProvider, db: Engine
):
    provider.add_user("Ivan Example")
    with browser(app) as laptop, browser(app) as phone:
        oauth_login(laptop, provider, "Ivan Example")
        oauth_login(phone, provider, "Ivan Example")
        stolen = phone.cookies[COOKIE]
        assert me(laptop) == me(phone) == "Ivan Example"

        token = laptop.get("/api/me").json()["csrf_token"]
        assert laptop.post("/auth/logout", headers={CSRF_HEADER: token}).status_code == 303

        assert me(laptop) is None
        assert me(phone) is None
        # Even a copy of the cookie, with its CSRF token, no longer acts.
        with browser(app) as thief:
            thief.cookies.set(COOKIE, stolen)
            assert thief.get("/api/me").status_code == 401
        assert epoch(db, "Ivan Example") == 1

        # Logging in again gives a working session with the new epoch.
        oauth_login(phone, provider, "Ivan Example")
        assert me(phone) == "Ivan Example"


def test_logging_out_with_an_ended_session_ends_nothing_more(
    app: FastAPI, provider: OAuthProvider, db: Engine, settings: Settings
):
    provider.add_user("Ivan Example")
    with browser(app) as old, browser(app) as new:
        oauth_login(old, provider, "Ivan Example")
        old_token = old.get("/api/me").json()["csrf_token"]
        old.post("/auth/logout", headers={CSRF_HEADER: old_token})
        oauth_login(new, provider, "Ivan Example")

        # A stale cookie replayed at logout (with its token) cannot log the new session out.
        codec = SessionCodec(secret=settings.resolved_secret_key(), max_age=3600)
        with Session(db) as session:
            ivan = session.exec(select(User).where(User.username == "Ivan Example")).one()
        stale, data = codec.issue(user_id=ivan.id, epoch=0)
        with browser(app) as replay:
            replay.cookies.set(COOKIE, stale)
            replay.post("/auth/logout", headers={CSRF_HEADER: data.csrf})
        assert me(new) == "Ivan Example"
        assert epoch(db, "Ivan Example") == 1


def test_an_admin_can_log_a_user_out_everywhere(
    client: TestClient, session: Session, settings: Settings, app: FastAPI
):
    admin = make_user(session, admin=True)
    juror = make_user(session, username="Compromised")
    session.commit()
    with browser(app) as victim:
        login(victim, settings, juror)
        assert me(victim) == "Compromised"

        headers = login(client, settings, admin)
        response = client.delete(f"/api/users/{juror.id}/sessions", headers=headers)
        assert response.status_code == 204
        assert me(victim) is None
    assert me(client) == admin.username  # the admin's own session is untouched

    session.expire_all()
    event = session.exec(select(AuditEvent).where(AuditEvent.object_id == juror.id)).one()
    assert (event.action, event.actor_id) == ("user.sessions_revoke", admin.id)


def test_only_admins_end_other_peoples_sessions(
    client: TestClient, session: Session, settings: Settings
):
    organizer = make_user(session, organizer=True)
    other = make_user(session)
    session.commit()
    headers = login(client, settings, organizer)
    assert client.delete(f"/api/users/{other.id}/sessions", headers=headers).status_code == 403
    session.expire_all()
    assert session.get(User, other.id).session_epoch == 0


def test_a_cookie_planted_before_login_is_replaced_at_login(
    app: FastAPI, provider: OAuthProvider, session: Session, settings: Settings
):
    """An attacker gives the victim's browser a cookie they know (here: a valid session of
    their own); the victim's login must issue a new cookie, and the attacker's stays theirs."""
    provider.add_user("Victim")
    attacker = make_user(session, username="Attacker")
    session.commit()
    codec = SessionCodec(secret=settings.resolved_secret_key(), max_age=3600)
    planted, planted_data = codec.issue(user_id=attacker.id)
    with browser(app) as victim:
        victim.cookies.set(COOKIE, planted, domain=SITE)
        assert me(victim) == "Attacker"

        callback = oauth_login(victim, provider, "Victim")
        issued = [h for h in callback.headers.get_list("set-cookie") if h.startswith(COOKIE)]
        assert len(issued) == 1
        assert victim.cookies[COOKIE] != planted
        assert me(victim) == "Victim"
        assert victim.get("/api/me").json()["csrf_token"] != planted_data.csrf

    with browser(app) as attacker_browser:
        attacker_browser.cookies.set(COOKIE, planted)
        assert me(attacker_browser) == "Attacker"


def test_a_garbage_cookie_before_login_is_replaced_too(app: FastAPI, provider: OAuthProvider):
    provider.add_user("Ivan Example")
    with browser(app) as client:
        client.cookies.set(COOKIE, "chosen-by-an-attacker", domain=SITE)
        oauth_login(client, provider, "Ivan Example")
        assert client.cookies[COOKIE] != "chosen-by-an-attacker"
        assert me(client) == "Ivan Example"


def test_a_cookie_with_a_forged_epoch_is_no_session(settings: Settings):
    codec = SessionCodec(secret=settings.resolved_secret_key(), max_age=3600)
    cookie, _ = codec.issue(user_id=1, epoch=3)
    assert codec.read(cookie).epoch == 3
    # Older cookies without an epoch read as epoch 0; anything but an integer is refused.
    raw = URLSafeTimedSerializer(settings.resolved_secret_key(), salt="loupe-session")
    assert codec.read(raw.dumps({"uid": 1, "csrf": "t"})).epoch == 0
    assert codec.read(raw.dumps({"uid": 1, "csrf": "t", "ep": "3"})) is None


def test_the_epoch_check_costs_no_query_beyond_loading_the_user(
    app: FastAPI, session: Session, settings: Settings, db: Engine
):
    user = make_user(session)
    session.commit()
    cookie, _ = SessionCodec(secret=settings.resolved_secret_key(), max_age=3600).issue(
        user_id=user.id
    )
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/api/me",
            "headers": [(b"cookie", f"{COOKIE}={cookie}".encode())],
            "app": app,
        }
    )
    selects: list[str] = []

    def record(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(db, "before_cursor_execute", record)
    try:
        with Session(db) as fresh:
            loaded = asyncio.run(current_user(request, fresh))
            assert loaded.id == user.id
            # Built without the ORM's loading, it is still the session's own, unchanged user.
            assert fresh.get(User, user.id) is loaded
            assert loaded in fresh and not fresh.dirty
            assert loaded.username == user.username and loaded.created_at == user.created_at
    finally:
        event.remove(db, "before_cursor_execute", record)
    assert len(selects) == 1 and "FROM users" in selects[0]


def test_the_session_user_is_built_in_a_process_that_has_not_queried_yet():
    # The ORM configures its mappers at the first query; a server's first request may build
    # the session user before any.
    code = (
        "from sqlalchemy.orm import make_transient_to_detached\n"
        "from app.core.db import loaded\n"
        "from app.models import User\n"
        "user = loaded(User, {'id': 1, 'wiki_id': 2, 'username': 'Ana', 'session_epoch': 0})\n"
        "make_transient_to_detached(user)\n"
        "print(user.username)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Ana\n"


def test_a_csrf_token_with_non_ascii_characters_is_refused_not_a_crash(
    app: FastAPI, settings: Settings, session: Session
):
    """hmac.compare_digest raises TypeError on non-ASCII text: that must be a 403, not a 500."""
    user = make_user(session)
    session.commit()
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        login(client, settings, user)
        api = client.post("/api/campaigns", json={}, headers={CSRF_HEADER: b"\xe9t\xe9"})
        assert api.status_code == 403, api.text
        assert api.json()["error"] == "csrf_failed"
        form = client.post("/auth/logout", data={"csrf_token": "été"})
        assert form.status_code == 403
        assert me(client) == user.username
