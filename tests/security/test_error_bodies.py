"""Error bodies say what was wrong in Loupe's words, never the database's."""

import pytest
from sqlalchemy.exc import DataError

from app.core.handlers import _refused_value


class Refusal(Exception):
    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("message", "sqlstate", "expected"),
    [
        ('invalid input value for enum secret_status: "SECRETVALUE"', "22P02", "cannot be stored"),
        ("value too long for type character varying(SECRET)", "22001", "too long"),
        ("integer out of range SECRET", "22003", "out of range"),
        (
            "PostgreSQL text fields cannot contain NUL (0x00) bytes SECRET",
            None,
            "cannot contain NUL",
        ),
    ],
)
def test_a_refused_value_is_described_without_the_databases_message(message, sqlstate, expected):
    detail = _refused_value(DataError("INSERT ...", {}, Refusal(message, sqlstate)))
    assert expected in detail
    assert "SECRET" not in detail
    assert "secret" not in detail
