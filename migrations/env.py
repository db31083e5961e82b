"""Alembic environment: migrates the database named by the settings (or by the caller)."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.config import get_settings
from app.core.db import make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url()


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode recreates tables instead.
        render_as_batch=True,
        compare_type=True,
    )
    # Batch mode rebuilds a SQLite table by dropping it: with foreign keys enforced, the drop
    # would delete (ON DELETE CASCADE) every row elsewhere that refers to it. They are off
    # for the migration (a pragma that only works outside a transaction) and checked before
    # the migration commits.
    raw = connection.connection.dbapi_connection if connection.dialect.name == "sqlite" else None
    if raw is not None and not connection.in_transaction():
        raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
            if raw is not None:
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"The migration broke foreign keys: {broken[:5]}")
    finally:
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_offline()
else:
    run_online()
