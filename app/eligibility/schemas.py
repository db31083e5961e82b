from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlmodel import SQLModel

from app.rounds.schemas import EligibilityRules

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class EntryBrief(SQLModel):
    """An entry named in a preview list."""

    round_entry_id: int
    entry_id: int
    title: str
    uploader: str
    # The rule's code, its reason in English, and the facts behind it (see rules.Why), from
    # which the UI words the reason in the reader's language.
    code: str
    reason: str
    params: dict[str, Any] | None = None


class RulePreview(SQLModel):
    code: str
    label: str
    enabled: bool
    # Entries in the rules' scope (not disqualified by hand or flag) that fail this rule.
    count: int
    entries: list[EntryBrief]


class EligibilityPreview(SQLModel):
    rules: EligibilityRules
    entries: int
    eligible: int
    would_disqualify: int
    would_requalify: int
    # Disqualified by hand or from a flag: apply never touches them.
    untouched: int
    per_rule: list[RulePreview]
    disqualify: list[EntryBrief]
    requalify: list[EntryBrief]


class EligibilityApply(SQLModel):
    """Rules to store on the round before applying them; the round's own rules if left out."""

    rules: EligibilityRules | None = None


class EligibilityResult(SQLModel):
    rules: EligibilityRules
    disqualified: int
    requalified: int
    reworded: int
    by_code: dict[str, int]
    tasks_added: int


class ReasonBody(SQLModel):
    reason: Reason


class RoundEntryPublic(SQLModel):
    id: int
    entry_id: int
    page_id: int
    title: str
    url: str
    description_url: str
    thumb_url: str | None
    width: int
    height: int
    size: int
    mime: str
    uploader: str
    uploader_id: int | None
    uploaded_at: datetime | None
    latest_uploader: str
    latest_uploader_id: int | None
    latest_uploaded_at: datetime | None
    license: str
    artist: str
    deleted: bool
    # The latest version is by someone other than the first uploader.
    reuploaded: bool
    refreshed_at: datetime | None
    source: str
    source_job_id: int | None
    dq_code: str | None
    dq_reason: str | None
    # The facts behind a rule's reason (see rules.Why); None for a reason written by hand.
    dq_params: dict[str, Any] | None
    dq_by: int | None
    dq_at: datetime | None
    created_at: datetime


class RoundEntryPage(SQLModel):
    total: int
    offset: int
    limit: int
    items: list[RoundEntryPublic] = Field(default_factory=list)
