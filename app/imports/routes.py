from fastapi import APIRouter, File, UploadFile, status

from app.auth.deps import CurrentUser
from app.auth.permissions import CoordinatedRound
from app.core.deps import SessionDep, SettingsDep
from app.imports import service
from app.imports.schemas import ImportJobPublic, ImportRequest

router = APIRouter(tags=["imports"])


@router.post(
    "/rounds/{round_id}/imports",
    response_model=ImportJobPublic,
    status_code=status.HTTP_202_ACCEPTED,
)
def start_import(
    round_: CoordinatedRound, data: ImportRequest, user: CurrentUser, session: SessionDep
):
    """Import from categories, a list of titles or the previous round; follow the job at
    ``/api/jobs/{id}``. One import per round at a time."""
    job = service.start_import(session, round_=round_, data=data, actor=user)
    session.commit()
    return service.job_public(job)


@router.post(
    "/rounds/{round_id}/imports/csv",
    response_model=ImportJobPublic,
    status_code=status.HTTP_202_ACCEPTED,
)
def start_csv_import(
    round_: CoordinatedRound,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    file: UploadFile = File(description="A Quarry export or one file name per row (UTF-8)"),
):
    """Import an uploaded CSV: refused (422) when its header fits neither shape, (413) above
    100,000 rows or ``LOUPE_MAX_UPLOAD_BYTES`` (20 MB by default, checked while the body
    streams in); bad rows are reported on the job with their line numbers."""
    job = service.start_csv_import(
        session,
        round_=round_,
        stream=file.file,
        filename=file.filename or "upload.csv",
        size=file.size,
        actor=user,
        api_url=settings.commons_api_url,
    )
    session.commit()
    return service.job_public(job)


@router.get("/rounds/{round_id}/imports", response_model=list[ImportJobPublic])
def list_imports(round_: CoordinatedRound, session: SessionDep):
    """The round's import and refresh jobs, newest first."""
    return [service.job_public(job) for job in service.list_jobs(session, round_=round_)]


@router.post(
    "/rounds/{round_id}/refresh",
    response_model=ImportJobPublic,
    status_code=status.HTTP_202_ACCEPTED,
)
def start_refresh(round_: CoordinatedRound, user: CurrentUser, session: SessionDep):
    """Re-check the round's entries against Commons (deleted, renamed, re-uploaded)."""
    job = service.start_refresh(session, round_=round_, actor=user)
    session.commit()
    return service.job_public(job)
