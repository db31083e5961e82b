"""Imports from pasted titles, uploaded CSVs (names or Quarry exports) and the previous round."""

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from app.commons.double import CommonsStore
from app.commons.urls import file_urls
from app.core.errors import Conflict, InvalidInput
from app.imports import jobs as import_jobs
from app.imports import service
from app.imports.schemas import PreviousRoundImport, TitlesImport
from app.models import Entry, ImportItem, Job, JobStatus, Round, RoundEntry, RoundResult
from tests.factories import make_campaign, make_entry, make_round, make_round_entry, make_user
from tests.imports.conftest import CommonsForJobs, count, load_job, round_entries, run_jobs

QUARRY_CSV = Path("/work/shared/fixtures/real/quarry-wlm2015-iran-5-rows.csv")
IN_WINDOW = "2026-09-10T10:00:00Z"
API_URL = "https://commons.wikimedia.org/w/api.php"
QUARRY_HEADER = (
    "img_name,img_size,img_width,img_height,img_major_mime,img_minor_mime,"
    "img_user,img_user_text,img_timestamp,img_sha1,page_id\n"
)


def draft_round(session: Session) -> Round:
    campaign = make_campaign(session, coordinators=(make_user(session),))
    round_ = make_round(session, campaign=campaign)
    session.commit()
    return round_


def start_titles(db: Engine, round_id: int, titles: list[str]) -> int:
    with Session(db, expire_on_commit=False) as session:
        data = TitlesImport(source="titles", titles=titles)
        job = service.start_import(
            session, round_=session.get(Round, round_id), data=data, actor=None
        )
        session.commit()
        return job.id


def start_csv(db: Engine, round_id: int, text: str | bytes, **limits) -> int:
    data = text.encode() if isinstance(text, str) else text
    with Session(db, expire_on_commit=False) as session:
        job = service.start_csv_import(
            session,
            round_=session.get(Round, round_id),
            stream=io.BytesIO(data),
            filename="entries.csv",
            actor=None,
            api_url=API_URL,
            **limits,
        )
        session.commit()
        return job.id


