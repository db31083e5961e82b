"""Signed, expiring session cookies.

The cookie holds the user id and a per-session CSRF token, signed with the instance's secret.
A new cookie (with a new token) is issued at every login, so a session planted before login is
never the one that gets authenticated (no fixation).
"""

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

COOKIE = "loupe_session"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True, slots=True)
class SessionData:
    user_id: int
    csrf: str


class SessionCodec:
    def __init__(self, *, secret: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="loupe-session")
        self.max_age = max_age

    def issue(self, *, user_id: int) -> tuple[str, SessionData]:
        data = SessionData(user_id=user_id, csrf=secrets.token_urlsafe(24))
        return self._serializer.dumps({"uid": data.user_id, "csrf": data.csrf}), data

    def read(self, cookie: str | None) -> SessionData | None:
        """The session in a cookie, or None when it is absent, forged or expired."""
        if not cookie:
            return None
        try:
            raw = self._serializer.loads(cookie, max_age=self.max_age)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("uid"), int):
            return None
        return SessionData(user_id=raw["uid"], csrf=str(raw.get("csrf", "")))
