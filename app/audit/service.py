"""Audit events: who did what to which object. Rows are only ever added."""

from typing import Any

from sqlmodel import Session

from app.models import AuditEvent


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
