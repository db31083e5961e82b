"""Migrations build exactly the models' schema, and undo it."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401
from app.core import migrate
from app.core.db import make_engine
from tests.conftest import drop_database, fresh_database
from tests.factories import make_campaign, make_round, make_task, make_user


def test_upgrade_to_head_gives_the_models_schema_and_downgrade_removes_it(tmp_path: Path):
    url = fresh_database("migrations", tmp_path)
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == []
        assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())

        migrate.downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        migrate.upgrade(url)
        assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
        drop_database("migrations")


def test_vote_history_gets_the_juror_of_its_task(tmp_path: Path):
    url = fresh_database("migrations_0005", tmp_path)
    migrate.upgrade(url, "0004")
    engine = make_engine(url)
    try:
        with Session(engine) as session:  # the models match every table 0005 leaves alone
            juror = make_user(session)
            round_ = make_round(session, campaign=make_campaign(session), jurors=(juror,))
            task = make_task(session, round=round_, juror=juror)
            session.execute(
                text(
                    "INSERT INTO vote_changes (task_id, action, value, comment, favourite,"
                    " changed_at) VALUES (:task, 'withdraw', 3, '', false, '2026-10-01 00:00:00')"
                ),
                {"task": task.id},
            )
            session.commit()
            task_juror = juror.id
        migrate.upgrade(url)
        with engine.connect() as connection:
            found = connection.execute(text("SELECT juror_id FROM vote_changes")).scalars().all()
        assert found == [task_juror]
    finally:
        engine.dispose()
        drop_database("migrations_0005")


def test_downgrading_keeps_the_rows_of_other_tables(tmp_path: Path):
    # On SQLite a downgrade that drops a column rebuilds the table; with foreign keys on, that
    # would delete every row referring to it (users, round entries) along the way.
    url = fresh_database("migrations_down", tmp_path)
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            juror = make_user(session)
            round_ = make_round(session, campaign=make_campaign(session), jurors=(juror,))
            make_task(session, round=round_, juror=juror)
            session.commit()
        tables = ("users", "round_jurors", "round_entries", "tasks")

        def counts() -> dict[str, int]:
            with engine.connect() as connection:
                return {
                    t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                    for t in tables
                }

        before = counts()
        migrate.downgrade(url, "0002")
        assert counts() == before
        migrate.upgrade(url)
        assert counts() == before
    finally:
        engine.dispose()
        drop_database("migrations_down")
