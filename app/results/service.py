"""Results of a round: the live tally, frozen results, the threshold table, advancing, juror
quality and the flags queue.

The rules are the pure functions of ``tally``, ``schulze`` and ``agreement``; this module
loads what they need with a few set-wide queries (never one per entry), and stores what
finalizing and advancing decide. For speed the database sums each entry's votes (one row
per entry, not per vote: see ``_live_tallies``), and the jurors' individual votes are read
only for the rows a page shows.

Which votes count: the votes of the round's eligible entries. A vote exists only while its
task is done (withdrawing a vote deletes it), and a removed juror's cast votes stay and count.

Ranking rounds: each juror's ballot is their votes (ranks) on the eligible entries; jurors
without a vote have no ballot. A ballot says nothing about an entry its juror never held (their
own upload, which they were not given): that counts neither for nor against the entry. An
entry the juror holds but has not ranked yet (one requalified or imported after the ballot)
ranks tied below all the ballot's ranked entries, the usual Schulze convention, until the
juror ranks it; the results say how many ballots were completed that way.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, bindparam, func, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.audit.service import record, round_event
from app.commons.thumbs import thumb_url
from app.core.bulk import insert_rows
from app.core.errors import Conflict, InvalidInput, NotFound
from app.eligibility import service as eligibility
from app.models import (
    Campaign,
    Entry,
    Flag,
    FlagStatus,
    Round,
    RoundEntry,
    RoundJuror,
    RoundResult,
    RoundStatus,
    Task,
    TaskStatus,
    User,
    Vote,
    VoteMethod,
    utcnow,
)
from app.results.agreement import (
    ballot_standings,
    juror_agreement,
    krippendorff_alpha,
    most_divisive,
)
from app.results.schemas import (
    AdvanceCandidate,
    AdvancePreview,
    AdvanceRequest,
    DivisiveEntry,
    EntryBrief,
    FlagReview,
    JurorQuality,
    JurorVote,
    Quality,
    RankingSummary,
    ResultRow,
    ResultsPage,
    ThresholdRow,
    ThresholdTable,
    UserRef,
)
from app.results.schulze import TIE_BREAK_DESCRIPTION, TIE_BREAK_RULE, schulze
from app.results.tally import Advancing, normalize, select_advancing, threshold_table
from app.rounds import service as rounds

MAX_PAGE = 1000
MAX_DIVISIVE = 500
# Results rows show a small thumbnail (a standard Commons width).
THUMB_WIDTH = 250

_ELIGIBLE = col(RoundEntry.dq_code).is_(None)
_results = RoundResult.__table__  # type: ignore[attr-defined]
_round_entries = RoundEntry.__table__  # type: ignore[attr-defined]
_votes = Vote.__table__  # type: ignore[attr-defined]
_tasks = Task.__table__  # type: ignore[attr-defined]
_RESULT_COLUMNS = (
    "round_id",
    "round_entry_id",
    "score",
    "vote_count",
    "place",
    "advanced",
    "details",
)
_ENTRY_COLUMNS = (
    Entry.id,
    Entry.page_id,
    Entry.title,
    Entry.url,
    Entry.description_url,
    Entry.width,
    Entry.height,
    Entry.uploader,
)
# Ids go to IN lists this many at a time (well below any driver's parameter limit); above
# _ALL_ENTRIES_ABOVE entries, reading all of the round's entries is faster.
_IN_CHUNK = 500
_ALL_ENTRIES_ABOVE = 2000


# -- the results table --------------------------------------------------------------------


VoteRow = tuple[int, int, int, str, bool]
"""A vote as read: (round entry id, juror id, value as stored, comment, favourite)."""


@dataclass(slots=True)
class Row:
    round_entry_id: int
    entry_id: int
    score: float | None = None
    vote_count: int = 0
    place: int | None = None
    rank: int | None = None
    mean_position: float | None = None
    advanced: bool | None = None


@dataclass(slots=True)
class Table:
    """Every eligible entry of a round with its tally, best first.

    Yes/no and rating rounds: by score (entries without votes last), then round entry id.
    Ranking rounds: by Schulze place, ties in tie-break order. The jurors' votes are read
    for the rows shown (``juror_votes``), except in live ranking tables, which hold their
    ballots' votes anyway.
    """

    round: Round
    frozen: bool
    rows: list[Row]
    ranking: RankingSummary | None = None
    ballot_votes: dict[int, list[VoteRow]] | None = None
    # Ranking rounds, live: the entries each juror holds a task for, open or done.
    held: dict[int, set[int]] | None = None

    @property
    def ranked(self) -> bool:
        return self.round.vote_method == VoteMethod.ranking


def _normalizer(method: str, values: Iterable[int]) -> dict[int, float | None]:
    """Each distinct stored value on the 0-1 scale (None in ranking rounds)."""
    if method == VoteMethod.ranking:
        return dict.fromkeys(values)
    return {v: normalize(method=method, value=v) for v in set(values)}


def _usernames(session: Session, user_ids: Collection[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    query = select(User.id, User.username).where(col(User.id).in_(list(user_ids)))
    return {user_id: name for user_id, name in session.execute(query)}


def _eligible_votes(round_id: int) -> Select:
    """The votes on a round's eligible entries, as ``VoteRow``."""
    return (
        select(
            _votes.c.round_entry_id,
            _votes.c.juror_id,
            _votes.c.value,
            _votes.c.comment,
            _votes.c.favourite,
        )
        .select_from(_votes.join(_round_entries, _round_entries.c.id == _votes.c.round_entry_id))
        .where(_votes.c.round_id == round_id, _round_entries.c.dq_code.is_(None))
    )


