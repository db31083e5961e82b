"""Shared set-up for benchmarks: a fresh migrated database and bulk-made contest data."""

import os
import resource
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, create_engine, insert, select, text
from sqlmodel import Session

from app.core import migrate
from app.core.db import make_engine, normalize_url
from app.models import Campaign, Entry, Round, RoundEntry, RoundJuror, User, utcnow

PG_URL = os.environ.get("LOUPE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def fresh_engine(kind: str, name: str) -> Engine:
    """A new, migrated database: ``kind`` is "sqlite" or "postgres"."""
    if kind == "postgres":
        admin = create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "bench_{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "bench_{name}"'))
        admin.dispose()
        url = normalize_url(PG_URL).rsplit("/", 1)[0] + f"/bench_{name}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='loupe-bench-')}/{name}.db"
    migrate.upgrade(url)
    return make_engine(url)


def make_contest(
    engine: Engine, *, entries: int, jurors: int, quorum: int, method: str = "rating"
) -> tuple[int, int, list[int]]:
    """A campaign with a draft round of ``entries`` eligible entries and ``jurors`` jurors.

    Returns (round id, coordinator id, juror ids)."""
    now = utcnow()
    uploaded = datetime(2026, 9, 15, tzinfo=UTC)
    with Session(engine) as session:
        coordinator = User(wiki_id=1, username="Coordinator", commons_checked_at=now)
        people = [
            User(wiki_id=100 + i, username=f"Juror {i}", commons_checked_at=now)
            for i in range(jurors)
        ]
        session.add_all([coordinator, *people])
        campaign = Campaign(slug="bench", name="Bench")
        session.add(campaign)
        session.flush()
        round_ = Round(
            campaign_id=campaign.id, name="Round 1", vote_method=method, quorum=quorum, seed=7
        )
        session.add(round_)
        session.flush()
        session.add_all(RoundJuror(round_id=round_.id, user_id=p.id) for p in people)
        session.execute(
            insert(Entry),
            [
                {
                    "page_id": 10_000_000 + i,
                    "title": f"File:Bench photo {i}.jpg",
                    "width": 4000,
                    "height": 3000,
                    "size": 3_000_000,
                    "mime": "image/jpeg",
                    "sha1": f"{i:040x}",
                    "url": f"https://upload.wikimedia.org/wikipedia/commons/a/ab/Bench_photo_{i}.jpg",
                    "description_url": f"https://commons.wikimedia.org/wiki/File:Bench_photo_{i}.jpg",
                    "uploader": f"Uploader {i % 997}",
                    "uploader_id": 5_000_000 + i % 997,
                    "uploaded_at": uploaded,
                    "latest_uploader": f"Uploader {i % 997}",
                    "latest_uploader_id": 5_000_000 + i % 997,
                    "latest_uploaded_at": uploaded,
                    "license": "CC BY-SA 4.0",
                    "artist": f"Uploader {i % 997}",
                    "deleted": False,
                    "created_at": now,
                }
                for i in range(entries)
            ],
        )
        entry_ids = session.scalars(select(Entry.id).order_by(Entry.id)).all()
        session.execute(
            insert(RoundEntry),
            [
                {"round_id": round_.id, "entry_id": e, "source": "bench", "created_at": now}
                for e in entry_ids
            ],
        )
        session.commit()
        return round_.id, coordinator.id, [p.id for p in people]


@contextmanager
def timed():
    """Yields a dict whose "seconds" is filled in when the block ends."""
    result: dict[str, float] = {}
    start = time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
