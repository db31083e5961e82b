from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator
from sqlmodel import SQLModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class AwardIn(SQLModel):
    name: Name
    kind: Literal["place", "special"] = "place"
    # 1 for first place...; only for places.
    place: int | None = Field(default=None, ge=1, le=1000)
    round_entry_id: int

    @model_validator(mode="after")
    def _place_matches_kind(self):  # type: ignore[no-untyped-def]
        if self.kind == "place" and self.place is None:
            raise ValueError("a place award needs its place (1, 2, 3...)")
        if self.kind == "special" and self.place is not None:
            raise ValueError("a special prize has no place")
        return self


class AwardsIn(SQLModel):
    awards: list[AwardIn] = Field(max_length=200)


class PublishIn(SQLModel):
    # When the results become public; now when left out.
    publish_at: datetime | None = None


class Attribution(SQLModel):
    """What Commons asks of anyone reusing the photo: author, licence, and a link."""

    author: str
    author_url: str | None
    license: str
    file_url: str
    text: str


class WinnerEntry(SQLModel):
    entry_id: int
    page_id: int
    title: str
    width: int
    height: int
    url: str
    thumb_url: str
    # ``<img srcset>`` candidates at standard Commons widths; empty for types not thumbnailed here.
    srcset: str
    description_url: str
    attribution: Attribution


class AwardPublic(SQLModel):
    id: int
    name: str
    kind: str
    place: int | None
    round_entry_id: int | None
    entry: WinnerEntry | None


class RoundReport(SQLModel):
    ordinal: int
    name: str
    vote_method: str
    quorum: int
    status: str
    activated_at: datetime | None
    finalized_at: datetime | None
    entries: int
    eligible: int
    jurors: int
    votes: int
    disqualified: dict[str, int]
    advancing_rule: dict | None


class PublicCampaign(SQLModel):
    slug: str
    name: str
    description: str
    opens_at: datetime | None
    closes_at: datetime | None
    # None (or in the future) only in a coordinator's rehearsal before the results are public.
    published_at: datetime | None
    awards: list[AwardPublic]
    rounds: list[RoundReport]


class PublicCampaignBrief(SQLModel):
    slug: str
    name: str
    published_at: datetime