# normalize() maps each scored method's values onto a line (yes = 1, no = 0; stars s → (s - 1)/4),
# so an entry's sum of normalized votes follows from the sum of its stored values, and the
# database can add them up. Two values of each method fix the line.
_LINE = {VoteMethod.yes_no: (0, 1), VoteMethod.rating: (1, 2)}


def _live_tallies(session: Session, round_: Round) -> dict[int, tuple[float, int]]:
    """(score, vote count) of every voted eligible entry, summed up by the database: one row
    per entry rather than one per vote.

    Exactly the floats of ``tally.entry_scores``: normalized values are multiples of 1/4, so
    both sums are exact and both divide the same sum by the same count (a test holds them
    to it).
    """
    low, high = _LINE[VoteMethod(round_.vote_method)]
    base = normalize(method=round_.vote_method, value=low)
    step = normalize(method=round_.vote_method, value=high) - base
    found = (
        session.connection()
        .execute(
            select(
                _votes.c.round_entry_id,
                func.sum(_votes.c.value),
                func.count(),
                func.min(_votes.c.value),
                func.max(_votes.c.value),
            )
            .select_from(
                _votes.join(_round_entries, _round_entries.c.id == _votes.c.round_entry_id)
            )
            .where(_votes.c.round_id == round_.id, _round_entries.c.dq_code.is_(None))
            .group_by(_votes.c.round_entry_id)
        )
        .all()
    )
    if found:
        # A stored value off the scale is refused here as it is by normalize().
        normalize(method=round_.vote_method, value=min(r[3] for r in found))
        normalize(method=round_.vote_method, value=max(r[4] for r in found))
    return {
        e: ((base * count + step * (int(total) - low * count)) / count, count)
        for e, total, count, _, _ in found
    }


def _live_table(session: Session, round_: Round) -> Table:
    """The tally of the votes as they are now: the round's eligible entries, and their
    scores summed up by the database (or, in ranking rounds, every ballot)."""
    connection = session.connection()
    entries = connection.execute(
        select(_round_entries.c.id, _round_entries.c.entry_id).where(
            _round_entries.c.round_id == round_.id, _round_entries.c.dq_code.is_(None)
        )
    ).all()
    rows = [Row(e, entry_id) for e, entry_id in entries]
    table = Table(round=round_, frozen=False, rows=rows)
    if table.ranked:
        by_entry: dict[int, list[VoteRow]] = defaultdict(list)
        for vote in connection.execute(_eligible_votes(round_.id)).all():
            by_entry[vote[0]].append(vote)  # type: ignore[arg-type]
        for row in rows:
            row.vote_count = len(by_entry.get(row.round_entry_id, ()))
        table.ballot_votes = by_entry
        table.held = defaultdict(set)
        for round_entry_id, juror_id in connection.execute(
            select(_tasks.c.round_entry_id, _tasks.c.juror_id).where(
                _tasks.c.round_id == round_.id, _tasks.c.status != TaskStatus.cancelled
            )
        ):
            table.held[juror_id].add(round_entry_id)
        _rank(table)
        return table
    tallies = _live_tallies(session, round_)
    for row in rows:
        found = tallies.get(row.round_entry_id)
        if found is not None:
            row.score, row.vote_count = found
    rows.sort(key=_score_order)
    return table


