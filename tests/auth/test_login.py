"""Login with Wikimedia OAuth 2.0 through the local provider double on a real loopback port."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from app.auth.double import OAuthProvider
from app.auth.ratelimit import RateLimiter
from app.auth.sessions import COOKIE, LOGIN_COOKIE
from app.core.config import Settings
from app.main import create_app
from app.models import AuditEvent, User
from tests.auth.conftest import CALLBACK, authorize, oauth_login, start_login


def users(db: Engine) -> list[User]:
    with Session(db) as session:
        return list(session.exec(select(User).order_by(User.id)))


def set_cookie_header(response, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def test_login_redirects_to_wikimedia_authorize_with_pkce_and_state(
    client: TestClient, settings: Settings
):
    response = start_login(client)
    url = urlsplit(response.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == settings.oauth_authorize_url
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == settings.oauth_client_id
    assert query["redirect_uri"] == CALLBACK
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32
    cookie = set_cookie_header(response, LOGIN_COOKIE).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/auth" in cookie and "max-age=600" in cookie
    assert "secure" not in cookie


def test_login_creates_the_user_keyed_by_sub_and_starts_a_session(
    client: TestClient, provider: OAuthProvider, settings: Settings, db: Engine
):
    provider.add_user("Ivan Example", sub=53182469)
    response = oauth_login(client, provider, "Ivan Example")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = set_cookie_header(response, COOKIE).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert f"max-age={settings.session_max_age_seconds}" in cookie
    assert "secure" not in cookie  # http base URL
    # The one-shot login state is gone.
    assert set_cookie_header(response, LOGIN_COOKIE).startswith(f'{LOGIN_COOKIE}=""')

    [user] = users(db)
    assert (user.wiki_id, user.username) == (53182469, "Ivan Example")
    assert user.last_login_at is not None
    me = client.get("/api/me").json()
    assert me["user"]["id"] == user.id
    assert me["user"]["username"] == "Ivan Example"


def test_login_goes_to_next_when_it_is_a_path_on_this_site(
    client: TestClient, provider: OAuthProvider
):
    provider.add_user("Ivan Example")
    response = oauth_login(client, provider, "Ivan Example", next="/campaigns/3?tab=rounds")
    assert response.headers["location"] == "/campaigns/3?tab=rounds"


@pytest.mark.parametrize(
    "next",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_login_never_redirects_off_site_through_next(
    client: TestClient, provider: OAuthProvider, next: str
):
    provider.add_user("Ivan Example")
    response = oauth_login(client, provider, "Ivan Example", next=next)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


# Non-ASCII text made hmac.compare_digest raise: a 500 instead of the refusal.
@pytest.mark.parametrize("state", ["attacker-chosen-state", "%C3%A9t%C3%A9"])
def test_state_mismatch_is_refused_before_any_code_exchange(
    client: TestClient, provider: OAuthProvider, db: Engine, state: str
):
    provider.add_user("Ivan Example")
    provider.login_as("Ivan Example")
    back = urlsplit(authorize(start_login(client)))
    query = parse_qs(back.query)
    forged = f"/auth/callback?code={query['code'][0]}&state={state}"
    response = client.get(forged)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "could not be verified" in response.text
    assert ("access_token", "application/x-www-form-urlencoded") not in provider.log
    assert users(db) == []


def test_callback_without_the_login_cookie_is_refused(
    client: TestClient, provider: OAuthProvider, db: Engine
):
    provider.add_user("Ivan Example")
    provider.login_as("Ivan Example")
    back = authorize(start_login(client))
    client.cookies.clear()  # e.g. the login was started in another browser
    response = client.get(back)
    assert response.status_code == 400
    assert "Login expired" in response.text
    assert users(db) == []


def test_a_replayed_code_is_refused(client: TestClient, provider: OAuthProvider, db: Engine):
    provider.add_user("Ivan Example")
    provider.login_as("Ivan Example")
    start = start_login(client)
    login_cookie = client.cookies.get(LOGIN_COOKIE)
    back = authorize(start)
    assert client.get(back).status_code == 303
    # Replay the same callback with the same login state: the provider refuses the used code.
    client.cookies.clear()
    client.cookies.set(LOGIN_COOKIE, login_cookie, path="/auth")
    response = client.get(back)
    assert response.status_code == 400
    assert "expired or was already used" in response.text
    assert len(users(db)) == 1


def test_an_expired_code_is_refused(client: TestClient, provider: OAuthProvider, db: Engine):
    provider.add_user("Ivan Example")
    provider.login_as("Ivan Example")
    back = authorize(start_login(client))
    provider.advance(601)  # codes live ten minutes
    response = client.get(back)
    assert response.status_code == 400
    assert "expired or was already used" in response.text
    assert users(db) == []


def test_denied_consent_shows_a_clear_page_and_creates_nothing(
    client: TestClient, provider: OAuthProvider, db: Engine
):
    provider.add_user("Ivan Example", denies=True)
    response = oauth_login(client, provider, "Ivan Example")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "Login cancelled" in response.text
    assert set_cookie_header(response, LOGIN_COOKIE).startswith(f'{LOGIN_COOKIE}=""')
    assert COOKIE not in client.cookies
    assert users(db) == []


@pytest.mark.parametrize("endpoint", ["access_token", "profile"])
def test_a_provider_that_is_down_gives_an_error_page_and_no_user(
    client: TestClient, provider: OAuthProvider, db: Engine, endpoint: str
):
    provider.add_user("Ivan Example")
    provider.down = {endpoint}
    response = oauth_login(client, provider, "Ivan Example")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "could not be reached" in response.text or "did not return" in response.text
    assert COOKIE not in client.cookies
    assert users(db) == []


def test_an_unreachable_provider_gives_an_error_page_and_no_user(
    settings: Settings, provider: OAuthProvider, db: Engine
):
    provider.add_user("Ivan Example")
    provider.login_as("Ivan Example")
    closed = settings.model_copy(update={"oauth_token_url": "http://127.0.0.1:1/access_token"})
    app = create_app(closed, engine=db, run_jobs=False)
    with TestClient(app, follow_redirects=False) as client:
        response = client.get(authorize(start_login(client)))
    assert response.status_code == 502
    assert "could not be reached" in response.text
    assert users(db) == []


def test_a_blocked_account_is_refused_with_a_clear_message(
    client: TestClient, provider: OAuthProvider, db: Engine
):
    provider.add_user("Vandal", blocked=True)
    response = oauth_login(client, provider, "Vandal")
    assert response.status_code == 403
    assert "Your account is blocked" in response.text
    assert COOKIE not in client.cookies
    assert users(db) == []


def test_a_suppressed_account_is_refused_as_blocked(
    client: TestClient, provider: OAuthProvider, db: Engine
):
    provider.add_user("Hidden", hidden=True)
    response = oauth_login(client, provider, "Hidden")
    assert response.status_code == 403
    assert users(db) == []


def test_a_user_blocked_since_their_last_login_is_refused(
    client: TestClient, provider: OAuthProvider, db: Engine
):
    provider.add_user("Ivan Example")
    assert oauth_login(client, provider, "Ivan Example").status_code == 303
    client.cookies.clear()
    provider.user("Ivan Example").blocked = True
    assert oauth_login(client, provider, "Ivan Example").status_code == 403
    assert COOKIE not in client.cookies


def test_a_renamed_user_logs_in_as_the_same_user_with_the_new_name(
    client: TestClient, provider: OAuthProvider, db: Engine
):
    provider.add_user("Old Name", sub=777)
    oauth_login(client, provider, "Old Name")
    [before] = users(db)
    provider.rename(777, "New Name")
    client.cookies.clear()
    assert oauth_login(client, provider, "New Name").status_code == 303
    [after] = users(db)
    assert after.id == before.id
    assert after.username == "New Name"
    with Session(db) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.rename")).one()
    assert event.details == {"from": "Old Name", "to": "New Name"}


def test_users_listed_in_the_admins_setting_become_admins_at_login(
    settings: Settings, provider: OAuthProvider, db: Engine
):
    provider.add_user("Boss")
    app = create_app(settings.model_copy(update={"admins": "Boss, Other"}), engine=db)
    with TestClient(app, follow_redirects=False) as client:
        oauth_login(client, provider, "Boss")
        assert client.get("/api/me").json()["roles"]["admin"] is True
    [user] = users(db)
    assert user.is_admin


def test_session_cookie_is_secure_when_the_site_is_https(
    settings: Settings, provider: OAuthProvider, provider_url: str, db: Engine
):
    provider.add_client(
        "https-client", secret="s3cret", redirect_uri="https://loupe.example/auth/callback"
    )
    provider.add_user("Ivan Example")
    https = settings.model_copy(
        update={
            "base_url": "https://loupe.example",
            **provider.settings_for(provider_url, client_id="https-client"),
        }
    )
    app = create_app(https, engine=db, run_jobs=False)
    with TestClient(app, base_url="https://loupe.example", follow_redirects=False) as client:
        start = start_login(client)
        assert "secure" in set_cookie_header(start, LOGIN_COOKIE).lower()
        provider.login_as("Ivan Example")
        response = client.get(authorize(start))
        assert response.status_code == 303
        assert "secure" in set_cookie_header(response, COOKIE).lower()
        assert client.get("/api/me").status_code == 200


def test_login_is_not_offered_when_no_oauth_client_is_configured(settings: Settings, db: Engine):
    app = create_app(settings.model_copy(update={"oauth_client_id": ""}), engine=db)
    with TestClient(app, follow_redirects=False) as client:
        response = client.get("/auth/login")
    assert response.status_code == 503
    assert "not configured" in response.text


def test_login_endpoints_are_rate_limited_per_client_address(app: FastAPI, client: TestClient):
    app.state.login_rate_limiter = RateLimiter(limit=2, window=60)
    assert client.get("/auth/login").status_code == 303
    assert client.get("/auth/callback").status_code == 400  # counted too
    response = client.get("/auth/login")
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/html")
    assert 1 <= int(response.headers["retry-after"]) <= 60


def test_logout_ends_the_session_and_needs_the_csrf_token(
    client: TestClient, provider: OAuthProvider
):
    provider.add_user("Ivan Example")
    oauth_login(client, provider, "Ivan Example")
    token = client.get("/api/me").json()["csrf_token"]

    refused = client.post("/auth/logout")
    assert refused.status_code == 403
    assert client.get("/api/me").status_code == 200

    response = client.post("/auth/logout", headers={"X-CSRF-Token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.get("/api/me").status_code == 401


def test_logout_accepts_the_csrf_token_as_a_form_field(client: TestClient, provider: OAuthProvider):
    provider.add_user("Ivan Example")
    oauth_login(client, provider, "Ivan Example")
    token = client.get("/api/me").json()["csrf_token"]
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/api/me").status_code == 401


def test_logout_without_a_session_just_clears_the_cookie(client: TestClient):
    response = client.post("/auth/logout")
    assert response.status_code == 303
    assert set_cookie_header(response, COOKIE).startswith(f'{COOKIE}=""')


def test_user_count_is_one_after_repeated_logins(
    client: TestClient, provider: OAuthProvider, db: Engine
):
    provider.add_user("Ivan Example")
    for _ in range(3):
        client.cookies.clear()
        assert oauth_login(client, provider, "Ivan Example").status_code == 303
    with Session(db) as session:
        assert session.exec(select(func.count()).select_from(User)).one() == 1


def test_a_wrong_client_secret_is_reported_as_a_provider_refusal(
    settings: Settings, provider: OAuthProvider, db: Engine
):
    provider.add_user("Ivan Example")
    provider.login_as("Ivan Example")
    app = create_app(settings.model_copy(update={"oauth_client_secret": "wrong"}), engine=db)
    with TestClient(app, follow_redirects=False) as client:
        response = client.get(authorize(start_login(client)))
    assert response.status_code == 502
    assert "invalid_client" in response.text
    assert users(db) == []


@pytest.mark.parametrize(
    ("token_answer", "profile_answer"),
    [
        (httpx.Response(200, json={"token_type": "Bearer"}), None),  # no access token
        (httpx.Response(200, text="<html>proxy error</html>"), None),
        (httpx.Response(429, text="slow down"), None),
        (None, httpx.Response(200, text="not json")),
        (None, httpx.Response(200, json={"username": "No Sub", "blocked": False})),
        (None, httpx.Response(200, json={"sub": "5", "blocked": False})),  # no username
        (None, httpx.Response(401, json={"error": "access_denied"})),
    ],
)
def test_odd_provider_answers_give_an_error_page_and_no_user(
    app: FastAPI, client: TestClient, db: Engine, token_answer, profile_answer
):
    good_token = httpx.Response(200, json={"token_type": "Bearer", "access_token": "t"})
    good_profile = httpx.Response(200, json={"sub": "5", "username": "A", "blocked": False})

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/access_token"):
            return token_answer or good_token
        return profile_answer or good_profile

    app.state.oauth_transport = httpx.MockTransport(answer)
    state = parse_qs(urlsplit(start_login(client).headers["location"]).query)["state"][0]
    response = client.get("/auth/callback", params={"code": "c", "state": state})
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert users(db) == []
