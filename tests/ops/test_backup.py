"""Backups of a live database and restores, on the database the test run uses (SQLite, or
PostgreSQL through pg_dump/pg_restore with LOUPE_TEST_DB=postgres)."""

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from app.cli import cli
from app.core import migrate
from app.core.config import get_settings
from app.core.db import make_engine
from app.models import User
from app.ops import backup as ops
from tests.conftest import TEST_DB, drop_database, fresh_database

BATCH = 5  # users per write transaction: a consistent copy holds a multiple of it


@pytest.fixture
def databases(tmp_path: Path) -> Iterator:
    """Makes fresh databases by name (migrated to ``revision``); drops them afterwards."""
    made = []

    def make(name: str, revision: str | None = "head") -> str:
        made.append(name)
        url = fresh_database(f"ops_{name}", tmp_path)
        if revision is not None:
            migrate.upgrade(url, revision)
        return url

    yield make
    for name in made:
        drop_database(f"ops_{name}")


def do_backup(url: str, target: Path, progress=None) -> None:
    path = ops.sqlite_path(url)
    if path is None:
        ops.backup_postgres(url, target)
    else:
        ops.backup_sqlite(path, target, progress=progress)


def do_restore(backup: Path, url: str, *, force: bool = False) -> ops.Restored:
    path = ops.sqlite_path(url)
    if path is None:
        return ops.restore_postgres(url, backup, force=force)
    return ops.restore_sqlite(backup, path, force=force)


def add_users(engine: Engine, start: int, count: int) -> None:
    now = datetime.now(UTC)
    rows = [
        {"wiki_id": n, "username": f"U{n}", "is_admin": False, "is_organizer": False}
        | {"created_at": now}
        for n in range(start, start + count)
    ]
    with engine.begin() as connection:
        connection.execute(insert(User), rows)


def fill(url: str, start: int, count: int) -> None:
    engine = make_engine(url)
    add_users(engine, start, count)
    engine.dispose()


def contents(url: str) -> dict[str, list]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = {
                table.name: connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).all()
                for table in SQLModel.metadata.sorted_tables
            }
            tables["alembic_version"] = connection.execute(
                text("SELECT version_num FROM alembic_version")
            ).all()
        return tables
    finally:
        engine.dispose()


def count_users(url: str) -> int:
    return len(contents(url)["users"])


