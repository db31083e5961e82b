from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from app.auth.deps import CurrentUser
from app.auth.permissions import CoordinatedCampaign
from app.campaigns import service as campaigns
from app.campaigns.schemas import CampaignPublic
from app.core.deps import SessionDep, SettingsDep
from app.models import utcnow
from app.publishing import service
from app.publishing.schemas import (
    AwardPublic,
    AwardsIn,
    PublicCampaign,
    PublicCampaignBrief,
    PublishIn,
)

router = APIRouter(prefix="/campaigns/{campaign_id}", tags=["publishing"])
public_router = APIRouter(prefix="/public", tags=["public"])


@router.get("/awards", response_model=list[AwardPublic])
def list_awards(campaign: CoordinatedCampaign, session: SessionDep, settings: SettingsDep):
    return service.awards_of(session, campaign=campaign, commons_api_url=settings.commons_api_url)


@router.put("/awards", response_model=list[AwardPublic])
def set_awards(
    campaign: CoordinatedCampaign,
    data: AwardsIn,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
):
    """Replace the awards: places and special prizes, each for an entry of the final round."""
    service.set_awards(session, campaign=campaign, awards=data.awards, actor=user)
    session.commit()
    return service.awards_of(session, campaign=campaign, commons_api_url=settings.commons_api_url)


@router.post("/finalize", response_model=CampaignPublic)
def finalize_campaign(campaign: CoordinatedCampaign, user: CurrentUser, session: SessionDep):
    """Close judging once no round runs any more."""
    service.finalize(session, campaign=campaign, actor=user)
    session.commit()
    return campaigns.public(session, campaign=campaign)


@router.post("/publish", response_model=CampaignPublic)
def publish_campaign(
    campaign: CoordinatedCampaign, data: PublishIn, user: CurrentUser, session: SessionDep
):
    """Publish the results at ``publish_at`` (now by default); nothing shows before."""
    service.publish(session, campaign=campaign, publish_at=data.publish_at, actor=user)
    session.commit()
    return campaigns.public(session, campaign=campaign)


@router.post("/unpublish", response_model=CampaignPublic)
def unpublish_campaign(campaign: CoordinatedCampaign, user: CurrentUser, session: SessionDep):
    service.unpublish(session, campaign=campaign, actor=user)
    session.commit()
    return campaigns.public(session, campaign=campaign)


@router.get("/export/gallery.wiki", response_class=PlainTextResponse)
def export_gallery(campaign: CoordinatedCampaign, session: SessionDep, settings: SettingsDep):
    """The winners as a wikitext gallery for a Commons page."""
    awards = service.awards_of(session, campaign=campaign, commons_api_url=settings.commons_api_url)
    return service.wikitext_gallery(awards, campaign_name=campaign.name)


@public_router.get("/campaigns", response_model=list[PublicCampaignBrief])
def published_campaigns(session: SessionDep):
    """Campaigns whose results are public."""
    return service.published(session, now=utcnow())


@public_router.get("/campaigns/{slug}", response_model=PublicCampaign)
def public_campaign(slug: str, session: SessionDep, settings: SettingsDep):
    """Winners with attribution and the transparency report, once the embargo has passed."""
    return service.public_campaign(
        session, slug=slug, now=utcnow(), commons_api_url=settings.commons_api_url
    )