def _score_order(row: Row) -> tuple[bool, float, int]:
    return (row.score is None, -(row.score or 0.0), row.round_entry_id)


def _rank(table: Table) -> None:
    """Places of a ranking round by the Schulze method over the jurors' ballots."""
    ids = [row.round_entry_id for row in table.rows]
    ballots: dict[int, dict[int, int]] = defaultdict(dict)
    for votes in (table.ballot_votes or {}).values():
        for round_entry_id, juror_id, value, _, _ in votes:
            ballots[juror_id][round_entry_id] = value
    eligible = set(ids)
    incomplete = 0
    for juror_id, ballot in ballots.items():
        held = (table.held or {}).get(juror_id, set())
        unranked = (held & eligible) - ballot.keys()
        if unranked:
            incomplete += 1
            below = max(ballot.values()) + 1
            ballot.update(dict.fromkeys(unranked, below))
    if not ballots or not ids:
        table.ranking = RankingSummary(
            ballots=0,
            incomplete_ballots=0,
            tie_break_used=False,
            tie_break_rule=TIE_BREAK_RULE,
            tie_break_description=TIE_BREAK_DESCRIPTION,
        )
        table.rows.sort(key=lambda r: r.round_entry_id)
        return
    result = schulze(entries=ids, ballots=[ballots[j] for j in sorted(ballots)])
    place_of: dict[int, int] = {}
    position = 1
    for group in result.places:
        for round_entry_id in group:
            place_of[round_entry_id] = position
        position += len(group)
    rank_of = {round_entry_id: i for i, round_entry_id in enumerate(result.order, start=1)}
    for row in table.rows:
        row.place = place_of.get(row.round_entry_id)
        row.rank = rank_of[row.round_entry_id]
        row.mean_position = result.mean_positions.get(row.round_entry_id)
    table.rows.sort(key=lambda r: r.rank or 0)
    table.ranking = RankingSummary(
        ballots=len(ballots),
        incomplete_ballots=incomplete,
        tie_break_used=result.tie_break_used,
        tie_break_rule=result.tie_break_rule,
        tie_break_description=TIE_BREAK_DESCRIPTION,
    )


def _frozen_table(session: Session, round_: Round) -> Table:
    """The results written when the round was finalized (votes are read per page)."""
    ranked = round_.vote_method == VoteMethod.ranking
    columns = [
        _results.c.round_entry_id,
        _round_entries.c.entry_id,
        _results.c.score,
        _results.c.vote_count,
        _results.c.place,
        _results.c.advanced,
    ]
    found = session.connection().execute(
        # Ranking rounds keep their tie-break order in the details; they are small.
        select(*columns, _results.c.details if ranked else null())
        .select_from(
            _results.join(_round_entries, _round_entries.c.id == _results.c.round_entry_id)
        )
        .where(_results.c.round_id == round_.id)
    )
    rows = [
        Row(
            round_entry_id,
            entry_id,
            score,
            vote_count,
            place=place,
            rank=details.get("rank") if details else None,
            mean_position=details.get("mean_position") if details else None,
            advanced=advanced,
        )
        for round_entry_id, entry_id, score, vote_count, place, advanced, details in found
    ]
    table = Table(round=round_, frozen=True, rows=rows)
    if ranked:
        summary = (round_.outcome or {}).get("ranking")
        table.ranking = RankingSummary.model_validate(summary) if summary else None
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.round_entry_id))
    else:
        rows.sort(key=_score_order)
    return table


def results_table(session: Session, *, round_: Round) -> Table:
    """The whole table: frozen once the round is finalized, computed from the votes before."""
    if round_.status == RoundStatus.finalized:
        return _frozen_table(session, round_)
    return _live_table(session, round_)


def _in_chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


def _read_votes(session: Session, *, table: Table, wanted: list[int]) -> list[VoteRow]:
    if table.ballot_votes is not None:
        return [v for e in wanted for v in table.ballot_votes.get(e, ())]
    query = _eligible_votes(table.round.id)
    connection = session.connection()
    if len(wanted) > _ALL_ENTRIES_ABOVE:
        return connection.execute(query).all()  # type: ignore[return-value]
    return [
        vote
        for chunk in _in_chunks(wanted)
        for vote in connection.execute(query.where(_votes.c.round_entry_id.in_(chunk)))
    ]  # type: ignore[misc]


