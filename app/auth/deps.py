"""Who is calling: the session user, and the CSRF check on state-changing requests."""

import hmac
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import select

from app.auth.sessions import COOKIE, CSRF_HEADER, LoginStateCodec, SessionCodec, SessionData
from app.core.deps import SessionDep
from app.core.errors import Forbidden, NotAuthenticated
from app.models import CampaignCoordinator, User

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def session_codec(request: Request) -> SessionCodec:
    codec = getattr(request.app.state, "session_codec", None)
    if codec is None:
        settings = request.app.state.settings
        codec = SessionCodec(
            secret=settings.resolved_secret_key(), max_age=settings.session_max_age_seconds
        )
        request.app.state.session_codec = codec
    return codec


def login_state_codec(request: Request) -> LoginStateCodec:
    codec = getattr(request.app.state, "login_state_codec", None)
    if codec is None:
        codec = LoginStateCodec(secret=request.app.state.settings.resolved_secret_key())
        request.app.state.login_state_codec = codec
    return codec


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure whenever the instance is served over https."""
    return request.app.state.settings.base_url.startswith("https://")


def session_data(request: Request) -> SessionData | None:
    return session_codec(request).read(request.cookies.get(COOKIE))


def _session_user(session: SessionDep, data: SessionData | None) -> User | None:
    """The session's user, unless its sessions were revoked since the cookie was issued: the
    epoch comes with the user row, so the check costs no query."""
    user = session.get(User, data.user_id) if data else None
    if user is None or data is None or user.session_epoch != data.epoch:
        return None
    return user


def optional_user(request: Request, session: SessionDep) -> User | None:
    return _session_user(session, session_data(request))


def current_user(request: Request, session: SessionDep) -> User:
    """The logged-in user; state-changing requests must also carry the session's CSRF token."""
    data = session_data(request)
    user = _session_user(session, data)
    if data is None or user is None:
        raise NotAuthenticated("You need to log in.")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent, data.csrf):
            raise Forbidden("Missing or wrong CSRF token.", code="csrf_failed")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]


def admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise Forbidden("Only instance admins may do this.")
    return user


def organizer_user(user: CurrentUser) -> User:
    if not (user.is_admin or user.is_organizer):
        raise Forbidden("Only organizers may do this.")
    return user


def staff_user(user: CurrentUser, session: SessionDep) -> User:
    """Admins, organizers and coordinators of any campaign: the people who pick others."""
    if user.is_admin or user.is_organizer:
        return user
    coordinates = session.exec(
        select(CampaignCoordinator.campaign_id).where(CampaignCoordinator.user_id == user.id)
    ).first()
    if coordinates is None:
        raise Forbidden("Only coordinators, organizers and admins may do this.")
    return user


AdminUser = Annotated[User, Depends(admin_user)]
OrganizerUser = Annotated[User, Depends(organizer_user)]
StaffUser = Annotated[User, Depends(staff_user)]
