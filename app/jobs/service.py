"""Enqueueing, reading and cancelling jobs."""

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from app.audit.service import record
from app.core.errors import Conflict, NotFound
from app.models import Job, JobStatus, User, utcnow


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


def cancel(session: Session, *, job: Job, actor: User | None) -> Job:
    """Cancel a queued or running job; audited on the job's campaign."""
    # Compare-and-set: a job that finished since it was read keeps its outcome. The running
    # worker notices at its next checkpoint (its guarded update matches nothing).
    result = session.execute(
        update(Job)
        .where(Job.id == job.id, col(Job.status).in_((JobStatus.queued, JobStatus.running)))
        .values(status=JobStatus.cancelled, finished_at=utcnow(), lease_owner=None)
    )
    session.refresh(job)
    if result.rowcount != 1:
        raise Conflict(f"Job {job.id} has already {job.status}; it cannot be cancelled.")
    record(
        session,
        actor_id=actor.id if actor else None,
        action="job.cancel",
        object_type="job",
        object_id=job.id,
        campaign_id=job.campaign_id,
        details={"kind": job.kind},
    )
    session.flush()
    return job
