from fastapi import APIRouter, status

from app.auth.deps import CurrentUser
from app.auth.permissions import CoordinatedCampaign, CoordinatedRound
from app.campaigns.schemas import UserBrief
from app.commons.users import CommonsLookupDep
from app.core.deps import SessionDep
from app.rounds import service
from app.rounds.schemas import (
    JurorProgress,
    JurorReplace,
    RoundCreate,
    RoundPublic,
    RoundUpdate,
)

router = APIRouter(tags=["rounds"])


@router.post(
    "/campaigns/{campaign_id}/rounds",
    response_model=RoundPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_round(
    campaign: CoordinatedCampaign, data: RoundCreate, user: CurrentUser, session: SessionDep
):
    """Add a draft round after the campaign's existing ones."""
    round_ = service.create(session, campaign=campaign, data=data, actor=user)
    session.commit()
    return service.public(session, round_=round_)


@router.get("/campaigns/{campaign_id}/rounds", response_model=list[RoundPublic])
def list_rounds(campaign: CoordinatedCampaign, session: SessionDep):
    rounds = service.list_for_campaign(session, campaign_id=campaign.id)
    return [service.public(session, round_=r) for r in rounds]


@router.get("/rounds/{round_id}", response_model=RoundPublic)
def read_round(round_: CoordinatedRound, session: SessionDep):
    return service.public(session, round_=round_)


@router.patch("/rounds/{round_id}", response_model=RoundPublic)
def update_round(
    round_: CoordinatedRound,
    data: RoundUpdate,
    user: CurrentUser,
    session: SessionDep,
    lookup: CommonsLookupDep,
):
    """Change settings; a new quorum on a running round adds or cancels open tasks."""
    round_ = service.update_round(session, round_=round_, data=data, actor=user, lookup=lookup)
    session.commit()
    return service.public(session, round_=round_)


@router.post("/rounds/{round_id}/activate", response_model=RoundPublic)
def activate_round(
    round_: CoordinatedRound, user: CurrentUser, session: SessionDep, lookup: CommonsLookupDep
):
    """Start a draft round (assigning every task) or resume a paused one."""
    round_ = service.activate(session, round_=round_, actor=user, lookup=lookup)
    session.commit()
    return service.public(session, round_=round_)


@router.post("/rounds/{round_id}/pause", response_model=RoundPublic)
def pause_round(round_: CoordinatedRound, user: CurrentUser, session: SessionDep):
    round_ = service.pause(session, round_=round_, actor=user)
    session.commit()
    return service.public(session, round_=round_)


@router.post("/rounds/{round_id}/cancel", response_model=RoundPublic)
def cancel_round(round_: CoordinatedRound, user: CurrentUser, session: SessionDep):
    round_ = service.cancel(session, round_=round_, actor=user)
    session.commit()
    return service.public(session, round_=round_)


@router.get("/rounds/{round_id}/jurors", response_model=list[JurorProgress])
def list_jurors(round_: CoordinatedRound, session: SessionDep):
    """Jurors with their load, progress, pace, and whether they are behind the deadline."""
    return service.juror_progress(session, round_=round_)


@router.put("/rounds/{round_id}/jurors/{user_id}", response_model=UserBrief)
def add_juror(
    round_: CoordinatedRound,
    user_id: int,
    user: CurrentUser,
    session: SessionDep,
    lookup: CommonsLookupDep,
):
    """Add a juror; on a running round they take open tasks over from the most loaded."""
    added = service.add_juror(session, round_=round_, user_id=user_id, actor=user, lookup=lookup)
    session.commit()
    return UserBrief(id=added.id, username=added.username)


@router.delete("/rounds/{round_id}/jurors/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_juror(
    round_: CoordinatedRound,
    user_id: int,
    user: CurrentUser,
    session: SessionDep,
    lookup: CommonsLookupDep,
) -> None:
    """Remove a juror; their open tasks go to others, their cast votes stay."""
    service.remove_juror(session, round_=round_, user_id=user_id, actor=user, lookup=lookup)
    session.commit()


@router.post("/rounds/{round_id}/jurors/{user_id}/replace", response_model=UserBrief)
def replace_juror(
    round_: CoordinatedRound,
    user_id: int,
    data: JurorReplace,
    user: CurrentUser,
    session: SessionDep,
    lookup: CommonsLookupDep,
):
    """Put another user on the jury in this juror's place; on a running round the newcomer
    takes over their open tasks, and their cast votes stay."""
    newcomer = service.replace_juror(
        session,
        round_=round_,
        user_id=user_id,
        new_user_id=data.user_id,
        actor=user,
        lookup=lookup,
    )
    session.commit()
    return UserBrief(id=newcomer.id, username=newcomer.username)
