"""Small keyword-only factories; each adds its object, flushes, and returns it."""

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from app.models import (
    Campaign,
    CampaignCoordinator,
    Entry,
    Round,
    RoundEntry,
    RoundJuror,
    User,
)

_ids = itertools.count(1)


def _next() -> int:
    return next(_ids)


def make_user(
    session: Session,
    *,
    username: str | None = None,
    wiki_id: int | None = None,
    admin: bool = False,
    organizer: bool = False,
) -> User:
    n = _next()
    user = User(
        wiki_id=wiki_id if wiki_id is not None else 1_000_000 + n,
        username=username or f"User {n}",
        is_admin=admin,
        is_organizer=organizer,
    )
    session.add(user)
    session.flush()
    return user


def make_campaign(
    session: Session,
    *,
    name: str | None = None,
    slug: str | None = None,
    coordinators: tuple[User, ...] = (),
    opens_at: datetime | None = datetime(2026, 9, 1, tzinfo=UTC),
    closes_at: datetime | None = datetime(2026, 10, 1, tzinfo=UTC),
    **fields: Any,
) -> Campaign:
    n = _next()
    campaign = Campaign(
        name=name or f"Campaign {n}",
        slug=slug or f"campaign-{n}",
        opens_at=opens_at,
        closes_at=closes_at,
        **fields,
    )
    session.add(campaign)
    session.flush()
    for user in coordinators:
        session.add(CampaignCoordinator(campaign_id=campaign.id, user_id=user.id))
    session.flush()
    return campaign


def make_round(
    session: Session,
    *,
    campaign: Campaign,
    jurors: tuple[User, ...] = (),
    name: str | None = None,
    **fields: Any,
) -> Round:
    fields.setdefault("ordinal", _next())
    round_ = Round(campaign_id=campaign.id, name=name or "Round", seed=_next(), **fields)
    session.add(round_)
    session.flush()
    for user in jurors:
        session.add(RoundJuror(round_id=round_.id, user_id=user.id))
    session.flush()
    return round_


def make_entry(session: Session, **fields: Any) -> Entry:
    n = _next()
    fields.setdefault("page_id", 50_000_000 + n)
    fields.setdefault("title", f"File:Photo {n}.jpg")
    fields.setdefault("width", 4000)
    fields.setdefault("height", 3000)
    fields.setdefault("mime", "image/jpeg")
    fields.setdefault("uploader", f"Uploader {n}")
    fields.setdefault("uploader_id", 9_000_000 + n)
    fields.setdefault("uploaded_at", datetime(2026, 9, 15, tzinfo=UTC))
    entry = Entry(**fields)
    session.add(entry)
    session.flush()
    return entry


def make_round_entry(session: Session, *, round: Round, entry: Entry | None = None) -> RoundEntry:
    entry = entry or make_entry(session)
    round_entry = RoundEntry(round_id=round.id, entry_id=entry.id, source="test")
    session.add(round_entry)
    session.flush()
    return round_entry


def make_task(
    session: Session,
    *,
    round: Round,
    juror: User,
    round_entry: RoundEntry | None = None,
    status: str = "open",
    sort_key: int = 0,
) -> Any:
    """A task of ``juror`` (on a new entry of the round unless ``round_entry`` is given)."""
    from app.models import Task

    round_entry = round_entry or make_round_entry(session, round=round)
    task = Task(
        round_id=round.id,
        round_entry_id=round_entry.id,
        juror_id=juror.id,
        status=status,
        sort_key=sort_key,
        done_at=datetime.now(UTC) if status == "done" else None,
    )
    session.add(task)
    session.flush()
    return task


def make_vote(
    session: Session, *, task: Any, value: int, comment: str = "", favourite: bool = False
) -> Any:
    """A vote on ``task``, which is marked done."""
    from app.models import Vote

    vote = Vote(
        task_id=task.id,
        round_id=task.round_id,
        round_entry_id=task.round_entry_id,
        juror_id=task.juror_id,
        value=value,
        comment=comment,
        favourite=favourite,
    )
    task.status = "done"
    task.done_at = datetime.now(UTC)
    session.add(vote)
    session.flush()
    return vote


def make_flag(
    session: Session,
    *,
    round_entry: RoundEntry,
    juror: User,
    reason: str = "copyright",
    note: str = "",
    status: str = "open",
) -> Any:
    """A juror's flag on a round entry."""
    from app.models import Flag

    flag = Flag(
        round_id=round_entry.round_id,
        round_entry_id=round_entry.id,
        juror_id=juror.id,
        reason=reason,
        note=note,
        status=status,
    )
    session.add(flag)
    session.flush()
    return flag