def juror_votes(session: Session, *, table: Table, rows: list[Row]) -> dict[int, list[dict]]:
    """The votes on ``rows`` by round entry id, each entry's by juror id: juror id and name,
    value as stored and normalized, comment, favourite. Frozen tables give the votes as
    they were at finalization."""
    wanted = [row.round_entry_id for row in rows]
    if table.frozen:
        query = select(_results.c.round_entry_id, _results.c.details).where(
            _results.c.round_id == table.round.id
        )
        stored = {}
        for chunk in _in_chunks(wanted):
            for round_entry_id, details in session.connection().execute(
                query.where(_results.c.round_entry_id.in_(chunk))
            ):
                stored[round_entry_id] = details.get("votes", [])
        return {e: stored.get(e, []) for e in wanted}
    votes = _read_votes(session, table=table, wanted=wanted)
    names = _usernames(session, {v[1] for v in votes})
    normalized = _normalizer(table.round.vote_method, {v[2] for v in votes})
    found: dict[int, list[dict]] = {e: [] for e in wanted}
    for round_entry_id, juror_id, value, comment, favourite in sorted(votes, key=itemgetter(1)):
        shown = found.get(round_entry_id)
        if shown is not None:
            shown.append(
                {
                    "juror_id": juror_id,
                    "username": names.get(juror_id, ""),
                    "value": value,
                    "normalized": normalized[value],
                    "comment": comment,
                    "favourite": favourite,
                }
            )
    return found


def entry_rows(session: Session, *, round_: Round, entry_ids: Collection[int]) -> dict[int, Any]:
    """The entries' columns by entry id: by id for a page, all the round's for more."""
    query = select(*_ENTRY_COLUMNS)
    if len(entry_ids) > _ALL_ENTRIES_ABOVE:
        query = query.join(RoundEntry, col(RoundEntry.entry_id) == Entry.id).where(
            RoundEntry.round_id == round_.id
        )
        return {row.id: row for row in session.connection().execute(query)}
    found = {}
    for chunk in _in_chunks(list(entry_ids)):
        for row in session.connection().execute(query.where(col(Entry.id).in_(chunk))):
            found[row.id] = row
    return found


def _thumb(url: str, width: int) -> str:
    try:
        return thumb_url(url, THUMB_WIDTH, original_width=width or None)
    except ValueError:
        # Not a Commons upload URL, or a type whose thumbnail only the API can name.
        return url


def _brief(entry: Any) -> EntryBrief:
    return EntryBrief(
        entry_id=entry.id,
        page_id=entry.page_id,
        title=entry.title,
        url=entry.url,
        description_url=entry.description_url,
        thumb_url=_thumb(entry.url, entry.width),
        width=entry.width,
        height=entry.height,
        uploader=entry.uploader,
    )


def _page_bounds(offset: int, limit: int) -> None:
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"offset must be 0 or more and limit between 1 and {MAX_PAGE}.")


def results(session: Session, *, round_: Round, offset: int = 0, limit: int = 100) -> ResultsPage:
    """A page of the results table with each entry and every juror's vote."""
    _page_bounds(offset, limit)
    table = results_table(session, round_=round_)
    page = table.rows[offset : offset + limit]
    entries = entry_rows(session, round_=round_, entry_ids=[r.entry_id for r in page])
    votes = juror_votes(session, table=table, rows=page)
    places = Counter(r.place for r in table.rows if r.place is not None)
    return ResultsPage(
        round_id=round_.id,
        vote_method=round_.vote_method,
        status=round_.status,
        frozen=table.frozen,
        total=len(table.rows),
        offset=offset,
        limit=limit,
        ranking=table.ranking,
        rows=[
            ResultRow(
                round_entry_id=row.round_entry_id,
                entry=_brief(entries[row.entry_id]),
                score=row.score,
                vote_count=row.vote_count,
                place=row.place,
                rank=row.rank,
                mean_position=row.mean_position,
                tied=places[row.place] > 1,
                advanced=row.advanced,
                votes=[JurorVote.model_validate(v) for v in votes[row.round_entry_id]],
            )
            for row in page
        ],
    )


# -- thresholds and advancing ---------------------------------------------------------------


def _eligible_count(session: Session, round_: Round) -> int:
    query = select(func.count()).where(RoundEntry.round_id == round_.id, _ELIGIBLE)
    return session.execute(query).scalar_one()


