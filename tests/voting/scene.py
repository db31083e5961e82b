"""Test data for voting: a round with jurors and their task queues."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from app.models import Campaign, Round, RoundEntry, Task, User
from tests.factories import (
    make_campaign,
    make_entry,
    make_round,
    make_round_entry,
    make_task,
    make_user,
)

# Real original URLs recorded from Commons (tests/../fixtures/real).
URLS = [
    "https://upload.wikimedia.org/wikipedia/commons/9/9e/%27Tirumnieki%27_pie_Inesa_ezera.jpg",
    "https://upload.wikimedia.org/wikipedia/commons/0/0f/%28Khao_Luang%29_Ramkhamhaeng_National_Park_04.jpg",
    "https://upload.wikimedia.org/wikipedia/commons/c/cf/Sunset_and_Silhouette_of_Trees_viewed_from_a_road_leading_to_Pegni_Village_and_1000_Unit_Estate%2C_Kuje.jpg",
]


@dataclass
class Scene:
    campaign: Campaign
    round: Round
    juror: User
    others: list[User]
    entries: list[RoundEntry]
    # Each juror's tasks, by user id, in the order of ``entries``.
    tasks: dict[int, list[Task]] = field(default_factory=dict)

    def task(self, index: int, juror: User | None = None) -> Task:
        return self.tasks[(juror or self.juror).id][index]


def make_scene(
    session: Session,
    *,
    method: str = "rating",
    entries: int = 5,
    jurors: int = 2,
    status: str = "active",
    display: dict[str, Any] | None = None,
    sort_keys: list[int] | None = None,
) -> Scene:
    """A round whose every juror holds a task on every entry, in ``sort_keys`` order (the
    same for every juror; default: entry order)."""
    users = [make_user(session) for _ in range(jurors)]
    campaign = make_campaign(session, name="WLM 2026 in Ghana")
    round_ = make_round(
        session,
        campaign=campaign,
        jurors=tuple(users),
        name="First round",
        vote_method=method,
        status=status,
        directions="Judge the photos.",
        display=display if display is not None else {},
    )
    round_entries = []
    for i in range(entries):
        entry = make_entry(
            session,
            url=URLS[i % len(URLS)],
            description_url=f"https://commons.wikimedia.org/wiki/File:Photo_{i}.jpg",
        )
        round_entries.append(make_round_entry(session, round=round_, entry=entry))
    keys = sort_keys or list(range(entries))
    tasks = {
        user.id: [
            make_task(session, round=round_, juror=user, round_entry=re, sort_key=keys[i])
            for i, re in enumerate(round_entries)
        ]
        for user in users
    }
    return Scene(
        campaign=campaign,
        round=round_,
        juror=users[0],
        others=users[1:],
        entries=round_entries,
        tasks=tasks,
    )


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """Collects the statements sent to the database (an executemany counts once)."""
    seen: list[str] = []

    def collect(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", collect)
