from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.base import Choice, created_at_field, datetime_field, json_field


class JobStatus(Choice):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class Job(SQLModel, table=True):
    """Durable background work, claimed by workers under a lease."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "status", "run_after"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=100)
    payload: dict[str, Any] = json_field()
    status: str = Field(default=JobStatus.queued, max_length=20)
    progress_done: int = Field(default=0)
    progress_total: int | None = Field(default=None)
    # Counters a job reports (e.g. files seen, added, skipped, failed).
    stats: dict[str, Any] = json_field()
    # Where to resume after a crash; written together with the work it covers.
    checkpoint: dict[str, Any] = json_field()
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=5)
    error: str | None = Field(default=None)
    run_after: datetime = created_at_field()
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_expires_at: datetime | None = datetime_field()
    campaign_id: int | None = Field(
        default=None, foreign_key="campaigns.id", ondelete="CASCADE", index=True
    )
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    started_at: datetime | None = datetime_field()
    finished_at: datetime | None = datetime_field()
