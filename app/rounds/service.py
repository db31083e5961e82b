"""Rounds: configuration, the lifecycle, jurors, and task assignment in the database.

The rules of who gets which task live in ``app.rounds.assignment`` (pure functions); this
module loads the state they need, stores what they decide with bulk statements, and keeps
the state machine: draft → active ⇄ paused → finalized, or cancelled.
"""

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.audit.service import round_event
from app.core.bulk import insert_rows
from app.core.errors import Conflict, InvalidInput, NotFound, UpstreamError
from app.models import (
    Campaign,
    CampaignStatus,
    Entry,
    Round,
    RoundEntry,
    RoundJuror,
    RoundStatus,
    Task,
    TaskStatus,
    User,
    Vote,
    VoteMethod,
    utcnow,
)
from app.rounds import assignment
from app.rounds.schemas import (
    JurorProgress,
    RoundCounts,
    RoundCreate,
    RoundPublic,
    RoundUpdate,
)

# Given usernames, returns {username: (central id, Commons local id)} for those that exist.
CommonsIdLookup = Callable[[list[str]], dict[str, tuple[int | None, int | None]]]

RUNNING = (RoundStatus.active, RoundStatus.paused)
TASK_COLUMNS = ("round_id", "round_entry_id", "juror_id", "status", "sort_key", "created_at")


def get(session: Session, *, round_id: int) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound(f"Round {round_id} does not exist.")
    return round_


def list_for_campaign(session: Session, *, campaign_id: int) -> list[Round]:
    query = select(Round).where(Round.campaign_id == campaign_id).order_by(Round.ordinal)
    return list(session.scalars(query))


def create(session: Session, *, campaign: Campaign, data: RoundCreate, actor: User) -> Round:
    if campaign.status in (CampaignStatus.finalized, CampaignStatus.published):
        raise Conflict(f"The campaign is {campaign.status}; it takes no new rounds.")
    last = session.scalar(select(func.max(Round.ordinal)).where(Round.campaign_id == campaign.id))
    round_ = Round(
        campaign_id=campaign.id,
        ordinal=(last or 0) + 1,
        name=data.name,
        vote_method=data.vote_method,
        quorum=data.quorum,
        directions=data.directions,
        deadline=_aware(data.deadline, "deadline"),
        display=data.display.model_dump(),
        rules=data.rules.model_dump(),
        seed=random.SystemRandom().randrange(1, 2**31),
    )
    session.add(round_)
    session.flush()
    for user_id in dict.fromkeys(data.juror_ids):
        _require_user(session, user_id)
        session.add(RoundJuror(round_id=round_.id, user_id=user_id))
    round_event(session, round_, actor, "create", name=round_.name, vote_method=round_.vote_method)
    session.flush()
    return round_


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput(f"{name} needs a time zone (UTC, e.g. 2026-10-15T23:59:59Z)")
    return value


def _require_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist.")
    return user


def update_round(
    session: Session,
    *,
    round_: Round,
    data: RoundUpdate,
    actor: User,
    lookup: CommonsIdLookup | None = None,
) -> Round:
    changes = data.model_dump(exclude_unset=True)
    if round_.status in (RoundStatus.finalized, RoundStatus.cancelled):
        raise Conflict(f"The round is {round_.status}; it can no longer be changed.")
    method = changes.get("vote_method")
    if method not in (None, round_.vote_method) and round_.status != RoundStatus.draft:
        raise Conflict("The vote method can only change while the round is a draft.")
    if changes.get("vote_method") is None:
        changes.pop("vote_method", None)
    for name in ("name", "quorum", "display", "rules", "directions"):
        if name in changes and changes[name] is None:
            raise InvalidInput(f"{name} cannot be empty")
    if "deadline" in changes:
        _aware(changes["deadline"], "deadline")
    new_quorum = changes.pop("quorum", None)
    for name, value in changes.items():
        setattr(round_, name, value)
    if new_quorum is not None and new_quorum != round_.quorum:
        old = round_.quorum
        round_.quorum = new_quorum
        if round_.status in RUNNING and round_.vote_method != VoteMethod.ranking:
            _top_up(session, round_=round_, lookup=lookup)
        changes["quorum"] = {"from": old, "to": new_quorum}
    round_event(session, round_, actor, "update", changes=_jsonable(changes))
    session.flush()
    return round_


