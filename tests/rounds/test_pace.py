"""Who is behind: a pure function of the round's clock and the juror's share done."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import Round
from app.rounds.service import behind

START = datetime(2026, 9, 1, tzinfo=UTC)


def _round(days: float | None) -> Round:
    deadline = START + timedelta(days=days) if days is not None else None
    return Round(campaign_id=1, name="r", activated_at=START, deadline=deadline)


@pytest.mark.parametrize(
    ("days", "elapsed_days", "done", "total", "expected"),
    [
        (10, 0.01, 0, 100, False),  # just activated: nobody has voted yet
        (10, 1, 0, 100, False),  # a tenth of the time gone: within the slack
        (10, 2, 0, 100, True),  # a fifth gone, nothing done
        (10, 5, 45, 100, False),  # half gone, 45 % done
        (10, 5, 39, 100, True),  # half gone, 39 % done
        (10, 11, 99, 100, True),  # past the deadline with work left
        (10, 11, 100, 100, False),  # past the deadline, all done
        (None, 50, 0, 100, False),  # no deadline: never behind
        (10, 5, 0, 0, False),  # no tasks: never behind
    ],
)
def test_behind(days, elapsed_days, done, total, expected) -> None:  # type: ignore[no-untyped-def]
    now = START + timedelta(days=elapsed_days)
    assert behind(_round(days), done=done, total=total, now=now) is expected