def thresholds(session: Session, *, round_: Round) -> ThresholdTable:
    """For each cut-off, how many entries pass: by score, or by place in ranking rounds."""
    if round_.vote_method == VoteMethod.ranking:
        table = results_table(session, round_=round_)
        places = Counter(r.place for r in table.rows if r.place is not None)
        rows = []
        passing = 0
        for place, count in sorted(places.items()):
            passing += count
            rows.append(ThresholdRow(cutoff=place, passing=passing))
        return ThresholdTable(
            round_id=round_.id,
            basis="place",
            frozen=table.frozen,
            entries=len(table.rows),
            scored=places.total(),
            rows=rows,
        )
    frozen = round_.status == RoundStatus.finalized
    if frozen:
        query = select(RoundResult.score).where(
            RoundResult.round_id == round_.id, col(RoundResult.score).is_not(None)
        )
        scores = list(session.scalars(query))
    else:
        scores = [score for score, _ in _live_tallies(session, round_).values()]
    return ThresholdTable(
        round_id=round_.id,
        basis="score",
        frozen=frozen,
        entries=_eligible_count(session, round_),
        scored=len(scores),
        rows=[ThresholdRow(cutoff=r.cutoff, passing=r.passing) for r in threshold_table(scores)],
    )


def _select(table: Table, *, min_score: float | None, top_n: int | None) -> Advancing:
    """Who advances from ``table``: by score, or by Schulze place in ranking rounds."""
    if table.ranked:
        if min_score is not None:
            raise InvalidInput(
                "A ranking round advances its top N by place, not by a minimum score.",
                code="invalid_advance_rule",
            )
        # Better places as higher numbers, so that entries sharing a place tie.
        scores = {r.round_entry_id: -float(r.place) for r in table.rows if r.place is not None}
    else:
        scores = {r.round_entry_id: r.score for r in table.rows if r.score is not None}
    return select_advancing(scores=scores, min_score=min_score, top_n=top_n)


def _candidates(
    session: Session, table: Table, round_entry_ids: Iterable[int]
) -> list[AdvanceCandidate]:
    wanted = set(round_entry_ids)
    rows = [r for r in table.rows if r.round_entry_id in wanted]  # keeps the table's order
    entries = entry_rows(session, round_=table.round, entry_ids=[r.entry_id for r in rows])
    return [
        AdvanceCandidate(
            round_entry_id=r.round_entry_id,
            entry_id=r.entry_id,
            page_id=entries[r.entry_id].page_id,
            title=entries[r.entry_id].title,
            score=r.score,
            place=r.place,
            vote_count=r.vote_count,
        )
        for r in rows
    ]


def _boundary(table: Table, chosen: Advancing) -> tuple[float | None, int | None]:
    if chosen.boundary_score is None:
        return None, None
    if table.ranked:
        return None, int(-chosen.boundary_score)
    return chosen.boundary_score, None


def preview_advance(
    session: Session, *, round_: Round, min_score: float | None = None, top_n: int | None = None
) -> AdvancePreview:
    """Who would advance under a minimum score or a top N, and who ties at the boundary."""
    table = results_table(session, round_=round_)
    chosen = _select(table, min_score=min_score, top_n=top_n)
    boundary_score, boundary_place = _boundary(table, chosen)
    return AdvancePreview(
        rule="min_score" if min_score is not None else "top_n",
        value=min_score if min_score is not None else top_n,  # type: ignore[arg-type]
        basis="place" if table.ranked else "score",
        frozen=table.frozen,
        advancing=_candidates(session, table, chosen.advancing),
        tied_at_boundary=_candidates(session, table, chosen.tied_at_boundary),
        boundary_score=boundary_score,
        boundary_place=boundary_place,
        open_slots=chosen.open_slots,
    )


# -- finalizing and advancing -------------------------------------------------------------


def _details(row: Row, votes: dict[int, list[dict]]) -> str:
    details: dict[str, Any] = {"votes": votes[row.round_entry_id]}
    if row.rank is not None:
        details["rank"] = row.rank
        details["mean_position"] = row.mean_position
    return json.dumps(details, ensure_ascii=False)


