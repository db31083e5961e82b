"""A local stand-in for Wikimedia's OAuth 2.0 server, speaking its wire format.

Endpoints under ``/w/rest.php/oauth2`` as on meta.wikimedia.org: ``authorize`` (redirects back
with ``code`` and ``state``, or Wikimedia's refusal without ``state``), ``access_token``
(form-encoded only; single-use 10-minute codes, PKCE, refresh-token rotation, the league
error bodies) and ``resource/profile`` (the profile with ``sub`` as a string). Used by the
unit tests, the browser tests and the offline demo::

    provider = OAuthProvider(redirect_uri="http://127.0.0.1/auth/callback")
    provider.add_user("Ivan Example", sub=53182469)
    provider.login_as("Ivan Example")          # else authorize shows a login/consent form
    with serve_in_thread(provider.app) as url:
        settings = Settings(**provider.settings_for(url), ...)

or from a shell: ``python -m app.auth.double --port 8001 --user "Ivan Example"``.
"""

import argparse
import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

# One loopback server helper for every double (re-exported for the tests and the demo).
from app.commons.double import serve_in_thread

__all__ = ["FakeUser", "OAuthProvider", "serve_in_thread"]

PREFIX = "/w/rest.php/oauth2"
CODE_TTL = 600  # AuthorizationCodeProvider PT10M
ACCESS_TTL = 14400  # $wgOAuth2GrantExpirationInterval on Wikimedia (PT4H)
REFRESH_TTL = 365 * 86400  # $wgOAuth2RefreshTokenTTL on Wikimedia (P365D)
REFRESH_GRACE = 600  # OAuth2RefreshTokenGracePeriod
DEFAULT_CLIENT_ID = "0123456789abcdef0123456789abcdef"
DEFAULT_CLIENT_SECRET = "0123456789abcdef0123456789abcdef01234567"
VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")

INVALID_REQUEST = (
    "The request is missing a required parameter, includes an invalid parameter value, "
    "includes a parameter more than once, or is otherwise malformed."
)
INVALID_GRANT = (
    "The provided authorization grant (e.g., authorization code, resource owner credentials) "
    "or refresh token is invalid, expired, revoked, does not match the redirection URI used in "
    "the authorization request, or was issued to another client."
)
ACCESS_DENIED = "The resource owner or authorization server denied the request."
USER_REJECTED = "User has rejected the request from client application"
ENDPOINTS = frozenset({"authorize", "access_token", "profile"})


@dataclass
class FakeUser:
    sub: int
    username: str
    blocked: bool = False
    # Hidden (suppressed) accounts answer only {"sub", "blocked": true}.
    hidden: bool = False
    # Clicks "Cancel" on the consent page.
    denies: bool = False
    editcount: int = 1182
    confirmed_email: bool = True
    registered: str | None = "20110101133631"
    groups: list[str] = field(default_factory=lambda: ["*", "user", "autoconfirmed"])

    def profile(self) -> dict[str, Any]:
        """Keys in UserStatementProvider::getUserProfile's order; ``sub`` as a string."""
        if self.hidden:
            return {"sub": str(self.sub), "blocked": True}
        return {
            "sub": str(self.sub),
            "username": self.username,
            "editcount": self.editcount,
            "confirmed_email": self.confirmed_email,
            "email_verified": self.confirmed_email,
            "blocked": self.blocked,
            "registered": self.registered,
            "groups": list(self.groups),
            "rights": ["read", "edit", "createpage", "createtalk", "writeapi"],
            "grants": ["mwoauth-authonly"],
        }


@dataclass
class FakeClient:
    client_id: str
    secret: str
    redirect_uri: str
    confidential: bool = True


@dataclass
class _Code:
    client_id: str
    redirect_uri: str | None  # as sent to authorize; None when it was left out
    challenge: str | None
    method: str
    sub: int
    expires_at: float
    used: bool = False


@dataclass
class _Token:
    client_id: str
    sub: int
    expires_at: float
    revoked: bool = False


