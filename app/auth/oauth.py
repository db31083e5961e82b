"""The Wikimedia OAuth 2.0 client: the authorize URL, the code exchange and the profile.

Authorization code with PKCE (S256) and ``state``; the client authenticates with
``client_secret_post`` as Wikimedia's documentation shows. Every endpoint comes from settings
so tests and the demo point it at the local double (``app.auth.double``).
"""

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import authlib.deprecate  # installs its warning filter before ours below
import httpx

from app.core.config import Settings
from app.core.errors import LoupeError, UpstreamError

# authlib prefers the `httpx2` fork and warns when it falls back to plain httpx, which is what
# Loupe depends on and what authlib still supports; the warning is noise, not a problem.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError

log = logging.getLogger(__name__)

CALLBACK_PATH = "/auth/callback"
TIMEOUT_SECONDS = 15.0


class LoginStateMismatch(LoupeError):
    """The callback's ``state`` is not the one this browser started with."""

    status_code = 400
    code = "login_state_mismatch"


class LoginExpired(LoupeError):
    """The login took too long, or the code was already used."""

    status_code = 400
    code = "login_expired"


class ConsentDenied(LoupeError):
    status_code = 403
    code = "consent_denied"


class ProviderError(UpstreamError):
    """Wikimedia's login service is unreachable or answered something unusable."""

    code = "provider_error"


class LoginNotConfigured(LoupeError):
    status_code = 503
    code = "login_not_configured"


@dataclass(frozen=True, slots=True)
class Profile:
    """What Loupe keeps from ``resource/profile``."""

    sub: int
    username: str | None
    blocked: bool
    raw: dict[str, Any] = field(repr=False, compare=False)


def parse_profile(data: Any) -> Profile:
    """Read a profile answer; ``sub`` comes as a string today and as an int in older answers."""
    if not isinstance(data, dict):
        raise ProviderError("Wikimedia returned an unreadable profile.")
    sub = data.get("sub")
    if isinstance(sub, bool) or not isinstance(sub, int | str):
        raise ProviderError("Wikimedia's profile has no user id.")
    try:
        sub_id = int(sub)
    except ValueError as exc:
        raise ProviderError("Wikimedia's profile has an unreadable user id.") from exc
    username = data.get("username")
    return Profile(
        sub=sub_id,
        username=username.strip() if isinstance(username, str) and username.strip() else None,
        # A suppressed account answers only {"sub", "blocked": true}; anything but an explicit
        # false is treated as blocked.
        blocked=data.get("blocked") is not False,
        raw=data,
    )


class WikimediaOAuth:
    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.redirect_uri = settings.base_url.rstrip("/") + CALLBACK_PATH
        self._transport = transport

    @property
    def configured(self) -> bool:
        return bool(self.settings.oauth_client_id)

    def _client(self, **kwargs: Any) -> OAuth2Client:
        if not self.configured:
            raise LoginNotConfigured(
                "Login with Wikimedia is not configured on this instance (LOUPE_OAUTH_CLIENT_ID)."
            )
        extra: dict[str, Any] = {"transport": self._transport} if self._transport else {}
        return OAuth2Client(
            client_id=self.settings.oauth_client_id,
            client_secret=self.settings.oauth_client_secret or None,
            token_endpoint_auth_method=(
                "client_secret_post" if self.settings.oauth_client_secret else "none"
            ),
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT_SECONDS,
            headers={"User-Agent": self.settings.user_agent},
            **extra,
            **kwargs,
        )

    def authorization_url(self, *, state: str, code_verifier: str) -> str:
        with self._client() as client:
            url, _ = client.create_authorization_url(
                self.settings.oauth_authorize_url, state=state, code_verifier=code_verifier
            )
        return url

    def fetch_profile(self, *, code: str, code_verifier: str) -> Profile:
        """Exchange the code (with the PKCE verifier), then read the user's profile."""
        with self._client() as client:
            self._exchange(client, code=code, code_verifier=code_verifier)
            try:
                response = client.get(self.settings.oauth_profile_url)
            except httpx.HTTPError as exc:
                log.warning("oauth: profile request failed: %s", exc)
                raise ProviderError(_UNREACHABLE) from exc
            if response.status_code != 200:
                log.warning("oauth: profile answered HTTP %s", response.status_code)
                raise ProviderError("Wikimedia did not return your profile; try again later.")
            try:
                data = response.json()
            except ValueError as exc:
                raise ProviderError("Wikimedia returned an unreadable profile.") from exc
        return parse_profile(data)

    def _exchange(self, client: OAuth2Client, *, code: str, code_verifier: str) -> None:
        try:
            token = client.fetch_token(
                self.settings.oauth_token_url,
                grant_type="authorization_code",
                code=code,
                redirect_uri=self.redirect_uri,
                code_verifier=code_verifier,
            )
        except OAuthError as exc:
            if exc.error == "invalid_grant":
                # Expired, already used, or a verifier that does not match: start again.
                raise LoginExpired(
                    "This login link has expired or was already used. Please log in again."
                ) from exc
            log.error("oauth: token endpoint refused: %s %s", exc.error, exc.description)
            raise ProviderError(
                f"Wikimedia refused to complete the login ({exc.error}). "
                "If this keeps happening, tell the instance's admins."
            ) from exc
        except httpx.HTTPStatusError as exc:
            log.warning("oauth: token endpoint answered HTTP %s", exc.response.status_code)
            raise ProviderError(_UNREACHABLE) from exc
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("oauth: token request failed: %s", exc)
            raise ProviderError(_UNREACHABLE) from exc
        if not token.get("access_token") or str(token.get("token_type", "")).lower() != "bearer":
            raise ProviderError("Wikimedia answered the login with an unexpected token.")


_UNREACHABLE = "Wikimedia's login service could not be reached. Please try again in a few minutes."
