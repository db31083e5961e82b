"""The OAuth double speaks Wikimedia's wire format (reference §7.3-7.5, §7.9)."""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.auth.double import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, PREFIX, OAuthProvider

CALLBACK = "https://loupe.example/auth/callback"
VERIFIER = "v" * 64


def challenge(verifier: str = VERIFIER) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@pytest.fixture
def provider() -> OAuthProvider:
    provider = OAuthProvider(redirect_uri=CALLBACK)
    provider.add_user("Ivan Example", sub=53182469)
    provider.login_as("Ivan Example")
    return provider


@pytest.fixture
def wiki(provider: OAuthProvider):
    with TestClient(provider.app, base_url="https://meta.wikimedia.org") as client:
        client.follow_redirects = False
        yield client


def authorize(wiki: TestClient, **overrides: str):
    params = {
        "response_type": "code",
        "client_id": DEFAULT_CLIENT_ID,
        "redirect_uri": CALLBACK,
        "state": "the-state",
        "code_challenge": challenge(),
        "code_challenge_method": "S256",
        **overrides,
    }
    return wiki.get(f"{PREFIX}/authorize", params={k: v for k, v in params.items() if v})


def code_from(response) -> str:
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]


def token(wiki: TestClient, code: str, **overrides: str):
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "code_verifier": VERIFIER,
        **overrides,
    }
    return wiki.post(f"{PREFIX}/access_token", data={k: v for k, v in form.items() if v})


def test_authorize_redirects_back_with_code_and_state(wiki: TestClient):
    location = authorize(wiki).headers["location"]
    assert location.startswith(CALLBACK + "?code=def50200")
    assert parse_qs(urlsplit(location).query)["state"] == ["the-state"]


def test_a_denied_consent_redirects_with_wikimedias_error_and_no_state(
    provider: OAuthProvider, wiki: TestClient
):
    provider.deny_consent = True
    location = authorize(wiki).headers["location"]
    assert location == (
        CALLBACK + "?error=unauthorized_client"
        "&error_description=User+has+rejected+the+request+from+client+application"
    )


def test_an_unknown_client_or_callback_gets_an_html_error_not_a_redirect(wiki: TestClient):
    for response in (
        authorize(wiki, client_id="nobody"),
        authorize(wiki, redirect_uri="https://evil.example/auth/callback"),
    ):
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("text/html")


def test_loopback_callbacks_match_on_any_port(provider: OAuthProvider, wiki: TestClient):
    provider.add_client("local", secret="s", redirect_uri="http://127.0.0.1/cb")
    response = authorize(wiki, client_id="local", redirect_uri="http://127.0.0.1:5173/cb")
    assert response.headers["location"].startswith("http://127.0.0.1:5173/cb?code=")
    assert (
        authorize(wiki, client_id="local", redirect_uri="http://localhost:5173/cb").status_code
        == 401
    )


def test_a_public_client_must_send_a_code_challenge(provider: OAuthProvider, wiki: TestClient):
    provider.add_client("pub", secret="", redirect_uri=CALLBACK, confidential=False)
    response = authorize(wiki, client_id="pub", code_challenge="", code_challenge_method="")
    assert response.status_code == 400
    assert "Code challenge must be provided for public clients" in response.text


def test_without_a_logged_in_user_authorize_shows_a_login_form(
    provider: OAuthProvider, wiki: TestClient
):
    provider.login_as(None)
    page = authorize(wiki)
    assert page.status_code == 200 and "<form" in page.text
    allowed = wiki.post(str(page.url), data={"username": "New Person", "action": "allow"})
    assert allowed.headers["location"].startswith(CALLBACK + "?code=")
    assert provider.user("New Person").sub > 0
    denied = wiki.post(str(page.url), data={"username": "New Person", "action": "deny"})
    assert "error=unauthorized_client" in denied.headers["location"]


