"""The worker: claims jobs under a lease, keeps the lease alive, retries with backoff.

A job is claimed with one UPDATE whose subquery locks the row (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite serializes writers), so two workers never run the same job. A worker that
dies stops renewing its lease; once the lease expires any worker may claim the job again, and
the handler resumes from the checkpoint it saved together with the work it covered.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, update
from sqlmodel import Session

from app.core.errors import LoupeError
from app.jobs.registry import handler_for, kinds
from app.models import Job, JobStatus, utcnow

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """The job was cancelled or claimed by another worker: stop without touching it."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def backoff_seconds(attempt: int, *, base: float) -> float:
    return min(base * 2 ** max(attempt - 1, 0), 300.0)


@dataclass
class JobContext:
    """What a handler gets: the job's data, a way to open sessions, and progress saving."""

    job_id: int
    kind: str
    payload: dict[str, Any]
    checkpoint: dict[str, Any]
    stats: dict[str, Any]
    attempt: int
    engine: Engine
    owner: str
    lease_seconds: float
    lost: threading.Event = field(default_factory=threading.Event)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def save(
        self,
        session: Session,
        *,
        checkpoint: dict[str, Any] | None = None,
        done: int | None = None,
        total: int | None = None,
        stats: dict[str, Any] | None = None,
    ) -> None:
        """Record progress in ``session``, so it commits (or not) with the work it describes."""
        self.raise_if_lost()
        values: dict[str, Any] = {
            "lease_expires_at": utcnow() + timedelta(seconds=self.lease_seconds)
        }
        if checkpoint is not None:
            self.checkpoint = checkpoint
            values["checkpoint"] = checkpoint
        if done is not None:
            values["progress_done"] = done
        if total is not None:
            values["progress_total"] = total
        if stats is not None:
            self.stats = stats
            values["stats"] = stats
        result = session.execute(
            update(Job)
            .where(Job.id == self.job_id, Job.lease_owner == self.owner)
            .where(Job.status == JobStatus.running)
            .values(**values)
        )
        if result.rowcount != 1:
            self.lost.set()
            raise LeaseLost(f"job {self.job_id} is no longer ours")

    def raise_if_lost(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(f"job {self.job_id} is no longer ours")


class Worker:
    def __init__(
        self,
        *,
        engine: Engine,
        lease_seconds: float = 30.0,
        poll_seconds: float = 1.0,
        backoff_base: float = 2.0,
        name: str | None = None,
    ) -> None:
        self.engine = engine
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.backoff_base = backoff_base
        self.name = name or worker_name()

    def run(self, stop: threading.Event) -> None:
        log.info("worker %s started for kinds %s", self.name, ", ".join(kinds()) or "(none)")
        while not stop.is_set():
            try:
                ran = self.run_once()
            except Exception:
                log.exception("worker %s: claiming failed", self.name)
                ran = False
            if not ran:
                stop.wait(self.poll_seconds)
        log.info("worker %s stopped", self.name)

    def run_once(self) -> bool:
        """Claim and run one job; False when nothing was ready."""
        job = self.claim()
        if job is None:
            return False
        self.execute(job)
        return True

    def claim(self) -> Job | None:
        known = kinds()
        if not known:
            return None
        now = utcnow()
        ready = or_(
            and_(Job.status == JobStatus.queued, Job.run_after <= now),
            and_(Job.status == JobStatus.running, Job.lease_expires_at < now),
        )
        candidate = (
            select(Job.id)
            .where(ready, Job.kind.in_(known))
            .order_by(Job.run_after, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        with Session(self.engine, expire_on_commit=False) as session:
            job_id = session.execute(
                update(Job)
                .where(Job.id == candidate)
                .values(
                    status=JobStatus.running,
                    lease_owner=self.name,
                    lease_expires_at=now + timedelta(seconds=self.lease_seconds),
                    attempts=Job.attempts + 1,
                    started_at=func.coalesce(Job.started_at, now),
                )
                .returning(Job.id)
            ).scalar_one_or_none()
            if job_id is None:
                session.rollback()
                return None
            job = session.get(Job, job_id)
            assert job is not None
            if job.attempts > job.max_attempts:
                # Its earlier workers died or kept failing: stop trying rather than loop forever.
                self._finish(
                    session, job, JobStatus.failed, job.error or "gave up: too many attempts"
                )
                session.commit()
                return None
            session.commit()
            return job

    def execute(self, job: Job) -> None:
        assert job.id is not None
        handler = handler_for(job.kind)
        ctx = JobContext(
            job_id=job.id,
            kind=job.kind,
            payload=dict(job.payload),
            checkpoint=dict(job.checkpoint),
            stats=dict(job.stats),
            attempt=job.attempts,
            engine=self.engine,
            owner=self.name,
            lease_seconds=self.lease_seconds,
        )
        beat_stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(ctx, beat_stop), daemon=True)
        beat.start()
        log.info("job %s (%s) attempt %s started", job.id, job.kind, job.attempts)
        try:
            if handler is None:
                raise LoupeError(f"no handler for job kind {job.kind!r}")
            handler(ctx)
        except LeaseLost:
            log.warning("job %s lost its lease; leaving it to its new owner", job.id)
            return
        except Exception as exc:
            self._record_failure(job, exc)
            return
        finally:
            beat_stop.set()
            beat.join()
        with Session(self.engine) as session:
            self._finish(session, job, JobStatus.succeeded, None)
            session.commit()
        log.info("job %s (%s) succeeded", job.id, job.kind)

    def _heartbeat(self, ctx: JobContext, stop: threading.Event) -> None:
        while not stop.wait(self.lease_seconds / 3):
            try:
                with Session(self.engine) as session:
                    result = session.execute(
                        update(Job)
                        .where(Job.id == ctx.job_id, Job.lease_owner == self.name)
                        .where(Job.status == JobStatus.running)
                        .values(lease_expires_at=utcnow() + timedelta(seconds=self.lease_seconds))
                    )
                    session.commit()
                if result.rowcount != 1:
                    ctx.lost.set()
                    return
            except Exception:
                log.exception("heartbeat for job %s failed", ctx.job_id)

    def _record_failure(self, job: Job, exc: Exception) -> None:
        message = exc.detail if isinstance(exc, LoupeError) else f"{type(exc).__name__}: {exc}"
        # Bad input will not get better on retry; outside failures might.
        permanent = isinstance(exc, LoupeError) and exc.status_code < 500
        if not isinstance(exc, LoupeError):
            log.exception("job %s (%s) failed", job.id, job.kind, exc_info=exc)
        with Session(self.engine) as session:
            if permanent or job.attempts >= job.max_attempts:
                self._finish(session, job, JobStatus.failed, message)
            else:
                delay = backoff_seconds(job.attempts, base=self.backoff_base)
                session.execute(
                    update(Job)
                    .where(Job.id == job.id, Job.lease_owner == self.name)
                    .values(
                        status=JobStatus.queued,
                        error=message,
                        run_after=utcnow() + timedelta(seconds=delay),
                        lease_owner=None,
                        lease_expires_at=None,
                    )
                )
            session.commit()
        log.warning("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, message)

    def _finish(self, session: Session, job: Job, status: str, error: str | None) -> None:
        session.execute(
            update(Job)
            .where(Job.id == job.id, Job.lease_owner == self.name)
            .values(
                status=status,
                error=error,
                finished_at=utcnow(),
                lease_owner=None,
                lease_expires_at=None,
            )
        )


class BackgroundWorker:
    """A worker thread inside `loupe serve` (the embedded default)."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.stop = threading.Event()
        self.thread = threading.Thread(target=worker.run, args=(self.stop,), daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.thread.join(timeout)


def wait_for(engine: Engine, job_id: int, *, timeout: float = 30.0) -> Job:
    """Poll until a job has finished (for the CLI and tests)."""
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as session:
            job = session.get(Job, job_id)
            assert job is not None
            if job.status in (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled):
                return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {job.status} after {timeout}s")
        time.sleep(0.05)
