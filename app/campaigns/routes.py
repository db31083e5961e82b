from fastapi import APIRouter, Query, status

from app.auth.deps import CurrentUser, OrganizerUser
from app.auth.permissions import CoordinatedCampaign
from app.campaigns import service
from app.campaigns.schemas import (
    AuditPage,
    CampaignCreate,
    CampaignPublic,
    CampaignUpdate,
    UserBrief,
)
from app.core.deps import SessionDep

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


@router.post("", response_model=CampaignPublic, status_code=status.HTTP_201_CREATED)
def create_campaign(data: CampaignCreate, user: OrganizerUser, session: SessionDep):
    """Create a campaign (organizers); its creator becomes its first coordinator."""
    campaign = service.create(session, data=data, actor=user)
    session.commit()
    return service.public(session, campaign=campaign)


@router.get("", response_model=list[CampaignPublic])
def list_campaigns(user: CurrentUser, session: SessionDep):
    """The campaigns I coordinate (all of them for admins)."""
    return [service.public(session, campaign=c) for c in service.visible_to(session, user=user)]


@router.get("/{campaign_id}", response_model=CampaignPublic)
def read_campaign(campaign: CoordinatedCampaign, session: SessionDep):
    return service.public(session, campaign=campaign)


@router.patch("/{campaign_id}", response_model=CampaignPublic)
def update_campaign(
    campaign: CoordinatedCampaign, data: CampaignUpdate, user: CurrentUser, session: SessionDep
):
    campaign = service.update(session, campaign=campaign, data=data, actor=user)
    session.commit()
    return service.public(session, campaign=campaign)


@router.put("/{campaign_id}/coordinators/{user_id}", response_model=UserBrief)
def add_coordinator(
    campaign: CoordinatedCampaign, user_id: int, user: CurrentUser, session: SessionDep
):
    """Name another coordinator (coordinators of this campaign, organizers and admins)."""
    added = service.add_coordinator(session, campaign=campaign, user_id=user_id, actor=user)
    session.commit()
    return UserBrief(id=added.id, username=added.username)


@router.delete("/{campaign_id}/coordinators/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_coordinator(
    campaign: CoordinatedCampaign, user_id: int, user: CurrentUser, session: SessionDep
) -> None:
    service.remove_coordinator(session, campaign=campaign, user_id=user_id, actor=user)
    session.commit()


@router.get("/{campaign_id}/audit", response_model=AuditPage)
def read_audit_log(
    campaign: CoordinatedCampaign,
    session: SessionDep,
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=500),
):
    """The campaign's audit log, newest first."""
    return service.audit_log(session, campaign=campaign, offset=offset, limit=limit)
