"""Results of a round: the threshold table, the full results table, finalizing, and a tally
of 150,000 votes, on SQLite and PostgreSQL.

Workload (DESIGN.md targets): a round of 20,000 entries, 10 jurors, quorum 3 and 60,000
rating votes (tasks and votes bulk-inserted directly). Targets: threshold table < 0.2 s,
full results table < 0.6 s. Each figure is the median of a few runs after one cold run
(also shown), through the service functions and through the HTTP routes (TestClient).

"full results table" is every eligible entry ranked with its score and vote count (what the
threshold table, the advance preview and the CSV export need); the jurors' individual votes
are read for the rows a page shows, and "... with every juror's vote" reads them for all.
"""

import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from app.core.bulk import insert_rows
from app.core.config import Settings
from app.main import create_app
from app.models import (
    CampaignCoordinator,
    Round,
    RoundEntry,
    Task,
    User,
    Vote,
    utcnow,
)
from app.results import exports, service
from bench.common import fresh_engine, make_contest, timed
from tests.helpers import login

RUNS = 5


def add_votes(engine: Engine, *, round_id: int, jurors: list[int], quorum: int) -> int:
    """Every entry gets ``quorum`` done tasks (jurors in rotation) with a rating vote each."""
    rng = random.Random(42)
    now = utcnow()
    with Session(engine) as session:
        session.execute(update(Round).where(Round.id == round_id).values(status="active"))
        entries = session.scalars(
            select(RoundEntry.id).where(RoundEntry.round_id == round_id).order_by(RoundEntry.id)
        ).all()
        tasks = [
            (round_id, entry_id, jurors[(i + k) % len(jurors)], "done", i, now, now)
            for i, entry_id in enumerate(entries)
            for k in range(quorum)
        ]
        insert_rows(
            session,
            table=Task.__table__,
            columns=(
                "round_id",
                "round_entry_id",
                "juror_id",
                "status",
                "sort_key",
                "created_at",
                "done_at",
            ),
            rows=tasks,
        )
        ids = session.execute(
            select(Task.id, Task.round_entry_id, Task.juror_id).where(Task.round_id == round_id)
        ).all()
        votes = [
            (task_id, round_id, entry_id, juror_id, rng.randint(1, 5), "", False, now, now)
            for task_id, entry_id, juror_id in ids
        ]
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
            rows=votes,
        )
        session.commit()
    # Fresh planner statistics, as autovacuum (PostgreSQL) would gather them within a minute
    # of a bulk load; without them PostgreSQL sorts 60,000 votes on disk to group them.
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return len(votes)