def _jsonable(value):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value.isoformat() if isinstance(value, datetime) else value


# --- who may judge what ---------------------------------------------------------------


def active_juror_ids(session: Session, *, round_id: int) -> list[int]:
    query = select(RoundJuror.user_id).where(RoundJuror.round_id == round_id, RoundJuror.active)
    return sorted(session.scalars(query))


def resolve_commons_ids(
    session: Session, *, user_ids: Iterable[int], lookup: CommonsIdLookup | None
) -> None:
    """Learn the Commons-local account id of users not checked yet (Commons reports uploaders
    by that id, while users are keyed by their global id)."""
    users = [
        u
        for u in session.scalars(select(User).where(col(User.id).in_(list(user_ids))))
        if u.commons_checked_at is None
    ]
    if not users:
        return
    if lookup is None:
        raise UpstreamError("Cannot check the jurors' Commons accounts: no Commons connection.")
    found = lookup([u.username for u in users])
    now = utcnow()
    for user in users:
        central, local = found.get(user.username, (None, None))
        # The name may have been taken over by someone else after a rename: trust ids only.
        user.commons_id = local if central == user.wiki_id else None
        user.commons_checked_at = now
    session.flush()


def _eligible_entries(session: Session, round_id: int) -> list[tuple[int, int | None]]:
    """(round entry id, uploader's Commons id) of the round's eligible entries."""
    rows = session.execute(
        select(RoundEntry.id, Entry.uploader_id)
        .join(Entry, col(Entry.id) == RoundEntry.entry_id)
        .where(RoundEntry.round_id == round_id, col(RoundEntry.dq_code).is_(None))
    )
    return [(row[0], row[1]) for row in rows]


def _conflicts(
    session: Session, entries: list[tuple[int, int | None]], juror_ids: list[int]
) -> dict[int, frozenset[int]]:
    """Jurors excluded from each entry: those who uploaded it (matched by Commons id)."""
    by_commons: dict[int, set[int]] = defaultdict(set)
    for user_id, commons_id in session.execute(
        select(User.id, User.commons_id).where(col(User.id).in_(juror_ids))
    ):
        if commons_id is not None:
            by_commons[commons_id].add(user_id)
    return {
        entry_id: frozenset(by_commons.get(uploader, ()))
        for entry_id, uploader in entries
        if uploader is not None and uploader in by_commons
    }