def test_pasted_titles_report_missing_and_invalid_ones_with_their_line(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_file("Fort.jpg", timestamp=IN_WINDOW)
    store.add_file("Bridge new.jpg", timestamp=IN_WINDOW)
    store.add_redirect("Bridge old.jpg", "Bridge new.jpg")
    round_ = draft_round(session)
    job_id = start_titles(
        db,
        round_.id,
        [
            "Fort.jpg",
            "File:Missing.jpg",
            "Foo<bar>.jpg",
            "",
            "https://commons.wikimedia.org/wiki/File:Bridge_old.jpg",
            "fort.jpg",
            "Category:Monuments",
        ],
    )
    assert load_job(db, job_id).progress_total == 6
    run_jobs(db)

    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded, job.error
    assert {k: job.stats[k] for k in ("seen", "added", "skipped", "failed")} == {
        "seen": 6,
        "added": 2,
        "skipped": 1,
        "failed": 3,
    }
    assert job.stats["errors"] == [
        {"line": 2, "title": "File:Missing.jpg", "reason": "Commons has no file File:Missing.jpg"},
        {
            "line": 3,
            "title": "Foo<bar>.jpg",
            "reason": 'The requested page title contains invalid characters: "<".',
        },
        {
            "line": 7,
            "title": "Category:Monuments",
            "reason": "Commons has no file File:Category:Monuments",
        },
    ]
    with Session(db) as check:
        titles = set(check.scalars(select(Entry.title)))
    assert titles == {"File:Fort.jpg", "File:Bridge new.jpg"}
    assert {e.source for e in round_entries(db, round_.id)} == {"titles"}
    assert count(db, ImportItem) == 0, "staged rows go once the job is done"


def test_a_csv_of_names_imports_good_rows_and_reports_bad_ones_by_line(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    for name in ("A.jpg", "B, with comma.jpg", "C.jpg"):
        store.add_file(name, timestamp=IN_WINDOW)
    round_ = draft_round(session)
    job_id = start_csv(
        db,
        round_.id,
        "file\nA.jpg\nnot a file name\nB, with comma.jpg\n<bad>.jpg\nFile:C.jpg\nGone.jpg\n",
    )
    job = load_job(db, job_id)
    assert job.payload == {
        "round_id": round_.id,
        "source": "csv",
        "filename": "entries.csv",
        "format": "names",
    }
    assert job.stats["failed"] == 2
    assert [e["line"] for e in job.stats["errors"]] == [3, 5]
    run_jobs(db)

    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded, job.error
    assert (job.stats["seen"], job.stats["added"], job.stats["failed"]) == (6, 3, 3)
    assert (job.progress_done, job.progress_total) == (6, 6)
    assert [e["line"] for e in job.stats["errors"]] == [3, 5, 7]
    assert job.stats["errors"][0]["reason"] == "not a file name (no extension)"
    assert {e.source for e in round_entries(db, round_.id)} == {"csv:entries.csv"}


def test_a_csv_with_a_wrong_header_is_refused_before_anything_is_stored(
    db: Engine, session: Session
):
    round_ = draft_round(session)
    with pytest.raises(InvalidInput) as refused:
        start_csv(db, round_.id, "name,size\nA.jpg,12\n")
    assert refused.value.code == "csv_bad_header"
    assert "img_name" in refused.value.detail
    assert count(db, Job) == 0


def test_a_csv_without_usable_rows_is_refused_with_its_first_errors(db: Engine, session: Session):
    round_ = draft_round(session)
    with pytest.raises(InvalidInput) as refused:
        start_csv(db, round_.id, "img_name,img_width\nA.jpg,wide\n")
    assert refused.value.code == "csv_no_rows"
    assert "line 2: img_width is not a whole number" in refused.value.detail
    assert count(db, Job) == 0


class Endless(io.RawIOBase):
    """A CSV of ``rows`` names made up as it is read; counts what was read."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.made = 0
        self.bytes_read = 0
        self.pending = b"file\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while len(self.pending) < len(buffer) and self.made < self.rows:
            self.pending += f"Photo {self.made:07d}.jpg\n".encode()
            self.made += 1
        data, self.pending = self.pending[: len(buffer)], self.pending[len(buffer) :]
        buffer[: len(data)] = data
        self.bytes_read += len(data)
        return len(data)


def test_a_csv_over_the_row_limit_is_refused_without_reading_it_all(db: Engine, session: Session):
    round_ = draft_round(session)
    stream = Endless(1_000_000)
    with Session(db, expire_on_commit=False) as work, pytest.raises(service.TooLarge) as refused:
        service.start_csv_import(
            work,
            round_=work.get(Round, round_.id),
            stream=stream,
            filename="huge.csv",
            actor=None,
            api_url=API_URL,
            max_rows=1_000,
        )
    assert refused.value.status_code == 413
    assert "more than 1,000 rows" in refused.value.detail
    assert stream.made < 5_000, "reading stopped just past the limit"
    assert count(db, Job) == 0 and count(db, ImportItem) == 0


def test_a_csv_over_the_byte_limit_is_refused(db: Engine, session: Session):
    round_ = draft_round(session)
    with pytest.raises(service.TooLarge) as refused:
        start_csv(db, round_.id, "file\n" + "Photo.jpg\n" * 1000, max_bytes=2_000)
    assert "larger than" in refused.value.detail
    with pytest.raises(service.TooLarge):
        start_csv(db, round_.id, b"file\nA.jpg\n", size=10**10)


def test_a_real_quarry_export_is_stored_without_asking_commons_then_refreshed(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    round_ = draft_round(session)
    job_id = start_csv(db, round_.id, QUARRY_CSV.read_bytes())
    run_jobs(db)

    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded, job.error
    assert (job.stats["seen"], job.stats["added"], job.stats["unrefreshed"]) == (5, 5, 5)
    assert not [r for r in store.requests if "titles" in r.params], "no title lookups"
    with Session(db) as check:
        entry = check.scalars(select(Entry).where(Entry.page_id == 42932114)).one()
    assert entry.title == "File:نقش برجسته بلاش 2.JPG"
    assert (entry.width, entry.height, entry.size, entry.mime) == (960, 1280, 598704, "image/jpeg")
    assert (entry.uploader, entry.uploader_id) == ("Khoshamadgou", 5193613)
    assert entry.uploaded_at.isoformat() == "2015-09-06T04:20:17+00:00"
    assert len(entry.sha1) == 40
    assert (entry.url, entry.description_url) == file_urls(entry.title, api_url=API_URL)
    assert entry.url.startswith("https://upload.wikimedia.org/wikipedia/commons/")
    assert entry.license == "" and entry.refreshed_at is None

    refresh = load_job(db, job.stats["refresh_job_id"])
    assert (refresh.kind, refresh.status, refresh.payload) == (
        "imports.refresh",
        JobStatus.queued,
        {"round_id": round_.id},
    )


def test_rows_with_page_ids_open_no_commons_client(
    db: Engine, session: Session, commons: CommonsForJobs, monkeypatch: pytest.MonkeyPatch
):
    opened: list[bool] = []
    monkeypatch.setattr(
        import_jobs, "commons_client", lambda: opened.append(True) or commons.client()
    )
    round_ = draft_round(session)
    job_id = start_csv(db, round_.id, QUARRY_CSV.read_bytes())
    run_jobs(db)
    assert load_job(db, job_id).status == JobStatus.succeeded
    assert opened == []


def quarry_rows(count_: int, *, start: int = 0) -> str:
    lines = [QUARRY_HEADER]
    for n in range(start, start + count_):
        lines.append(
            f"Photo_{n:05d}.jpg,{2_000_000 + n},4000,3000,image,jpeg,{700 + n % 3},"
            f"Uploader_{n % 3},20260910120000,{n:031d},{900_000 + n}\n"
        )
    return "".join(lines)


def test_quarry_rows_fill_in_licences_through_the_refresh_job(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    for n in range(3):
        store.add_file(
            f"Photo {n:05d}.jpg", page_id=900_000 + n, timestamp=IN_WINDOW, license="CC0"
        )
    round_ = draft_round(session)
    job_id = start_csv(db, round_.id, quarry_rows(3))
    assert run_jobs(db, limit=2) == 2
    refresh = load_job(db, load_job(db, job_id).stats["refresh_job_id"])
    assert refresh.status == JobStatus.succeeded, refresh.error
    assert refresh.stats["checked"] == 3 and refresh.stats["deleted"] == 0
    with Session(db) as check:
        entries = check.scalars(select(Entry).order_by(Entry.page_id)).all()
    assert [e.license for e in entries] == ["CC0"] * 3
    assert all(e.refreshed_at is not None for e in entries)


def test_a_quarry_export_without_page_ids_is_looked_up_by_title(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    store.add_file("Old fort.jpg", timestamp=IN_WINDOW)
    round_ = draft_round(session)
    job_id = start_csv(
        db,
        round_.id,
        "img_name,img_width,img_height\nOld_fort.jpg,10,10\nNo_such.jpg,10,10\n",
    )
    run_jobs(db)
    job = load_job(db, job_id)
    assert (job.stats["added"], job.stats["failed"]) == (1, 1)
    assert job.stats["errors"][0]["line"] == 3
    assert "refresh_job_id" not in job.stats
    with Session(db) as check:
        entry = check.scalars(select(Entry)).one()
    assert entry.width == 4000, "Commons' metadata, not the CSV's"


def test_a_rerun_of_the_same_csv_adds_nothing(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs
):
    round_ = draft_round(session)
    first = start_csv(db, round_.id, quarry_rows(50))
    run_jobs(db)
    second = start_csv(db, round_.id, quarry_rows(60))
    run_jobs(db, limit=3)  # the second import, and the refreshes they asked for
    assert load_job(db, first).stats["added"] == 50
    stats = load_job(db, second).stats
    assert (stats["added"], stats["skipped"]) == (10, 50)
    assert count(db, RoundEntry) == 60 == count(db, Entry)


def test_a_staged_import_resumes_from_its_position(
    db: Engine, session: Session, store: CommonsStore, commons: CommonsForJobs, monkeypatch
):
    from app.imports import jobs as import_jobs

    for n in range(12):
        store.add_file(f"Photo {n}.jpg", timestamp=IN_WINDOW)
    monkeypatch.setattr(import_jobs, "LOOKUP_CHUNK", 5)
    round_ = draft_round(session)
    job_id = start_titles(db, round_.id, [f"Photo {n}.jpg" for n in range(12)])
    store.inject_fault("garbage", after=1)
    run_jobs(db)
    job = load_job(db, job_id)
    assert job.status == JobStatus.queued
    assert job.checkpoint == {"position": 5}
    assert (job.stats["seen"], job.stats["added"]) == (5, 5)
    run_jobs(db)
    job = load_job(db, job_id)
    assert job.status == JobStatus.succeeded
    assert (job.stats["seen"], job.stats["added"], job.stats["skipped"]) == (12, 12, 0)
    assert count(db, RoundEntry) == 12


def test_the_previous_rounds_advancing_entries_are_imported(
    db: Engine, session: Session, commons: CommonsForJobs
):
    campaign = make_campaign(session, coordinators=(make_user(session),))
    first = make_round(session, campaign=campaign, ordinal=1, status="finalized")
    kept = [make_round_entry(session, round=first) for _ in range(3)]
    dropped = make_round_entry(session, round=first)
    for round_entry in [*kept, dropped]:
        session.add(
            RoundResult(
                round_id=first.id, round_entry_id=round_entry.id, advanced=round_entry in kept
            )
        )
    second = make_round(session, campaign=campaign, ordinal=2)
    session.add(RoundEntry(round_id=second.id, entry_id=kept[0].entry_id, source="manual"))
    session.commit()

    with Session(db, expire_on_commit=False) as work:
        data = PreviousRoundImport(source="previous_round")
        job = service.start_import(work, round_=work.get(Round, second.id), data=data, actor=None)
        work.commit()
    assert job.payload == {
        "round_id": second.id,
        "source": "previous_round",
        "from_round_id": first.id,
    }
    run_jobs(db)
    job = load_job(db, job.id)
    assert job.status == JobStatus.succeeded, job.error
    assert (job.stats["seen"], job.stats["added"], job.stats["skipped"]) == (3, 2, 1)
    entries = round_entries(db, second.id)
    assert sorted(e.entry_id for e in entries) == sorted(e.entry_id for e in kept)
    assert {e.source for e in entries if e.source_job_id == job.id} == {f"round:{first.id}"}


def test_the_previous_round_must_exist_and_be_finalized(db: Engine, session: Session):
    campaign = make_campaign(session)
    first = make_round(session, campaign=campaign, ordinal=1, status="active")
    second = make_round(session, campaign=campaign, ordinal=2)
    make_entry(session)
    session.commit()
    data = PreviousRoundImport(source="previous_round")
    with Session(db, expire_on_commit=False) as work:
        with pytest.raises(InvalidInput):
            service.start_import(work, round_=work.get(Round, first.id), data=data, actor=None)
        work.rollback()
        with pytest.raises(Conflict) as refused:
            service.start_import(work, round_=work.get(Round, second.id), data=data, actor=None)
    assert "finalize it first" in refused.value.detail
