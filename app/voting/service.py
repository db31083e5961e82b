"""Juror-facing voting: the task queue, votes, ranking ballots and flags.

Rules kept here:

- a juror works only on their own tasks of eligible entries (disqualified entries vanish from
  the queue, the ballot, progress and past votes);
- the task queue, votes, ballots, skips, undos and flags need an active round; reading my
  votes, my ballot and my rounds does not;
- one vote per task, enforced by the database (``votes.task_id`` is unique): casting the same
  vote again changes nothing, a change records the vote's old state in ``vote_changes``;
- yes/no and rating rounds vote entry by entry, ranking rounds take one full ballot;
- jurors see only what the round's display settings show, and never other jurors' votes.

Casting a vote is the hot path (one request per photo, hundreds an hour per juror), so it
runs prebuilt statements, one read and two writes (one on PostgreSQL), and takes no locks
beyond the rows it writes and a share lock on the round: it reads the task with its vote, the
round and my place on its jury, then either claims the task and inserts the vote with
``ON CONFLICT DO NOTHING``, or updates the vote only if it still holds the values it read and
records the old ones. A concurrent writer makes it read again instead of writing twice.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.deps import LOG_IN
from app.auth.permissions import juror_round
from app.commons.thumbs import srcset, thumb_url
from app.core.db import loaded
from app.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from app.core.prepared import Prepared
from app.models import (
    Campaign,
    Entry,
    Flag,
    FlagReason,
    FlagStatus,
    Round,
    RoundEntry,
    RoundJuror,
    RoundStatus,
    Task,
    TaskStatus,
    User,
    Vote,
    VoteAction,
    VoteChange,
    VoteMethod,
    utcnow,
)
from app.results.schulze import validate_ballot
from app.results.tally import normalize
from app.rounds.schemas import Display
from app.voting.schemas import (
    Ballot,
    BallotEntry,
    EntryView,
    JurorStats,
    MyRound,
    PastVote,
    Progress,
    TaskBatch,
    TaskView,
    VotePage,
)

# The thumbnail shown on the voting screen, and the candidates the browser picks from.
SCREEN_WIDTH = 1280
SRCSET_WIDTHS = (500, 960, 1280, 1920, 3840)

MAX_BATCH = 100
MAX_PAGE = 200
# Rounds a concurrent writer can make cast_vote read again before it gives up.
_ATTEMPTS = 5

_ELIGIBLE = col(RoundEntry.dq_code).is_(None)
_STATUS_ORDER = {
    RoundStatus.active: 0,
    RoundStatus.paused: 1,
    RoundStatus.draft: 2,
    RoundStatus.finalized: 3,
    RoundStatus.cancelled: 4,
}


# -- what jurors see ----------------------------------------------------------------------


def display_of(round: Round) -> Display:
    """The round's display settings, with the defaults of the rounds API for missing keys."""
    return Display.model_validate(round.display or {})


def entry_view(entry: Entry | Row, display: Display) -> EntryView:
    """``entry`` (an Entry, or a row with its columns) as jurors of a round with ``display``
    settings may see it."""
    original_width = entry.width or None
    try:
        thumb = thumb_url(entry.url, SCREEN_WIDTH, original_width=original_width)
        candidates = srcset(entry.url, SRCSET_WIDTHS, original_width=original_width)
    except ValueError:
        # Not a Commons upload URL, or a type (TIFF, PDF...) whose thumbnail names only the
        # API knows: the original is the best we can offer.
        thumb, candidates = entry.url, ""
    fields: dict = {
        "width": entry.width,
        "height": entry.height,
        "mime": entry.mime,
        "url": entry.url,
        "thumb_url": thumb,
        "srcset": candidates,
    }
    # Hidden fields are not set at all, so they are left out of the JSON, not sent as null.
    if display.show_filename:
        fields["title"] = entry.title
    if display.show_link:
        fields["description_url"] = entry.description_url
    if display.show_uploader:
        fields["uploader"] = entry.uploader
    return EntryView(**fields)


# -- guards -------------------------------------------------------------------------------


def _require_active(round: Round) -> None:
    _require_status_active(round.status)


def _require_status_active(status: str) -> None:
    if status == RoundStatus.active:
        return
    if status == RoundStatus.paused:
        raise Conflict(
            "Voting in this round is paused; you can go on when the coordinators resume it.",
            code="round_paused",
        )
    raise Conflict(
        f"Voting is closed: this round is {status}, not active.", code="round_not_active"
    )


_ROUND_STATUS_SHARED = (
    select(Round.status).where(Round.id == bindparam("round_id")).with_for_update(read=True)
)


