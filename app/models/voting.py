from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import Choice, created_at_field, datetime_field


class TaskStatus(Choice):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class Task(SQLModel, table=True):
    """A (round entry, juror) assignment."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("round_entry_id", "juror_id"),
        # A task's juror must be on that round's jury (one check per row, which matters
        # when activation inserts 150,000 tasks at once).
        ForeignKeyConstraint(
            ["round_id", "juror_id"],
            ["round_jurors.round_id", "round_jurors.user_id"],
            ondelete="CASCADE",
        ),
        # A juror's queue: their open tasks in a round, in their shuffled order.
        Index("ix_tasks_queue", "round_id", "juror_id", "status", "sort_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int
    round_entry_id: int = Field(foreign_key="round_entries.id", ondelete="CASCADE")
    juror_id: int
    status: str = Field(default=TaskStatus.open, max_length=20)
    # Per-juror shuffled order; skipping moves a task past the current maximum.
    sort_key: int = Field(default=0)
    created_at: datetime = created_at_field()
    done_at: datetime | None = datetime_field()


class Vote(SQLModel, table=True):
    """A juror's value for a task: 0/1 (yes/no), 1-5 (rating) or a rank (ranking)."""

    __tablename__ = "votes"
    __table_args__ = (Index("ix_votes_round_entry", "round_id", "round_entry_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="tasks.id", ondelete="CASCADE", unique=True)
    round_id: int = Field(foreign_key="rounds.id", ondelete="CASCADE")
    round_entry_id: int = Field(foreign_key="round_entries.id", ondelete="CASCADE")
    juror_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    value: int
    comment: str = Field(default="")
    favourite: bool = Field(default=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class VoteAction(Choice):
    change = "change"
    withdraw = "withdraw"


class VoteChange(SQLModel, table=True):
    """The history of a task's vote: the value it had before each change or withdrawal, and
    whose vote it was.

    Kept by task, so that withdrawing (deleting) a vote keeps what it was."""

    __tablename__ = "vote_changes"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="tasks.id", ondelete="CASCADE", index=True)
    vote_id: int | None = Field(default=None, foreign_key="votes.id", ondelete="SET NULL")
    # Who cast the vote: a task can change hands after a withdrawn vote (rebalancing).
    juror_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    action: str = Field(default=VoteAction.change, max_length=20)
    value: int
    comment: str = Field(default="")
    favourite: bool = Field(default=False)
    changed_at: datetime = created_at_field()


class FlagReason(Choice):
    copyright = "copyright"
    not_subject = "not_subject"
    wrong_region = "wrong_region"
    duplicate = "duplicate"
    other = "other"


class FlagStatus(Choice):
    open = "open"
    dismissed = "dismissed"
    upheld = "upheld"


class Flag(SQLModel, table=True):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("round_entry_id", "juror_id"),
        Index("ix_flags_round_status", "round_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="rounds.id", ondelete="CASCADE")
    round_entry_id: int = Field(foreign_key="round_entries.id", ondelete="CASCADE")
    juror_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    reason: str = Field(max_length=20)
    note: str = Field(default="")
    status: str = Field(default=FlagStatus.open, max_length=20)
    resolved_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    resolved_at: datetime | None = datetime_field()
    created_at: datetime = created_at_field()
