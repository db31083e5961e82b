"""Permission dependencies: each loads its object, then refuses with 404 or 403.

Routes take these instead of ids and never check roles by hand.
"""

from typing import Annotated

from fastapi import Depends
from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.auth.deps import LOG_IN, AdminUser, CurrentUser
from app.auth.sessions import SessionData
from app.core.db import loaded
from app.core.deps import SessionDep
from app.core.errors import Forbidden, NotAuthenticated, NotFound
from app.core.prepared import Prepared
from app.models import Campaign, CampaignCoordinator, Job, Round, RoundJuror, User


def is_coordinator(session: Session, *, user: User, campaign_id: int) -> bool:
    if user.is_admin:
        return True
    link = session.get(CampaignCoordinator, (campaign_id, user.id))
    return link is not None


def is_juror(session: Session, *, user: User, round_id: int) -> bool:
    link = session.get(RoundJuror, (round_id, user.id))
    return link is not None and link.active


def coordinated_campaign(campaign_id: int, user: CurrentUser, session: SessionDep) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"Campaign {campaign_id} does not exist.")
    if not is_coordinator(session, user=user, campaign_id=campaign_id):
        raise Forbidden("Only this campaign's coordinators may do this.")
    return campaign


def coordinated_round(round_id: int, user: CurrentUser, session: SessionDep) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound(f"Round {round_id} does not exist.")
    if not is_coordinator(session, user=user, campaign_id=round_.campaign_id):
        raise Forbidden("Only this campaign's coordinators may do this.")
    return round_


def juror_round(round_id: int, user: CurrentUser, session: SessionDep) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise _no_round(round_id)
    if not is_juror(session, user=user, round_id=round_id):
        raise _not_juror()
    return round_


def _no_round(round_id: int) -> NotFound:
    return NotFound(f"Round {round_id} does not exist.")


def _not_juror() -> Forbidden:
    return Forbidden("You are not a juror of this round.")


_USERS = User.__table__  # type: ignore[attr-defined]
_ROUNDS = Round.__table__  # type: ignore[attr-defined]
_JURY = RoundJuror.__table__  # type: ignore[attr-defined]
# The session's user, the round, and the user's place on its jury, in one read.
_JUROR_ROUND = Prepared(
    select(
        *_USERS.c,
        *(column.label(f"round_{column.name}") for column in _ROUNDS.c),
        _JURY.c.active.label("on_jury"),
    )
    .select_from(
        _USERS.outerjoin(_ROUNDS, _ROUNDS.c.id == bindparam("round_id")).outerjoin(
            _JURY, (_JURY.c.round_id == _ROUNDS.c.id) & (_JURY.c.user_id == _USERS.c.id)
        )
    )
    .where(_USERS.c.id == bindparam("user_id"))
)


def caller_juror_round(
    session: Session, *, caller: SessionData, round_id: int
) -> tuple[User, Round]:
    """What ``current_user`` and then ``juror_round`` check, in one read, for the task fetch
    (decision 0009): 401 unless the session is current, then 404 and 403 as ``JurorRound``."""
    row = _JUROR_ROUND.execute(
        session.connection(), {"round_id": round_id, "user_id": caller.user_id}
    ).first()
    if row is None or row.session_epoch != caller.epoch:
        raise NotAuthenticated(LOG_IN)
    if row.round_id is None:
        raise _no_round(round_id)
    if not row.on_jury:
        raise _not_juror()
    user = loaded(User, {column.name: getattr(row, column.name) for column in _USERS.c})
    round_ = loaded(Round, {c.name: getattr(row, f"round_{c.name}") for c in _ROUNDS.c})
    return user, round_


def visible_job(job_id: int, user: CurrentUser, session: SessionDep) -> Job:
    """A job is visible to its creator, its campaign's coordinators and admins."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} does not exist.")
    if user.is_admin or job.created_by == user.id:
        return job
    if job.campaign_id is not None and is_coordinator(
        session, user=user, campaign_id=job.campaign_id
    ):
        return job
    raise Forbidden("You may not see this job.")


def managed_user(user_id: int, admin: AdminUser, session: SessionDep) -> User:
    """Another user, for admins to manage; the admin check comes first so that others
    cannot probe which ids exist."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist.")
    return user


def coordinator_ids(session: Session, *, campaign_id: int) -> list[int]:
    return list(
        session.exec(
            select(CampaignCoordinator.user_id).where(
                CampaignCoordinator.campaign_id == campaign_id
            )
        )
    )


CoordinatedCampaign = Annotated[Campaign, Depends(coordinated_campaign)]
CoordinatedRound = Annotated[Round, Depends(coordinated_round)]
JurorRound = Annotated[Round, Depends(juror_round)]
VisibleJob = Annotated[Job, Depends(visible_job)]
ManagedUser = Annotated[User, Depends(managed_user)]
