from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.models.base import Choice, created_at_field, datetime_field, json_field


class VoteMethod(Choice):
    yes_no = "yes_no"
    rating = "rating"
    ranking = "ranking"


class RoundStatus(Choice):
    draft = "draft"
    active = "active"
    paused = "paused"
    finalized = "finalized"
    cancelled = "cancelled"


class Round(SQLModel, table=True):
    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("campaign_id", "ordinal"),
        # One running (active or paused) round per campaign, enforced by the database.
        Index(
            "uq_rounds_one_running_per_campaign",
            "campaign_id",
            unique=True,
            sqlite_where=text("status IN ('active', 'paused')"),
            postgresql_where=text("status IN ('active', 'paused')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id", ondelete="CASCADE", index=True)
    ordinal: int = Field(default=1)
    name: str = Field(max_length=255)
    vote_method: str = Field(default=VoteMethod.yes_no, max_length=20)
    quorum: int = Field(default=1)
    status: str = Field(default=RoundStatus.draft, max_length=20)
    directions: str = Field(default="")
    deadline: datetime | None = datetime_field()
    # Assignment is random but reproducible from this seed.
    seed: int = Field(default=0)
    # Display settings: show_filename, show_link, show_stats (what jurors may see).
    display: dict[str, Any] = json_field()
    # Eligibility rules, e.g. {"window": true, "min_megapixels": 2, "mimes": [...]}.
    rules: dict[str, Any] = json_field()
    # Summary written at finalization: advancing rule, tie-break used, counts.
    outcome: dict[str, Any] = json_field()
    created_at: datetime = created_at_field()
    activated_at: datetime | None = datetime_field()
    finalized_at: datetime | None = datetime_field()


class RoundJuror(SQLModel, table=True):
    __tablename__ = "round_jurors"

    round_id: int = Field(foreign_key="rounds.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE", index=True)
    # Removed jurors are kept (their cast votes stay) but get no tasks.
    active: bool = Field(default=True)
    added_at: datetime = created_at_field()


class RoundEntry(SQLModel, table=True):
    """An entry's place in a round, where it came from, and whether it was disqualified."""

    __tablename__ = "round_entries"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id"),
        # Queues and counts exclude disqualified entries: a small set, found by this index.
        Index(
            "ix_round_entries_disqualified",
            "round_id",
            sqlite_where=text("dq_code IS NOT NULL"),
            postgresql_where=text("dq_code IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="rounds.id", ondelete="CASCADE")
    entry_id: int = Field(foreign_key="entries.id", ondelete="CASCADE", index=True)
    source_job_id: int | None = Field(default=None, foreign_key="jobs.id", ondelete="SET NULL")
    source: str = Field(default="", max_length=255)
    # A rule code (e.g. "window", "resolution") or "manual"; None while eligible.
    dq_code: str | None = Field(default=None, max_length=40)
    dq_reason: str | None = Field(default=None)
    # A rule's facts behind dq_reason (rules.Why), for the UI to word it in any language.
    dq_params: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    dq_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    dq_at: datetime | None = datetime_field()
    created_at: datetime = created_at_field()