def test_the_token_answer_is_leagues_bearer_response(wiki: TestClient):
    response = token(wiki, code_from(authorize(wiki)))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = json.loads(response.text)
    assert list(body) == ["token_type", "expires_in", "access_token", "refresh_token"]
    assert body["token_type"] == "Bearer" and body["expires_in"] == 14400
    _header, claims, _ = body["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert claims["sub"] == "53182469" and claims["aud"] == DEFAULT_CLIENT_ID


def test_the_token_endpoint_takes_form_encoding_only(wiki: TestClient):
    code = code_from(authorize(wiki))
    response = wiki.post(f"{PREFIX}/access_token", json={"grant_type": "authorization_code"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert token(wiki, code).status_code == 200


def test_a_code_is_single_use(wiki: TestClient):
    code = code_from(authorize(wiki))
    assert token(wiki, code).status_code == 200
    again = token(wiki, code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": again.json()["error_description"],
        "hint": "Authorization code has been revoked",
    }


def test_a_code_expires_after_ten_minutes(provider: OAuthProvider, wiki: TestClient):
    code = code_from(authorize(wiki))
    provider.advance(601)
    assert token(wiki, code).json()["hint"] == "Authorization code has expired"


def test_a_wrong_code_verifier_fails_pkce(wiki: TestClient):
    response = token(wiki, code_from(authorize(wiki)), code_verifier="w" * 64)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response.json()["hint"] == "Failed to verify `code_verifier`."


def test_a_missing_code_verifier_is_an_invalid_request(wiki: TestClient):
    response = token(wiki, code_from(authorize(wiki)), code_verifier="")
    assert response.json()["hint"] == "Check the `code_verifier` parameter"


def test_the_redirect_uri_must_equal_the_one_sent_to_authorize(wiki: TestClient):
    response = token(wiki, code_from(authorize(wiki)), redirect_uri="https://loupe.example/x")
    assert response.status_code == 400
    assert response.json()["hint"] == "Invalid redirect URI"


def test_a_wrong_secret_is_invalid_client(wiki: TestClient):
    response = token(wiki, code_from(authorize(wiki)), client_secret="wrong")
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed",
    }
    assert "www-authenticate" not in response.headers


def test_basic_client_authentication_is_accepted_and_challenged_when_wrong(wiki: TestClient):
    code = code_from(authorize(wiki))
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    form["code_verifier"] = VERIFIER
    bad = wiki.post(f"{PREFIX}/access_token", data=form, auth=(DEFAULT_CLIENT_ID, "wrong"))
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == 'Basic realm="OAuth"'
    good = wiki.post(
        f"{PREFIX}/access_token", data=form, auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    )
    assert good.status_code == 200


def test_the_profile_answers_with_sub_as_a_string_in_wikimedias_key_order(wiki: TestClient):
    access = token(wiki, code_from(authorize(wiki))).json()["access_token"]
    response = wiki.get(f"{PREFIX}/resource/profile", headers={"Authorization": f"Bearer {access}"})
    body = json.loads(response.text)
    assert list(body) == [
        "sub",
        "username",
        "editcount",
        "confirmed_email",
        "email_verified",
        "blocked",
        "registered",
        "groups",
        "rights",
        "grants",
    ]
    assert body["sub"] == "53182469"
    assert len(body["registered"]) == 14
    assert body["grants"] == ["mwoauth-authonly"]


def test_a_suppressed_user_profile_is_only_sub_and_blocked(
    provider: OAuthProvider, wiki: TestClient
):
    provider.user("Ivan Example").hidden = True
    access = token(wiki, code_from(authorize(wiki))).json()["access_token"]
    body = wiki.get(
        f"{PREFIX}/resource/profile", headers={"Authorization": f"Bearer {access}"}
    ).json()
    assert body == {"sub": "53182469", "blocked": True}


def test_the_profile_refuses_missing_and_expired_tokens(provider: OAuthProvider, wiki: TestClient):
    missing = wiki.get(f"{PREFIX}/resource/profile")
    assert missing.status_code == 401
    assert missing.json()["hint"] == 'Missing "Authorization" header'
    access = token(wiki, code_from(authorize(wiki))).json()["access_token"]
    provider.advance(14401)
    expired = wiki.get(f"{PREFIX}/resource/profile", headers={"Authorization": f"Bearer {access}"})
    assert expired.status_code == 401
    assert expired.json()["error"] == "access_denied"
    assert expired.json()["hint"] == "Access token could not be verified"


def test_refresh_tokens_rotate_with_a_grace_period(provider: OAuthProvider, wiki: TestClient):
    first = token(wiki, code_from(authorize(wiki))).json()["refresh_token"]
    form = {
        "grant_type": "refresh_token",
        "refresh_token": first,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
    }
    rotated = wiki.post(f"{PREFIX}/access_token", data=form)
    assert rotated.status_code == 200
    assert rotated.json()["refresh_token"] != first
    assert wiki.post(f"{PREFIX}/access_token", data=form).status_code == 200  # within grace
    provider.advance(601)
    late = wiki.post(f"{PREFIX}/access_token", data=form)
    assert late.status_code == 400
    assert late.json()["hint"] == "Token has been revoked"


def test_a_down_endpoint_answers_the_edges_html_503(provider: OAuthProvider, wiki: TestClient):
    provider.down = {"authorize", "access_token", "profile"}
    assert authorize(wiki).status_code == 503
    response = wiki.post(f"{PREFIX}/access_token", data={"grant_type": "authorization_code"})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert wiki.get(f"{PREFIX}/resource/profile").status_code == 503


def test_settings_for_points_loupe_at_the_double(provider: OAuthProvider):
    settings = provider.settings_for("http://127.0.0.1:8001/")
    assert settings["oauth_token_url"] == "http://127.0.0.1:8001/w/rest.php/oauth2/access_token"
    assert settings["oauth_client_secret"] == DEFAULT_CLIENT_SECRET
