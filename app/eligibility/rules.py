"""Eligibility rules: pure functions over plain data deciding which entries a round excludes.

Each rule looks at one entry and the round's settings and returns a readable reason when the
entry fails it. Rules run in a fixed order; an entry failing several is disqualified under the
first (every failure still shows in a preview). Unknown facts (no upload date, 0 x 0 pixels,
no mime type) never disqualify: a rule only fires on what Commons actually reported.

:func:`plan` turns verdicts into changes: disqualify eligible entries that fail, requalify
entries a rule disqualified that now pass, and re-word rule disqualifications whose reason
changed. Disqualifications made by hand or from flags are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

WINDOW = "window"
RESOLUTION = "resolution"
FILE_TYPE = "file_type"
STAFF_UPLOAD = "staff_upload"
DELETED = "deleted"
REUPLOAD = "reupload"

# The staff roles an uploader may hold, as they read in a reason.
ROLE_LABELS = {
    "juror": "a juror of this round",
    "coordinator": "a coordinator of this campaign",
    "organizer": "the organizer of this campaign",
}


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What the rules know of one entry (an ``Entry`` row, detached from the database)."""

    width: int = 0
    height: int = 0
    mime: str = ""
    uploader: str = ""
    uploader_id: int | None = None
    uploaded_at: datetime | None = None
    latest_uploader: str = ""
    latest_uploader_id: int | None = None
    latest_uploaded_at: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A round's rules with everything they need from the campaign and its people."""

    opens_at: datetime | None = None
    closes_at: datetime | None = None
    window: bool = False
    min_megapixels: float | None = None
    allowed_mimes: tuple[str, ...] | None = None
    exclude_staff_uploads: bool = False
    # Commons local user id → role ("juror", "coordinator", "organizer").
    staff: Mapping[int, str] = field(default_factory=dict)
    exclude_deleted: bool = False
    exclude_reuploads: bool = False


