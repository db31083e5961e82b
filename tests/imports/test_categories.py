"""Category imports: continuation, subcategory trees, re-runs, crashes and Commons failures."""

from sqlalchemy import Engine, select
from sqlmodel import Session

from app.commons.double import CommonsStore
from app.core.errors import Conflict
from app.imports import service
from app.imports.schemas import CategoryImport
from app.models import AuditEvent, Entry, JobStatus, Round, RoundEntry, Task, utcnow
from app.rounds import service as rounds
from tests.factories import make_campaign, make_round, make_user
from tests.imports.conftest import CommonsForJobs, count, load_job, round_entries, run_jobs

IN_WINDOW = "2026-09-10T10:00:00Z"


def add_files(store: CommonsStore, category: str, names: list[str], **fields) -> None:
    fields.setdefault("timestamp", IN_WINDOW)
    for name in names:
        store.add_file(name, categories=[category], **fields)


def start(db: Engine, round_id: int, categories: list[str], depth: int = 0) -> int:
    with Session(db, expire_on_commit=False) as session:
        round_ = session.get(Round, round_id)
        data = CategoryImport(source="category", categories=categories, depth=depth)
        job = service.start_import(session, round_=round_, data=data, actor=None)
        session.commit()
        return job.id


def draft_round(session: Session, **fields) -> Round:
    coordinator = make_user(session)
    campaign = make_campaign(session, coordinators=(coordinator,))
    round_ = make_round(session, campaign=campaign, **fields)
    session.commit()
    return round_


