from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from sqlmodel import SQLModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Method = Literal["yes_no", "rating", "ranking"]


class Display(SQLModel):
    """What jurors see. The uploader is hidden by default (anonymous judging)."""

    show_filename: bool = True
    show_link: bool = True
    show_uploader: bool = False
    show_stats: bool = False


class EligibilityRules(SQLModel):
    """Disqualification rules applied to this round's entries (see the eligibility service)."""

    window: bool = True
    min_megapixels: float | None = Field(default=None, ge=0, le=1000)
    allowed_mimes: list[str] | None = None
    exclude_staff_uploads: bool = True
    exclude_deleted: bool = True
    exclude_reuploads: bool = True


class RoundCreate(SQLModel):
    name: Name
    vote_method: Method = "yes_no"
    quorum: int = Field(default=1, ge=1, le=100)
    directions: str = Field(default="", max_length=20_000)
    deadline: datetime | None = None
    display: Display = Field(default_factory=Display)
    rules: EligibilityRules = Field(default_factory=EligibilityRules)
    juror_ids: list[int] = Field(default_factory=list, max_length=500)


class RoundUpdate(SQLModel):
    name: Name | None = None
    vote_method: Method | None = None
    quorum: int | None = Field(default=None, ge=1, le=100)
    directions: str | None = Field(default=None, max_length=20_000)
    deadline: datetime | None = None
    display: Display | None = None
    rules: EligibilityRules | None = None


class RoundCounts(SQLModel):
    entries: int
    eligible: int
    disqualified: int
    jurors: int
    tasks_open: int
    tasks_done: int


class RoundPublic(SQLModel):
    id: int
    campaign_id: int
    ordinal: int
    name: str
    vote_method: str
    quorum: int
    status: str
    directions: str
    deadline: datetime | None
    seed: int
    display: Display
    rules: EligibilityRules
    outcome: dict
    created_at: datetime
    activated_at: datetime | None
    finalized_at: datetime | None
    counts: RoundCounts


class JurorReplace(SQLModel):
    # The user who takes the juror's place.
    user_id: int


class JurorProgress(SQLModel):
    user_id: int
    username: str
    active: bool
    open: int
    done: int
    total: int
    last_vote_at: datetime | None
    votes_last_hour: int
    # Whether the juror is behind the pace needed to finish by the deadline.
    behind: bool
