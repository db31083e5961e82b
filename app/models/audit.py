from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, json_field


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, when. Rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_campaign_time", "campaign_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    action: str = Field(max_length=100)
    object_type: str = Field(max_length=50)
    object_id: int | None = Field(default=None)
    campaign_id: int | None = Field(default=None, foreign_key="campaigns.id", ondelete="SET NULL")
    details: dict[str, Any] = json_field()
    created_at: datetime = created_at_field()
