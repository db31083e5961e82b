"""Test data for results: a coordinated round with jurors, entries, and votes cast directly."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.models import Campaign, Round, RoundEntry, User, Vote
from tests.factories import (
    make_campaign,
    make_entry,
    make_round,
    make_round_entry,
    make_task,
    make_user,
    make_vote,
)


@dataclass
class Scene:
    coordinator: User
    campaign: Campaign
    round: Round
    jurors: list[User]
    entries: list[RoundEntry]

    def vote(self, session: Session, juror: int, entry: int, value: int, **fields: Any) -> Vote:
        """Juror number ``juror`` votes ``value`` on entry number ``entry`` (a done task)."""
        task = make_task(
            session, round=self.round, juror=self.jurors[juror], round_entry=self.entries[entry]
        )
        return make_vote(session, task=task, value=value, **fields)

    def hold(self, session: Session, juror: int, entry: int) -> None:
        """Juror number ``juror`` holds entry number ``entry`` without a vote (an open task)."""
        make_task(
            session, round=self.round, juror=self.jurors[juror], round_entry=self.entries[entry]
        )

    def ballot(self, session: Session, juror: int, ranks: list[int]) -> None:
        """Juror number ``juror`` ranks the entries in order: ``ranks[i]`` for entry i."""
        for entry, rank in enumerate(ranks):
            self.vote(session, juror, entry, rank)

    def votes(self, session: Session, table: list[list[int | None]]) -> None:
        """``table[entry][juror]`` is that juror's vote on that entry (None: no vote)."""
        for entry, row in enumerate(table):
            for juror, value in enumerate(row):
                if value is not None:
                    self.vote(session, juror, entry, value)


def make_scene(
    session: Session,
    *,
    method: str = "rating",
    entries: int = 4,
    jurors: int = 3,
    status: str = "active",
    titles: list[str] | None = None,
) -> Scene:
    coordinator = make_user(session, username="Coordinator")
    people = [make_user(session, username=f"Juror {chr(65 + i)}") for i in range(jurors)]
    campaign = make_campaign(session, coordinators=(coordinator,))
    round_ = make_round(
        session,
        campaign=campaign,
        jurors=tuple(people),
        vote_method=method,
        quorum=min(jurors, 3),
        status=status,
        name="Round 1",
    )
    round_entries = []
    for i in range(entries):
        entry = make_entry(session, title=titles[i]) if titles else make_entry(session)
        round_entries.append(make_round_entry(session, round=round_, entry=entry))
    return Scene(
        coordinator=coordinator,
        campaign=campaign,
        round=round_,
        jurors=people,
        entries=round_entries,
    )
