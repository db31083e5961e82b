"""The same vote sent twice at once, from separate connections, is stored once.

Runs on both databases: on PostgreSQL the requests really overlap (the loser of the insert
race waits on the unique index, then reads the winner's vote); on SQLite the write lock makes
them take turns, and the outcome must be the same.
"""

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.core.errors import Conflict
from app.models import Round, RoundResult, User, Vote, VoteChange
from app.results import service as results
from app.voting import service
from tests.voting.scene import make_scene


def at_once(engine: Engine, jobs: list[Callable[[Session], Any]]) -> list[Any]:
    """Run each job in its own thread and session, released together; each commits."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[Session], Any]) -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                barrier.wait(timeout=10)
                results[i] = job(session)
                session.commit()
            except Exception as error:
                session.rollback()
                results[i] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def voter(round_id: int, juror_id: int, round_entry_id: int, value: int, **kwargs):
    def job(session: Session) -> tuple[int, int]:
        vote = service.cast_vote(
            session,
            round=session.get(Round, round_id),
            juror=session.get(User, juror_id),
            round_entry_id=round_entry_id,
            value=value,
            **kwargs,
        )
        return vote.id, vote.value

    return job


def test_the_same_vote_sent_twice_at_once_is_stored_once(db: Engine):
    with Session(db, expire_on_commit=False) as session:
        scene = make_scene(session, entries=20, jurors=1)
        session.commit()
    round_id, juror_id = scene.round.id, scene.juror.id
    for entry in scene.entries:
        results = at_once(db, [voter(round_id, juror_id, entry.id, 4) for _ in range(2)])
        assert all(isinstance(r, tuple) for r in results), results
        assert results[0] == results[1]  # both requests answer with the one stored vote
    with Session(db) as session:
        votes = session.execute(select(Vote.round_entry_id, Vote.value)).all()
        assert sorted(votes) == sorted((e.id, 4) for e in scene.entries)
        assert session.execute(select(func.count()).select_from(VoteChange)).scalar_one() == 0


def test_two_different_changes_at_once_keep_a_consistent_history(db: Engine):
    with Session(db, expire_on_commit=False) as session:
        scene = make_scene(session, entries=10, jurors=1)
        session.commit()
    round_id, juror_id = scene.round.id, scene.juror.id
    for entry in scene.entries:
        at_once(db, [voter(round_id, juror_id, entry.id, 1)])
        results = at_once(
            db, [voter(round_id, juror_id, entry.id, 2), voter(round_id, juror_id, entry.id, 3)]
        )
        assert all(isinstance(r, tuple) for r in results), results
        with Session(db) as session:
            vote = session.execute(select(Vote).where(Vote.round_entry_id == entry.id)).scalar_one()
            old = session.execute(
                select(VoteChange.value)
                .where(VoteChange.vote_id == vote.id)
                .order_by(VoteChange.id)
            ).scalars()
            # 1 → first writer's value → second writer's value: each change recorded once,
            # from the value it really replaced.
            chain = [*old, vote.value]
            assert chain in ([1, 2, 3], [1, 3, 2]), chain


def test_no_vote_lands_after_the_round_was_finalized(db: Engine):
    """A vote racing a finalization either counts in the frozen results or is refused."""
    with Session(db, expire_on_commit=False) as session:
        scene = make_scene(session, entries=40, jurors=2)
        session.commit()
        ids = (scene.round.id, scene.juror.id, scene.others[0].id)
        entries = [e.id for e in scene.entries]

    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def vote_everything() -> None:
        barrier.wait(10)
        cast = 0
        for round_entry_id in entries:
            with Session(db, expire_on_commit=False) as session:
                try:
                    service.cast_vote(
                        session,
                        round=session.get(Round, ids[0]),
                        juror=session.get(User, ids[1]),
                        round_entry_id=round_entry_id,
                        value=4,
                    )
                    session.commit()
                    cast += 1
                except Conflict:
                    break
        outcome["cast"] = cast

    def finalize() -> None:
        barrier.wait(10)
        with Session(db, expire_on_commit=False) as session:
            results.finalize(
                session, round_=session.get(Round, ids[0]), actor=session.get(User, ids[2])
            )
            session.commit()

    threads = [threading.Thread(target=vote_everything), threading.Thread(target=finalize)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with Session(db) as session:
        stored = session.scalar(
            select(func.count()).select_from(Vote).where(Vote.round_id == ids[0])
        )
        frozen = sum(
            r.vote_count
            for r in session.scalars(select(RoundResult).where(RoundResult.round_id == ids[0]))
        )
    assert stored == outcome["cast"]
    assert frozen == stored, "every stored vote is in the frozen results"
