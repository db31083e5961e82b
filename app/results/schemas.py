"""What coordinators send and receive about results: the results table, thresholds, advancing,
juror quality and the flags queue."""

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator
from sqlmodel import SQLModel

from app.rounds.schemas import RoundCreate


class EntryBrief(SQLModel):
    """A Commons file as coordinators see it (the uploader is always shown to them)."""

    entry_id: int
    page_id: int
    title: str
    url: str
    description_url: str
    thumb_url: str
    width: int
    height: int
    uploader: str


class JurorVote(SQLModel):
    juror_id: int
    username: str
    # As stored: 0/1 (yes/no), 1-5 (rating) or the rank on the juror's ballot (ranking).
    value: int
    # On the 0-1 scale scores use; None in ranking rounds.
    normalized: float | None
    comment: str
    favourite: bool


class ResultRow(SQLModel):
    round_entry_id: int
    entry: EntryBrief
    # Mean of the normalized votes; None without votes and in ranking rounds.
    score: float | None
    vote_count: int
    # Ranking rounds: the Schulze place (ties share it), the position after the tie-break,
    # and the mean position over the ballots. None otherwise.
    place: int | None = None
    rank: int | None = None
    mean_position: float | None = None
    # Ranking rounds: whether another entry of the round shares the place (on any page).
    tied: bool = False
    # Whether the entry advanced (frozen results only; None before the round is finalized).
    advanced: bool | None = None
    votes: list[JurorVote]


class RankingSummary(SQLModel):
    """How a ranking round's places were decided."""

    ballots: int
    # Ballots that left eligible entries unranked (they count them tied below the rest).
    incomplete_ballots: int
    tie_break_used: bool
    tie_break_rule: str
    tie_break_description: str


class ResultsPage(SQLModel):
    round_id: int
    vote_method: str
    status: str
    # True when these are the results frozen at finalization, False when computed live.
    frozen: bool
    total: int
    offset: int
    limit: int
    ranking: RankingSummary | None
    rows: list[ResultRow]


class ThresholdRow(SQLModel):
    """``passing`` entries score at least ``cutoff`` (by score), or hold place ``cutoff`` or
    better (by place, in ranking rounds)."""

    cutoff: float
    passing: int


class ThresholdTable(SQLModel):
    round_id: int
    basis: Literal["score", "place"]
    frozen: bool
    # Eligible entries, and those with a score (or place) that the table covers.
    entries: int
    scored: int
    rows: list[ThresholdRow]


class AdvanceCandidate(SQLModel):
    round_entry_id: int
    entry_id: int
    page_id: int
    title: str
    score: float | None
    place: int | None
    vote_count: int


class AdvancePreview(SQLModel):
    rule: Literal["min_score", "top_n"]
    value: int | float
    basis: Literal["score", "place"]
    frozen: bool
    # Certain to advance, best first.
    advancing: list[AdvanceCandidate]
    # Equal at the boundary of a top N: the coordinator lets through some or all of them.
    tied_at_boundary: list[AdvanceCandidate]
    boundary_score: float | None
    boundary_place: int | None
    open_slots: int


class AdvanceRequest(SQLModel):
    """Exactly one of ``min_score`` and ``top_n``; ``include_tied`` names the boundary-tied
    entries (round entry ids) that advance too."""

    min_score: float | None = Field(default=None, ge=0, le=1)
    top_n: int | None = Field(default=None, ge=1)
    include_tied: list[int] = Field(default_factory=list, max_length=100_000)
    next_round: RoundCreate

    @model_validator(mode="after")
    def _one_rule(self):  # type: ignore[no-untyped-def]
        if (self.min_score is None) == (self.top_n is None):
            raise ValueError("give either min_score or top_n, not both or neither")
        return self


class JurorQuality(SQLModel):
    user_id: int
    username: str
    active: bool
    votes: int
    # Mean normalized vote given; None without votes and in ranking rounds.
    mean_score: float | None
    # Entries this juror shares with at least one other juror.
    shared_entries: int
    # Correlation with the mean of the other jurors' votes on the same entries (-1..1).
    agreement: float | None


class DivisiveEntry(SQLModel):
    round_entry_id: int
    page_id: int
    title: str
    # Population variance of the normalized votes (0.25 is an even yes/no split), and their
    # mean; in ranking rounds of the entry's standings on the ballots (1 first, 0 last).
    spread: float
    mean: float
    votes: int


class Quality(SQLModel):
    round_id: int
    vote_method: str
    # Krippendorff's alpha over the round's eligible entries (ranking rounds: over the
    # entries' standings on the ballots); None when undefined.
    alpha: float | None
    alpha_metric: Literal["nominal", "interval"] | None
    # Why alpha is None, when it is.
    alpha_note: str | None
    jurors: list[JurorQuality]
    divisive: list[DivisiveEntry]


class UserRef(SQLModel):
    id: int
    username: str


class FlagReview(SQLModel):
    id: int
    round_entry_id: int
    entry: EntryBrief
    # The entry's disqualification code, None while it is eligible.
    entry_dq_code: str | None
    juror: UserRef
    reason: str
    note: str
    status: str
    created_at: datetime
    # How many jurors flagged this entry in the round (any status).
    flag_count: int
    resolved_by: UserRef | None
    resolved_at: datetime | None


class FlagDisqualify(SQLModel):
    # Defaults to one made of the flags' reasons.
    reason: str | None = Field(default=None, max_length=2000)