def _tasks(session: Session, round_id: int, status: str) -> list[tuple[int, int]]:
    """(round entry id, juror id) of the tasks of eligible entries: jurors never see tasks of
    disqualified entries, so those count in nobody's load and are never moved."""
    query = (
        select(Task.round_entry_id, Task.juror_id)
        .join(RoundEntry, col(RoundEntry.id) == Task.round_entry_id)
        .where(Task.round_id == round_id, Task.status == status)
        .where(col(RoundEntry.dq_code).is_(None))
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def _next_sort_keys(session: Session, round_id: int) -> dict[int, int]:
    query = (
        select(Task.juror_id, func.max(Task.sort_key))
        .where(Task.round_id == round_id)
        .group_by(Task.juror_id)
    )
    return {juror: (top or 0) + 1 for juror, top in session.execute(query)}


def _insert_tasks(
    session: Session, round_: Round, pairs: Iterable[tuple[int, int]], *, shuffle: bool
) -> int:
    """Create open tasks; each juror's new tasks go after their existing ones, shuffled."""
    by_juror: dict[int, list[int]] = defaultdict(list)
    for entry_id, juror_id in pairs:
        by_juror[juror_id].append(entry_id)
    if not by_juror:
        return 0
    _clear_cancelled(session, round_, [(e, j) for j, es in by_juror.items() for e in es])
    start = _next_sort_keys(session, round_.id)
    now = utcnow()
    rows = []
    for juror_id in sorted(by_juror):
        entries = sorted(by_juror[juror_id])
        if shuffle:
            random.Random(f"{round_.seed}:{juror_id}").shuffle(entries)
        base = start.get(juror_id, 0)
        rows.extend(
            (round_.id, entry_id, juror_id, TaskStatus.open.value, base + i, now)
            for i, entry_id in enumerate(entries)
        )
    return insert_rows(session, table=Task.__table__, columns=TASK_COLUMNS, rows=rows)


def _has_cancelled(session: Session, round_id: int) -> bool:
    query = select(Task.id).where(Task.round_id == round_id, Task.status == TaskStatus.cancelled)
    return session.scalar(query.limit(1)) is not None


def _cancel_tasks(session: Session, round_id: int, pairs: Iterable[tuple[int, int]]) -> int:
    params = [{"e": e, "j": j} for e, j in pairs]
    if params:
        session.connection().execute(
            update(Task)
            .where(Task.round_id == round_id)
            .where(Task.round_entry_id == bindparam("e"), Task.juror_id == bindparam("j"))
            .where(Task.status == TaskStatus.open)
            .values(status=TaskStatus.cancelled),
            params,
        )
    return len(params)


def _apply_moves(session: Session, round_: Round, moves: Sequence[assignment.Move]) -> None:
    if not moves:
        return
    _clear_cancelled(session, round_, [(m.entry_id, m.to_juror) for m in moves])
    start = _next_sort_keys(session, round_.id)
    ordered = sorted(moves, key=lambda m: (m.to_juror, m.entry_id))
    rng = random.Random(f"{round_.seed}:moves:{len(moves)}")
    rng.shuffle(ordered)
    params = []
    for move in ordered:
        key = start.get(move.to_juror, 0)
        start[move.to_juror] = key + 1
        params.append({"e": move.entry_id, "f": move.from_juror, "t": move.to_juror, "k": key})
    # Only open tasks move: a vote cast meanwhile keeps its task with its juror.
    session.connection().execute(
        update(Task)
        .where(Task.round_id == round_.id)
        .where(Task.round_entry_id == bindparam("e"), Task.juror_id == bindparam("f"))
        .where(Task.status == TaskStatus.open)
        .values(juror_id=bindparam("t"), sort_key=bindparam("k")),
        params,
    )


def _clear_cancelled(session: Session, round_: Round, pairs: list[tuple[int, int]]) -> None:
    """Drop cancelled tasks for pairs about to be assigned again (the pair is unique)."""
    if pairs and _has_cancelled(session, round_.id):
        session.connection().execute(
            delete(Task)
            .where(Task.round_entry_id == bindparam("e"), Task.juror_id == bindparam("j"))
            .where(Task.status == TaskStatus.cancelled),
            [{"e": e, "j": j} for e, j in pairs],
        )


def _top_up(session: Session, *, round_: Round, lookup: CommonsIdLookup | None) -> int:
    """Bring every eligible entry to the quorum (after a quorum change or new entries)."""
    jurors = active_juror_ids(session, round_id=round_.id)
    resolve_commons_ids(session, user_ids=jurors, lookup=lookup)
    entries = _eligible_entries(session, round_.id)
    excluded = _conflicts(session, entries, jurors)
    if round_.vote_method == VoteMethod.ranking:
        held = set(_tasks(session, round_.id, TaskStatus.open))
        held |= set(_tasks(session, round_.id, TaskStatus.done))
        wanted = [
            (entry_id, juror)
            for entry_id, _ in entries
            for juror in jurors
            if juror not in excluded.get(entry_id, ()) and (entry_id, juror) not in held
        ]
        return _insert_tasks(session, round_, wanted, shuffle=True)
    change = assignment.change_quorum(
        entries=[(entry_id, excluded.get(entry_id, frozenset())) for entry_id, _ in entries],
        open_tasks=_tasks(session, round_.id, TaskStatus.open),
        done_tasks=_tasks(session, round_.id, TaskStatus.done),
        jurors=jurors,
        quorum=round_.quorum,
        seed=round_.seed,
    )
    _cancel_tasks(session, round_.id, change.cancel)
    _apply_moves(session, round_, change.move)
    return _insert_tasks(session, round_, change.add, shuffle=True)


def _assign_fresh(
    session: Session, *, round_: Round, jurors: list[int], lookup: CommonsIdLookup | None
) -> int:
    """The first assignment of a round that has no tasks yet."""
    if round_.vote_method == VoteMethod.ranking:
        return _top_up(session, round_=round_, lookup=lookup)
    resolve_commons_ids(session, user_ids=jurors, lookup=lookup)
    entries = _eligible_entries(session, round_.id)
    excluded = _conflicts(session, entries, jurors)
    pairs = assignment.assign(
        entries=[(entry_id, excluded.get(entry_id, frozenset())) for entry_id, _ in entries],
        jurors=jurors,
        quorum=round_.quorum,
        seed=round_.seed,
    )
    return _insert_tasks(session, round_, pairs, shuffle=True)


def add_entries_to_running_round(
    session: Session, *, round_: Round, lookup: CommonsIdLookup | None
) -> int:
    """Give entries added to a running round (late uploads, requalified) their tasks."""
    if round_.status not in RUNNING:
        return 0
    return _top_up(session, round_=round_, lookup=lookup)


# --- lifecycle -----------------------------------------------------------------------


def transition(session: Session, round_: Round, *, allowed: tuple[str, ...], to: str, **values):
    """Compare-and-set the status, so two concurrent requests cannot both make the change."""
    try:
        with session.begin_nested():
            result = session.execute(
                update(Round)
                .where(Round.id == round_.id, col(Round.status).in_(allowed))
                .values(status=to, **values)
            )
    except IntegrityError as exc:
        raise Conflict(
            "Another round of this campaign is active or paused; finalize or cancel it first."
        ) from exc
    if result.rowcount != 1:
        session.refresh(round_)
        raise Conflict(f"The round is {round_.status}; it cannot become {to}.")
    session.refresh(round_)


def activate(
    session: Session, *, round_: Round, actor: User, lookup: CommonsIdLookup | None
) -> Round:
    """Start a draft round (assigning its tasks) or resume a paused one."""
    if round_.status == RoundStatus.paused:
        transition(session, round_, allowed=(RoundStatus.paused,), to=RoundStatus.active)
        round_event(session, round_, actor, "resume")
        session.flush()
        return round_
    if round_.status != RoundStatus.draft:
        raise Conflict(f"The round is {round_.status}; only a draft or paused round can start.")
    jurors = active_juror_ids(session, round_id=round_.id)
    if not jurors:
        raise Conflict("The round has no jurors; add jurors before activating it.")
    entries = _eligible_entries(session, round_.id)
    if not entries:
        raise Conflict("The round has no eligible entries; import entries before activating it.")
    if round_.vote_method != VoteMethod.ranking and round_.quorum > len(jurors):
        raise InvalidInput(
            f"The quorum ({round_.quorum}) is larger than the number of jurors ({len(jurors)})."
        )
    transition(
        session,
        round_,
        allowed=(RoundStatus.draft,),
        to=RoundStatus.active,
        activated_at=utcnow(),
    )
    created = _assign_fresh(session, round_=round_, jurors=jurors, lookup=lookup)
    campaign = session.get(Campaign, round_.campaign_id)
    if campaign is not None and campaign.status == CampaignStatus.draft:
        campaign.status = CampaignStatus.judging
    round_event(
        session, round_, actor, "activate", tasks=created, entries=len(entries), jurors=len(jurors)
    )
    session.flush()
    return round_


def pause(session: Session, *, round_: Round, actor: User) -> Round:
    transition(session, round_, allowed=(RoundStatus.active,), to=RoundStatus.paused)
    round_event(session, round_, actor, "pause")
    session.flush()
    return round_


def cancel(session: Session, *, round_: Round, actor: User) -> Round:
    allowed = (RoundStatus.draft, RoundStatus.active, RoundStatus.paused)
    transition(session, round_, allowed=allowed, to=RoundStatus.cancelled)
    session.execute(
        update(Task)
        .where(Task.round_id == round_.id, Task.status == TaskStatus.open)
        .values(status=TaskStatus.cancelled)
    )
    round_event(session, round_, actor, "cancel")
    session.flush()
    return round_


# --- jurors --------------------------------------------------------------------------


def add_juror(
    session: Session, *, round_: Round, user_id: int, actor: User, lookup: CommonsIdLookup | None
) -> User:
    user = _require_user(session, user_id)
    if round_.status in (RoundStatus.finalized, RoundStatus.cancelled):
        raise Conflict(f"The round is {round_.status}; its jury can no longer change.")
    link = session.get(RoundJuror, (round_.id, user_id))
    if link is not None and link.active:
        return user
    if link is None:
        session.add(RoundJuror(round_id=round_.id, user_id=user_id))
    else:
        link.active = True
    session.flush()
    if round_.status in RUNNING:
        jurors = active_juror_ids(session, round_id=round_.id)
        resolve_commons_ids(session, user_ids=jurors, lookup=lookup)
        entries = _eligible_entries(session, round_.id)
        excluded = _conflicts(session, entries, jurors)
        if round_.vote_method == VoteMethod.ranking:
            _top_up(session, round_=round_, lookup=lookup)
        else:
            moves = assignment.take_over_for_new_juror(
                open_tasks=_tasks(session, round_.id, TaskStatus.open),
                done_tasks=_tasks(session, round_.id, TaskStatus.done),
                new_juror=user_id,
                jurors=jurors,
                excluded=excluded,
                seed=round_.seed,
            )
            _apply_moves(session, round_, moves)
    round_event(session, round_, actor, "juror_add", user_id=user_id, username=user.username)
    session.flush()
    return user


def remove_juror(
    session: Session, *, round_: Round, user_id: int, actor: User, lookup: CommonsIdLookup | None
) -> None:
    _leaving(session, round_=round_, user_id=user_id).active = False
    session.flush()
    if round_.status in RUNNING:
        remaining = active_juror_ids(session, round_id=round_.id)
        if not remaining:
            raise Conflict("A running round needs at least one juror; add another one first.")
        if round_.vote_method != VoteMethod.ranking:
            everyone = [*remaining, user_id]
            resolve_commons_ids(session, user_ids=everyone, lookup=lookup)
            entries = _eligible_entries(session, round_.id)
            moves = assignment.reassign_removed(
                open_tasks=_tasks(session, round_.id, TaskStatus.open),
                done_tasks=_tasks(session, round_.id, TaskStatus.done),
                removed_juror=user_id,
                jurors=remaining,
                excluded=_conflicts(session, entries, everyone),
                seed=round_.seed,
            )
            _apply_moves(session, round_, moves)
        _drop_open_tasks(session, round_id=round_.id, juror_id=user_id)
    round_event(session, round_, actor, "juror_remove", user_id=user_id)
    session.flush()


def replace_juror(
    session: Session,
    *,
    round_: Round,
    user_id: int,
    new_user_id: int,
    actor: User,
    lookup: CommonsIdLookup | None,
) -> User:
    """Put ``new_user_id`` on the jury in place of ``user_id``: on a running round the
    newcomer takes over the leaving juror's open tasks (those they may take; the rest are
    handed over as a removal hands them), and the cast votes stay. In a ranking round the
    newcomer gets a ballot of their own."""
    link = _leaving(session, round_=round_, user_id=user_id)
    newcomer = _require_user(session, new_user_id)
    joining = session.get(RoundJuror, (round_.id, new_user_id))
    if joining is not None and joining.active:
        raise Conflict(f"{newcomer.username} is already a juror of this round.")
    link.active = False
    if joining is None:
        session.add(RoundJuror(round_id=round_.id, user_id=new_user_id))
    else:
        joining.active = True
    session.flush()
    if round_.status in RUNNING:
        jurors = active_juror_ids(session, round_id=round_.id)
        everyone = [*jurors, user_id]
        resolve_commons_ids(session, user_ids=everyone, lookup=lookup)
        if round_.vote_method == VoteMethod.ranking:
            _top_up(session, round_=round_, lookup=lookup)
        else:
            entries = _eligible_entries(session, round_.id)
            moves = assignment.replace_juror(
                open_tasks=_tasks(session, round_.id, TaskStatus.open),
                done_tasks=_tasks(session, round_.id, TaskStatus.done),
                old_juror=user_id,
                new_juror=new_user_id,
                jurors=jurors,
                excluded=_conflicts(session, entries, everyone),
                seed=round_.seed,
            )
            _apply_moves(session, round_, moves)
        _drop_open_tasks(session, round_id=round_.id, juror_id=user_id)
    round_event(
        session,
        round_,
        actor,
        "juror_replace",
        user_id=user_id,
        new_user_id=new_user_id,
        username=newcomer.username,
    )
    session.flush()
    return newcomer


def _leaving(session: Session, *, round_: Round, user_id: int) -> RoundJuror:
    """The jury place of a juror about to leave; 404 unless they are on the jury, 409 once
    the jury can no longer change."""
    link = session.get(RoundJuror, (round_.id, user_id))
    if link is None or not link.active:
        raise NotFound(f"User {user_id} is not a juror of this round.")
    if round_.status in (RoundStatus.finalized, RoundStatus.cancelled):
        raise Conflict(f"The round is {round_.status}; its jury can no longer change.")
    return link


def _drop_open_tasks(session: Session, *, round_id: int, juror_id: int) -> None:
    """Cancel what a leaving juror still holds: a ranking ballot is personal, and tasks of
    disqualified entries are not part of any hand-over."""
    session.execute(
        update(Task)
        .where(Task.round_id == round_id, Task.juror_id == juror_id)
        .where(Task.status == TaskStatus.open)
        .values(status=TaskStatus.cancelled)
    )


def juror_progress(session: Session, *, round_: Round) -> list[JurorProgress]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"open": 0, "done": 0})
    eligible = col(RoundEntry.dq_code).is_(None)
    for juror_id, status, n in session.execute(
        select(Task.juror_id, Task.status, func.count())
        .join(RoundEntry, col(RoundEntry.id) == Task.round_entry_id)
        .where(Task.round_id == round_.id, eligible, Task.status != TaskStatus.cancelled)
        .group_by(Task.juror_id, Task.status)
    ):
        counts[juror_id][status] = n
    now = utcnow()
    hour_ago = now - timedelta(hours=1)
    last: dict[int, datetime] = {}
    recent: dict[int, int] = {}
    for juror_id, latest, n_recent in session.execute(
        select(
            Vote.juror_id,
            func.max(Vote.updated_at),
            func.count().filter(col(Vote.updated_at) >= hour_ago),
        )
        .where(Vote.round_id == round_.id)
        .group_by(Vote.juror_id)
    ):
        last[juror_id] = latest
        recent[juror_id] = n_recent
    rows = session.execute(
        select(User.id, User.username, RoundJuror.active)
        .join(RoundJuror, col(RoundJuror.user_id) == User.id)
        .where(RoundJuror.round_id == round_.id)
        .order_by(User.username)
    )
    result = []
    for user_id, username, active in rows:
        c = counts[user_id]
        total = c["open"] + c["done"]
        result.append(
            JurorProgress(
                user_id=user_id,
                username=username,
                active=active,
                open=c["open"],
                done=c["done"],
                total=total,
                last_vote_at=last.get(user_id),
                votes_last_hour=recent.get(user_id, 0),
                behind=behind(round_, done=c["done"], total=total, now=now),
            )
        )
    return result


