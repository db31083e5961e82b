import hashlib
from collections import OrderedDict

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from app.auth.deps import CurrentUser
from app.auth.permissions import CoordinatedCampaign
from app.campaigns import service as campaigns
from app.campaigns.schemas import CampaignPublic
from app.core.config import Settings
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

PDF = {200: {"content": {"application/pdf": {}}, "description": "One page per award."}}
# Public PDFs kept per process, by their content: every miss fetches each winner's photo
# from Commons again.
PDF_CACHE_SIZE = 16


def _render_pdf(request: Request, settings: Settings, page: PublicCampaign) -> bytes:
    # Tests give the fetcher a transport (app.state.commons_transport) instead of Commons.
    with service.image_fetcher(
        commons_api_url=settings.commons_api_url,
        user_agent=settings.user_agent,
        transport=getattr(request.app.state, "commons_transport", None),
    ) as fetch:
        return service.ceremony_pdf(page, fetch=fetch)


def _pdf_response(data: bytes, *, slug: str, public: bool) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{slug}-ceremony.pdf"',
            "Cache-Control": "public, max-age=300" if public else "private, no-store",
        },
    )


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


@router.get("/ceremony", response_model=PublicCampaign)
def rehearse_ceremony(campaign: CoordinatedCampaign, session: SessionDep, settings: SettingsDep):
    """The public results page as it will be, at any time: coordinators rehearse the
    ceremony with it before the embargo ends."""
    return service.results_page(
        session, campaign=campaign, commons_api_url=settings.commons_api_url
    )


@router.get("/export/ceremony.pdf", response_class=Response, responses=PDF)
def export_ceremony_pdf(
    campaign: CoordinatedCampaign, request: Request, session: SessionDep, settings: SettingsDep
):
    """The printable ceremony, at any time (one page per award)."""
    page = service.results_page(
        session, campaign=campaign, commons_api_url=settings.commons_api_url
    )
    return _pdf_response(_render_pdf(request, settings, page), slug=campaign.slug, public=False)


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


@public_router.get("/campaigns/{slug}/ceremony.pdf", response_class=Response, responses=PDF)
def public_ceremony_pdf(slug: str, request: Request, session: SessionDep, settings: SettingsDep):
    """The printable ceremony, once the embargo has passed."""
    campaign = service.public_campaign_named(session, slug=slug, now=utcnow())
    cache: OrderedDict[str, bytes] | None = getattr(request.app.state, "ceremony_pdfs", None)
    if cache is None:
        cache = request.app.state.ceremony_pdfs = OrderedDict()
    page = service.results_page(
        session, campaign=campaign, commons_api_url=settings.commons_api_url
    )
    # Keyed by what the PDF shows, not by the campaign: awards or names changed while
    # unpublished, then published again at the same time, must not bring back the old PDF.
    key = hashlib.sha256(page.model_dump_json().encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = cache[key] = _render_pdf(request, settings, page)
        while len(cache) > PDF_CACHE_SIZE:
            cache.popitem(last=False)
    return _pdf_response(data, slug=slug, public=True)
