from fastapi import APIRouter

from app.auth.deps import CurrentUser
from app.auth.permissions import VisibleJob
from app.core.deps import SessionDep
from app.jobs import service
from app.jobs.schemas import JobPublic

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}", response_model=JobPublic, summary="A job's status and progress")
def read_job(job: VisibleJob) -> JobPublic:
    return JobPublic.model_validate(job)


@router.post("/{job_id}/cancel", response_model=JobPublic, summary="Cancel a queued or running job")
def cancel_job(job: VisibleJob, user: CurrentUser, session: SessionDep) -> JobPublic:
    job = service.cancel(session, job=job, actor=user)
    session.commit()
    return JobPublic.model_validate(job)