def _hold_active(session: Session, round: Round) -> None:
    """Check the round is still active and keep it so until this transaction ends.

    A share lock on the round's row (PostgreSQL; SQLite runs one writer at a time anyway)
    makes a vote wait for a concurrent finalization and then see it, so no vote lands
    after the results were frozen.
    """
    status = session.connection().execute(_ROUND_STATUS_SHARED, {"round_id": round.id}).scalar()
    if status != round.status:
        round.status = status
    _require_active(round)


def _require_entry_by_entry(round: Round) -> None:
    _require_method_entry_by_entry(round.vote_method, round.id)


def _require_method_entry_by_entry(method: str, round_id: int) -> None:
    if method == VoteMethod.ranking:
        raise Conflict(
            "This is a ranking round: submit your whole ballot at once with"
            f" PUT /api/rounds/{round_id}/ranking.",
            code="ranking_round",
        )


def _require_ranking(round: Round) -> None:
    if round.vote_method != VoteMethod.ranking:
        raise Conflict(
            f"This round votes {round.vote_method} entry by entry; it has no ranking ballot.",
            code="not_ranking_round",
        )


def _not_assigned(round_entry_id: int) -> NotFound:
    return NotFound(
        f"Entry {round_entry_id} is not assigned to you in this round.", code="not_assigned"
    )


def _disqualified(round_entry_id: int) -> NotFound:
    return NotFound(
        f"Entry {round_entry_id} was disqualified; it takes no votes or flags.",
        code="entry_disqualified",
    )


# -- statements of the hot path ----------------------------------------------------------
# Built once, with bound parameters: rebuilding and re-keying a statement on every vote costs
# SQLAlchemy more than the database needs to run it. They run on the session's connection
# (its transaction), so objects loaded earlier in the session are not refreshed by them.

_tasks = Task.__table__  # type: ignore[attr-defined]
_votes = Vote.__table__  # type: ignore[attr-defined]
_round_entries = RoundEntry.__table__  # type: ignore[attr-defined]
_entries = Entry.__table__  # type: ignore[attr-defined]
_rounds = Round.__table__  # type: ignore[attr-defined]
_jury = RoundJuror.__table__  # type: ignore[attr-defined]
_changes = VoteChange.__table__  # type: ignore[attr-defined]
_users = User.__table__  # type: ignore[attr-defined]
_open = TaskStatus.open.value

