"""`loupe import`: enqueue, run in-process with a progress bar, report."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import cli
from app.commons.double import CommonsStore
from app.core.config import get_settings
from app.models import Job, JobStatus, RoundEntry
from tests.factories import make_campaign, make_round
from tests.imports.conftest import CommonsForJobs, count, load_job


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[CliRunner]:
    monkeypatch.setenv("LOUPE_DATABASE_URL", database_url)
    monkeypatch.setenv("LOUPE_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def round_id(session: Session) -> int:
    round_ = make_round(session, campaign=make_campaign(session))
    session.commit()
    return round_.id


def test_a_category_import_runs_in_process_and_reports(
    runner: CliRunner,
    db: Engine,
    round_id: int,
    store: CommonsStore,
    commons: CommonsForJobs,
):
    store.add_category("WLM")
    for n in range(3):
        store.add_file(f"P{n}.jpg", categories=["WLM"], timestamp="2026-09-10T10:00:00Z")
    result = runner.invoke(cli, ["import", "--round", str(round_id), "--category", "WLM"])
    assert result.exit_code == 0, result.output
    assert "succeeded: 3 seen, 3 added, 0 already in the round, 0 failed" in result.output
    assert count(db, RoundEntry) == 3


def test_a_csv_import_lists_its_bad_lines(
    runner: CliRunner,
    db: Engine,
    round_id: int,
    tmp_path: Path,
    store: CommonsStore,
    commons: CommonsForJobs,
):
    store.add_file("Good.jpg", timestamp="2026-09-10T10:00:00Z")
    path = tmp_path / "entries.csv"
    path.write_text("file\nGood.jpg\nno extension\nMissing.jpg\n")
    result = runner.invoke(cli, ["import", "--round", str(round_id), "--csv", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output and "2 failed" in result.output
    assert "line 3: no extension: not a file name (no extension)" in result.output
    assert "line 4: File:Missing.jpg: Commons has no file File:Missing.jpg" in result.output


def test_with_wait_the_job_is_left_to_a_worker(
    runner: CliRunner, db: Engine, round_id: int, monkeypatch: pytest.MonkeyPatch
):
    from app.imports import cli as imports_cli

    def finished_elsewhere(engine, job_id, **_):  # type: ignore[no-untyped-def]
        with Session(engine) as session:
            job = session.get(Job, job_id)
            assert job.status == JobStatus.queued, "nothing ran it here"
            job.status = JobStatus.cancelled
            session.commit()
        return load_job(engine, job_id)

    monkeypatch.setattr(imports_cli, "follow", finished_elsewhere)
    result = runner.invoke(cli, ["import", "--round", str(round_id), "--category", "A", "--wait"])
    assert result.exit_code == 1
    assert "cancelled" in result.output


def test_bad_requests_are_refused(runner: CliRunner, db: Engine, round_id: int, tmp_path: Path):
    both = runner.invoke(
        cli, ["import", "--round", str(round_id), "--category", "A", "--previous-round"]
    )
    assert both.exit_code == 2
    assert "exactly one source" in both.output
    missing = runner.invoke(cli, ["import", "--round", "999999", "--category", "A"])
    assert missing.exit_code == 1
    assert "Refused: Round 999999 does not exist." in missing.output
    assert count(db, Job) == 0
