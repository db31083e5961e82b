"""Test database: migrated once per run (SQLite, or PostgreSQL with LOUPE_TEST_DB=postgres),
one database per xdist worker, emptied after every test that touches it."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlmodel import Session, SQLModel

from app.core import migrate
from app.core.config import Settings
from app.core.db import make_engine, normalize_url

TEST_DB = os.environ.get("LOUPE_TEST_DB", "sqlite")
PG_URL = os.environ.get("LOUPE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")

collect_ignore_glob = ["e2e/*"] if os.environ.get("LOUPE_SKIP_BROWSER") else []


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _pg_admin(statement: str) -> None:
    admin = create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


def _pg_name(name: str) -> str:
    # Per process, so that test runs side by side on one server never share a database.
    return f"loupe_{name}_{worker_id()}_{os.getpid()}"


def fresh_database(name: str, tmp_dir: Path) -> str:
    """A new empty database named after ``name``; returns its URL."""
    if TEST_DB == "postgres":
        db = _pg_name(name)
        _pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{db}"')
        return normalize_url(PG_URL).rsplit("/", 1)[0] + f"/{db}"
    path = tmp_dir / f"{name}.db"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def drop_database(name: str) -> None:
    if TEST_DB == "postgres":
        _pg_admin(f'DROP DATABASE IF EXISTS "{_pg_name(name)}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = fresh_database("test", tmp_path_factory.mktemp("db"))
    migrate.upgrade(url)
    yield url
    drop_database("test")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def empty_tables(engine: Engine) -> None:
    # DELETE beats TRUNCATE here: TRUNCATE's fixed cost per table dominates on tiny tables.
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name == "audit_events":
                empty_audit_log(connection)
            else:
                connection.execute(table.delete())


def empty_audit_log(connection: Connection) -> None:
    """The audit log refuses DELETE (migration 0003); the tests step around its triggers
    inside the cleanup transaction only, so the app never sees them off."""
    if connection.execute(text("SELECT 1 FROM audit_events LIMIT 1")).first() is None:
        return
    if connection.dialect.name == "postgresql":
        # Ordinary triggers do not fire for a replica; only a superuser may claim to be one.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text("DELETE FROM audit_events"))
        connection.execute(text("SET LOCAL session_replication_role = origin"))
        return
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": "audit_events"},
    ).all()
    for name, _sql in triggers:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    connection.execute(text("DELETE FROM audit_events"))
    for _name, sql in triggers:
        connection.execute(text(sql))


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """The migrated test database, emptied after the test."""
    yield engine
    empty_tables(engine)


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    with Session(db, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key="test-secret-key",
        data_dir=tmp_path / "data",
        jobs_in_server=False,
        base_url="http://testserver",
    )


@pytest.fixture
def app(settings: Settings, db: Engine) -> FastAPI:
    from app.main import create_app

    return create_app(settings, engine=db, run_jobs=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client
