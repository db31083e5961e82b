"""Hot statements run on SQLite's own cursor (decision 0009).

SQLAlchemy's execution of a cached statement costs about 35 µs of Python (the execution
context, events, the result object) where SQLite needs 4 µs to run it. A vote issues three or
four, so on SQLite that overhead was a sixth of the request. A ``Prepared`` statement is
compiled once by SQLAlchemy and then run on the DBAPI cursor of the same connection, so in
its transaction, with SQLAlchemy's own bind and result processors for its column types.
Driver errors are wrapped as SQLAlchemy wraps them, and ``before_cursor_execute`` listeners
are called. On other databases it is an ordinary ``connection.execute``: there each
statement is a network round trip, which dwarfs this.
"""

from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a statement gave: its rows (attribute access by column label) and the count of
    rows it changed."""

    rows: Sequence[Any]
    rowcount: int

    def first(self) -> Any:
        return self.rows[0] if self.rows else None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    order: tuple[str, ...]  # positional parameters (SQLite's qmark style)
    defaults: dict[str, Any]
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]
    row: type | None
    results: tuple[Callable[[Any], Any] | None, ...]


class Prepared:
    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._sqlite: _Compiled | None = None

    def execute(self, connection: Connection, params: dict[str, Any]) -> Outcome:
        dialect = connection.dialect
        if dialect.name != "sqlite":
            result = connection.execute(self.statement, params)
            rows = result.all() if result.returns_rows else []
            return Outcome(rows=rows, rowcount=result.rowcount)
        compiled = self._sqlite or self._compile(dialect)
        values = {**compiled.defaults, **params}
        for name, process in compiled.binds:
            values[name] = process(values[name])
        args = tuple(values[name] for name in compiled.order)
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if connection._has_events or connection.engine._has_events:
            # Listeners (statement counters, tracing) still see every statement.
            connection.dispatch.before_cursor_execute(
                connection, cursor, compiled.sql, args, None, False
            )
        try:
            cursor.execute(compiled.sql, args)
            raw = cursor.fetchall() if compiled.row is not None else []
            rowcount = cursor.rowcount
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                compiled.sql, args, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        finally:
            cursor.close()
        if compiled.row is None:
            return Outcome(rows=[], rowcount=rowcount)
        make, processors = compiled.row._make, compiled.results
        rows = [
            make(
                value if process is None else process(value)
                for process, value in zip(processors, r, strict=True)
            )
            for r in raw
        ]
        return Outcome(rows=rows, rowcount=rowcount)

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("expanding parameters cannot be prepared")
        columns = compiled._result_columns
        self._sqlite = _Compiled(
            sql=compiled.string,
            order=tuple(compiled.positiontup or ()),
            defaults={
                name: bind.effective_value
                for name, bind in compiled.binds.items()
                if not bind.required
            },
            binds=tuple(compiled._bind_processors.items()),
            row=namedtuple("Row", [c.keyname for c in columns]) if columns else None,
            results=tuple(c.type._cached_result_processor(dialect, None) for c in columns),
        )
        return self._sqlite