_SLOT = (
    select(
        _tasks.c.id.label("task_id"),
        _tasks.c.status,
        _round_entries.c.dq_code,
        *(column.label(f"vote_{column.name}") for column in _votes.c),
    )
    .select_from(
        _tasks.join(_round_entries, _round_entries.c.id == _tasks.c.round_entry_id).outerjoin(
            _votes, _votes.c.task_id == _tasks.c.id
        )
    )
    .where(
        _tasks.c.round_id == bindparam("round_id"),
        _tasks.c.round_entry_id == bindparam("round_entry_id"),
        _tasks.c.juror_id == bindparam("juror_id"),
    )
)
# A vote's one read: my task with its vote, and what the juror routes would check first (my
# session's epoch, the round's state, my place on its jury). The share lock on the round's row
# (PostgreSQL; SQLite runs one writer at a time anyway) makes a vote wait for a concurrent
# finalization and then see it, so no vote lands after the results were frozen.
_VOTE_SLOT = (
    select(
        _tasks.c.id.label("task_id"),
        _tasks.c.status,
        _round_entries.c.dq_code,
        _rounds.c.status.label("round_status"),
        _rounds.c.vote_method,
        _jury.c.active.label("on_jury"),
        _users.c.session_epoch,
        *(column.label(f"vote_{column.name}") for column in _votes.c),
    )
    .select_from(
        _tasks.join(_rounds, _rounds.c.id == _tasks.c.round_id)
        .join(_users, _users.c.id == _tasks.c.juror_id)
        .join(
            _jury,
            (_jury.c.round_id == _tasks.c.round_id) & (_jury.c.user_id == _tasks.c.juror_id),
        )
        .join(_round_entries, _round_entries.c.id == _tasks.c.round_entry_id)
        .outerjoin(_votes, _votes.c.task_id == _tasks.c.id)
    )
    .where(
        _tasks.c.round_id == bindparam("round_id"),
        _tasks.c.round_entry_id == bindparam("round_entry_id"),
        _tasks.c.juror_id == bindparam("juror_id"),
    )
    .with_for_update(read=True, of=_rounds)
)
# Parameters of statements on several tables are prefixed: an UPDATE would take a parameter
# named like one of its table's columns as a value to set.
_NEW_VOTE_COLUMNS = (
    "task_id",
    "round_id",
    "round_entry_id",
    "juror_id",
    "value",
    "comment",
    "favourite",
    "created_at",
    "updated_at",
)
# ON CONFLICT: the same vote sent twice at once is stored once, the loser reads the winner's.
_INSERT_VOTE = (
    sqlite.insert(_votes)
    .values({name: bindparam(f"v_{name}") for name in _NEW_VOTE_COLUMNS})
    .on_conflict_do_nothing(index_elements=[_votes.c.task_id])
    .returning(*_votes.c)
)
# Changes the vote only if it still holds what we read; otherwise we read again.
_CHANGE_VOTE = (
    update(_votes)
    .where(
        _votes.c.id == bindparam("b_id"),
        _votes.c.value == bindparam("b_old_value"),
        _votes.c.comment == bindparam("b_old_comment"),
        _votes.c.favourite == bindparam("b_old_favourite"),
    )
    .values(
        value=bindparam("b_value"),
        comment=bindparam("b_comment"),
        favourite=bindparam("b_favourite"),
        updated_at=bindparam("b_now"),
    )
    .returning(*_votes.c)
)
_KEEP_OLD_VOTE = _changes.insert()
_CLAIM_TASK = (
    update(_tasks)
    .where(
        _tasks.c.id == bindparam("b_task_id"),
        _tasks.c.juror_id == bindparam("b_juror_id"),
        _tasks.c.status != bindparam("b_cancelled", TaskStatus.cancelled.value),
    )
    # Named, not anonymous, parameters: SQLAlchemy loses the values of anonymous ones when
    # the statement is nested in a CTE (below).
    .values(status=bindparam("b_done", TaskStatus.done.value), done_at=bindparam("b_now"))
)
_CLOSE_TASK = (
    update(_tasks)
    .where(_tasks.c.id == bindparam("b_task_id"), _tasks.c.status == _open)
    .values(status=TaskStatus.done.value, done_at=bindparam("b_now"))
)
# PostgreSQL does each write pair in one statement (one round trip): claim the task and insert
# the vote; change the vote and keep its old state. No row comes back when either half found
# nothing to do, as with the two statements.
_claimed = _CLAIM_TASK.returning(_tasks.c.id).cte("claimed")
_CLAIM_AND_INSERT_VOTE = (
    postgresql.insert(_votes)
    .from_select(
        _NEW_VOTE_COLUMNS,
        select(
            _claimed.c.id,
            *(bindparam(f"v_{name}", type_=_votes.c[name].type) for name in _NEW_VOTE_COLUMNS[1:]),
        ),
    )
    .on_conflict_do_nothing(index_elements=[_votes.c.task_id])
    .returning(*_votes.c)
)
_changed = _CHANGE_VOTE.cte("changed")
_CHANGE_AND_KEEP_VOTE = select(*_changed.c).add_cte(
    _changes.insert()
    .from_select(
        ("task_id", "vote_id", "juror_id", "action", "value", "comment", "favourite", "changed_at"),
        select(
            _changed.c.task_id,
            _changed.c.id,
            _changed.c.juror_id,
            bindparam("b_action", VoteAction.change.value, type_=_changes.c.action.type),
            bindparam("b_old_value", type_=_votes.c.value.type),
            bindparam("b_old_comment", type_=_votes.c.comment.type),
            bindparam("b_old_favourite", type_=_votes.c.favourite.type),
            bindparam("b_now", type_=_votes.c.updated_at.type),
        ),
    )
    .cte("kept")
)

# The vote's statements, run on SQLite's own cursor (decision 0009).
_RUN_VOTE_SLOT = Prepared(_VOTE_SLOT)
_RUN_CLAIM_TASK = Prepared(_CLAIM_TASK)
_RUN_INSERT_VOTE = Prepared(_INSERT_VOTE)
_RUN_CLAIM_AND_INSERT_VOTE = Prepared(_CLAIM_AND_INSERT_VOTE)
_RUN_CLOSE_TASK = Prepared(_CLOSE_TASK)
_RUN_CHANGE_VOTE = Prepared(_CHANGE_VOTE)
_RUN_CHANGE_AND_KEEP_VOTE = Prepared(_CHANGE_AND_KEEP_VOTE)

