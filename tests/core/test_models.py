"""The database itself refuses what must never happen twice."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.models import Entry, RoundStatus, Task, Vote
from tests.factories import make_campaign, make_entry, make_round, make_round_entry, make_user


def test_one_entry_per_commons_page(session: Session):
    make_entry(session, page_id=42)
    with pytest.raises(IntegrityError):
        make_entry(session, page_id=42)


def test_one_round_entry_per_entry_and_round(session: Session):
    campaign = make_campaign(session)
    round_ = make_round(session, campaign=campaign)
    entry = make_entry(session)
    make_round_entry(session, round=round_, entry=entry)
    with pytest.raises(IntegrityError):
        make_round_entry(session, round=round_, entry=entry)


def test_one_task_per_round_entry_and_juror_and_one_vote_per_task(session: Session):
    juror = make_user(session)
    round_ = make_round(session, campaign=make_campaign(session), jurors=(juror,))
    round_entry = make_round_entry(session, round=round_)
    task = Task(round_id=round_.id, round_entry_id=round_entry.id, juror_id=juror.id)
    session.add(task)
    session.flush()
    vote = dict(round_id=round_.id, round_entry_id=round_entry.id, juror_id=juror.id, value=1)
    session.add(Vote(task_id=task.id, **vote))
    session.flush()
    with session.begin_nested():
        session.add(Vote(task_id=task.id, **vote))
        with pytest.raises(IntegrityError):
            session.flush()
    session.add(Task(round_id=round_.id, round_entry_id=round_entry.id, juror_id=juror.id))
    with pytest.raises(IntegrityError):
        session.flush()


def test_one_running_round_per_campaign(session: Session):
    campaign = make_campaign(session)
    make_round(session, campaign=campaign, status=RoundStatus.active)
    make_round(session, campaign=campaign, status=RoundStatus.finalized)
    make_round(session, campaign=make_campaign(session), status=RoundStatus.active)
    with pytest.raises(IntegrityError):
        make_round(session, campaign=campaign, status=RoundStatus.paused)


def test_timestamps_come_back_as_utc(session: Session):
    local = datetime(2026, 9, 30, 23, 30, tzinfo=timezone(timedelta(hours=2)))
    entry = make_entry(session, uploaded_at=local)
    session.commit()
    session.expire_all()
    loaded = session.get(Entry, entry.id)
    assert loaded.uploaded_at == local
    assert loaded.uploaded_at.tzinfo == UTC


def test_naive_timestamps_are_refused(session: Session):
    with pytest.raises(Exception, match="naive datetime"):
        make_entry(session, uploaded_at=datetime(2026, 9, 30))
