"""Migrations build exactly the models' schema, and undo it."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.core import migrate
from app.core.db import make_engine
from tests.conftest import drop_database, fresh_database


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
