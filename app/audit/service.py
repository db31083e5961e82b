"""Audit events: who did what to which object. Rows are only ever added."""

from typing import Any

from sqlmodel import Session

from app.models import AuditEvent, Campaign, Round, User


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None,
    campaign_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        campaign_id=campaign_id,
        details=details or {},
    )
    session.add(event)
    return event


def round_event(
    session: Session, round_: Round, actor: User | None, action: str, **details: Any
) -> AuditEvent:
    """``round.<action>`` on a round, filed under its campaign."""
    return record(
        session,
        actor_id=actor.id if actor else None,
        action=f"round.{action}",
        object_type="round",
        object_id=round_.id,
        campaign_id=round_.campaign_id,
        details=details,
    )


def campaign_event(
    session: Session, campaign: Campaign, actor: User | None, action: str, **details: Any
) -> AuditEvent:
    """``campaign.<action>`` on a campaign."""
    return record(
        session,
        actor_id=actor.id if actor else None,
        action=f"campaign.{action}",
        object_type="campaign",
        object_id=campaign.id,
        campaign_id=campaign.id,
        details=details,
    )