def measure(engine: Engine, work) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(cold seconds, median of RUNS warm seconds), each run in a fresh session."""
    figures = []
    for _ in range(RUNS + 1):
        with Session(engine, expire_on_commit=False) as session:
            round_ = session.get(Round, work.round_id)
            with timed() as clock:
                work(session, round_)
            figures.append(clock["seconds"])
    return figures[0], statistics.median(figures[1:])


class Work:
    def __init__(self, round_id: int, fn) -> None:  # type: ignore[no-untyped-def]
        self.round_id = round_id
        self.fn = fn

    def __call__(self, session: Session, round_: Round) -> None:
        self.fn(session, round_)


def service_figures(engine: Engine, round_id: int) -> dict[str, tuple[float, float]]:
    def full_table(session: Session, round_: Round) -> None:
        table = service.results_table(session, round_=round_)
        assert len(table.rows) > 0

    def full_table_with_votes(session: Session, round_: Round) -> None:
        table = service.results_table(session, round_=round_)
        votes = service.juror_votes(session, table=table, rows=table.rows)
        assert len(votes) == len(table.rows)

    def first_page(session: Session, round_: Round) -> None:
        service.results(session, round_=round_, offset=0, limit=100)

    def largest_page(session: Session, round_: Round) -> None:
        service.results(session, round_=round_, offset=0, limit=service.MAX_PAGE)

    def thresholds(session: Session, round_: Round) -> None:
        service.thresholds(session, round_=round_)

    def results_csv(session: Session, round_: Round) -> None:
        export = exports.results_csv(session, round_=round_)
        assert sum(len(chunk) for chunk in export.chunks) > 0

    return {
        "threshold table": measure(engine, Work(round_id, thresholds)),
        "full results table": measure(engine, Work(round_id, full_table)),
        "  ... with every juror's vote": measure(engine, Work(round_id, full_table_with_votes)),
        "results page (100 rows)": measure(engine, Work(round_id, first_page)),
        f"results page ({service.MAX_PAGE} rows)": measure(engine, Work(round_id, largest_page)),
        "results CSV (all rows)": measure(engine, Work(round_id, results_csv)),
    }


def http_figures(engine: Engine, round_id: int, coordinator_id: int) -> dict[str, float]:
    with Session(engine) as session:
        campaign_id = session.get(Round, round_id).campaign_id
        session.merge(CampaignCoordinator(campaign_id=campaign_id, user_id=coordinator_id))
        session.commit()
        coordinator = session.get(User, coordinator_id)
    settings = Settings(
        env="test",
        database_url=str(engine.url),
        secret_key="bench-secret",
        data_dir=Path(tempfile.mkdtemp(prefix="loupe-bench-")),
        jobs_in_server=False,
        base_url="http://testserver",
    )
    app = create_app(settings, engine=engine, run_jobs=False)
    figures = {}
    with TestClient(app) as client:
        login(client, settings, coordinator)
        for label, path in (
            ("GET /thresholds", f"/api/rounds/{round_id}/thresholds"),
            ("GET /results?limit=100", f"/api/rounds/{round_id}/results?limit=100"),
            (
                f"GET /results?limit={service.MAX_PAGE}",
                f"/api/rounds/{round_id}/results?limit={service.MAX_PAGE}",
            ),
            ("GET /export/results.csv", f"/api/rounds/{round_id}/export/results.csv"),
        ):
            runs = []
            for _ in range(RUNS + 1):
                with timed() as clock:
                    response = client.get(path)
                assert response.status_code == 200, response.text
                runs.append(clock["seconds"])
            figures[label] = statistics.median(runs[1:])
    return figures


def finalize(engine: Engine, round_id: int, coordinator_id: int) -> float:
    with Session(engine, expire_on_commit=False) as session, timed() as clock:
        round_ = session.get(Round, round_id)
        actor = session.get(User, coordinator_id)
        service.finalize(session, round_=round_, actor=actor)
        session.commit()
    return clock["seconds"]


def row(kind: str, label: str, figures: tuple[float, float] | float, target: str = "") -> None:
    if isinstance(figures, tuple):
        cold, warm = figures
        print(f"{kind:<10} {label:<36} {cold:>8.3f} {warm:>8.3f} {target:>8}")
    else:
        print(f"{kind:<10} {label:<36} {'':>8} {figures:>8.3f} {target:>8}")


def main() -> None:
    kinds = sys.argv[1:] or ["sqlite", "postgres"]
    print(f"{'database':<10} {'workload':<36} {'cold s':>8} {'median s':>8} {'target':>8}")
    for kind in kinds:
        engine = fresh_engine(kind, "results_20k")
        round_id, coordinator_id, jurors = make_contest(engine, entries=20_000, jurors=10, quorum=3)
        votes = add_votes(engine, round_id=round_id, jurors=jurors, quorum=3)
        assert votes == 60_000
        print(f"-- {kind}: 20,000 entries, 10 jurors, 60,000 rating votes (live tally)")
        targets = {"threshold table": "< 0.2", "full results table": "< 0.6"}
        for label, figures in service_figures(engine, round_id).items():
            row(kind, label, figures, targets.get(label, ""))
        for label, seconds in http_figures(engine, round_id, coordinator_id).items():
            row(kind, label, seconds)
        row(
            kind,
            "finalize (60,000 votes → 20,000 rows)",
            finalize(engine, round_id, coordinator_id),
        )
        print(f"-- {kind}: the same round, finalized (frozen results)")
        for label, figures in service_figures(engine, round_id).items():
            row(kind, label, figures, targets.get(label, ""))
        engine.dispose()

        engine = fresh_engine(kind, "results_150k")
        round_id, coordinator_id, jurors = make_contest(engine, entries=50_000, jurors=12, quorum=3)
        votes = add_votes(engine, round_id=round_id, jurors=jurors, quorum=3)
        assert votes == 150_000
        print(f"-- {kind}: 50,000 entries, 12 jurors, 150,000 rating votes (live tally)")
        figures = service_figures(engine, round_id)
        row(kind, "tally: full results table", figures["full results table"])
        row(kind, "tally: threshold table", figures["threshold table"])
        row(kind, "finalize (150,000 votes)", finalize(engine, round_id, coordinator_id))
        engine.dispose()


if __name__ == "__main__":
    main()
