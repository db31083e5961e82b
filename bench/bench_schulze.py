"""The Schulze method for ranking rounds: 200 entries x 15 ballots (target < 1 s).

Times the pure rule (``app.results.schulze.schulze``) on random ballots with ties, and the
whole results table of a ranking round (votes read from the database, ballots built, Schulze
run, places and tie-break) on SQLite and PostgreSQL.
"""

import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, update
from sqlmodel import Session

from app.core.bulk import insert_rows
from app.models import Round, RoundEntry, Task, Vote, utcnow
from app.results import service
from app.results.schulze import schulze
from bench.common import fresh_engine, make_contest, timed

RUNS = 5
WORKLOADS = [(200, 15), (100, 15), (500, 15)]


def ballots(entries: list[int], count: int, seed: int) -> list[dict[int, int]]:
    """Shuffled rankings sharing a common taste, about one entry in ten tied with the next."""
    rng = random.Random(seed)
    quality = {e: rng.random() for e in entries}
    result = []
    for _ in range(count):
        order = sorted(entries, key=lambda e: quality[e] + rng.gauss(0, 0.3))
        rank, ballot = 0, {}
        for position, entry in enumerate(order):
            if position == 0 or rng.random() > 0.1:
                rank = position + 1
            ballot[entry] = rank
        result.append(ballot)
    return result


def pure(entries: int, jurors: int) -> tuple[float, bool]:
    ids = list(range(1, entries + 1))
    cast = ballots(ids, jurors, seed=entries)
    figures = []
    for _ in range(RUNS):
        with timed() as clock:
            result = schulze(entries=ids, ballots=cast)
        figures.append(clock["seconds"])
    return statistics.median(figures), result.tie_break_used


def through_the_database(kind: str, entries: int, jurors: int) -> float:
    engine = fresh_engine(kind, f"schulze_{entries}")
    round_id, _, juror_ids = make_contest(
        engine, entries=entries, jurors=jurors, quorum=jurors, method="ranking"
    )
    now = utcnow()
    with Session(engine) as session:
        session.execute(update(Round).where(Round.id == round_id).values(status="active"))
        ids = session.scalars(select(RoundEntry.id).where(RoundEntry.round_id == round_id)).all()
        insert_rows(
            session,
            table=Task.__table__,
            columns=("round_id", "round_entry_id", "juror_id", "status", "sort_key", "created_at"),
            rows=[(round_id, e, j, "done", i, now) for j in juror_ids for i, e in enumerate(ids)],
        )
        tasks = session.execute(
            select(Task.id, Task.round_entry_id, Task.juror_id).where(Task.round_id == round_id)
        ).all()
        cast = dict(zip(juror_ids, ballots(list(ids), jurors, seed=entries), strict=True))
        insert_rows(
            session,
            table=Vote.__table__,
            columns=(
                "task_id",
                "round_id",
                "round_entry_id",
                "juror_id",
                "value",
                "comment",
                "favourite",
                "created_at",
                "updated_at",
            ),
            rows=[(t, round_id, e, j, cast[j][e], "", False, now, now) for t, e, j in tasks],
        )
        session.commit()
    figures = []
    for _ in range(RUNS):
        with Session(engine) as session, timed() as clock:
            round_ = session.get(Round, round_id)
            table = service.results_table(session, round_=round_)
        assert table.ranking is not None and table.ranking.ballots == jurors
        figures.append(clock["seconds"])
    engine.dispose()
    return statistics.median(figures)


def main() -> None:
    kinds = sys.argv[1:] or ["sqlite", "postgres"]
    print(f"{'what':<44} {'entries':>7} {'ballots':>7} {'seconds':>8} {'target':>7}")
    for entries, jurors in WORKLOADS:
        seconds, tied = pure(entries, jurors)
        target = "< 1" if (entries, jurors) == (200, 15) else ""
        label = f"schulze() (pure rule{', ties' if tied else ''})"
        print(f"{label:<44} {entries:>7} {jurors:>7} {seconds:>8.3f} {target:>7}")
    for kind in kinds:
        for entries, jurors in WORKLOADS[:2]:
            seconds = through_the_database(kind, entries, jurors)
            label = f"results table of a ranking round ({kind})"
            print(f"{label:<44} {entries:>7} {jurors:>7} {seconds:>8.3f}")


if __name__ == "__main__":
    main()