_MY_OPEN = (
    _tasks.c.round_id == bindparam("round_id"),
    _tasks.c.juror_id == bindparam("juror_id"),
    _tasks.c.status == _open,
)
# What entry_view reads of an entry.
_ENTRY_COLUMNS = (
    _entries.c.width,
    _entries.c.height,
    _entries.c.mime,
    _entries.c.url,
    _entries.c.title,
    _entries.c.description_url,
    _entries.c.uploader,
)
_QUEUE = (
    select(_tasks.c.id.label("task_id"), _tasks.c.round_entry_id, *_ENTRY_COLUMNS)
    .select_from(
        _tasks.join(_round_entries, _round_entries.c.id == _tasks.c.round_entry_id).join(
            _entries, _entries.c.id == _round_entries.c.entry_id
        )
    )
    .where(*_MY_OPEN, _round_entries.c.dq_code.is_(None))
    .order_by(_tasks.c.sort_key, _tasks.c.id)
    .limit(bindparam("limit"))
)
# All my open tasks (an index-only count) less those on disqualified entries, found from the
# few disqualified entries rather than by joining every open task to its round entry. (That
# side is instant with a partial index on round_entries (round_id) WHERE dq_code IS NOT NULL;
# without one it scans the round's entries.)
_DISQUALIFIED = (
    select(_round_entries.c.id)
    .where(_round_entries.c.round_id == bindparam("round_id"))
    .where(_round_entries.c.dq_code.is_not(None))
)
_REMAINING = select(
    select(func.count()).select_from(_tasks).where(*_MY_OPEN).scalar_subquery()
    - select(func.count())
    .select_from(_tasks)
    .where(*_MY_OPEN, _tasks.c.round_entry_id.in_(_DISQUALIFIED))
    .scalar_subquery()
)


# The task fetch's statements, on SQLite's own cursor too.
_RUN_QUEUE = Prepared(_QUEUE)
_RUN_REMAINING = Prepared(_REMAINING)


@dataclass(slots=True)
class _Slot:
    """A juror's task for one entry, with its vote if any."""

    task_id: int
    status: str
    vote: Vote | None


def _vote_of(row: Row, prefix: str = "") -> Vote:
    return loaded(Vote, {column.name: getattr(row, prefix + column.name) for column in _votes.c})


def _load_slot(connection: Connection, *, round: Round, juror: User, round_entry_id: int) -> _Slot:
    """My task for the entry (with its vote); 404 if I hold none or the entry is out."""
    row = connection.execute(
        _SLOT, {"round_id": round.id, "round_entry_id": round_entry_id, "juror_id": juror.id}
    ).first()
    if row is None or row.status == TaskStatus.cancelled:
        raise _not_assigned(round_entry_id)
    if row.dq_code is not None:
        raise _disqualified(round_entry_id)
    vote = None if row.vote_id is None else _vote_of(row, "vote_")
    return _Slot(task_id=row.task_id, status=row.status, vote=vote)


def _insert(session: Session):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which knows ON CONFLICT."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


def _mark_done(session: Session, *, task_ids: list[int], now: datetime) -> None:
    session.execute(
        update(Task)
        .where(col(Task.id).in_(task_ids), Task.status == TaskStatus.open)
        .values(status=TaskStatus.done, done_at=now)
    )


# -- the queue ----------------------------------------------------------------------------


def next_tasks(session: Session, *, round: Round, juror: User, limit: int = 10) -> TaskBatch:
    """My next open tasks in my order, and how many open tasks I have left."""
    _require_active(round)
    _require_entry_by_entry(round)
    if not 1 <= limit <= MAX_BATCH:
        raise InvalidInput(f"limit must be between 1 and {MAX_BATCH}.")
    session.flush()
    connection = session.connection()
    mine = {"round_id": round.id, "juror_id": juror.id}
    rows = _RUN_QUEUE.execute(connection, {**mine, "limit": limit}).rows
    if len(rows) < limit:
        remaining = len(rows)
    else:
        remaining = _RUN_REMAINING.execute(connection, mine).first()[0]
    display = display_of(round)
    return TaskBatch(
        tasks=[
            TaskView(
                task_id=r.task_id, round_entry_id=r.round_entry_id, entry=entry_view(r, display)
            )
            for r in rows
        ],
        remaining=remaining,
    )


def skip_task(session: Session, *, round: Round, juror: User, task_id: int) -> None:
    """Put my open task at the end of my queue."""
    _require_active(round)
    _require_entry_by_entry(round)
    row = session.execute(
        select(Task.status, Task.round_entry_id, RoundEntry.dq_code)
        .join(RoundEntry, col(RoundEntry.id) == Task.round_entry_id)
        .where(Task.id == task_id, Task.round_id == round.id, Task.juror_id == juror.id)
    ).first()
    if row is None or row.status == TaskStatus.cancelled:
        raise NotFound(f"Task {task_id} is not yours in this round.", code="not_assigned")
    if row.dq_code is not None:
        raise _disqualified(row.round_entry_id)
    if row.status != TaskStatus.open:
        raise Conflict(
            f"Task {task_id} is already voted; change the vote instead of skipping.",
            code="task_done",
        )
    # The end of the queue is past the last *open* task: the index on
    # (round, juror, status, sort_key) answers that directly.
    other = aliased(Task)
    last = (
        select(func.max(other.sort_key))
        .where(
            other.round_id == round.id,
            other.juror_id == juror.id,
            other.status == TaskStatus.open,
        )
        .scalar_subquery()
    )
    session.execute(update(Task).where(Task.id == task_id).values(sort_key=last + 1))