def finalize(session: Session, *, round_: Round, actor: User) -> Round:
    """Freeze the round's results: active or paused → finalized, once.

    The status changes first, by compare-and-set, so that of two concurrent requests only
    one goes on (the other waits for its row lock, then finds the round finalized: 409).
    Then the tally is written as RoundResult rows (unique per round and entry), the open
    tasks are cancelled (done tasks and their votes stay), and ``round.outcome`` says how.
    """
    rounds.transition(
        session,
        round_,
        allowed=rounds.RUNNING,
        to=RoundStatus.finalized,
        finalized_at=utcnow(),
    )
    table = _live_table(session, round_)
    cancelled = session.execute(
        update(Task)
        .where(Task.round_id == round_.id, Task.status == TaskStatus.open)
        .values(status=TaskStatus.cancelled)
    ).rowcount
    votes = juror_votes(session, table=table, rows=table.rows)
    rows = [
        (round_.id, r.round_entry_id, r.score, r.vote_count, r.place, False, _details(r, votes))
        for r in table.rows
    ]
    try:
        with session.begin_nested():
            insert_rows(session, table=_results, columns=_RESULT_COLUMNS, rows=rows)
    except IntegrityError as exc:
        raise Conflict("The round's results are already frozen.", code="already_final") from exc
    counts = {
        "entries": len(table.rows),
        "scored": sum(1 for r in table.rows if r.vote_count),
        "votes": sum(r.vote_count for r in table.rows),
        "jurors": len({v["juror_id"] for vs in votes.values() for v in vs}),
        "cancelled_tasks": cancelled,
    }
    outcome: dict[str, Any] = {"method": round_.vote_method, "counts": counts}
    if table.ranking is not None:
        outcome["ranking"] = table.ranking.model_dump()
    round_.outcome = {**(round_.outcome or {}), **outcome}
    round_event(session, round_, actor, "finalize", **outcome)
    session.flush()
    return round_


def _lock(session: Session, round_: Round) -> None:
    """Hold the round's row until the transaction ends (PostgreSQL; SQLite transactions
    already take the database's write lock when they begin) and read it afresh."""
    session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    session.refresh(round_)


def advance(session: Session, *, round_: Round, data: AdvanceRequest, actor: User) -> Round:
    """Advance the chosen entries into a new draft round of the campaign; returns that round.

    A running round is finalized first. The choice is made on the frozen results: exactly
    one of a minimum score or a top N (by place in ranking rounds), plus the entries tied at
    a top N's boundary that the coordinator lets through (``include_tied``).
    """
    _lock(session, round_)
    if round_.status in (RoundStatus.draft, RoundStatus.cancelled):
        raise Conflict(f"The round is {round_.status}; only a finalized round can advance.")
    if round_.status in rounds.RUNNING:
        finalize(session, round_=round_, actor=actor)
    if "advance" in (round_.outcome or {}):
        raise Conflict(
            "This round has already advanced its entries into another round.",
            code="already_advanced",
        )
    table = _frozen_table(session, round_)
    chosen = _select(table, min_score=data.min_score, top_n=data.top_n)
    include = list(dict.fromkeys(data.include_tied))
    stray = set(include) - set(chosen.tied_at_boundary)
    if stray:
        raise InvalidInput(
            "include_tied may only name entries tied at the boundary; not tied: "
            + ", ".join(str(e) for e in sorted(stray))
            + ".",
            code="invalid_advance_rule",
        )
    advancing = set(chosen.advancing) | set(include)
    if not advancing:
        raise InvalidInput("No entry would advance under this rule.", code="nothing_advances")
    rows = [r for r in table.rows if r.round_entry_id in advancing]

    session.connection().execute(
        update(_results)
        .where(_results.c.round_id == round_.id, _results.c.round_entry_id == bindparam("e"))
        .values(advanced=True),
        [{"e": r.round_entry_id} for r in rows],
    )
    campaign = session.get(Campaign, round_.campaign_id)
    assert campaign is not None
    next_round = rounds.create(session, campaign=campaign, data=data.next_round, actor=actor)
    now = utcnow()
    source = f"round:{round_.id}"
    insert_rows(
        session,
        table=RoundEntry.__table__,  # type: ignore[attr-defined]
        columns=("round_id", "entry_id", "source", "created_at"),
        rows=((next_round.id, r.entry_id, source, now) for r in rows),
    )
    boundary_score, boundary_place = _boundary(table, chosen)
    summary = {
        "rule": "min_score" if data.min_score is not None else "top_n",
        "value": data.min_score if data.min_score is not None else data.top_n,
        "advanced": len(rows),
        "included_tied": include,
        "tied_at_boundary": list(chosen.tied_at_boundary),
        "boundary_score": boundary_score,
        "boundary_place": boundary_place,
        "next_round_id": next_round.id,
        "at": now.isoformat(),
    }
    round_.outcome = {**round_.outcome, "advance": summary}
    round_event(session, round_, actor, "advance", **summary)
    session.flush()
    return next_round