@dataclass
class _Refresh:
    client_id: str
    sub: int
    expires_at: float
    rotated_at: float | None = None


class OAuthProvider:
    """The double's state and its ASGI app (``provider.app``). Thread-safe: the server runs
    in its own thread while a test changes users and failure modes."""

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        redirect_uri: str = "http://127.0.0.1/auth/callback",
        confidential: bool = True,
    ) -> None:
        self._lock = threading.RLock()
        self._default_client = FakeClient(client_id, client_secret, redirect_uri, confidential)
        self.reset()
        self.app = Starlette(
            routes=[
                Route(f"{PREFIX}/authorize", self._authorize, methods=["GET", "POST"]),
                Route(f"{PREFIX}/access_token", self._access_token, methods=["POST"]),
                Route(f"{PREFIX}/resource/profile", self._profile, methods=["GET"]),
                Route(f"{PREFIX}/resource/scopes", self._scopes, methods=["GET"]),
            ]
        )

    # --- what tests use -------------------------------------------------------------------

    def reset(self) -> None:
        """Forget users, codes and tokens; back to the default client, up and consenting."""
        with self._lock:
            self.clients: dict[str, FakeClient] = {}
            self.users: dict[int, FakeUser] = {}
            self.logged_in: int | None = None
            # Every user clicks "Cancel" on the consent page.
            self.deny_consent = False
            # Endpoints ("authorize", "access_token", "profile") answering 503 like the edge.
            self.down: set[str] = set()
            # (endpoint, detail) of every request, for tests to inspect.
            self.log: list[tuple[str, str]] = []
            self._codes: dict[str, _Code] = {}
            self._tokens: dict[str, _Token] = {}
            self._refresh: dict[str, _Refresh] = {}
            self._offset = 0.0
            self._next_sub = 50_000_001
            self.clients[self._default_client.client_id] = self._default_client

    def add_client(
        self, client_id: str, *, secret: str, redirect_uri: str, confidential: bool = True
    ) -> FakeClient:
        with self._lock:
            client = FakeClient(client_id, secret, redirect_uri, confidential)
            self.clients[client_id] = client
            return client

    def add_user(self, username: str, *, sub: int | None = None, **fields: Any) -> FakeUser:
        """A Wikimedia account; fields: blocked, hidden, denies, editcount, registered, groups."""
        with self._lock:
            if sub is None:
                sub = self._next_sub
                self._next_sub += 1
            user = FakeUser(sub=sub, username=username, **fields)
            self.users[sub] = user
            return user

    def user(self, who: str | int) -> FakeUser:
        with self._lock:
            if isinstance(who, int):
                return self.users[who]
            for user in self.users.values():
                if user.username == who:
                    return user
            raise KeyError(who)

    def rename(self, who: str | int, new_username: str) -> FakeUser:
        user = self.user(who)
        user.username = new_username
        return user

    def login_as(self, who: str | int | None) -> None:
        """The account logged in at Meta in "the browser": authorize approves for it at once.
        With None, authorize shows a small login and consent form instead."""
        with self._lock:
            self.logged_in = None if who is None else self.user(who).sub

    def advance(self, seconds: float) -> None:
        """Move the double's clock forward (to expire codes and tokens)."""
        with self._lock:
            self._offset += seconds

    def now(self) -> float:
        return time.time() + self._offset

    def settings_for(self, base_url: str, *, client_id: str | None = None) -> dict[str, str]:
        """Loupe settings that point at this double served at ``base_url``."""
        client = self.clients[client_id or self._default_client.client_id]
        root = base_url.rstrip("/") + PREFIX
        return {
            "oauth_authorize_url": f"{root}/authorize",
            "oauth_token_url": f"{root}/access_token",
            "oauth_profile_url": f"{root}/resource/profile",
            "oauth_client_id": client.client_id,
            "oauth_client_secret": client.secret if client.confidential else "",
        }

    # --- authorize ---------------------------------------------------------------------------

    async def _authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        form = dict(await request.form()) if request.method == "POST" else {}
        with self._lock:
            self.log.append(("authorize", request.method))
            if "authorize" in self.down:
                return _edge_error()
            client = self.clients.get(params.get("client_id", ""))
            if client is None:
                return _html_error(401, "invalid_client", "Client authentication failed")
            redirect_uri = params.get("redirect_uri")
            if redirect_uri is not None and not _redirect_matches(
                client.redirect_uri, redirect_uri
            ):
                return _html_error(401, "invalid_client", "Client authentication failed")
            target = redirect_uri or client.redirect_uri
            if params.get("response_type") != "code":
                return _html_error(
                    400,
                    "unsupported_grant_type",
                    "The authorization grant type is not supported by the authorization server.",
                )
            challenge = params.get("code_challenge")
            method = params.get("code_challenge_method", "plain")
            if challenge is None and not client.confidential:
                return _html_error(
                    400, "invalid_request", "Code challenge must be provided for public clients"
                )
            if challenge is not None:
                if method not in {"plain", "S256"}:
                    return _html_error(
                        400,
                        "invalid_request",
                        "Code challenge method must be one of `plain` or `S256`",
                    )
                if not VERIFIER.match(challenge):
                    return _html_error(
                        400,
                        "invalid_request",
                        "Code challenge must follow the specifications of RFC-7636.",
                    )

            if request.method == "POST":
                if form.get("action") != "allow":
                    return _redirect(target, error=True)
                name = str(form.get("username", "")).strip()
                if not name:
                    return self._consent_page(request, "Enter a username.")
                try:
                    user = self.user(name)
                except KeyError:
                    user = self.add_user(name)
                self.logged_in = user.sub
            elif self.logged_in is None:
                return self._consent_page(request)

            user = self.users[self.logged_in]
            if self.deny_consent or user.denies:
                return _redirect(target, error=True)
            code = "def50200" + secrets.token_hex(96)
            self._codes[code] = _Code(
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                challenge=challenge,
                method=method,
                sub=user.sub,
                expires_at=self.now() + CODE_TTL,
            )
            return _redirect(target, code=code, state=params.get("state"))

    def _consent_page(self, request: Request, problem: str = "") -> HTMLResponse:
        action = escape(f"{request.url.path}?{request.url.query}")
        names = "".join(f'<option value="{escape(user.username)}">' for user in self.users.values())
        body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in · OAuth double</title></head>