# -- votes --------------------------------------------------------------------------------


def cast_vote(
    session: Session,
    *,
    round: Round,
    juror: User,
    round_entry_id: int,
    value: int,
    comment: str | None = None,
    favourite: bool | None = None,
) -> Vote:
    """Cast or change my vote on an entry; the same vote again changes nothing.

    ``comment`` and ``favourite`` left as None keep their current values (empty and false
    on a first vote). Returns the stored vote (not attached to the session).
    """
    session.flush()
    return vote_in_round(
        session,
        round_id=round.id,
        juror_id=juror.id,
        round_entry_id=round_entry_id,
        value=value,
        comment=comment,
        favourite=favourite,
    )


def vote_in_round(
    session: Session,
    *,
    round_id: int,
    juror_id: int,
    round_entry_id: int,
    value: int,
    comment: str | None = None,
    favourite: bool | None = None,
    session_epoch: int | None = None,
) -> Vote:
    """``cast_vote`` in a round known by its id, as the vote route calls it: the vote's one
    read also checks what ``JurorRound`` would (404 for an unknown round, 403 unless I am an
    active juror of it), so the hot path costs no query for them. With ``session_epoch``, the
    route's session (``Caller``), it also checks what ``current_user`` would: 401 unless that
    is still the juror's epoch (decision 0009)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"A vote is a whole number, got {value!r}.", code="invalid_vote")
    connection = session.connection()
    for _ in range(_ATTEMPTS):
        row = _RUN_VOTE_SLOT.execute(
            connection,
            {"round_id": round_id, "round_entry_id": round_entry_id, "juror_id": juror_id},
        ).first()
        if row is None or not row.on_jury or _revoked(row.session_epoch, session_epoch):
            # Say why as the juror routes do: no session, no such round, not on its jury, not
            # open.
            juror = session.get(User, juror_id)
            if juror is None or _revoked(juror.session_epoch, session_epoch):
                raise NotAuthenticated(LOG_IN)
            round = juror_round(round_id, juror, session)
            _require_active(round)
            _require_entry_by_entry(round)
            raise _not_assigned(round_entry_id)
        _require_status_active(row.round_status)
        _require_method_entry_by_entry(row.vote_method, round_id)
        normalize(method=row.vote_method, value=value)  # raises for a value the method refuses
        if row.status == TaskStatus.cancelled:
            raise _not_assigned(round_entry_id)
        if row.dq_code is not None:
            raise _disqualified(round_entry_id)
        now = utcnow()
        if row.vote_id is None:
            vote = _insert_vote(
                connection,
                task_id=row.task_id,
                round_id=round_id,
                round_entry_id=round_entry_id,
                juror_id=juror_id,
                value=value,
                comment=comment or "",
                favourite=bool(favourite),
                now=now,
            )
            if vote is None:
                continue  # a concurrent request cast it first: read theirs and compare
        else:
            old = _vote_of(row, "vote_")
            before = (old.value, old.comment, old.favourite)
            after = (
                value,
                old.comment if comment is None else comment,
                old.favourite if favourite is None else favourite,
            )
            if after == before:
                vote = old
            else:
                vote = _change_vote(connection, old=old, after=after, now=now)
                if vote is None:
                    continue  # changed meanwhile by a concurrent request: read again
            if row.status != TaskStatus.done:
                _RUN_CLOSE_TASK.execute(connection, {"b_task_id": row.task_id, "b_now": now})
        return vote
    raise Conflict(
        "Your vote on this entry kept changing at the same time; try again.", code="vote_race"
    )


def _revoked(epoch: int, session_epoch: int | None) -> bool:
    return session_epoch is not None and epoch != session_epoch


def _insert_vote(
    connection: Connection,
    *,
    task_id: int,
    round_id: int,
    round_entry_id: int,
    juror_id: int,
    value: int,
    comment: str,
    favourite: bool,
    now: datetime,
) -> Vote | None:
    """Claim the task, then store its first vote; None if either found it done by others.

    Claiming first matters: the guarded update takes the task's row lock, so a concurrent
    juror removal either waits and finds the task done, or moves it first and the claim
    matches nothing (then the re-read refuses the vote)."""
    claim = {"b_task_id": task_id, "b_juror_id": juror_id, "b_now": now}
    fields = {
        "v_task_id": task_id,
        "v_round_id": round_id,
        "v_round_entry_id": round_entry_id,
        "v_juror_id": juror_id,
        "v_value": value,
        "v_comment": comment,
        "v_favourite": favourite,
        "v_created_at": now,
        "v_updated_at": now,
    }
    if connection.dialect.name == "postgresql":
        row = _RUN_CLAIM_AND_INSERT_VOTE.execute(connection, {**claim, **fields}).first()
    elif _RUN_CLAIM_TASK.execute(connection, claim).rowcount != 1:
        return None
    else:
        row = _RUN_INSERT_VOTE.execute(connection, fields).first()
    return None if row is None else _vote_of(row)


def _change_vote(
    connection: Connection, *, old: Vote, after: tuple[int, str, bool], now: datetime
) -> Vote | None:
    """Change the vote if it still holds ``old``'s values and keep those in its history; None
    if a concurrent request changed it first."""
    params = {
        "b_id": old.id,
        "b_old_value": old.value,
        "b_old_comment": old.comment,
        "b_old_favourite": old.favourite,
        "b_value": after[0],
        "b_comment": after[1],
        "b_favourite": after[2],
        "b_now": now,
    }
    if connection.dialect.name == "postgresql":
        row = _RUN_CHANGE_AND_KEEP_VOTE.execute(connection, params).first()
        return None if row is None else _vote_of(row)
    row = _RUN_CHANGE_VOTE.execute(connection, params).first()
    if row is None:
        return None
    connection.execute(
        _KEEP_OLD_VOTE,
        {
            "task_id": old.task_id,
            "vote_id": old.id,
            "juror_id": old.juror_id,
            "action": VoteAction.change.value,
            "value": old.value,
            "comment": old.comment,
            "favourite": old.favourite,
            "changed_at": now,
        },
    )
    return _vote_of(row)


def undo_vote(session: Session, *, round: Round, juror: User, round_entry_id: int) -> None:
    """Withdraw my vote: the task opens again at the front of my queue.

    Withdrawing a vote that is not there changes nothing. The vote row is deleted, so that
    tallies never count a withdrawn vote; a ``withdraw`` row in ``vote_changes`` keeps what
    it was.
    """
    _require_active(round)
    _require_entry_by_entry(round)
    session.flush()
    _hold_active(session, round)
    slot = _load_slot(session.connection(), round=round, juror=juror, round_entry_id=round_entry_id)
    if slot.vote is None and slot.status == TaskStatus.open:
        return
    if slot.vote is not None:
        old = slot.vote
        session.execute(
            _KEEP_OLD_VOTE,
            {
                "task_id": slot.task_id,
                "vote_id": old.id,
                "juror_id": juror.id,
                "action": VoteAction.withdraw.value,
                "value": old.value,
                "comment": old.comment,
                "favourite": old.favourite,
                "changed_at": utcnow(),
            },
        )
        session.execute(delete(Vote).where(Vote.id == old.id))
    other = aliased(Task)
    first = (
        select(func.min(other.sort_key))
        .where(
            other.round_id == round.id,
            other.juror_id == juror.id,
            other.status == TaskStatus.open,
        )
        .scalar_subquery()
    )
    session.execute(
        update(Task)
        .where(Task.id == slot.task_id)
        .values(
            status=TaskStatus.open,
            done_at=None,
            sort_key=func.coalesce(first - 1, Task.sort_key),
        )
        .execution_options(synchronize_session="fetch")
    )


def my_votes(
    session: Session, *, round: Round, juror: User, offset: int = 0, limit: int = 50
) -> VotePage:
    """My votes on eligible entries, last changed first."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"offset must be 0 or more and limit between 1 and {MAX_PAGE}.")
    mine = (Vote.round_id == round.id, Vote.juror_id == juror.id, _ELIGIBLE)
    rows = session.execute(
        select(Vote, Entry)
        .join(RoundEntry, col(RoundEntry.id) == Vote.round_entry_id)
        .join(Entry, col(Entry.id) == RoundEntry.entry_id)
        .where(*mine)
        .order_by(col(Vote.updated_at).desc(), col(Vote.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.execute(
        select(func.count())
        .select_from(Vote)
        .join(RoundEntry, col(RoundEntry.id) == Vote.round_entry_id)
        .where(*mine)
    ).scalar_one()
    display = display_of(round)
    return VotePage(
        total=total,
        votes=[
            PastVote.model_validate(r.Vote, update={"entry": entry_view(r.Entry, display)})
            for r in rows
        ],
    )


# -- my rounds ----------------------------------------------------------------------------


def my_rounds(session: Session, *, juror: User) -> list[MyRound]:
    """The rounds I am an active juror of, running ones first, with my progress."""
    rows = session.execute(
        select(Round, Campaign.name, Campaign.slug)
        .join(RoundJuror, col(RoundJuror.round_id) == Round.id)
        .join(Campaign, col(Campaign.id) == Round.campaign_id)
        .where(RoundJuror.user_id == juror.id, col(RoundJuror.active).is_(True))
    ).all()
    if not rows:
        return []
    ids = [r.Round.id for r in rows]

    progress: dict[int, dict[str, int]] = defaultdict(lambda: {"open": 0, "done": 0})
    for round_id, status, n in session.execute(
        select(Task.round_id, Task.status, func.count())
        .join(RoundEntry, col(RoundEntry.id) == Task.round_entry_id)
        .where(
            Task.juror_id == juror.id,
            col(Task.round_id).in_(ids),
            col(Task.status).in_((TaskStatus.open, TaskStatus.done)),
            _ELIGIBLE,
        )
        .group_by(Task.round_id, Task.status)
    ):
        progress[round_id][status] = n

    shown = {r.Round.id: r.Round for r in rows if display_of(r.Round).show_stats}
    values: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if shown:
        for round_id, value, n in session.execute(
            select(Vote.round_id, Vote.value, func.count())
            .join(RoundEntry, col(RoundEntry.id) == Vote.round_entry_id)
            .where(Vote.juror_id == juror.id, col(Vote.round_id).in_(list(shown)), _ELIGIBLE)
            .group_by(Vote.round_id, Vote.value)
        ):
            values[round_id].append((value, n))

    result = []
    for round_, campaign_name, campaign_slug in rows:
        counts = progress[round_.id]
        fields = {
            "id": round_.id,
            "name": round_.name,
            "status": round_.status,
            "vote_method": round_.vote_method,
            "deadline": round_.deadline,
            "directions": round_.directions,
            "campaign_id": round_.campaign_id,
            "campaign_name": campaign_name,
            "campaign_slug": campaign_slug,
            "progress": Progress(done=counts["done"], total=counts["open"] + counts["done"]),
        }
        if round_.id in shown:
            fields["stats"] = _stats(round_, values[round_.id])
        result.append(MyRound(**fields))
    result.sort(key=lambda r: (_STATUS_ORDER.get(r.status, 9), -r.id))
    return result


def _stats(round: Round, values: list[tuple[int, int]]) -> JurorStats:
    votes = sum(n for _, n in values)
    if round.vote_method == VoteMethod.ranking or not votes:
        return JurorStats(votes=votes, mean_score=None)
    total = sum(normalize(method=round.vote_method, value=v) * n for v, n in values)
    return JurorStats(votes=votes, mean_score=total / votes)


# -- flags --------------------------------------------------------------------------------


def flag_entry(
    session: Session,
    *,
    round: Round,
    juror: User,
    round_entry_id: int,
    reason: str,
    note: str = "",
) -> Flag:
    """Flag an entry of mine for the coordinators; flagging again updates an open flag."""
    _require_active(round)
    if reason not in FlagReason.__members__:
        allowed = ", ".join(FlagReason.__members__)
        raise InvalidInput(f"A flag's reason is one of {allowed}.", code="invalid_flag")
    session.flush()
    _load_slot(session.connection(), round=round, juror=juror, round_entry_id=round_entry_id)
    flag = session.execute(
        _insert(session)(Flag)
        .values(
            round_id=round.id,
            round_entry_id=round_entry_id,
            juror_id=juror.id,
            reason=reason,
            note=note,
            status=FlagStatus.open,
            created_at=utcnow(),
        )
        .on_conflict_do_update(
            index_elements=["round_entry_id", "juror_id"],
            set_={"reason": reason, "note": note},
            where=col(Flag.status) == FlagStatus.open,
        )
        .returning(Flag)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if flag is None:
        raise Conflict(
            "The coordinators have already reviewed your flag on this entry.",
            code="flag_resolved",
        )
    return flag


def withdraw_flag(session: Session, *, round: Round, juror: User, round_entry_id: int) -> None:
    """Withdraw my open flag on an entry; withdrawing a flag that is not there is a no-op."""
    _require_active(round)
    flag = session.execute(
        select(Flag).where(
            Flag.round_id == round.id,
            Flag.round_entry_id == round_entry_id,
            Flag.juror_id == juror.id,
        )
    ).scalar_one_or_none()
    if flag is None:
        return
    if flag.status != FlagStatus.open:
        raise Conflict(
            "The coordinators have already reviewed this flag; it can't be withdrawn.",
            code="flag_resolved",
        )
    session.delete(flag)
    session.flush()


def my_flags(session: Session, *, round: Round, juror: User) -> list[Flag]:
    return list(
        session.execute(
            select(Flag)
            .where(Flag.round_id == round.id, Flag.juror_id == juror.id)
            .order_by(Flag.id)
        ).scalars()
    )


# -- ranking ballots ----------------------------------------------------------------------


@dataclass(slots=True)
class _BallotRow:
    task_id: int
    round_entry_id: int
    status: str
    sort_key: int
    vote_id: int | None
    rank: int | None
    comment: str | None
    favourite: bool | None
    entry: Row  # with the entry's columns that entry_view reads


def _ballot_rows(session: Session, *, round: Round, juror: User) -> list[_BallotRow]:
    rows = session.execute(
        select(
            Task.id,
            Task.round_entry_id,
            Task.status,
            Task.sort_key,
            col(Vote.id).label("vote_id"),
            Vote.value,
            Vote.comment,
            Vote.favourite,
            *_ENTRY_COLUMNS,
        )
        .join(RoundEntry, col(RoundEntry.id) == Task.round_entry_id)
        .join(Entry, col(Entry.id) == RoundEntry.entry_id)
        .outerjoin(Vote, col(Vote.task_id) == Task.id)
        .where(
            Task.round_id == round.id,
            Task.juror_id == juror.id,
            Task.status != TaskStatus.cancelled,
            _ELIGIBLE,
        )
    ).all()
    return [
        _BallotRow(
            task_id=r.id,
            round_entry_id=r.round_entry_id,
            status=r.status,
            sort_key=r.sort_key,
            vote_id=r.vote_id,
            rank=r.value,
            comment=r.comment,
            favourite=r.favourite,
            entry=r,
        )
        for r in rows
    ]


def _ballot(round: Round, rows: list[_BallotRow]) -> Ballot:
    display = display_of(round)
    ranked = sorted(
        rows,
        key=lambda r: (r.rank is None, r.rank or 0, r.sort_key, r.task_id),
    )
    return Ballot(
        entries=[
            BallotEntry(
                task_id=r.task_id,
                round_entry_id=r.round_entry_id,
                rank=r.rank,
                entry=entry_view(r.entry, display),
            )
            for r in ranked
        ],
        complete=bool(rows) and all(r.rank is not None for r in rows),
    )


def ballot(session: Session, *, round: Round, juror: User) -> Ballot:
    """My ballot in a ranking round: every eligible entry I hold, with my ranks so far."""
    _require_ranking(round)
    return _ballot(round, _ballot_rows(session, round=round, juror=juror))


def submit_ballot(
    session: Session, *, round: Round, juror: User, ranks: Iterable[tuple[int, int]]
) -> Ballot:
    """Store my full ballot, ``(round_entry_id, rank)`` pairs: every entry exactly once,
    ranks from 1 (best), equal ranks for ties. Changed ranks keep their history."""
    _require_active(round)
    _require_ranking(round)
    _hold_active(session, round)
    # One ballot of a juror at a time (PostgreSQL; SQLite already writes one at a time):
    # the rows read below are then the latest.
    session.execute(
        select(RoundJuror.round_id)
        .where(RoundJuror.round_id == round.id, RoundJuror.user_id == juror.id)
        .with_for_update()
    )
    rows = _ballot_rows(session, round=round, juror=juror)
    checked = validate_ballot(entries={r.round_entry_id for r in rows}, ballot=list(ranks))
    now = utcnow()
    new_votes, changes, updates, to_close = [], [], [], []
    for row in rows:
        rank = checked[row.round_entry_id]
        if row.vote_id is None:
            new_votes.append(
                {
                    "task_id": row.task_id,
                    "round_id": round.id,
                    "round_entry_id": row.round_entry_id,
                    "juror_id": juror.id,
                    "value": rank,
                    "comment": "",
                    "favourite": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        elif row.rank != rank:
            changes.append(
                {
                    "task_id": row.task_id,
                    "vote_id": row.vote_id,
                    "juror_id": juror.id,
                    "action": VoteAction.change.value,
                    "value": row.rank,
                    "comment": row.comment,
                    "favourite": row.favourite,
                    "changed_at": now,
                }
            )
            updates.append({"id": row.vote_id, "value": rank, "updated_at": now})
        if row.status != TaskStatus.done:
            to_close.append(row.task_id)
        row.rank = rank
    vote_table = Vote.__table__  # type: ignore[attr-defined]
    if new_votes:
        session.execute(vote_table.insert(), new_votes)
    if changes:
        session.execute(VoteChange.__table__.insert(), changes)  # type: ignore[attr-defined]
        session.execute(update(Vote), updates)
    if to_close:
        _mark_done(session, task_ids=to_close, now=now)
    return _ballot(round, rows)
