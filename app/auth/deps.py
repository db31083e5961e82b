"""Who is calling: the session user, and the CSRF check on state-changing requests."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from app.auth.sessions import (
    COOKIE,
    CSRF_HEADER,
    LoginStateCodec,
    SessionCodec,
    SessionData,
    token_matches,
)
from app.core.db import loaded
from app.core.deps import SessionDep
from app.core.errors import Forbidden, NotAuthenticated
from app.models import CampaignCoordinator, User

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOG_IN = "You need to log in."


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


# Prebuilt: the ORM's ``session.get`` cost more than the vote's own statements (decision 0005).
_USERS = User.__table__  # type: ignore[attr-defined]
_USER = select(*_USERS.c).where(_USERS.c.id == bindparam("user_id"))


def _session_user(session: Session, data: SessionData) -> User | None:
    """The session's user, unless its sessions were revoked since the cookie was issued: the
    epoch comes with the user row, so the check costs no query. The user joins the request's
    session as if loaded by it (persistent, unchanged), at a fraction of the ORM's cost."""
    row = session.connection().execute(_USER, {"user_id": data.user_id}).first()
    if row is None or row.session_epoch != data.epoch:
        return None
    user = loaded(User, dict(row._mapping))
    make_transient_to_detached(user)
    session.add(user)
    return user


def session_user(session: Session, data: SessionData) -> User:
    """The session's user; 401 unless the session is still current."""
    user = _session_user(session, data)
    if user is None:
        raise NotAuthenticated(LOG_IN)
    return user


# Async, with the one query in the thread pool: a sync dependency costs a thread-pool hop even
# for requests that need no query (anonymous ones, the CSRF check).
async def optional_user(request: Request, session: SessionDep) -> User | None:
    data = session_data(request)
    return await run_in_threadpool(_session_user, session, data) if data else None


def _caller(request: Request) -> SessionData:
    data = session_data(request)
    if data is None:
        raise NotAuthenticated(LOG_IN)
    if request.method not in SAFE_METHODS and not token_matches(
        request.headers.get(CSRF_HEADER), data.csrf
    ):
        raise Forbidden("Missing or wrong CSRF token.", code="csrf_failed")
    return data


async def current_user(request: Request, session: SessionDep) -> User:
    """The logged-in user; state-changing requests must also carry the session's CSRF token."""
    data = _caller(request)
    return await run_in_threadpool(session_user, session, data)


async def caller(request: Request) -> SessionData:
    """What ``current_user`` checks without a query: a signed, unexpired session cookie, and
    the CSRF token on state-changing requests. For the jurors' busiest routes only, which must
    check the session's user themselves, in their first read, before anything else: the vote
    in its one read, the task fetch with ``caller_juror_round`` (decision 0009)."""
    return _caller(request)


CurrentUser = Annotated[User, Depends(current_user)]
Caller = Annotated[SessionData, Depends(caller)]
OptionalUser = Annotated[User | None, Depends(optional_user)]


# Checks without a query are async: a sync dependency costs a thread-pool hop.
async def admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise Forbidden("Only instance admins may do this.")
    return user


async def organizer_user(user: CurrentUser) -> User:
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
