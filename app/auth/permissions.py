"""Permission dependencies: each loads its object, then refuses with 404 or 403.

Routes take these instead of ids and never check roles by hand.
"""

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session, select

from app.auth.deps import AdminUser, CurrentUser
from app.core.deps import SessionDep
from app.core.errors import Forbidden, NotFound
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
        raise NotFound(f"Round {round_id} does not exist.")
    if not is_juror(session, user=user, round_id=round_id):
        raise Forbidden("You are not a juror of this round.")
    return round_


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
