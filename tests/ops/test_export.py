"""`loupe export`: the web UI's exports from the command line, on the demo's data."""

import csv
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session
from typer.testing import CliRunner

import app.jobs.kinds  # noqa: F401  (the demo runs import jobs)
from app.cli import cli
from app.core.config import Settings, get_settings
from app.demo import build
from app.models import Round


@pytest.fixture
def demo(db: Engine, settings: Settings, database_url: str, monkeypatch) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    settings.base_url = "http://127.0.0.1:9"
    build.build(db, settings=settings)
    with Session(db) as session:
        rounds = {r.name: r.id for r in session.scalars(select(Round))}
    monkeypatch.setenv("LOUPE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # the CLI configures logging
    try:
        yield rounds
    finally:
        get_settings.cache_clear()
        root.handlers[:] = handlers
        root.setLevel(level)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["export", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_rounds_csvs_are_written_to_files(demo: dict, tmp_path: Path):
    round_id = str(demo["Round 1: yes or no"])
    for kind in ("results", "votes", "entries"):
        target = tmp_path / f"{kind}.csv"
        code, _, err = run(kind, "--round", round_id, "-o", str(target))
        assert code == 0, err
        assert f"Written to {target}" in err
        rows = list(csv.reader(io.StringIO(target.read_text())))
        assert len(rows) > 10, kind


def test_votes_are_pseudonymized_unless_names_are_asked_for(demo: dict):
    round_id = str(demo["Round 1: yes or no"])
    _, hidden, _ = run("votes", "--round", round_id, "-o", "-")
    _, named, _ = run("votes", "--round", round_id, "--names", "-o", "-")
    assert "Demo Juror" not in hidden
    assert "Demo Juror" in named


def test_the_gallery_and_the_ceremony_pdf(demo: dict, tmp_path: Path):
    code, gallery, err = run("gallery", "--campaign", build.SLUG_2025, "-o", "-")
    assert code == 0, err
    assert "<gallery" in gallery and gallery.count("File:") == 4
    target = tmp_path / "ceremony.pdf"
    code, _, err = run("ceremony", "--campaign", build.SLUG_2025, "-o", str(target))
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") == 4


def test_unknown_rounds_and_campaigns_are_clear_errors(demo: dict):
    code, _, err = run("results", "--round", "999999")
    assert code == 1 and "Export failed" in err
    code, _, err = run("gallery", "--campaign", "no-such-contest")
    assert code == 1 and "no-such-contest" in err