<body>
<h1>Log in to the Wikimedia OAuth double</h1>
<p>{escape(problem)}</p>
<form method="post" action="{action}">
<label>Username <input name="username" list="users" autofocus></label>
<datalist id="users">{names}</datalist>
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form>
</body></html>
"""
        return HTMLResponse(body)

    # --- access_token ------------------------------------------------------------------------

    async def _access_token(self, request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        with self._lock:
            self.log.append(("access_token", content_type))
            if "access_token" in self.down:
                return _edge_error()
        if content_type != "application/x-www-form-urlencoded":
            return _oauth_error(
                400, "invalid_request", "Invalid request: unsupported content type", None
            )
        form = {key: str(value) for key, value in (await request.form()).items()}
        with self._lock:
            grant_type = form.get("grant_type")
            if grant_type not in {"authorization_code", "refresh_token"}:
                return _oauth_error(
                    400,
                    "invalid_request",
                    "Invalid request: grant_type",
                    "Check the `grant_type` parameter",
                )
            client, basic = self._authenticate(request, form)
            if client is None:
                headers = {"WWW-Authenticate": 'Basic realm="OAuth"'} if basic else None
                return _oauth_error(
                    401, "invalid_client", "Client authentication failed", None, headers
                )
            if grant_type == "authorization_code":
                return self._code_grant(client, form)
            return self._refresh_grant(client, form)

    def _authenticate(
        self, request: Request, form: dict[str, str]
    ) -> tuple[FakeClient | None, bool]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = False
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            basic = True
            try:
                client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return None, basic
        client = self.clients.get(client_id or "")
        if client is None:
            return None, basic
        if client.confidential and not hmac.compare_digest(secret or "", client.secret):
            return None, basic
        return client, basic

    def _code_grant(self, client: FakeClient, form: dict[str, str]) -> Response:
        raw = form.get("code")
        if not raw:
            return _invalid_request("code")
        code = self._codes.get(raw)
        if code is None:
            return _invalid_request("code", "Cannot decrypt the authorization code")
        if code.client_id != client.client_id:
            return _invalid_request("code", "Authorization code was not issued to this client")
        if self.now() > code.expires_at:
            return _oauth_error(
                400, "invalid_grant", INVALID_GRANT, "Authorization code has expired"
            )
        if code.used:
            return _oauth_error(
                400, "invalid_grant", INVALID_GRANT, "Authorization code has been revoked"
            )
        if code.redirect_uri is not None:
            sent = form.get("redirect_uri")
            if sent is None:
                return _invalid_request("redirect_uri")
            if sent != code.redirect_uri:
                return _invalid_request("redirect_uri", "Invalid redirect URI")
        verifier = form.get("code_verifier")
        if code.challenge is not None:
            if not verifier:
                return _invalid_request("code_verifier")
            if not VERIFIER.match(verifier):
                return _invalid_request(
                    "code_verifier", "Code Verifier must follow the specifications of RFC-7636."
                )
            if code.method == "S256":
                digest = hashlib.sha256(verifier.encode("ascii")).digest()
                computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
            else:
                computed = verifier
            if not hmac.compare_digest(computed, code.challenge):
                return _oauth_error(
                    400, "invalid_grant", INVALID_GRANT, "Failed to verify `code_verifier`."
                )
        elif verifier:
            return _invalid_request(
                "code_challenge", "code_verifier received when no code_challenge is present"
            )
        code.used = True
        return self._issue(client, code.sub)

    def _refresh_grant(self, client: FakeClient, form: dict[str, str]) -> Response:
        raw = form.get("refresh_token")
        if not raw:
            return _invalid_request("refresh_token")
        refresh = self._refresh.get(raw)
        if refresh is None:
            return _invalid_request("refresh_token", "Cannot decrypt the refresh token")
        if refresh.client_id != client.client_id:
            return _invalid_request("refresh_token", "Token is not linked to client")
        now = self.now()
        if now > refresh.expires_at:
            return _invalid_request("refresh_token", "Token has expired")
        if refresh.rotated_at is not None and now > refresh.rotated_at + REFRESH_GRACE:
            return _invalid_request("refresh_token", "Token has been revoked")
        if refresh.rotated_at is None:
            refresh.rotated_at = now
        return self._issue(client, refresh.sub)

    def _issue(self, client: FakeClient, sub: int) -> Response:
        now = self.now()
        access = _fake_jwt(client.client_id, sub, int(now))
        refresh = "def50200" + secrets.token_hex(128)
        self._tokens[access] = _Token(client.client_id, sub, now + ACCESS_TTL)
        self._refresh[refresh] = _Refresh(client.client_id, sub, now + REFRESH_TTL)
        # league's BearerTokenResponse: this key order, these headers.
        body = {
            "token_type": "Bearer",
            "expires_in": ACCESS_TTL,
            "access_token": access,
            "refresh_token": refresh,
        }
        return _json(200, body, {"pragma": "no-cache", "cache-control": "no-store"})

    # --- resources ---------------------------------------------------------------------------

    def _bearer(self, request: Request) -> tuple[_Token | None, Response | None]:
        header = request.headers.get("authorization")
        if not header:
            return None, _oauth_error(
                401, "access_denied", ACCESS_DENIED, 'Missing "Authorization" header'
            )
        token = self._tokens.get(header.removeprefix("Bearer ").strip())
        if token is None or self.now() > token.expires_at:
            return None, _oauth_error(
                401, "access_denied", ACCESS_DENIED, "Access token could not be verified"
            )
        if token.revoked:
            return None, _oauth_error(
                401, "access_denied", ACCESS_DENIED, "Access token has been revoked"
            )
        return token, None

    async def _profile(self, request: Request) -> Response:
        with self._lock:
            self.log.append(("profile", request.method))
            if "profile" in self.down:
                return _edge_error()
            token, refusal = self._bearer(request)
            if refusal is not None:
                return refusal
            assert token is not None
            return _json(200, self.users[token.sub].profile())

    async def _scopes(self, request: Request) -> Response:
        with self._lock:
            _token, refusal = self._bearer(request)
            return refusal or _json(200, {"scopes": ["mwoauth-authonly"]})


def _redirect_matches(registered: str, sent: str) -> bool:
    """Exact match, except that http loopback IPs match on any port (RFC 8252, as league)."""
    if sent == registered:
        return True
    a, b = urlsplit(registered), urlsplit(sent)
    loopback = {"127.0.0.1", "::1"}
    return (
        a.scheme == b.scheme == "http"
        and a.hostname in loopback
        and a.hostname == b.hostname
        and (a.path, a.query) == (b.path, b.query)
    )


def _redirect(
    target: str, *, code: str = "", state: str | None = None, error: bool = False
) -> RedirectResponse:
    if error:
        # Wikimedia's "Cancel": no state in the redirect.
        query = urlencode({"error": "unauthorized_client", "error_description": USER_REJECTED})
    else:
        query = urlencode({"code": code, **({"state": state} if state is not None else {})})
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}{query}", status_code=302)


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":")),
        status_code=status,
        headers=headers,
        media_type="application/json; charset=UTF-8",
    )


def _oauth_error(
    status: int,
    error: str,
    description: str,
    hint: str | None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = {"error": error, "error_description": description}
    if hint is not None:
        body["hint"] = hint
    return _json(status, body, headers)


def _invalid_request(parameter: str, hint: str | None = None) -> Response:
    return _oauth_error(
        400, "invalid_request", INVALID_REQUEST, hint or f"Check the `{parameter}` parameter"
    )


def _html_error(status: int, error: str, message: str) -> HTMLResponse:
    body = (
        f"<!DOCTYPE html><html><head><title>Error</title></head><body>"
        f"<p>{escape(error)}: {escape(message)}</p></body></html>"
    )
    return HTMLResponse(body, status_code=status)


def _edge_error() -> HTMLResponse:
    """What the Wikimedia edge answers when the backend is down: an HTML page, not JSON."""
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Wikimedia Error</title></head><body><h1>Error</h1>"
        "<p>Our servers are currently under maintenance or experiencing a technical "
        "issue. Please try again in a few minutes.</p></body></html>"
    )
    return HTMLResponse(body, status_code=503, headers={"Retry-After": "5"})


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _fake_jwt(client_id: str, sub: int, now: int) -> str:
    """Shaped like Wikimedia's RS256 access token (Loupe treats it as opaque)."""
    claims = {
        "aud": client_id,
        "jti": secrets.token_hex(40),
        "iat": now,
        "nbf": now,
        "exp": now + ACCESS_TTL,
        "sub": str(sub),
        "scopes": ["mwoauth-authonly"],
    }
    signature = base64.urlsafe_b64encode(secrets.token_bytes(256)).decode().rstrip("=")
    return f"{_b64({'typ': 'JWT', 'alg': 'RS256'})}.{_b64(claims)}.{signature}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the Wikimedia OAuth 2.0 double.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--redirect-uri", default="http://127.0.0.1/auth/callback")
    parser.add_argument("--user", action="append", default=[], help="an account (repeatable)")
    args = parser.parse_args()
    provider = OAuthProvider(
        client_id=args.client_id, client_secret=args.client_secret, redirect_uri=args.redirect_uri
    )
    for name in args.user:
        provider.add_user(name)
    import uvicorn

    for key, value in provider.settings_for(f"http://{args.host}:{args.port}").items():
        print(f"LOUPE_{key.upper()}={value}", flush=True)
    uvicorn.run(provider.app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
