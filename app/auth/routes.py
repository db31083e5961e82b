"""Login with Wikimedia, logout, the development login, and ``GET /api/me``.

``/auth/*`` is what a browser navigates to, so its failures are a small HTML page rather than
JSON. The login in progress (state, PKCE verifier, next) lives in a signed cookie, never in
server memory, so any replica can finish a login that another one started.
"""

import logging
from collections.abc import Callable, Coroutine
from html import escape
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from app.auth import service
from app.auth.deps import (
    AdminUser,
    CurrentUser,
    login_state_codec,
    secure_cookies,
    session_codec,
    session_data,
)
from app.auth.oauth import (
    ConsentDenied,
    LoginExpired,
    LoginStateMismatch,
    ProviderError,
    WikimediaOAuth,
)
from app.auth.permissions import ManagedUser
from app.auth.ratelimit import RateLimited, limit_login
from app.auth.schemas import CampaignRole, Me, RolesPublic, RoundRole
from app.auth.sessions import (
    CSRF_HEADER,
    LOGIN_COOKIE,
    clear_login_cookie,
    clear_session_cookie,
    set_login_cookie,
    set_session_cookie,
    token_matches,
)
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import Forbidden, LoupeError, NotFound
from app.core.security import PAGE_POLICY, PAGE_STYLE
from app.models import User
from app.users.schemas import UserPublic

log = logging.getLogger(__name__)


def safe_next(value: str | None) -> str:
    """A path on this site to go to after login; anything else becomes ``/``.

    Refuses absolute and scheme-relative URLs (``//evil``), and backslashes and control
    characters, which browsers fold into ``//evil``.
    """
    if not value or len(value) > 2000:
        return "/"
    if not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


class PageRoute(APIRoute):
    """A browser-facing route: typed errors become an HTML page with the same status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoupeError as exc:
                log.info("auth page %s: %s: %s", request.url.path, exc.code, exc.detail)
                return error_page(request, exc)

        return page_handler


TITLES = {
    "account_blocked": "Your account is blocked",
    "consent_denied": "Login cancelled",
    "csrf_failed": "Request refused",
    "login_expired": "Login expired",
    "login_state_mismatch": "Login could not be verified",
    "not_found": "Page not found",
    "rate_limited": "Too many attempts",
}


def error_page(request: Request, exc: LoupeError) -> HTMLResponse:
    title = TITLES.get(exc.code, "Login failed")
    again = "/auth/dev-login" if request.url.path == "/auth/dev-login" else "/auth/login"
    body = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{escape(title)} · Loupe</title>
<style>{PAGE_STYLE}</style></head>
<body>
<h1>{escape(title)}</h1>
<p>{escape(exc.detail)}</p>
<p><a href="{again}">Log in again</a> · <a href="/">Back to Loupe</a></p>
<p><small>Error code: {escape(exc.code)}</small></p>
</body>
</html>
"""
    headers = {"Cache-Control": "no-store", "Content-Security-Policy": PAGE_POLICY}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    response = HTMLResponse(body, status_code=exc.status_code, headers=headers)
    # A failed login never leaves its state behind to be tried again.
    clear_login_cookie(response, secure=secure_cookies(request))
    return response


def wikimedia_oauth(request: Request) -> WikimediaOAuth:
    # Tests may give the client a transport (app.state.oauth_transport) instead of a server.
    transport = getattr(request.app.state, "oauth_transport", None)
    return WikimediaOAuth(request.app.state.settings, transport=transport)


OAuthDep = Annotated[WikimediaOAuth, Depends(wikimedia_oauth)]
RateLimit = Depends(limit_login)


def _start_session(request: Request, response: Response, user: User) -> None:
    # Always a new cookie and CSRF token: whatever cookie the browser had before is replaced.
    cookie, _ = session_codec(request).issue(user_id=user.id, epoch=user.session_epoch)
    set_session_cookie(
        response,
        cookie,
        max_age=request.app.state.settings.session_max_age_seconds,
        secure=secure_cookies(request),
    )


router = APIRouter(prefix="/auth", tags=["auth"], route_class=PageRoute)


@router.get(
    "/login",
    summary="Start a login with Wikimedia",
    status_code=303,
    response_class=RedirectResponse,
    dependencies=[RateLimit],
)
def login(
    request: Request, settings: SettingsDep, oauth: OAuthDep, next: str | None = None
) -> Response:
    """Redirect to Wikimedia's authorize page (authorization code, PKCE S256, state).

    ``next`` is where to go after login; only paths on this site are followed.
    """
    if not oauth.configured and settings.dev_login_enabled:
        # A local instance without an OAuth client: the development login stands in.
        return RedirectResponse(f"/auth/dev-login?{urlencode({'next': safe_next(next)})}", 303)
    cookie, pending = login_state_codec(request).issue(next=safe_next(next))
    url = oauth.authorization_url(state=pending.state, code_verifier=pending.verifier)
    response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
    set_login_cookie(response, cookie, secure=secure_cookies(request))
    return response


