"""Enqueueing, reading and cancelling jobs."""

from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from app.core.errors import Conflict, NotFound
from app.models import Job, JobStatus, utcnow


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any],
    campaign_id: int | None = None,
    created_by: int | None = None,
    max_attempts: int = 5,
) -> Job:
    job = Job(
        kind=kind,
        payload=payload,
        campaign_id=campaign_id,
        created_by=created_by,
        max_attempts=max_attempts,
    )
    session.add(job)
    session.flush()
    return job


def get(session: Session, *, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} does not exist.")
    return job


def cancel(session: Session, *, job: Job) -> Job:
    if job.status not in (JobStatus.queued, JobStatus.running):
        raise Conflict(f"Job {job.id} has already {job.status}; it cannot be cancelled.")
    # The running worker notices at its next checkpoint (its guarded update matches nothing).
    session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(status=JobStatus.cancelled, finished_at=utcnow(), lease_owner=None)
    )
    session.flush()
    session.refresh(job)
    return job
