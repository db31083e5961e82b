"""Activating a round: every eligible entry gets `quorum` tasks for distinct jurors.

Run from the repository root: python -m bench.bench_activation
Workloads from (DESIGN.md targets): 20,000 entries x quorum 3 x 10 jurors (< 1.5 s)
and 50,000 entries x quorum 3 x 12 jurors (< 5 s), on SQLite and PostgreSQL.
"""

from sqlalchemy import func, select
from sqlmodel import Session

from app.models import Round, Task, User
from app.rounds import service
from bench.common import fresh_engine, make_contest, timed

WORKLOADS = [(20_000, 3, 10), (50_000, 3, 12)]


def run(kind: str, entries: int, quorum: int, jurors: int) -> float:
    engine = fresh_engine(kind, f"activation_{entries}")
    round_id, coordinator_id, _ = make_contest(
        engine, entries=entries, jurors=jurors, quorum=quorum
    )
    with Session(engine, expire_on_commit=False) as session, timed() as clock:
        round_ = session.get(Round, round_id)
        actor = session.get(User, coordinator_id)
        service.activate(session, round_=round_, actor=actor, lookup=None)
        session.commit()
    with Session(engine) as session:
        tasks = session.scalar(select(func.count()).select_from(Task))
    assert tasks == entries * quorum, tasks
    engine.dispose()
    return clock["seconds"]


def main() -> None:
    print(
        f"{'database':<10} {'entries':>8} {'quorum':>6} {'jurors':>6} {'tasks':>7} {'seconds':>8}"
    )
    for kind in ("sqlite", "postgres"):
        for entries, quorum, jurors in WORKLOADS:
            seconds = run(kind, entries, quorum, jurors)
            print(
                f"{kind:<10} {entries:>8} {quorum:>6} {jurors:>6} "
                f"{entries * quorum:>7} {seconds:>8.2f}"
            )


if __name__ == "__main__":
    main()