@dataclass(frozen=True, slots=True)
class Why:
    """Why an entry fails a rule: the reason in English (for exports, the audit log and the
    CLI), and the facts it states as plain values (timestamps in ISO 8601), from which the UI
    words the reason in the reader's language."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Failure:
    code: str
    reason: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    label: str
    check: Callable[[EntryFacts, RuleSet], Why | None]
    enabled: Callable[[RuleSet], bool]


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def check_window(entry: EntryFacts, rules: RuleSet) -> Why | None:
    uploaded = entry.uploaded_at
    if uploaded is None:
        return None
    if rules.opens_at is not None and uploaded < rules.opens_at:
        return Why(
            f"First uploaded {_when(uploaded)}, before the campaign opened "
            f"({_when(rules.opens_at)})",
            {"uploaded_at": uploaded.isoformat(), "opens_at": rules.opens_at.isoformat()},
        )
    if rules.closes_at is not None and uploaded > rules.closes_at:
        return Why(
            f"First uploaded {_when(uploaded)}, after the campaign closed "
            f"({_when(rules.closes_at)})",
            {"uploaded_at": uploaded.isoformat(), "closes_at": rules.closes_at.isoformat()},
        )
    return None


def check_resolution(entry: EntryFacts, rules: RuleSet) -> Why | None:
    minimum = rules.min_megapixels
    pixels = entry.width * entry.height
    if minimum is None or pixels <= 0:
        return None
    megapixels = pixels / 1_000_000
    if megapixels >= minimum:
        return None
    return Why(
        f"{_number(megapixels)} megapixels ({entry.width} x {entry.height}), "
        f"below the minimum of {_number(minimum)} megapixels",
        {
            "megapixels": round(megapixels, 2),
            "width": entry.width,
            "height": entry.height,
            "minimum": minimum,
        },
    )


def mime_allowed(mime: str, allowed: Iterable[str]) -> bool:
    """Whether ``mime`` matches one of ``allowed`` (``image/*`` matches any image type)."""
    mime = mime.strip().lower()
    for pattern in allowed:
        pattern = pattern.strip().lower()
        if pattern == mime or (pattern.endswith("/*") and mime.startswith(pattern[:-1])):
            return True
    return False


def check_file_type(entry: EntryFacts, rules: RuleSet) -> Why | None:
    allowed = rules.allowed_mimes
    if allowed is None or not entry.mime or mime_allowed(entry.mime, allowed):
        return None
    return Why(
        f"File type {entry.mime} is not allowed (allowed: {', '.join(allowed) or 'none'})",
        {"mime": entry.mime, "allowed": list(allowed)},
    )


def check_staff_upload(entry: EntryFacts, rules: RuleSet) -> Why | None:
    # Matched by Commons user id only: names can be renamed or taken over.
    if entry.uploader_id is None:
        return None
    role = rules.staff.get(entry.uploader_id)
    if role is None:
        return None
    who = entry.uploader or f"user #{entry.uploader_id}"
    return Why(f"Uploaded by {who}, {ROLE_LABELS.get(role, role)}", {"uploader": who, "role": role})


def check_deleted(entry: EntryFacts, rules: RuleSet) -> Why | None:
    return Why("Deleted from Commons") if entry.deleted else None


def check_reupload(entry: EntryFacts, rules: RuleSet) -> Why | None:
    latest_by, latest_at = entry.latest_uploader_id, entry.latest_uploaded_at
    if rules.closes_at is None or latest_by is None or latest_at is None:
        return None
    if latest_by == entry.uploader_id or latest_at <= rules.closes_at:
        return None
    who = entry.latest_uploader or f"user #{latest_by}"
    return Why(
        f"Re-uploaded by {who} on {_when(latest_at)}, after the campaign closed "
        f"({_when(rules.closes_at)})",
        {
            "uploader": who,
            "uploaded_at": latest_at.isoformat(),
            "closes_at": rules.closes_at.isoformat(),
        },
    )


RULES: tuple[Rule, ...] = (
    Rule(
        WINDOW,
        "First upload outside the campaign's upload window",
        check_window,
        lambda r: r.window and (r.opens_at is not None or r.closes_at is not None),
    ),
    Rule(
        RESOLUTION,
        "Resolution below the minimum",
        check_resolution,
        lambda r: r.min_megapixels is not None,
    ),
    Rule(
        FILE_TYPE,
        "File type not allowed",
        check_file_type,
        lambda r: r.allowed_mimes is not None,
    ),
    Rule(
        STAFF_UPLOAD,
        "Uploaded by a juror, coordinator or organizer",
        check_staff_upload,
        lambda r: r.exclude_staff_uploads,
    ),
    Rule(DELETED, "Deleted from Commons", check_deleted, lambda r: r.exclude_deleted),
    Rule(
        REUPLOAD,
        "Re-uploaded by another user after the window closed",
        check_reupload,
        lambda r: r.exclude_reuploads and r.closes_at is not None,
    ),
)
CODES = frozenset(rule.code for rule in RULES)


def failures(entry: EntryFacts, rules: RuleSet) -> list[Failure]:
    """Every enabled rule the entry fails, in rule order."""
    found = []
    for rule in RULES:
        if rule.enabled(rules):
            why = rule.check(entry, rules)
            if why is not None:
                found.append(Failure(rule.code, why.text, why.params))
    return found


def verdict(entry: EntryFacts, rules: RuleSet) -> Failure | None:
    """The first rule the entry fails, or None when it is eligible."""
    for rule in RULES:
        if rule.enabled(rules):
            why = rule.check(entry, rules)
            if why is not None:
                return Failure(rule.code, why.text, why.params)
    return None


@dataclass(frozen=True, slots=True)
class Current:
    """An entry as it stands in the round: its id, its disqualification, its facts."""

    id: int
    dq_code: str | None
    dq_reason: str | None
    facts: EntryFacts
    dq_params: dict[str, Any] | None = None


@dataclass(slots=True)
class Plan:
    disqualify: list[tuple[int, Failure]] = field(default_factory=list)
    requalify: list[int] = field(default_factory=list)
    # Still disqualified by a rule, but by another rule or for another reason now (or with
    # the facts behind the reason, which entries disqualified before they were kept lack).
    reword: list[tuple[int, Failure]] = field(default_factory=list)
    # Disqualified by hand or from a flag: rules leave these alone.
    untouched: list[int] = field(default_factory=list)


def plan(entries: Iterable[Current], rules: RuleSet) -> Plan:
    result = Plan()
    for entry in entries:
        if entry.dq_code is not None and entry.dq_code not in CODES:
            result.untouched.append(entry.id)
            continue
        failure = verdict(entry.facts, rules)
        if entry.dq_code is None:
            if failure is not None:
                result.disqualify.append((entry.id, failure))
        elif failure is None:
            result.requalify.append(entry.id)
        elif (failure.code, failure.reason, failure.params) != (
            entry.dq_code,
            entry.dq_reason,
            entry.dq_params,
        ):
            # Also when only the facts are new: entries disqualified before they were kept.
            result.reword.append((entry.id, failure))
    return result
