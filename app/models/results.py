from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import json_field


class RoundResult(SQLModel, table=True):
    """The frozen tally of one entry, written when its round is finalized."""

    __tablename__ = "round_results"
    __table_args__ = (UniqueConstraint("round_id", "round_entry_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="rounds.id", ondelete="CASCADE")
    round_entry_id: int = Field(foreign_key="round_entries.id", ondelete="CASCADE")
    score: float | None = Field(default=None)
    vote_count: int = Field(default=0)
    # Place in a ranking round (ties share a place).
    place: int | None = Field(default=None)
    advanced: bool = Field(default=False)
    details: dict[str, Any] = json_field()
