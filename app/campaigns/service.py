"""Campaigns: a contest edition, its upload window, coordinators and status."""

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import campaign_event
from app.campaigns.schemas import (
    AuditEventPublic,
    AuditPage,
    CampaignCreate,
    CampaignPublic,
    CampaignUpdate,
    UserBrief,
)
from app.core.errors import Conflict, InvalidInput, NotFound
from app.models import AuditEvent, Campaign, CampaignCoordinator, Series, User, utcnow


def create(session: Session, *, data: CampaignCreate, actor: User) -> Campaign:
    if data.series_id is not None and session.get(Series, data.series_id) is None:
        raise InvalidInput(f"Series {data.series_id} does not exist.")
    if session.exec(select(Campaign.id).where(Campaign.slug == data.slug)).first():
        raise Conflict(f"A campaign with the slug {data.slug!r} already exists.")
    campaign = Campaign.model_validate(data, update={"created_by": actor.id})
    session.add(campaign)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"A campaign with the slug {data.slug!r} already exists.") from exc
    # Whoever creates a campaign coordinates it.
    session.add(CampaignCoordinator(campaign_id=campaign.id, user_id=actor.id))
    campaign_event(session, campaign, actor, "create", slug=campaign.slug, name=campaign.name)
    session.flush()
    return campaign


def update(session: Session, *, campaign: Campaign, data: CampaignUpdate, actor: User) -> Campaign:
    changes = data.model_dump(exclude_unset=True)
    merged_opens = changes.get("opens_at", campaign.opens_at)
    merged_closes = changes.get("closes_at", campaign.closes_at)
    if merged_opens and merged_closes and merged_closes <= merged_opens:
        raise InvalidInput("closes_at must be after opens_at")
    if "name" in changes and changes["name"] is None:
        raise InvalidInput("name cannot be empty")
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    before = {name: _jsonable(getattr(campaign, name)) for name in changes}
    for name, value in changes.items():
        setattr(campaign, name, value)
    campaign.updated_at = utcnow()
    campaign_event(
        session,
        campaign,
        actor,
        "update",
        before=before,
        after={k: _jsonable(v) for k, v in changes.items()},
    )
    session.flush()
    return campaign


def _jsonable(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def visible_to(session: Session, *, user: User) -> list[Campaign]:
    """Admins see every campaign; everyone else the ones they coordinate."""
    query = select(Campaign).order_by(col(Campaign.created_at).desc(), col(Campaign.id).desc())
    if not user.is_admin:
        query = query.join(CampaignCoordinator).where(CampaignCoordinator.user_id == user.id)
    return list(session.exec(query))


def coordinators(session: Session, *, campaign_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(CampaignCoordinator)
            .where(CampaignCoordinator.campaign_id == campaign_id)
            .order_by(User.username)
        )
    )


def public(session: Session, *, campaign: Campaign) -> CampaignPublic:
    people = [
        UserBrief(id=u.id, username=u.username)
        for u in coordinators(session, campaign_id=campaign.id)
    ]
    return CampaignPublic.model_validate(campaign, update={"coordinators": people})


def add_coordinator(session: Session, *, campaign: Campaign, user_id: int, actor: User) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist.")
    if session.get(CampaignCoordinator, (campaign.id, user_id)) is None:
        session.add(CampaignCoordinator(campaign_id=campaign.id, user_id=user_id))
        campaign_event(
            session, campaign, actor, "coordinator_add", user_id=user_id, username=user.username
        )
        session.flush()
    return user


def remove_coordinator(session: Session, *, campaign: Campaign, user_id: int, actor: User) -> None:
    link = session.get(CampaignCoordinator, (campaign.id, user_id))
    if link is None:
        raise NotFound(f"User {user_id} does not coordinate this campaign.")
    remaining = session.exec(
        select(func.count())
        .select_from(CampaignCoordinator)
        .where(CampaignCoordinator.campaign_id == campaign.id)
    ).one()
    if remaining <= 1:
        raise Conflict("A campaign needs at least one coordinator; add another one first.")
    session.delete(link)
    campaign_event(session, campaign, actor, "coordinator_remove", user_id=user_id)
    session.flush()


def audit_log(session: Session, *, campaign: Campaign, offset: int, limit: int) -> AuditPage:
    where = AuditEvent.campaign_id == campaign.id
    total = session.exec(select(func.count()).select_from(AuditEvent).where(where)).one()
    rows = session.exec(
        select(AuditEvent, User)
        .outerjoin(User, col(User.id) == AuditEvent.actor_id)
        .where(where)
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    events = [
        AuditEventPublic(
            id=event.id,
            created_at=event.created_at,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            actor=UserBrief(id=actor.id, username=actor.username) if actor else None,
            details=event.details,
        )
        for event, actor in rows
    ]
    return AuditPage(total=total, events=events)