# -- juror quality ------------------------------------------------------------------------


_NO_ALPHA_YET = "Not defined yet: it needs entries with two votes or more, and votes that differ."


def quality(session: Session, *, round_: Round, limit: int = 20) -> Quality:
    """Per juror: votes, mean score given, agreement with the rest of the jury; per round:
    Krippendorff's alpha and the entries that split the jury most. Ranking rounds compare the
    entries' standings on the ballots (``ballot_standings``) and have no mean score."""
    if not 0 <= limit <= MAX_DIVISIVE:
        raise InvalidInput(f"limit must be between 0 and {MAX_DIVISIVE}.")
    jurors = session.execute(
        select(RoundJuror.user_id, User.username, RoundJuror.active)
        .join(User, col(User.id) == RoundJuror.user_id)
        .where(RoundJuror.round_id == round_.id)
    ).all()
    votes = session.execute(
        select(Vote.round_entry_id, Vote.juror_id, Vote.value)
        .join(RoundEntry, col(RoundEntry.id) == Vote.round_entry_id)
        .where(Vote.round_id == round_.id, _ELIGIBLE)
    ).all()
    people = {user_id: (username, active) for user_id, username, active in jurors}
    # Votes of jurors since deleted from the jury (only by cascading deletes) still count.
    missing = {v[1] for v in votes} - people.keys()
    people |= {user_id: (name, False) for user_id, name in _usernames(session, missing).items()}

    cast = Counter(juror_id for _, juror_id, _ in votes)
    ranking = round_.vote_method == VoteMethod.ranking
    if ranking:
        triples = ballot_standings(votes)  # type: ignore[arg-type]
    else:
        normalized = _normalizer(round_.vote_method, (v[2] for v in votes))
        triples = [(e, j, normalized[v]) for e, j, v in votes]  # type: ignore[misc]
    agreement = juror_agreement(triples)  # type: ignore[arg-type]
    metric = "nominal" if round_.vote_method == VoteMethod.yes_no else "interval"
    alpha = krippendorff_alpha(triples, metric=metric)  # type: ignore[arg-type]
    divisive = most_divisive(triples, limit=limit)  # type: ignore[arg-type]
    entry_of = dict(
        session.execute(
            select(RoundEntry.id, RoundEntry.entry_id).where(
                col(RoundEntry.id).in_([d.entry_id for d in divisive])
            )
        ).all()
    )
    entries = entry_rows(session, round_=round_, entry_ids=list(entry_of.values()))
    return Quality(
        round_id=round_.id,
        vote_method=round_.vote_method,
        alpha=alpha,
        alpha_metric=metric,
        alpha_note=None if alpha is not None else _NO_ALPHA_YET,
        jurors=[
            JurorQuality(
                user_id=user_id,
                username=name,
                active=active,
                votes=cast[user_id],
                mean_score=found.mean_score if found and not ranking else None,
                shared_entries=found.shared_entries if found else 0,
                agreement=found.agreement if found else None,
            )
            for user_id, (name, active) in sorted(people.items())
            for found in (agreement.get(user_id),)
        ],
        divisive=[
            DivisiveEntry(
                round_entry_id=d.entry_id,
                page_id=entries[entry_of[d.entry_id]].page_id,
                title=entries[entry_of[d.entry_id]].title,
                spread=d.spread,
                mean=d.mean,
                votes=d.votes,
            )
            for d in divisive
        ],
    )


# -- the flags queue ----------------------------------------------------------------------


def _reviews(session: Session, *, round_: Round, where: Any) -> list[FlagReview]:
    counts = dict(
        session.execute(
            select(Flag.round_entry_id, func.count())
            .where(Flag.round_id == round_.id)
            .group_by(Flag.round_entry_id)
        ).all()
    )
    found = session.execute(
        select(Flag, RoundEntry.entry_id, RoundEntry.dq_code)
        .join(RoundEntry, col(RoundEntry.id) == Flag.round_entry_id)
        .where(Flag.round_id == round_.id, where)
        .execution_options(populate_existing=True)
    ).all()
    flags = [(flag, entry_id, dq_code) for flag, entry_id, dq_code in found]
    people = {f.juror_id for f, _, _ in flags} | {f.resolved_by for f, _, _ in flags}
    names = _usernames(session, {p for p in people if p is not None})
    entries = entry_rows(session, round_=round_, entry_ids=list({e for _, e, _ in flags}))
    reviews = [
        FlagReview(
            id=flag.id,
            round_entry_id=flag.round_entry_id,
            entry=_brief(entries[entry_id]),
            entry_dq_code=dq_code,
            juror=UserRef(id=flag.juror_id, username=names.get(flag.juror_id, "")),
            reason=flag.reason,
            note=flag.note,
            status=flag.status,
            created_at=flag.created_at,
            flag_count=counts.get(flag.round_entry_id, 0),
            resolved_by=UserRef(id=flag.resolved_by, username=names.get(flag.resolved_by, ""))
            if flag.resolved_by is not None
            else None,
            resolved_at=flag.resolved_at,
        )
        for flag, entry_id, dq_code in flags
    ]
    # The most flagged entries first, then the oldest flags.
    reviews.sort(key=lambda r: (-r.flag_count, r.round_entry_id, r.created_at, r.id))
    return reviews


