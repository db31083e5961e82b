"""Fills an empty database with the demo, through the same services the API uses.

Two editions of a contest in "Demoland": 2025, judged and published with its winners, and
2026, in judging: a finished yes/no round and a rating round that the demo jurors are
part-way through. Photos are imported from the demo Commons by the real import job.
"""

import logging
import os
import random
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlmodel import Session

from app.campaigns import service as campaigns
from app.campaigns.schemas import CampaignCreate
from app.commons import double
from app.commons.users import CommonsIdLookup
from app.core import config
from app.demo.commons import COORDINATOR, EDITIONS, JURORS, MOUNT, demo_store
from app.eligibility import service as eligibility
from app.imports import service as imports
from app.imports.schemas import CategoryImport
from app.jobs.runner import Worker
from app.models import Campaign, Job, JobStatus, Round, RoundEntry, Task, TaskStatus, User, utcnow
from app.publishing import service as publishing
from app.publishing.schemas import AwardIn
from app.results import service as results
from app.results.schemas import AdvanceRequest
from app.rounds import service as rounds
from app.rounds.schemas import EligibilityRules, RoundCreate
from app.voting import service as voting

log = logging.getLogger(__name__)

SLUG_2025 = "wlm-2025-demoland"
SLUG_2026 = "wlm-2026-demoland"