def test_a_backup_taken_during_writes_is_consistent_and_restores_identically(
    databases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    source = databases("live")
    engine = make_engine(source)
    add_users(engine, 0, 20_000)  # a few MB, so the copy takes many steps
    monkeypatch.setattr(ops, "PAGES_PER_STEP", 16)
    stop = threading.Event()
    commits = [0]

    def write() -> None:
        while not stop.is_set():
            add_users(engine, 100_000 + commits[0] * BATCH, BATCH)
            commits[0] += 1
            time.sleep(0.001)

    writer = threading.Thread(target=write)
    writer.start()
    seen = []
    try:
        while commits[0] < 3:
            time.sleep(0.01)
        do_backup(
            source, tmp_path / "live.bak", progress=lambda done, _: seen.append((done, commits[0]))
        )
        after = commits[0]
        while commits[0] < after + 2:
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join()
    if TEST_DB == "sqlite":
        pages, writes = zip(*seen, strict=True)
        assert len(seen) > 10 and writes[-1] > writes[0], "the server wrote while the copy ran"
        assert list(pages) == sorted(pages), "the copy never restarted"

    target = databases("restored", revision=None)
    restored = do_restore(tmp_path / "live.bak", target)
    assert not restored.upgraded
    copied = count_users(target)
    assert (copied - 20_000) % BATCH == 0, "a write transaction was copied in part"
    assert 20_000 < copied < count_users(source), "the copy is a snapshot taken mid-writes"

    # Quiet now: a backup and restore gives back exactly the source.
    do_backup(source, tmp_path / "quiet.bak")
    again = databases("again", revision=None)
    do_restore(tmp_path / "quiet.bak", again)
    assert contents(again) == contents(source)
    engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(databases, tmp_path: Path):
    source = databases("source")
    fill(source, 0, 3)
    do_backup(source, tmp_path / "source.bak")
    target = databases("busy")
    fill(target, 50, 1)
    with pytest.raises(ops.BackupError, match="already holds data"):
        do_restore(tmp_path / "source.bak", target)
    assert [u.wiki_id for u in contents(target)["users"]] == [50]
    do_restore(tmp_path / "source.bak", target, force=True)
    assert contents(target) == contents(source)


def test_restore_refuses_a_database_in_use_unless_forced(databases, tmp_path: Path):
    source = databases("source")
    do_backup(source, tmp_path / "source.bak")
    target = databases("open")
    engine = make_engine(target)
    with engine.connect() as connection:  # a running server keeps connections open
        connection.execute(text("SELECT 1"))
        with pytest.raises(ops.BackupError, match="running server"):
            do_restore(tmp_path / "source.bak", target)
    engine.dispose()
    if TEST_DB == "sqlite":  # a database nobody has open is fine (it holds no data)
        do_restore(tmp_path / "source.bak", target)


def test_a_backup_from_an_older_schema_is_migrated_on_restore(databases, tmp_path: Path):
    old = databases("old", revision="0001")
    do_backup(old, tmp_path / "old.bak")
    target = databases("upgraded", revision=None)
    restored = do_restore(tmp_path / "old.bak", target)
    assert restored.revision == "0001"
    assert restored.upgraded
    assert contents(target)["alembic_version"] == [(restored.head,)]


def test_a_backup_from_a_newer_loupe_is_refused(databases, tmp_path: Path):
    source = databases("newer")
    engine = make_engine(source)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'from_future'"))
    engine.dispose()
    do_backup(source, tmp_path / "newer.bak")
    target = databases("untouched", revision=None)
    with pytest.raises(ops.BackupError, match="newer version"):
        do_restore(tmp_path / "newer.bak", target)


def test_a_backup_never_overwrites_a_file(databases, tmp_path: Path):
    source = databases("source")
    (tmp_path / "taken.bak").write_text("keep me")
    with pytest.raises(ops.BackupError, match="already exists"):
        do_backup(source, tmp_path / "taken.bak")
    assert (tmp_path / "taken.bak").read_text() == "keep me"


def test_a_backup_is_readable_only_by_its_owner(databases, tmp_path: Path):
    """It holds every vote, comment and username: not for the host's other users (Toolforge)."""
    source = databases("source")
    do_backup(source, tmp_path / "private.bak")
    assert (tmp_path / "private.bak").stat().st_mode & 0o077 == 0


@pytest.mark.skipif(TEST_DB != "sqlite", reason="SQLite files")
def test_restore_refuses_what_is_not_a_loupe_backup(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    with pytest.raises(ops.BackupError, match="not a SQLite database"):
        ops.restore_sqlite(tmp_path / "notes.txt", tmp_path / "loupe.db")
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(ops.BackupError, match="not a Loupe database"):
        ops.restore_sqlite(tmp_path / "other.db", tmp_path / "loupe.db")
    assert not (tmp_path / "loupe.db").exists()


def test_the_cli_backs_up_and_refuses_to_restore_over_data(
    databases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    source = databases("cli")
    fill(source, 0, 2)
    monkeypatch.setenv("LOUPE_DATABASE_URL", source)
    monkeypatch.setenv("LOUPE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    runner = CliRunner()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # the CLI configures logging
    try:
        made = runner.invoke(cli, ["backup", str(tmp_path / "cli.bak")])
        assert made.exit_code == 0, made.output
        assert "Backup written to" in made.output
        refused = runner.invoke(cli, ["restore", str(tmp_path / "cli.bak")])
        assert refused.exit_code == 1
        assert "--force" in refused.output
        forced = runner.invoke(cli, ["restore", "--force", str(tmp_path / "cli.bak")])
        assert forced.exit_code == 0, forced.output
    finally:
        get_settings.cache_clear()
        root.handlers[:] = handlers
        root.setLevel(level)
    assert count_users(source) == 2
