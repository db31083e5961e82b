"""Commons answers with errors, timeouts and maxlag for a while: the client waits, the import
completes. (tests/commons covers each error kind on its own; these add timeouts and a mix.)"""

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.commons.client import CommonsClient
from app.commons.double import CommonsStore
from app.imports import jobs as import_jobs
from app.models import Entry, JobStatus, RoundEntry
from tests.commons.conftest import USER_AGENT
from tests.imports.conftest import (
    CommonsForJobs,
    _commons_server,
    api_url,
    base_url,
    commons,
    load_job,
    run_jobs,
    store,
)
from tests.imports.test_categories import IN_WINDOW, draft_round, start

__all__ = ["_commons_server", "api_url", "base_url", "commons", "store"]

TIMEOUT = 0.2


def test_a_request_that_times_out_is_retried_with_backoff(store: CommonsStore, api_url: str):
    store.add_category("WLM")
    store.add_file("Photo.jpg", categories=["WLM"], timestamp=IN_WINDOW)
    store.inject_fault("timeout", times=2, after=1, delay=1.0)
    sleeps: list[float] = []
    with CommonsClient(
        api_url=api_url, user_agent=USER_AGENT, timeout=TIMEOUT, sleep=sleeps.append
    ) as client:
        files = [f.title for batch in client.iter_category(category="WLM") for f in batch.files]
    assert files == ["File:Photo.jpg"]
    assert sleeps == [1.0, 2.0]


def test_an_import_waits_out_errors_timeouts_and_maxlag_and_completes(
    db: Engine,
    session: Session,
    store: CommonsStore,
    commons: CommonsForJobs,
    monkeypatch: pytest.MonkeyPatch,
):
    store.add_category("WLM")
    for n in range(12):
        store.add_file(f"Photo {n:02d}.jpg", categories=["WLM"], timestamp=IN_WINDOW)
    commons.batch_size = 3
    sleeps: list[float] = []
    monkeypatch.setattr(
        import_jobs,
        "commons_client",
        lambda: CommonsClient(
            api_url=commons.api_url,
            user_agent=USER_AGENT,
            batch_size=3,
            timeout=TIMEOUT,
            sleep=sleeps.append,
            max_retry_seconds=120,
        ),
    )
    round_ = draft_round(session)
    job_id = start(db, round_.id, ["WLM"])
    # Between the good answers: maxlag, a timeout, a 503, a rate limit, an API database error.
    store.inject_fault("maxlag", after=1, times=2, retry_after="5")
    store.inject_fault("timeout", after=1, delay=1.0)
    store.inject_fault("server_error", after=1, status=503)
    store.inject_fault("ratelimit", retry_after="3")
    store.inject_fault("api_error", after=1, code="internal_api_error_DBConnectionError")

    assert run_jobs(db) == 1
    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded, job.error
    assert job.attempts == 1, "the client waited instead of failing the attempt"
    assert job.stats["added"] == 12
    # Retry-After is honoured (maxlag 5 s twice, 429 for 3 s); backoff otherwise.
    assert sleeps.count(5.0) == 2 and 3.0 in sleeps and len(sleeps) == 6
    with Session(db) as s:
        assert s.scalar(select(func.count()).select_from(Entry)) == 12
        assert s.scalar(select(func.count()).select_from(RoundEntry)) == 12
