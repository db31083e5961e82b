"""``run_db`` (decision 0009): on SQLite the busiest routes' work runs on the event loop,
taking the server processes' turn, and waits in the thread pool only when it must."""

import asyncio
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.core.db import ProcessTurns, _sqlite_begin, make_engine, run_db


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'run.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE marks (n INTEGER)"))
    yield engine
    engine.dispose()


def write(session: Session, n: int) -> str:
    session.connection().execute(text("INSERT INTO marks VALUES (:n)"), {"n": n})
    session.commit()
    return threading.current_thread().name


def marks(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [n for (n,) in connection.execute(text("SELECT n FROM marks ORDER BY n"))]


def run(engine: Engine, n: int) -> str:
    async def main() -> str:
        with Session(engine) as session:
            return await run_db(session, lambda: write(session, n))

    return asyncio.run(main())


def test_with_nothing_in_the_way_the_work_runs_on_the_event_loop(engine: Engine):
    assert run(engine, 1) == threading.current_thread().name
    assert marks(engine) == [1]


def test_when_another_process_has_the_turn_the_work_waits_for_it_in_the_thread_pool(
    engine: Engine,
):
    other = os.open(
        f"{engine.url.database}-turns", os.O_RDWR | os.O_CREAT
    )  # another process's descriptor
    fcntl.flock(other, fcntl.LOCK_EX)
    done: list[str] = []
    writer = threading.Thread(target=lambda: done.append(run(engine, 2)), name="request")
    writer.start()
    writer.join(0.3)
    assert writer.is_alive() and marks(engine) == []  # waiting for the turn
    fcntl.flock(other, fcntl.LOCK_UN)
    os.close(other)
    writer.join(10)
    assert done and done[0] != "request"  # it waited in a pool thread, not on the loop
    assert marks(engine) == [2]


def test_when_a_process_without_turns_holds_sqlite_s_lock_the_work_is_redone_after_it(
    engine: Engine,
):
    """``loupe worker`` or an import holds the write lock without taking a turn: the attempt on
    the loop is refused at once, rolled back, and run again in the thread pool, once."""
    holder = engine.raw_connection()
    holder.execute("BEGIN IMMEDIATE")
    done: list[str] = []
    writer = threading.Thread(target=lambda: done.append(run(engine, 3)), name="request")
    writer.start()
    writer.join(0.3)
    assert writer.is_alive()
    holder.rollback()
    holder.close()
    writer.join(10)
    assert done and done[0] != "request"
    assert marks(engine) == [3]  # stored once


def test_reads_take_no_turn(engine: Engine):
    other = os.open(f"{engine.url.database}-turns", os.O_RDWR | os.O_CREAT)
    fcntl.flock(other, fcntl.LOCK_EX)
    try:

        async def main() -> list[int]:
            _sqlite_begin.set("BEGIN")  # as WriteTurns marks API reads
            with Session(engine) as session:
                return await asyncio.wait_for(run_db(session, lambda: marks(engine)), 5)

        assert asyncio.run(main()) == []
    finally:
        os.close(other)


def test_a_turn_is_given_back_when_the_work_fails(engine: Engine, tmp_path: Path):
    turns = ProcessTurns(str(tmp_path / "t-turns"))

    def fail() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        turns.run(fail)
    assert turns.take_now()
    turns.release()