# A juror counts as behind only when trailing the clock by more than this share of the
# round: right after activation nobody has voted yet, and that is not "behind".
BEHIND_SLACK = 0.1


def behind(round_: Round, *, done: int, total: int, now: datetime) -> bool:
    """Behind when the share done trails the share of the round's time spent by more than
    the slack; once the deadline has passed, anything left undone is behind."""
    if not total or round_.deadline is None or round_.activated_at is None:
        return False
    span = (round_.deadline - round_.activated_at).total_seconds()
    elapsed = (now - round_.activated_at).total_seconds() / span if span > 0 else 1.0
    if elapsed >= 1.0:
        return done < total
    return done / total + BEHIND_SLACK < elapsed


def counts(session: Session, *, round_: Round) -> RoundCounts:
    entries = dict(
        session.execute(
            select(col(RoundEntry.dq_code).is_(None), func.count())
            .where(RoundEntry.round_id == round_.id)
            .group_by(col(RoundEntry.dq_code).is_(None))
        ).all()
    )
    tasks = dict(
        session.execute(
            select(Task.status, func.count())
            .where(Task.round_id == round_.id)
            .group_by(Task.status)
        ).all()
    )
    eligible = entries.get(True, 0)
    disqualified = entries.get(False, 0)
    return RoundCounts(
        entries=eligible + disqualified,
        eligible=eligible,
        disqualified=disqualified,
        jurors=len(active_juror_ids(session, round_id=round_.id)),
        tasks_open=tasks.get(TaskStatus.open, 0),
        tasks_done=tasks.get(TaskStatus.done, 0),
    )


def public(session: Session, *, round_: Round) -> RoundPublic:
    return RoundPublic.model_validate(round_, update={"counts": counts(session, round_=round_)})
