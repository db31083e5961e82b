"""Disqualifying and requalifying a round's entries, by hand or by rule."""

from sqlmodel import Session

from app.audit.service import record
from app.core.errors import Conflict, InvalidInput, NotFound
from app.models import Round, RoundEntry, RoundStatus, User, utcnow

MANUAL = "manual"


def round_entry(session: Session, *, round_: Round, round_entry_id: int) -> RoundEntry:
    found = session.get(RoundEntry, round_entry_id)
    if found is None or found.round_id != round_.id:
        raise NotFound(f"Entry {round_entry_id} is not in this round.")
    return found


def _check_open(round_: Round) -> None:
    if round_.status in (RoundStatus.finalized, RoundStatus.cancelled):
        raise Conflict(f"The round is {round_.status}; its entries can no longer change.")


def disqualify(
    session: Session,
    *,
    round_: Round,
    entry: RoundEntry,
    reason: str,
    actor: User | None,
    code: str = MANUAL,
) -> RoundEntry:
    """Take an entry out of judging with a readable reason; its open tasks stop showing."""
    _check_open(round_)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Give a reason for the disqualification.")
    entry.dq_code = code
    entry.dq_reason = reason
    entry.dq_by = actor.id if actor else None
    entry.dq_at = utcnow()
    record(
        session,
        actor_id=actor.id if actor else None,
        action="entry.disqualify",
        object_type="round_entry",
        object_id=entry.id,
        campaign_id=round_.campaign_id,
        details={"round_id": round_.id, "code": code, "reason": reason},
    )
    session.flush()
    return entry


def requalify(
    session: Session, *, round_: Round, entry: RoundEntry, reason: str, actor: User
) -> RoundEntry:
    """Bring a disqualified entry back; a running round gives it any tasks it lacks."""
    _check_open(round_)
    if entry.dq_code is None:
        raise Conflict("The entry is not disqualified.")
    before = {"code": entry.dq_code, "reason": entry.dq_reason}
    entry.dq_code = entry.dq_reason = entry.dq_by = entry.dq_at = None
    record(
        session,
        actor_id=actor.id,
        action="entry.requalify",
        object_type="round_entry",
        object_id=entry.id,
        campaign_id=round_.campaign_id,
        details={"round_id": round_.id, "reason": reason.strip(), "was": before},
    )
    session.flush()
    return entry
