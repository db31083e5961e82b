"""The refresh job: entries re-checked by page id; deletions, renames and re-uploads marked."""

from sqlalchemy import Engine, select
from sqlmodel import Session

from app.commons.double import CommonsStore
from app.eligibility import service as eligibility
from app.imports import service
from app.imports.schemas import CategoryImport
from app.models import AuditEvent, Entry, JobStatus, Round
from tests.factories import make_campaign, make_round, make_user
from tests.imports.conftest import CommonsForJobs, count, load_job, run_jobs

IN_WINDOW = "2026-09-10T10:00:00Z"


def rename(store: CommonsStore, old: str, new: str) -> None:
    """Move a file to a new title, keeping its page id and leaving a redirect (the double
    has no rename of its own)."""
    file = store._files.pop(old)
    file.name = new
    file._hash_path = file._page_path = None
    store._files[new] = file
    store.add_redirect(old, new)


def imported_round(db: Engine, session: Session, store: CommonsStore) -> Round:
    store.add_category("WLM")
    for name in ("Kept.jpg", "Gone.jpg", "Old name.jpg", "Overwritten.jpg", "Own update.jpg"):
        store.add_file(name, uploader="Ama", categories=["WLM"], timestamp=IN_WINDOW)
    campaign = make_campaign(session, coordinators=(make_user(session),))
    round_ = make_round(session, campaign=campaign)
    session.commit()
    with Session(db, expire_on_commit=False) as work:
        data = CategoryImport(source="category", categories=["WLM"])
        service.start_import(work, round_=work.get(Round, round_.id), data=data, actor=None)
        work.commit()
    run_jobs(db)
    return round_


def refresh(db: Engine, round_id: int) -> int:
    with Session(db, expire_on_commit=False) as work:
        job = service.start_refresh(work, round_=work.get(Round, round_id), actor=None)
        work.commit()
    run_jobs(db)
    return job.id


def entries_by_page(db: Engine) -> dict[int, Entry]:
    with Session(db) as check:
        return {e.page_id: e for e in check.scalars(select(Entry))}


def test_a_refresh_marks_deleted_renamed_and_reuploaded_entries(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    round_ = imported_round(db, session, store)
    ids = {name: store.file(name).page_id for name in ("Gone.jpg", "Old name.jpg")}
    overwritten = store.file("Overwritten.jpg").page_id
    store.delete_file("Gone.jpg")
    rename(store, "Old name.jpg", "New name.jpg")
    store.reupload("Overwritten.jpg", uploader="Kofi", timestamp="2026-10-05T08:00:00Z")
    store.reupload("Own update.jpg", uploader="Ama", timestamp="2026-09-20T08:00:00Z")

    job = load_job(db, refresh(db, round_.id))
    assert job.status == JobStatus.succeeded, job.error
    stats = {k: job.stats[k] for k in ("checked", "deleted", "renamed", "reuploaded", "restored")}
    assert stats == {"checked": 5, "deleted": 1, "renamed": 1, "reuploaded": 1, "restored": 0}
    assert (job.progress_done, job.progress_total) == (5, 5)
    changes = {(c["change"], c["title"], c["detail"]) for c in job.stats["changes"]}
    assert changes == {
        ("deleted", "File:Gone.jpg", "no longer on Commons"),
        ("renamed", "File:Old name.jpg", "now File:New name.jpg"),
        ("reuploaded", "File:Overwritten.jpg", "by Kofi on 2026-10-05 08:00 UTC"),
    }

    entries = entries_by_page(db)
    assert entries[ids["Gone.jpg"]].deleted
    assert entries[ids["Old name.jpg"]].title == "File:New name.jpg"
    assert entries[overwritten].latest_uploader == "Kofi"
    assert entries[overwritten].uploader == "Ama", "the first upload stays the author"
    assert count(db, AuditEvent, AuditEvent.action == "round.refresh") == 1

    with Session(db) as check:
        round_ = check.get(Round, round_.id)
        listed = eligibility.list_entries(check, round_=round_, marked="deleted")
        assert [e.title for e in listed.items] == ["File:Gone.jpg"]
        listed = eligibility.list_entries(check, round_=round_, marked="reuploaded")
        assert [e.title for e in listed.items] == ["File:Overwritten.jpg"]
        assert listed.items[0].reuploaded
        preview = eligibility.preview(check, round_=round_, lookup=lambda names: {})
    by_rule = {r.code: r.count for r in preview.per_rule}
    assert by_rule["deleted"] == 1 and by_rule["reupload"] == 1


def test_a_second_refresh_reports_no_new_changes_and_a_restored_file(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    round_ = imported_round(db, session, store)
    gone = store.file("Gone.jpg")
    store.delete_file("Gone.jpg")
    refresh(db, round_.id)
    job = load_job(db, refresh(db, round_.id))
    assert (job.stats["deleted"], job.stats["changes"]) == (0, [])

    store.add_file("Gone.jpg", uploader="Ama", timestamp=IN_WINDOW, page_id=gone.page_id)
    job = load_job(db, refresh(db, round_.id))
    assert job.stats["restored"] == 1
    assert not entries_by_page(db)[gone.page_id].deleted


def test_a_refresh_resumes_after_the_last_chunk_it_stored(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs, monkeypatch
):
    from app.imports import jobs as import_jobs

    monkeypatch.setattr(import_jobs, "REFRESH_CHUNK", 2)
    round_ = imported_round(db, session, store)
    store.delete_file("Own update.jpg")
    with Session(db, expire_on_commit=False) as work:
        job = service.start_refresh(work, round_=work.get(Round, round_.id), actor=None)
        work.commit()
    store.inject_fault("garbage", after=1)
    run_jobs(db)
    first = load_job(db, job.id)
    assert first.status == JobStatus.queued and first.stats["checked"] == 2
    run_jobs(db)
    done = load_job(db, job.id)
    assert done.status == JobStatus.succeeded
    assert (done.stats["checked"], done.stats["deleted"]) == (5, 1)
