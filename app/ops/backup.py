"""Backups and restores of the whole database.

SQLite: the online backup API, under one read transaction so the copy is a consistent snapshot
while the server keeps writing (in WAL mode readers never block writers). PostgreSQL: pg_dump's
custom format, itself a consistent snapshot, and pg_restore.

A restore never touches the backup: it works on a copy, checks it, migrates it if it comes from
an older Loupe, and only then copies it over the database.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import app.models  # noqa: F401  (every table on the metadata, for dropping them)
from app.core import migrate
from app.core.db import normalize_url

Progress = Callable[[int, int], None]  # (pages or steps done, total)
PAGES_PER_STEP = 1024  # 4 MiB at the default page size: smooth progress, few steps


class BackupError(Exception):
    """A backup or restore refused or failed; the message says what to do."""


@dataclass(frozen=True)
class Restored:
    revision: str  # the backup's schema revision
    head: str  # this Loupe's; the restored database is at head
    upgraded: bool


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up or restored.")
    return Path(parsed.database)


# SQLite


def backup_sqlite(source: Path, target: Path, *, progress: Progress | None = None) -> None:
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    if target.exists():
        raise BackupError(f"{target} already exists; choose another file.")
    partial = target.with_name(target.name + ".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    _private_file(partial)
    src = sqlite3.connect(source, isolation_level=None, timeout=30)
    try:
        # Pin one snapshot for the whole copy: without it, every write by the server would
        # restart the backup from the first page.
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _copy(src, partial, progress)
        src.execute("COMMIT")
    finally:
        src.close()
    dst = sqlite3.connect(partial, isolation_level=None)
    try:
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        check = dst.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        dst.close()
    if check != "ok":
        partial.unlink()
        raise BackupError(f"The copy failed its integrity check ({check}); nothing was kept.")
    partial.replace(target)


def _private_file(path: Path) -> None:
    """An empty file only its owner may read, for a backup to be written into: it holds every
    vote, comment and username, and a shared host (Toolforge) has other users."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _copy(src: sqlite3.Connection, target: Path, progress: Progress | None) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst, pages=PAGES_PER_STEP, progress=report)
    finally:
        dst.close()


def restore_sqlite(
    backup: Path, target: Path, *, force: bool = False, progress: Progress | None = None
) -> Restored:
    if not backup.is_file():
        raise BackupError(f"There is no backup at {backup}.")
    if target.exists() and not force:
        if in_use(target):
            raise BackupError(
                f"{target} is open in another process (a running server or worker?). "
                "Stop it first, or pass --force."
            )
        if has_data(target):
            raise BackupError(f"{target} already holds data; pass --force to replace it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(f".{target.name}.restoring")
    _remove_sqlite(work)
    try:
        shutil.copyfile(backup, work)
        conn = sqlite3.connect(work, isolation_level=None)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            revision = _sqlite_revision(conn)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup} is not a SQLite database ({exc}).") from exc
        finally:
            conn.close()
        if check != "ok":
            raise BackupError(f"{backup} failed its integrity check: {check}")
        upgraded = _check_revision(revision)
        if upgraded:
            migrate.upgrade(f"sqlite:///{work.resolve()}")
        src = sqlite3.connect(work, isolation_level=None)
        try:
            _copy(src, target, progress)
        finally:
            src.close()
    finally:
        _remove_sqlite(work)
    return Restored(revision=revision, head=_head(), upgraded=upgraded)


def in_use(path: Path) -> bool:
    """Whether another connection has the database open. Loupe keeps SQLite in WAL mode, and
    only the sole connection may leave WAL mode: try, and put it back."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0.2)
    try:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return False
        try:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError:  # "database is locked"
            return True
        if mode == "wal":
            return True
        conn.execute("PRAGMA journal_mode=WAL")
        return False
    finally:
        conn.close()


def has_data(path: Path) -> bool:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        return any(conn.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() for name in tables)
    finally:
        conn.close()


def _sqlite_revision(conn: sqlite3.Connection) -> str:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None:
        raise BackupError("The backup is not a Loupe database (it has no schema revision).")
    return row[0]


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# Schema revisions


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config(""))


def _head() -> str:
    return _scripts().get_current_head() or ""


def _check_revision(revision: str) -> bool:
    """True when the backup needs migrating up to this Loupe's schema."""
    scripts = _scripts()
    if revision == scripts.get_current_head():
        return False
    try:
        known = scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"The backup's schema revision {revision!r} is unknown to this Loupe: it was made "
            "by a newer version. Upgrade Loupe, then restore."
        )
    return True


# PostgreSQL


def _pg_command(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH. Install the PostgreSQL client tools (the same major version "
            "as the server or newer), or run it yourself; see docs/deployment.md."
        )
    return found


def _pg_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which would show in `ps`), and the environment
    that carries it instead."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def backup_postgres(url: str, target: Path) -> None:
    pg_dump = _pg_command("pg_dump")
    if target.exists():
        raise BackupError(f"{target} already exists; choose another file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    _private_file(partial)  # pg_dump writes into it, keeping its mode
    dbname, env = _pg_target(url)
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", dbname],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    partial.replace(target)


def restore_postgres(url: str, backup: Path, *, force: bool = False) -> Restored:
    pg_restore = _pg_command("pg_restore")
    if not backup.is_file():
        raise BackupError(f"There is no backup at {backup}.")
    dbname, env = _pg_target(url)
    listing = subprocess.run(
        [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(backup)],
        env=env,
        capture_output=True,
        text=True,
    )
    if listing.returncode != 0:
        raise BackupError(f"{backup} is not a pg_dump archive: {listing.stderr.strip()}")
    found = re.search(r"^COPY \S*alembic_version .*? FROM stdin;\n(\w+)\n", listing.stdout, re.M)
    if found is None:
        raise BackupError("The backup is not a Loupe database (it has no schema revision).")
    revision = found.group(1)
    upgraded = _check_revision(revision)

    engine = create_engine(normalize_url(url))
    try:
        with engine.begin() as connection:
            others = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            tables = set(inspect(connection).get_table_names())
            filled = any(
                connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first()
                for name in tables - {"alembic_version"}
            )
            if not force and others:
                raise BackupError(
                    f"{others} other connection(s) use this database (a running server or "
                    "worker?). Stop them first, or pass --force."
                )
            if not force and filled:
                raise BackupError("The database already holds data; pass --force to replace it.")
        if tables:
            # Make room: the migrations undo their own objects (tables, functions, triggers);
            # for a schema they don't know, drop at least every table Loupe has.
            with suppress(CommandError):
                migrate.downgrade(url, "base")
            with engine.begin() as connection:
                SQLModel.metadata.drop_all(connection)
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()
    done = subprocess.run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dbname}",
            str(backup),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    if upgraded:
        migrate.upgrade(url)
    return Restored(revision=revision, head=_head(), upgraded=upgraded)
