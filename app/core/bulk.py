"""Fast bulk inserts inside the caller's transaction.

The ORM's bulk path spends more time converting 150,000 rows than the database spends
storing them. Here rows go to the driver as plain tuples: COPY on PostgreSQL, one
``executemany`` on SQLite. Callers pass values ready for the column types (datetimes must
be UTC-aware).
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # The text form SQLAlchemy's SQLite DateTime type reads back (UTC, no zone).
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def insert_rows(
    session: Session, *, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    connection = session.connection()
    names = ", ".join(columns)
    count = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    marks = ", ".join("?" for _ in columns)
    batch = [tuple(_sqlite_value(v) for v in row) for row in rows]
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", batch)
    return len(batch)
