"""A `loupe worker` killed (SIGKILL) in the middle of a large Commons import: another worker
takes the job over from its last checkpoint and finishes it without a duplicate."""

import signal
import time

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.commons.double import CommonsStore
from app.jobs.runner import wait_for
from app.models import Entry, Job, JobStatus, RoundEntry
from tests.commons.conftest import USER_AGENT
from tests.faults.conftest import start_worker, stop
from tests.imports.conftest import _commons_server, api_url, base_url, store
from tests.imports.test_categories import IN_WINDOW, draft_round, start

__all__ = ["_commons_server", "api_url", "base_url", "store"]

FILES = 3000  # six generator batches of 500


def progress(db: Engine, job_id: int) -> int:
    with Session(db) as session:
        return session.get(Job, job_id).progress_done


def test_a_worker_killed_mid_import_leaves_it_to_another_without_duplicates(
    db: Engine, database_url: str, session: Session, store: CommonsStore, api_url: str
):
    store.add_category("WLM")
    for n in range(FILES):
        store.add_file(f"Photo {n:05d}.jpg", categories=["WLM"], timestamp=IN_WINDOW)
    store.latency = 0.15  # a slow Commons, so that the kill lands between batches
    round_ = draft_round(session)
    job_id = start(db, round_.id, ["WLM"])
    env = {"LOUPE_COMMONS_API_URL": api_url, "LOUPE_USER_AGENT": USER_AGENT}

    first = start_worker(database_url, **env)
    try:
        deadline = time.monotonic() + 30
        while progress(db, job_id) < 1000:
            assert time.monotonic() < deadline, "the first worker made no progress"
            assert first.poll() is None, "the first worker died on its own"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        first.kill()
    killed_at = progress(db, job_id)
    assert killed_at < FILES, "the import finished before the kill"
    walks_before = len(batch_requests(store))

    second = start_worker(database_url, **env)
    try:
        job = wait_for(db, job_id, timeout=60)
    finally:
        stop(second)
    assert job.status == JobStatus.succeeded, job.error
    assert job.attempts == 2
    assert job.stats["added"] == FILES
    with Session(db) as s:
        assert s.scalar(select(func.count()).select_from(Entry)) == FILES
        per_entry = select(RoundEntry.entry_id).group_by(RoundEntry.entry_id)
        assert s.scalar(select(func.count()).select_from(per_entry.subquery())) == FILES
        assert s.scalar(select(func.count()).select_from(RoundEntry)) == FILES
    # The second worker resumed from the checkpoint instead of walking from the top again.
    resumed = batch_requests(store)[walks_before:]
    assert resumed and all("gcmcontinue" in params for params in resumed)
    assert len(resumed) <= (FILES - killed_at) // 500 + 1


def batch_requests(store: CommonsStore) -> list[dict[str, str]]:
    return [r.params for r in store.requests if r.params.get("generator") == "categorymembers"]