def flag_queue(
    session: Session, *, round_: Round, status: str = FlagStatus.open
) -> list[FlagReview]:
    if status not in FlagStatus.__members__:
        allowed = ", ".join(FlagStatus.__members__)
        raise InvalidInput(f"status must be one of {allowed}.")
    return _reviews(session, round_=round_, where=Flag.status == status)


def _open_flag(session: Session, *, round_: Round, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id)
    if flag is None or flag.round_id != round_.id:
        raise NotFound(f"Flag {flag_id} is not in this round.")
    if flag.status != FlagStatus.open:
        raise Conflict(f"The flag was already {flag.status}.", code="flag_resolved")
    return flag


def _resolve(session: Session, *, where: Any, status: str, actor: User) -> list[int]:
    """Close the open flags matching ``where`` (compare-and-set on the status)."""
    resolved = session.execute(
        update(Flag)
        .where(where, Flag.status == FlagStatus.open)
        .values(status=status, resolved_by=actor.id, resolved_at=utcnow())
        .returning(Flag.id)
        .execution_options(synchronize_session=False)
    ).scalars()
    return sorted(resolved)


def _flag_audit(
    session: Session, round_: Round, actor: User, action: str, flag: Flag, **details: Any
) -> None:
    record(
        session,
        actor_id=actor.id,
        action=f"flag.{action}",
        object_type="flag",
        object_id=flag.id,
        campaign_id=round_.campaign_id,
        details={"round_id": round_.id, "round_entry_id": flag.round_entry_id, **details},
    )


def dismiss_flag(session: Session, *, round_: Round, flag_id: int, actor: User) -> FlagReview:
    """Close a flag without action; other jurors' flags on the entry stay open."""
    flag = _open_flag(session, round_=round_, flag_id=flag_id)
    if not _resolve(session, where=Flag.id == flag.id, status=FlagStatus.dismissed, actor=actor):
        raise Conflict("The flag was resolved meanwhile.", code="flag_resolved")
    _flag_audit(session, round_, actor, "dismiss", flag, reason=flag.reason)
    session.flush()
    return _reviews(session, round_=round_, where=Flag.id == flag.id)[0]


def disqualify_flagged(
    session: Session, *, round_: Round, flag_id: int, reason: str | None, actor: User
) -> FlagReview:
    """Uphold a flag: disqualify its entry (code "flag") and close every open flag on it."""
    flag = _open_flag(session, round_=round_, flag_id=flag_id)
    entry = eligibility.round_entry(session, round_=round_, round_entry_id=flag.round_entry_id)
    open_reasons = session.scalars(
        select(Flag.reason).where(Flag.round_entry_id == entry.id, Flag.status == FlagStatus.open)
    ).all()
    text = (reason or "").strip() or "Flagged by jurors: " + ", ".join(sorted(set(open_reasons)))
    if entry.dq_code is None:
        eligibility.disqualify(
            session, round_=round_, entry=entry, reason=text, actor=actor, code="flag"
        )
    elif round_.status in (RoundStatus.finalized, RoundStatus.cancelled):
        raise Conflict(f"The round is {round_.status}; its entries can no longer change.")
    upheld = _resolve(
        session,
        where=Flag.round_entry_id == entry.id,
        status=FlagStatus.upheld,
        actor=actor,
    )
    if flag.id not in upheld:
        raise Conflict("The flag was resolved meanwhile.", code="flag_resolved")
    _flag_audit(session, round_, actor, "uphold", flag, reason=text, flags=upheld)
    session.flush()
    return _reviews(session, round_=round_, where=Flag.id == flag.id)[0]
