"""What jurors send and receive while voting.

An entry is shown only with what its round lets jurors see: fields the round hides are left
out of the JSON altogether (routes serialize with ``exclude_unset``), not sent as null.
"""

from datetime import datetime
from typing import Literal

from pydantic import Field
from sqlmodel import SQLModel

FlagReasonName = Literal["copyright", "not_subject", "wrong_region", "duplicate", "other"]


class EntryView(SQLModel):
    """A photo as a juror sees it. ``title``, ``description_url`` and ``uploader`` are
    present only when the round shows them."""

    width: int
    height: int
    mime: str
    # The original file, and a thumbnail for the screen with ``srcset`` candidates
    # (standard Commons widths) for the browser to pick from.
    url: str
    thumb_url: str
    srcset: str
    title: str | None = None
    description_url: str | None = None
    uploader: str | None = None


class TaskView(SQLModel):
    task_id: int
    round_entry_id: int
    entry: EntryView


class TaskBatch(SQLModel):
    tasks: list[TaskView]
    # Open tasks left in the queue, including those in this batch.
    remaining: int


class Progress(SQLModel):
    done: int
    total: int


class JurorStats(SQLModel):
    votes: int
    # The mean of my votes on the 0-1 scale (yes = 1, stars s -> (s - 1)/4); None for
    # ranking rounds and before the first vote.
    mean_score: float | None


class MyRound(SQLModel):
    """A round I am a juror of. ``stats`` is present only when the round shows them."""

    id: int
    name: str
    status: str
    vote_method: str
    deadline: datetime | None
    directions: str
    campaign_id: int
    campaign_name: str
    campaign_slug: str
    progress: Progress
    stats: JurorStats | None = None


class VoteIn(SQLModel):
    """``comment`` and ``favourite`` left out keep their current values."""

    value: int = Field(strict=True)
    comment: str | None = Field(default=None, max_length=2000)
    favourite: bool | None = None


class VotePublic(SQLModel):
    id: int
    task_id: int
    round_entry_id: int
    value: int
    comment: str
    favourite: bool
    created_at: datetime
    updated_at: datetime


class PastVote(VotePublic):
    entry: EntryView


class VotePage(SQLModel):
    total: int
    votes: list[PastVote]


class FlagIn(SQLModel):
    round_entry_id: int
    reason: FlagReasonName
    note: str = Field(default="", max_length=2000)


class FlagPublic(SQLModel):
    id: int
    round_entry_id: int
    reason: str
    note: str
    status: str
    created_at: datetime


class BallotEntry(SQLModel):
    task_id: int
    round_entry_id: int
    # My current rank of the entry (1 is best, equal ranks are ties), None if not ranked yet.
    rank: int | None
    entry: EntryView


class Ballot(SQLModel):
    """My ballot in a ranking round: ranked entries by rank, then the unranked ones."""

    entries: list[BallotEntry]
    complete: bool


class RankIn(SQLModel):
    round_entry_id: int = Field(strict=True)
    rank: int = Field(strict=True, ge=1)


class BallotIn(SQLModel):
    ranks: list[RankIn] = Field(max_length=10_000)
