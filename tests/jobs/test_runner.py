"""The durable job runner: claiming, leases, retries, recovery after a killed worker."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, update
from sqlmodel import Session

import tests.jobs.handlers  # noqa: F401  (registers the test kinds)
from app.jobs import service
from app.jobs.registry import job_handler
from app.jobs.runner import JobContext, Worker, wait_for
from app.models import Job, JobStatus, utcnow

ROOT = Path(__file__).resolve().parents[2]


def enqueue(engine: Engine, kind: str, **payload) -> int:
    with Session(engine) as session:
        job = service.enqueue(session, kind=kind, payload=payload, max_attempts=3)
        session.commit()
        return job.id


def load(engine: Engine, job_id: int) -> Job:
    with Session(engine) as session:
        return session.get(Job, job_id)


def test_a_job_runs_to_success_with_its_progress(db: Engine, tmp_path: Path):
    job_id = enqueue(db, "test.steps", steps=3, log=str(tmp_path / "log"))
    assert Worker(engine=db).run_once()
    job = load(db, job_id)
    assert job.status == JobStatus.succeeded
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.checkpoint == {"next": 3}
    assert job.lease_owner is None and job.finished_at is not None
    assert not Worker(engine=db).run_once()


def test_a_failing_job_is_retried_later_with_backoff(db: Engine):
    job_id = enqueue(db, "test.flaky", succeed_on=2)
    worker = Worker(engine=db, backoff_base=60)
    assert worker.run_once()
    job = load(db, job_id)
    assert job.status == JobStatus.queued
    assert job.attempts == 1
    assert job.error == "RuntimeError: attempt 1 failed"
    assert job.run_after > utcnow() + timedelta(seconds=50)
    assert not worker.run_once(), "not before its backoff has passed"

    with Session(db) as session:
        session.execute(update(Job).where(Job.id == job_id).values(run_after=utcnow()))
        session.commit()
    assert worker.run_once()
    assert load(db, job_id).status == JobStatus.succeeded


def test_a_job_that_keeps_failing_fails_after_its_attempts(db: Engine):
    job_id = enqueue(db, "test.flaky", succeed_on=99)
    worker = Worker(engine=db, backoff_base=0)
    for _ in range(3):
        assert worker.run_once()
    job = load(db, job_id)
    assert job.status == JobStatus.failed
    assert job.attempts == 3
    assert job.error == "RuntimeError: attempt 3 failed"


def test_bad_input_fails_at_once_with_its_message(db: Engine):
    job_id = enqueue(db, "test.bad_input")
    Worker(engine=db).run_once()
    job = load(db, job_id)
    assert (job.status, job.attempts) == (JobStatus.failed, 1)
    assert job.error == "The category does not exist."


def test_an_expired_lease_is_claimed_again_and_resumes_from_its_checkpoint(
    db: Engine, tmp_path: Path
):
    log = tmp_path / "log"
    job_id = enqueue(db, "test.steps", steps=4, log=str(log))
    dead = Worker(engine=db, name="dead-worker", lease_seconds=60)
    assert dead.claim() is not None  # claims, then "dies" without running or renewing
    with Session(db) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(checkpoint={"next": 2}, lease_expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    assert Worker(engine=db, name="live-worker").run_once()
    job = load(db, job_id)
    assert job.status == JobStatus.succeeded
    assert job.attempts == 2
    assert log.read_text().split() == ["2", "3"]


def test_a_live_lease_is_not_taken(db: Engine):
    enqueue(db, "test.flaky", succeed_on=1)
    assert Worker(engine=db, name="a").claim() is not None
    assert Worker(engine=db, name="b").claim() is None


def test_cancelling_a_running_job_stops_it_at_its_next_checkpoint(db: Engine, tmp_path: Path):
    started = threading.Event()

    @job_handler("test.waits_for_cancel")
    def waits(ctx: JobContext) -> None:
        started.set()
        for _ in range(200):
            time.sleep(0.02)
            with ctx.session() as session:
                ctx.save(session, done=1)
                session.commit()

    job_id = enqueue(db, "test.waits_for_cancel")
    runner = threading.Thread(target=Worker(engine=db).run_once)
    runner.start()
    assert started.wait(5)
    with Session(db) as session:
        service.cancel(session, job=session.get(Job, job_id), actor=None)
        session.commit()
    runner.join(10)
    assert not runner.is_alive()
    assert load(db, job_id).status == JobStatus.cancelled


def test_two_workers_never_run_the_same_job(db: Engine):
    runs: Counter[int] = Counter()
    lock = threading.Lock()

    @job_handler("test.count_runs")
    def count(ctx: JobContext) -> None:
        with lock:
            runs[ctx.job_id] += 1
        time.sleep(0.005)

    ids = [enqueue(db, "test.count_runs") for _ in range(40)]
    stop = threading.Event()
    workers = [Worker(engine=db, poll_seconds=0.01, name=f"w{i}") for i in range(4)]
    threads = [threading.Thread(target=w.run, args=(stop,)) for w in workers]
    for thread in threads:
        thread.start()
    try:
        for job_id in ids:
            assert wait_for(db, job_id, timeout=30).status == JobStatus.succeeded
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert runs == Counter(dict.fromkeys(ids, 1))


def _start_worker(database_url: str) -> subprocess.Popen:
    code = "import tests.jobs.handlers\nfrom app.cli import cli\ncli(['worker'])\n"
    env = {
        **os.environ,
        "LOUPE_DATABASE_URL": database_url,
        "LOUPE_JOB_LEASE_SECONDS": "1",
        "LOUPE_JOB_POLL_SECONDS": "0.05",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )


def test_a_worker_killed_mid_job_leaves_it_to_another_worker(
    db: Engine, database_url: str, tmp_path: Path
):
    log = tmp_path / "log"
    job_id = enqueue(db, "test.steps", steps=12, delay=0.1, log=str(log))
    first = _start_worker(database_url)
    try:
        deadline = time.monotonic() + 30
        while len(log.read_text().split()) < 4 if log.exists() else True:
            assert time.monotonic() < deadline, "the first worker never started the job"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        first.kill()
    assert load(db, job_id).status == JobStatus.running

    second = _start_worker(database_url)
    try:
        job = wait_for(db, job_id, timeout=30)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    assert job.status == JobStatus.succeeded
    assert job.attempts == 2
    assert job.progress_done == 12
    done = [int(step) for step in log.read_text().split()]
    # Every step ran; only the step in flight at the kill may have run twice.
    assert sorted(set(done)) == list(range(12))
    assert len(done) - 12 <= 1
