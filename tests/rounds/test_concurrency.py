"""Races that real parallel connections can produce (PostgreSQL; SQLite serializes writers)."""

import threading

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.core.errors import Conflict
from app.models import Round, Task, User, utcnow
from app.rounds import service
from tests.factories import make_campaign, make_round, make_round_entry, make_user


def test_activating_a_round_twice_at_once_creates_one_set_of_tasks(db: Engine):
    with Session(db) as session:
        coordinator = make_user(session)
        jurors = tuple(make_user(session) for _ in range(3))
        for juror in jurors:
            juror.commons_checked_at = utcnow()
        round_ = make_round(session, campaign=make_campaign(session), jurors=jurors, quorum=2)
        for _ in range(200):
            make_round_entry(session, round=round_)
        session.commit()
        round_id, coordinator_id = round_.id, coordinator.id

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def activate() -> None:
        barrier.wait(timeout=10)
        with Session(db, expire_on_commit=False) as session:
            try:
                target = session.get(Round, round_id)
                actor = session.get(User, coordinator_id)
                service.activate(session, round_=target, actor=actor, lookup=None)
                session.commit()
                outcomes.append("activated")
            except Conflict:
                session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=activate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["activated", "conflict"]
    with Session(db) as session:
        count = session.scalar(
            select(func.count()).select_from(Task).where(Task.round_id == round_id)
        )
    assert count == 400


def test_a_juror_removed_while_voting_loses_no_cast_vote(db: Engine):
    from app.core.errors import LoupeError
    from app.models import RoundJuror, TaskStatus, Vote
    from app.voting import service as voting

    with Session(db) as session:
        coordinator = make_user(session)
        jurors = tuple(make_user(session) for _ in range(4))
        for juror in jurors:
            juror.commons_checked_at = utcnow()
        round_ = make_round(
            session, campaign=make_campaign(session), jurors=jurors, quorum=2, vote_method="yes_no"
        )
        for _ in range(120):
            make_round_entry(session, round=round_)
        session.commit()
        service.activate(session, round_=round_, actor=coordinator, lookup=None)
        session.commit()
        leaving = jurors[0]
        mine = session.scalars(
            select(Task.round_entry_id).where(Task.juror_id == leaving.id).order_by(Task.sort_key)
        ).all()
        ids = (round_.id, coordinator.id, leaving.id)

    acknowledged: list[int] = []
    refused: list[int] = []
    started = threading.Event()

    def vote_all() -> None:
        for round_entry_id in mine:
            with Session(db, expire_on_commit=False) as session:
                try:
                    target = session.get(Round, ids[0])
                    voter = session.get(User, ids[2])
                    voting.cast_vote(
                        session, round=target, juror=voter, round_entry_id=round_entry_id, value=1
                    )
                    session.commit()
                    acknowledged.append(round_entry_id)
                except LoupeError:
                    session.rollback()
                    refused.append(round_entry_id)
            started.set()

    def remove() -> None:
        started.wait(10)
        with Session(db, expire_on_commit=False) as session:
            target = session.get(Round, ids[0])
            actor = session.get(User, ids[1])
            service.remove_juror(session, round_=target, user_id=ids[2], actor=actor, lookup=None)
            session.commit()

    threads = [threading.Thread(target=vote_all), threading.Thread(target=remove)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert acknowledged, "some votes were cast before the removal"
    assert len(acknowledged) + len(refused) == len(mine)
    with Session(db) as session:
        assert not session.get(RoundJuror, (ids[0], ids[2])).active
        votes = session.scalars(select(Vote).where(Vote.round_id == ids[0])).all()
        stored = {v.round_entry_id for v in votes if v.juror_id == ids[2]}
        assert stored == set(acknowledged), "every acknowledged vote is stored, nothing else"
        for vote in votes:
            task = session.get(Task, vote.task_id)
            assert (task.juror_id, task.status) == (vote.juror_id, TaskStatus.done)
        leftover = session.scalars(
            select(Task).where(Task.juror_id == ids[2], Task.status == TaskStatus.open)
        ).all()
        assert leftover == [], "the removed juror keeps no open task"
