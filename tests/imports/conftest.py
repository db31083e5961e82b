"""Import jobs against the Commons double served on loopback, run by a real worker."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.commons.client import CommonsClient
from app.commons.users import CommonsIdLookup
from app.core.config import Settings
from app.imports import jobs as import_jobs
from app.jobs.runner import Worker
from app.models import Job, RoundEntry
from tests.commons.conftest import USER_AGENT, _commons_server, api_url, base_url, store

__all__ = ["_commons_server", "api_url", "base_url", "store"]


@dataclass
class CommonsForJobs:
    """How the jobs reach the double: page size, retry budget, and the clients they made."""

    api_url: str
    batch_size: int | str = "max"
    max_retry_seconds: float = 5.0
    sleeps: list[float] = field(default_factory=list)

    def client(self) -> CommonsClient:
        return CommonsClient(
            api_url=self.api_url,
            user_agent=USER_AGENT,
            batch_size=self.batch_size,  # type: ignore[arg-type]
            sleep=self.sleeps.append,
            max_retry_seconds=self.max_retry_seconds,
            timeout=10.0,
        )

    def lookup(self) -> CommonsIdLookup:
        return CommonsIdLookup(
            Settings(env="test", commons_api_url=self.api_url, user_agent=USER_AGENT)
        )


@pytest.fixture
def commons(monkeypatch: pytest.MonkeyPatch, api_url: str) -> Iterator[CommonsForJobs]:
    """Points the import jobs at the double (LOUPE_COMMONS_API_URL in production)."""
    target = CommonsForJobs(api_url=api_url)
    monkeypatch.setattr(import_jobs, "commons_client", target.client)
    monkeypatch.setattr(import_jobs, "commons_lookup", target.lookup)
    yield target


def run_jobs(db: Engine, *, limit: int = 1) -> int:
    """Run up to ``limit`` ready jobs in this thread; returns how many ran."""
    worker = Worker(engine=db, backoff_base=0)
    ran = 0
    while ran < limit and worker.run_once():
        ran += 1
    return ran


def load_job(db: Engine, job_id: int) -> Job:
    with Session(db) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def round_entries(db: Engine, round_id: int) -> list[RoundEntry]:
    with Session(db) as session:
        query = select(RoundEntry).where(RoundEntry.round_id == round_id).order_by(RoundEntry.id)
        return list(session.scalars(query))


def count(db: Engine, model: Any, *where: Any) -> int:
    with Session(db) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0