def is_built(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.scalar(select(Campaign.id).where(Campaign.slug == SLUG_2026)) is not None


def build(engine: Engine, *, settings: config.Settings) -> None:
    """Create the demo unless it exists; imports run against a temporary Commons double."""
    if is_built(engine):
        return
    store = demo_store(public_url=settings.base_url.rstrip("/") + MOUNT)
    with (
        double.serve_in_thread(double.create_app(store)) as url,
        _commons_api(url),
        Session(engine, expire_on_commit=False) as session,
    ):
        people = _people(session, store)
        session.commit()
        _edition_2025(engine, session, people)
        _edition_2026(engine, session, people)


@contextmanager
def _commons_api(base_url: str) -> Iterator[None]:
    """Point the settings (which import jobs read) at the temporary double for a while."""
    before = os.environ.get("LOUPE_COMMONS_API_URL")
    os.environ["LOUPE_COMMONS_API_URL"] = f"{base_url}/w/api.php"
    config.get_settings.cache_clear()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("LOUPE_COMMONS_API_URL", None)
        else:
            os.environ["LOUPE_COMMONS_API_URL"] = before
        config.get_settings.cache_clear()


def _people(session: Session, store: double.CommonsStore) -> dict[str, User]:
    now = utcnow()
    people = {}
    for name in [COORDINATOR, *JURORS]:
        account = store.user(name)
        user = User(
            wiki_id=account.central_id,
            username=name,
            commons_id=account.local_id,
            commons_checked_at=now,
            is_organizer=name == COORDINATOR,
        )
        session.add(user)
        people[name] = user
    session.flush()
    return people


def _lookup() -> CommonsIdLookup:
    return CommonsIdLookup(config.get_settings())


def _import(engine: Engine, session: Session, round_: Round, category: str, actor: User) -> None:
    job = imports.start_import(
        session,
        round_=round_,
        data=CategoryImport(source="category", categories=[category]),
        actor=actor,
    )
    session.commit()
    worker = Worker(engine=engine, lease_seconds=60)
    while worker.run_once():
        pass
    with Session(engine) as check:
        done = check.get(Job, job.id)
        if done.status != JobStatus.succeeded:
            raise RuntimeError(f"demo import failed: {done.error}")
    session.expire_all()


def _quality(session: Session, round_: Round) -> dict[int, float]:
    """A hidden 'true quality' per entry, so that the jury roughly agrees."""
    ids = session.scalars(select(RoundEntry.id).where(RoundEntry.round_id == round_.id)).all()
    rng = random.Random(round_.id)
    return {i: rng.random() for i in ids}


def _open_tasks(session: Session, round_: Round, juror: User) -> list[int]:
    return list(
        session.scalars(
            select(Task.round_entry_id)
            .where(Task.round_id == round_.id, Task.juror_id == juror.id)
            .where(Task.status == TaskStatus.open)
            .order_by(Task.sort_key)
        )
    )


def _vote(session: Session, round_: Round, jurors: list[User], *, share: float = 1.0) -> None:
    quality = _quality(session, round_)
    rng = random.Random(f"votes:{round_.id}")
    for juror in jurors:
        todo = _open_tasks(session, round_, juror)
        for round_entry_id in todo[: round(len(todo) * share)]:
            q = quality[round_entry_id] + rng.gauss(0, 0.2)
            if round_.vote_method == "yes_no":
                value = int(q > 0.5)
            else:
                value = min(5, max(1, round(1 + q * 4)))
            voting.cast_vote(
                session, round=round_, juror=juror, round_entry_id=round_entry_id, value=value
            )
    session.commit()


def _rank(session: Session, round_: Round, jurors: list[User]) -> None:
    quality = _quality(session, round_)
    rng = random.Random(f"ballots:{round_.id}")
    for juror in jurors:
        held = _open_tasks(session, round_, juror)
        order = sorted(held, key=lambda e: -(quality[e] + rng.gauss(0, 0.15)))
        voting.submit_ballot(
            session,
            round=round_,
            juror=juror,
            ranks=[(entry, place) for place, entry in enumerate(order, 1)],
        )
    session.commit()


def _campaign(session: Session, *, year: int, slug: str, coordinator: User) -> Campaign:
    campaign = campaigns.create(
        session,
        data=CampaignCreate(
            slug=slug,
            name=f"Wiki Loves Monuments {year} in Demoland",
            description=(
                f"The national edition of Wiki Loves Monuments {year} in Demoland: photos of "
                "listed monuments uploaded to Wikimedia Commons in September."
            ),
            opens_at=datetime(year, 9, 1, tzinfo=UTC),
            closes_at=datetime(year, 10, 1, tzinfo=UTC),
        ),
        actor=coordinator,
    )
    session.commit()
    return campaign


def _first_round(
    engine: Engine, session: Session, campaign: Campaign, year: int, people: dict[str, User]
) -> Round:
    coordinator = people[COORDINATOR]
    first = rounds.create(
        session,
        campaign=campaign,
        data=RoundCreate(
            name="Round 1: yes or no",
            vote_method="yes_no",
            quorum=2,
            directions="Would this photo deserve a place in the next round? Yes or no.",
            juror_ids=[people[name].id for name in JURORS],
            rules=EligibilityRules(min_megapixels=2.0),
        ),
        actor=coordinator,
    )
    session.commit()
    _import(engine, session, first, EDITIONS[year], coordinator)
    eligibility.apply(session, round_=first, actor=coordinator, lookup=_lookup())
    _activate(session, first, coordinator)
    session.commit()
    return first


def _activate(session: Session, round_: Round, coordinator: User) -> None:
    # A seed from the round's name, not a random one: every demo build deals the same tasks,
    # so the votes, results and winners (and the screenshots) are the same each time.
    slug = session.get(Campaign, round_.campaign_id).slug  # type: ignore[union-attr]
    round_.seed = zlib.crc32(f"demo:{slug}:{round_.name}".encode()) % 2**31 or 1
    rounds.activate(session, round_=round_, actor=coordinator, lookup=_lookup())


def _edition_2025(engine: Engine, session: Session, people: dict[str, User]) -> None:
    coordinator = people[COORDINATOR]
    jurors = [people[name] for name in JURORS]
    campaign = _campaign(session, year=2025, slug=SLUG_2025, coordinator=coordinator)
    first = _first_round(engine, session, campaign, 2025, people)
    _vote(session, first, jurors)
    final = results.advance(
        session,
        round_=first,
        data=AdvanceRequest(
            min_score=0.5,
            next_round=RoundCreate(
                name="Final: ranking",
                vote_method="ranking",
                directions="Order the finalists from best to last; ties are allowed.",
                juror_ids=[j.id for j in jurors],
            ),
        ),
        actor=coordinator,
    )
    session.commit()
    _activate(session, final, coordinator)
    session.commit()
    _rank(session, final, jurors)
    results.finalize(session, round_=final, actor=coordinator)
    publishing.finalize(session, campaign=campaign, actor=coordinator)
    table = results.results(session, round_=final, limit=10)
    ranked = sorted(table.rows, key=lambda row: (row.rank is None, row.rank))
    winners = [row.round_entry_id for row in ranked[:4]]
    awards = [
        AwardIn(name=name, place=place, round_entry_id=entry)
        for (name, place), entry in zip(
            [("First place", 1), ("Second place", 2), ("Third place", 3)], winners, strict=False
        )
    ]
    if len(winners) == 4:
        awards.append(
            AwardIn(name="Jury's special prize", kind="special", round_entry_id=winners[3])
        )
    publishing.set_awards(session, campaign=campaign, awards=awards, actor=coordinator)
    publishing.publish(session, campaign=campaign, publish_at=None, actor=coordinator)
    session.commit()


def _edition_2026(engine: Engine, session: Session, people: dict[str, User]) -> None:
    coordinator = people[COORDINATOR]
    jurors = [people[name] for name in JURORS]
    campaign = _campaign(session, year=2026, slug=SLUG_2026, coordinator=coordinator)
    first = _first_round(engine, session, campaign, 2026, people)
    _vote(session, first, jurors)
    second = results.advance(
        session,
        round_=first,
        data=AdvanceRequest(
            min_score=0.5,
            next_round=RoundCreate(
                name="Round 2: stars",
                vote_method="rating",
                quorum=3,
                directions="Give each photo one to five stars: composition, light, and the "
                "monument itself.",
                juror_ids=[j.id for j in jurors],
            ),
        ),
        actor=coordinator,
    )
    session.commit()
    _activate(session, second, coordinator)
    session.commit()
    # The jury is part-way through the round.
    _vote(session, second, jurors[1:], share=0.4)
