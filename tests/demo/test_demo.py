"""`loupe demo` builds a working contest offline, through the real services and jobs."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

import app.jobs.kinds  # noqa: F401  (the demo runs import jobs)
from app.core import migrate
from app.core.db import make_engine
from app.demo import build
from app.main import create_app
from app.models import Award, Campaign, Entry, Round, RoundEntry, Task, TaskStatus, User, Vote
from tests.conftest import drop_database, fresh_database


def test_the_demo_has_a_published_edition_and_one_in_judging(db, settings):
    settings.base_url = "http://testserver"
    build.build(db, settings=settings)
    with Session(db) as session:
        published = session.scalar(select(Campaign).where(Campaign.slug == build.SLUG_2025))
        judging = session.scalar(select(Campaign).where(Campaign.slug == build.SLUG_2026))
        assert (published.status, judging.status) == ("published", "judging")
        awards = session.scalar(
            select(func.count()).select_from(Award).where(Award.campaign_id == published.id)
        )
        assert awards == 4
        rounds = session.scalars(
            select(Round).where(Round.campaign_id == judging.id).order_by(Round.ordinal)
        ).all()
        assert [(r.vote_method, r.status) for r in rounds] == [
            ("yes_no", "finalized"),
            ("rating", "active"),
        ]
        reasons = set(
            session.scalars(
                select(RoundEntry.dq_code).where(
                    RoundEntry.round_id == rounds[0].id, RoundEntry.dq_code.is_not(None)
                )
            )
        )
        assert {"window", "resolution", "staff_upload"} <= reasons
        open_tasks = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.round_id == rounds[1].id, Task.status == TaskStatus.open)
        )
        votes = session.scalar(
            select(func.count()).select_from(Vote).where(Vote.round_id == rounds[1].id)
        )
        assert open_tasks > 0 and votes > 0, "the jury is part-way through round 2"

    build.build(db, settings=settings)  # a second run changes nothing
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 2


def test_the_demo_serves_its_winners_and_their_photos_offline(db, settings):
    settings.base_url = "http://testserver"
    settings.demo = True
    build.build(db, settings=settings)
    with TestClient(create_app(settings, engine=db, run_jobs=False)) as client:
        page = client.get(f"/api/public/campaigns/{build.SLUG_2025}").json()
        assert len(page["awards"]) == 4
        for award in page["awards"]:
            entry = award["entry"]
            assert entry["attribution"]["license"]
            photo = client.get(entry["thumb_url"].removeprefix("http://testserver"))
            assert photo.status_code == 200
            assert photo.headers["content-type"] == "image/jpeg"
        assert client.get(f"/api/public/campaigns/{build.SLUG_2026}").status_code == 404


def _outcome(engine) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    """The published winners and the 2026 round-2 votes, by names rather than ids."""
    with Session(engine) as session:
        winners = session.execute(
            select(Award.name, Entry.title)
            .join(Entry, Entry.id == Award.entry_id)
            .order_by(Award.name)
        ).all()
        votes = session.execute(
            select(User.username, Entry.title, Vote.value)
            .join(User, User.id == Vote.juror_id)
            .join(RoundEntry, RoundEntry.id == Vote.round_entry_id)
            .join(Entry, Entry.id == RoundEntry.entry_id)
            .join(Round, Round.id == Vote.round_id)
            .where(Round.name == "Round 2: stars")
            .order_by(User.username, Entry.title)
        ).all()
    return [tuple(w) for w in winners], [tuple(v) for v in votes]


def test_every_demo_build_has_the_same_winners_and_votes(settings, tmp_path):
    settings.base_url = "http://testserver"
    outcomes = []
    for name in ("demo_a", "demo_b"):
        url = fresh_database(name, tmp_path)
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            build.build(engine, settings=settings)
            outcomes.append(_outcome(engine))
        finally:
            engine.dispose()
            drop_database(name)
    assert len(outcomes[0][0]) == 4 and outcomes[0][1]
    assert outcomes[0] == outcomes[1]