@router.get(
    "/callback",
    summary="Finish a login (Wikimedia redirects here)",
    status_code=303,
    response_class=RedirectResponse,
    dependencies=[RateLimit],
)
def callback(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    oauth: OAuthDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
) -> Response:
    # Wikimedia sends a refusal without `state`, so it is handled before the state check.
    if error:
        log.info("oauth: authorize answered %s: %s", error, error_description)
        if error in {"access_denied", "unauthorized_client"}:
            raise ConsentDenied(
                "You cancelled the login at Wikimedia, so Loupe did not log you in."
            )
        raise ProviderError(f"Wikimedia refused the login request ({error}).")
    pending = login_state_codec(request).read(request.cookies.get(LOGIN_COOKIE))
    if pending is None:
        raise LoginExpired(
            "Your login took too long, or was started in another browser. Please log in again."
        )
    if not token_matches(state, pending.state):
        raise LoginStateMismatch(
            "This login could not be verified as the one your browser started. Please log in again."
        )
    if not code:
        raise LoginExpired("Wikimedia returned no authorization code. Please log in again.")
    # Only after Wikimedia has answered does the database change, in one transaction.
    profile = oauth.fetch_profile(code=code, code_verifier=pending.verifier)
    user = service.login(session, profile=profile, admin_usernames=settings.admin_usernames)
    session.commit()
    response = RedirectResponse(safe_next(pending.next), status_code=303)
    _start_session(request, response, user)
    clear_login_cookie(response, secure=secure_cookies(request))
    return response


@router.post(
    "/logout", summary="End every session", status_code=303, response_class=RedirectResponse
)
def logout(
    request: Request, session: SessionDep, csrf_token: Annotated[str | None, Form()] = None
) -> Response:
    """Logs out everywhere: clears the cookie and ends the user's sessions in every other
    browser too. With a session the CSRF token is required, as the ``X-CSRF-Token`` header
    or a ``csrf_token`` form field, so other sites cannot log you out."""
    data = session_data(request)
    if data is not None:
        if not token_matches(request.headers.get(CSRF_HEADER) or csrf_token, data.csrf):
            raise Forbidden("Missing or wrong CSRF token.", code="csrf_failed")
        if service.end_sessions(session, user_id=data.user_id, epoch=data.epoch):
            session.commit()
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response, secure=secure_cookies(request))
    return response


def require_dev_login(settings: SettingsDep) -> None:
    # Mounted only when enabled; this refuses it even if it were mounted by mistake.
    if not settings.dev_login_enabled:
        raise NotFound("Not Found")


dev_router = APIRouter(
    prefix="/auth",
    tags=["auth"],
    route_class=PageRoute,
    dependencies=[Depends(require_dev_login)],
)


@dev_router.get("/dev-login", summary="Development login form", response_class=HTMLResponse)
def dev_login_form(request: Request, next: str | None = None) -> Response:
    """Only with LOUPE_ENV=dev and LOUPE_DEV_LOGIN=true; absent otherwise."""
    cookie, pending = login_state_codec(request).issue(next=safe_next(next))
    body = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Development login · Loupe</title>
<style>{PAGE_STYLE}</style></head>
<body>
<h1>Development login</h1>
<p>This instance runs in development mode: log in as any username, without Wikimedia.</p>
<form method="post" action="/auth/dev-login">
<input type="hidden" name="state" value="{escape(pending.state)}">
<input type="hidden" name="next" value="{escape(pending.next)}">
<label>Username <input name="username" required autofocus></label>
<button type="submit">Log in</button>
</form>
</body>
</html>
"""
    response = HTMLResponse(
        body, headers={"Cache-Control": "no-store", "Content-Security-Policy": PAGE_POLICY}
    )
    set_login_cookie(response, cookie, secure=secure_cookies(request))
    return response


@dev_router.post(
    "/dev-login",
    summary="Log in as any username (development only)",
    status_code=303,
    response_class=RedirectResponse,
    dependencies=[RateLimit],
)
def dev_login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    state: Annotated[str, Form()] = "",
) -> Response:
    # The form's state must match its cookie, so another site cannot log you in as someone.
    pending = login_state_codec(request).read(request.cookies.get(LOGIN_COOKIE))
    if pending is None or not token_matches(state, pending.state):
        raise LoginStateMismatch("The login form expired; open it again.")
    user = service.dev_login(session, username=username, admin_usernames=settings.admin_usernames)
    session.commit()
    response = RedirectResponse(safe_next(pending.next), status_code=303)
    _start_session(request, response, user)
    clear_login_cookie(response, secure=secure_cookies(request))
    return response


api_router = APIRouter(tags=["auth"])


@api_router.get("/me", response_model=Me, summary="The logged-in user and their roles")
def read_me(request: Request, user: CurrentUser, session: SessionDep) -> Me:
    data = session_data(request)
    assert data is not None  # CurrentUser has checked it
    roles = service.roles(session, user=user)
    return Me(
        user=UserPublic.model_validate(user),
        roles=RolesPublic(
            admin=roles.admin,
            organizer=roles.organizer,
            coordinator_of=[CampaignRole.model_validate(c) for c in roles.coordinator_of],
            juror_of=[RoundRole.model_validate(r) for r in roles.juror_of],
        ),
        csrf_token=data.csrf,
    )


@api_router.delete(
    "/users/{user_id}/sessions",
    status_code=204,
    summary="Log a user out everywhere (admins)",
    tags=["users"],
)
def revoke_sessions(user: ManagedUser, admin: AdminUser, session: SessionDep) -> None:
    """Ends every session of the user at once, e.g. when their Wikimedia account was blocked
    or a cookie was stolen; they can log in again unless Wikimedia refuses them."""
    service.revoke_sessions(session, user=user, actor=admin)
    session.commit()
