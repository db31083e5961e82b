"""Signed, expiring cookies: the session, and the short-lived state of a login in progress.

The session cookie holds the user id, the user's session epoch and a per-session CSRF token,
signed with the instance's secret. A new cookie (with a new token) is issued at every login, so a
session planted before login is never the one that gets authenticated (no fixation). Bumping
``users.session_epoch`` (logout, an admin's revocation) ends every cookie issued before.

The login cookie carries the OAuth ``state``, the PKCE ``code_verifier`` and where to go next
between ``/auth/login`` and ``/auth/callback``. It lives in the browser, not in server memory,
so any replica can finish a login another one started.
"""

import hmac
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.responses import Response

COOKIE = "loupe_session"
CSRF_HEADER = "X-CSRF-Token"

LOGIN_COOKIE = "loupe_login"
# Only /auth/* needs the login cookie; scoping it keeps it off every API request.
LOGIN_COOKIE_PATH = "/auth"
# Wikimedia's authorization codes live 10 minutes; a login taking longer starts again.
LOGIN_MAX_AGE = 600


@dataclass(frozen=True, slots=True)
class SessionData:
    user_id: int
    csrf: str
    epoch: int = 0


class SessionCodec:
    """Issues and reads session cookies. Reading one costs an HMAC and a JSON decode on every
    request, so the verified contents of recent cookies are kept (by the exact cookie string,
    which is signed, so only a cookie we issued gets in); their age is checked at every read,
    as itsdangerous does: a cookie older than ``max_age``, or dated in the future, is refused."""

    CACHED = 4096

    def __init__(self, *, secret: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="loupe-session")
        self.max_age = max_age
        self._verified = lru_cache(maxsize=self.CACHED)(self._verify)

    def issue(self, *, user_id: int, epoch: int = 0) -> tuple[str, SessionData]:
        data = SessionData(user_id=user_id, csrf=secrets.token_urlsafe(24), epoch=epoch)
        raw = {"uid": data.user_id, "csrf": data.csrf, "ep": data.epoch}
        return self._serializer.dumps(raw), data

    def read(self, cookie: str | None) -> SessionData | None:
        """The session in a cookie, or None when it is absent, forged or expired."""
        if not cookie:
            return None
        try:
            data, signed_at = self._verified(cookie)
        except BadSignature:  # not cached: forged cookies cannot fill the cache
            return None
        age = int(time.time()) - signed_at
        if data is None or age > self.max_age or age < 0:
            return None
        return data

    def _verify(self, cookie: str) -> tuple[SessionData | None, int]:
        """The cookie's session (None for a payload we would not issue) and when it was signed."""
        raw, signed_at = self._serializer.loads(cookie, return_timestamp=True)
        stamp = int(signed_at.timestamp())
        if not isinstance(raw, dict) or not isinstance(raw.get("uid"), int):
            return None, stamp
        epoch = raw.get("ep", 0)
        if not isinstance(epoch, int):
            return None, stamp
        return SessionData(user_id=raw["uid"], csrf=str(raw.get("csrf", "")), epoch=epoch), stamp


def token_matches(sent: str | None, expected: str) -> bool:
    """A CSRF token or OAuth state, compared in constant time; as bytes, since
    ``hmac.compare_digest`` raises TypeError on non-ASCII text (a 500 instead of a refusal)."""
    return bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


@dataclass(frozen=True, slots=True)
class LoginState:
    state: str
    verifier: str
    next: str


class LoginStateCodec:
    """The login-in-progress cookie; a different salt, so it can never pass for a session."""

    def __init__(self, *, secret: str, max_age: int = LOGIN_MAX_AGE) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="loupe-login")
        self.max_age = max_age

    def issue(self, *, next: str) -> tuple[str, LoginState]:
        # 64 characters from [A-Za-z0-9_-]: inside PKCE's 43-128 character rule.
        data = LoginState(
            state=secrets.token_urlsafe(32), verifier=secrets.token_urlsafe(48), next=next
        )
        raw = {"state": data.state, "verifier": data.verifier, "next": data.next}
        return self._serializer.dumps(raw), data

    def read(self, cookie: str | None) -> LoginState | None:
        if not cookie:
            return None
        try:
            raw = self._serializer.loads(cookie, max_age=self.max_age)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(raw, dict) or not all(
            isinstance(raw.get(key), str) for key in ("state", "verifier", "next")
        ):
            return None
        return LoginState(state=raw["state"], verifier=raw["verifier"], next=raw["next"])


def set_session_cookie(response: Response, value: str, *, max_age: int, secure: bool) -> None:
    response.set_cookie(
        COOKIE, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax"
    )


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="lax")


def set_login_cookie(response: Response, value: str, *, secure: bool) -> None:
    # Lax still sends it on the top-level redirect back from Wikimedia.
    response.set_cookie(
        LOGIN_COOKIE,
        value,
        max_age=LOGIN_MAX_AGE,
        path=LOGIN_COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def clear_login_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(
        LOGIN_COOKIE, path=LOGIN_COOKIE_PATH, secure=secure, httponly=True, samesite="lax"
    )