def test_a_category_tree_with_a_cycle_is_imported_batch_by_batch_once(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_category("WLM", subcats=["WLM North", "WLM South"])
    store.add_category("WLM North", subcats=["WLM"])  # a cycle back to the root
    store.add_category("WLM South", subcats=["WLM North"])
    add_files(store, "WLM", [f"Root {n}.jpg" for n in range(5)])
    add_files(store, "WLM North", [f"North {n}.jpg" for n in range(3)])
    add_files(store, "WLM South", ["South 0.jpg", "South 1.jpg"])
    store.file("Root 0.jpg").categories.append(store._categories["WLM North"])
    store._categories["WLM North"].files.append(store.file("Root 0.jpg"))
    commons.batch_size = 2
    round_ = draft_round(session)

    job_id = start(db, round_.id, ["WLM"], depth=3)
    assert run_jobs(db) == 1

    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded, job.error
    assert job.stats["categories"] == 3
    assert {k: job.stats[k] for k in ("seen", "added", "skipped", "failed")} == {
        "seen": 11,
        "added": 10,
        "skipped": 1,
        "failed": 0,
    }
    assert (job.progress_done, job.progress_total) == (11, 11)
    entries = round_entries(db, round_.id)
    assert len(entries) == 10
    assert {e.source_job_id for e in entries} == {job_id}
    assert {e.source for e in entries} == {
        "category:WLM",
        "category:WLM North",
        "category:WLM South",
    }
    continued = [r for r in store.requests if "gcmcontinue" in r.params]
    assert len(continued) == 3, "pages of two: 5 + 4 + 2 files need three continuations"
    assert job.checkpoint["plan"] == ["Category:WLM", "Category:WLM North", "Category:WLM South"]
    assert job.checkpoint["closed"] is True
    assert count(db, AuditEvent, AuditEvent.action == "round.import") == 1


def test_entries_keep_commons_metadata_first_and_latest_upload(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_category("WLM")
    add_files(store, "WLM", ["Fort.jpg"], uploader="Ama", width=5000, height=4000)
    store.reupload("Fort.jpg", uploader="Kofi", timestamp="2026-10-05T08:00:00Z")
    round_ = draft_round(session)
    start(db, round_.id, ["WLM"])
    run_jobs(db)
    with Session(db) as check:
        entry = check.scalars(select(Entry)).one()
    assert entry.title == "File:Fort.jpg"
    assert (entry.uploader, entry.uploader_id) == ("Ama", store.user("Ama").local_id)
    assert entry.uploaded_at.isoformat() == "2026-09-10T10:00:00+00:00"
    assert (entry.latest_uploader, entry.latest_uploader_id) == (
        "Kofi",
        store.user("Kofi").local_id,
    )
    assert entry.latest_uploaded_at.isoformat() == "2026-10-05T08:00:00+00:00"
    assert (entry.width, entry.height, entry.mime) == (5000, 4000, "image/jpeg")
    assert entry.license == "CC BY-SA 4.0" and entry.artist == "Ama"
    assert "/wikipedia/commons/" in entry.url and entry.description_url.endswith("File:Fort.jpg")
    assert entry.refreshed_at is not None


def test_a_rerun_adds_only_late_uploads_and_an_active_round_gives_them_tasks(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_category("WLM")
    add_files(store, "WLM", [f"Early {n}.jpg" for n in range(4)])
    jurors = [make_user(session) for _ in range(2)]
    for juror in jurors:
        juror.commons_checked_at = utcnow()
    round_ = draft_round(session, jurors=tuple(jurors), quorum=1)
    first = start(db, round_.id, ["WLM"])
    run_jobs(db)
    assert load_job(db, first).stats["added"] == 4

    with Session(db, expire_on_commit=False) as work:
        rounds.activate(work, round_=work.get(Round, round_.id), actor=None, lookup=None)
        work.commit()
    assert count(db, Task) == 4

    add_files(store, "WLM", ["Late 1.jpg", "Late 2.jpg"], timestamp="2026-09-30T23:00:00Z")
    add_files(store, "WLM", ["Too late.jpg"], timestamp="2026-10-02T09:00:00Z")
    second = start(db, round_.id, ["WLM"])
    run_jobs(db)

    job = load_job(db, second)
    assert job.status == JobStatus.succeeded, job.error
    assert (job.stats["seen"], job.stats["added"], job.stats["skipped"]) == (7, 3, 4)
    assert job.stats["disqualified"] == 1
    entries = round_entries(db, round_.id)
    assert len(entries) == 7
    late = [e for e in entries if e.source_job_id == second]
    assert len(late) == 3
    too_late = [e for e in late if e.dq_code is not None]
    assert [e.dq_code for e in too_late] == ["window"]
    assert "after the campaign closed" in too_late[0].dq_reason
    # Every eligible entry has its one task; the late, ineligible one has none.
    assert count(db, Task) == 6
    assert count(db, Task, Task.round_entry_id == too_late[0].id) == 0


def test_a_crashed_import_resumes_from_its_checkpoint_without_duplicates(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_category("WLM")
    add_files(store, "WLM", [f"Photo {n:02d}.jpg" for n in range(10)])
    commons.batch_size = 2
    round_ = draft_round(session)
    job_id = start(db, round_.id, ["WLM"])
    # Two categoryinfo requests (existence, size), two batches, then Commons breaks.
    store.inject_fault("garbage", after=4)
    run_jobs(db)

    job = load_job(db, job_id)
    assert job.status == JobStatus.queued and job.attempts == 1
    assert "not JSON" in job.error
    assert len(round_entries(db, round_.id)) == 4
    assert (job.stats["seen"], job.stats["added"], job.progress_done) == (4, 4, 4)
    token = job.checkpoint["cursor"]["continue"]
    assert token is not None

    before = len(store.requests)
    run_jobs(db)
    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded, job.error
    assert job.attempts == 2
    resumed = list(store.requests)[before:]
    assert "categoryinfo" not in resumed[0].params.get("prop", "")
    assert resumed[0].params["gcmcontinue"] == token["gcmcontinue"]
    assert (job.stats["seen"], job.stats["added"], job.stats["skipped"]) == (10, 10, 0)
    assert len(round_entries(db, round_.id)) == 10
    assert count(db, Entry) == 10


def test_commons_failing_half_way_leaves_a_clear_error_and_consistent_data(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_category("WLM")
    add_files(store, "WLM", [f"Photo {n}.jpg" for n in range(6)])
    commons.batch_size = 2
    round_ = draft_round(session)
    job_id = start(db, round_.id, ["WLM"])
    store.inject_fault("server_error", times=50, after=3)
    run_jobs(db)

    job = load_job(db, job_id)
    assert job.status == JobStatus.queued
    assert job.error.startswith("Commons kept failing")
    assert "HTTP 500" in job.error
    assert commons.sleeps, "the client backed off between attempts"
    entries = round_entries(db, round_.id)
    assert len(entries) == 2 == job.stats["added"] == job.progress_done
    assert count(db, Entry) == 2

    store.clear_faults()
    run_jobs(db)
    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded
    assert job.stats["added"] == 6 and len(round_entries(db, round_.id)) == 6


def test_a_category_that_does_not_exist_fails_the_job_with_a_clear_error(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    round_ = draft_round(session)
    job_id = start(db, round_.id, ["Images from nowhere"])
    run_jobs(db)
    job = load_job(db, job_id)
    assert (job.status, job.attempts) == (JobStatus.failed, 1)
    assert job.error == "Commons has no category 'Category:Images from nowhere'"
    assert round_entries(db, round_.id) == []


def test_an_empty_category_succeeds_with_nothing_imported(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_category("Empty")
    round_ = draft_round(session)
    job_id = start(db, round_.id, ["Empty"])
    run_jobs(db)
    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded
    assert (job.stats["seen"], job.stats["added"], job.progress_done) == (0, 0, 0)
    assert job.progress_total == 0


def test_several_categories_share_files_once(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_category("A")
    store.add_category("B")
    store.add_file("Both.jpg", categories=["A", "B"], timestamp=IN_WINDOW)
    add_files(store, "B", ["Only B.jpg"])
    round_ = draft_round(session)
    job_id = start(db, round_.id, ["A", "B", "A"])
    run_jobs(db)
    job = load_job(db, job_id)
    assert job.payload["categories"] == ["A", "B"]
    assert (job.stats["seen"], job.stats["added"], job.stats["skipped"]) == (3, 2, 1)


def test_an_import_into_a_round_finalized_meanwhile_fails(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_category("WLM")
    add_files(store, "WLM", ["A.jpg"])
    round_ = draft_round(session)
    job_id = start(db, round_.id, ["WLM"])
    with Session(db) as work:
        work.get(Round, round_.id).status = "cancelled"
        work.commit()
    run_jobs(db)
    job = load_job(db, job_id)
    assert job.status == JobStatus.failed
    assert job.error == "The round is cancelled; it takes no new entries."
    assert count(db, RoundEntry) == 0


def test_a_running_import_blocks_another_on_the_same_round(db: Engine, session: Session):
    round_ = draft_round(session)
    start(db, round_.id, ["WLM"])
    with Session(db, expire_on_commit=False) as work:
        data = CategoryImport(source="category", categories=["Other"])
        try:
            service.start_import(work, round_=work.get(Round, round_.id), data=data, actor=None)
        except Conflict as exc:
            assert exc.code == "import_running"
        else:
            raise AssertionError("a second import was accepted")
    other = make_round(session, campaign=make_campaign(session))
    session.commit()
    start(db, other.id, ["WLM"])  # another round is not blocked
