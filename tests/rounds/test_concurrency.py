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
