"""PostgreSQL goes away while jurors vote: clean 503s, then success once it is back.

Runs against a private cluster (see conftest) that is really stopped and started, with a
real `loupe serve` process in front of it; only in the PostgreSQL pass.
"""

import random
import threading
import time

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import Session

from app.auth.sessions import COOKIE, CSRF_HEADER, SessionCodec
from app.core import migrate
from app.core.db import make_engine
from app.models import Task, TaskStatus, Vote
from tests.conftest import TEST_DB
from tests.faults.conftest import SECRET, PrivatePostgres, start_server, stop
from tests.voting.scene import make_scene

pytestmark = pytest.mark.skipif(TEST_DB != "postgres", reason="PostgreSQL pass only")


def juror_client(base: str, user_id: int) -> httpx.Client:
    cookie, data = SessionCodec(secret=SECRET, max_age=3600).issue(user_id=user_id)
    return httpx.Client(
        base_url=base, cookies={COOKIE: cookie}, headers={CSRF_HEADER: data.csrf}, timeout=10
    )


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "unavailable"
    assert "try again" in response.json()["detail"]
    assert int(response.headers["retry-after"]) >= 1


def test_votes_fail_cleanly_while_the_database_is_down_and_succeed_after(
    private_postgres: PrivatePostgres,
):
    migrate.upgrade(private_postgres.url)
    engine = make_engine(private_postgres.url, pool_size=2)
    with Session(engine, expire_on_commit=False) as session:
        scene = make_scene(session, entries=40, jurors=1)
        session.commit()
    round_id, juror_id = scene.round.id, scene.juror.id
    entries = [e.id for e in scene.entries]
    server, base = start_server(private_postgres.url)
    try:
        with juror_client(base, juror_id) as client:
            vote = f"/api/rounds/{round_id}/votes/{{}}"
            assert client.put(vote.format(entries[0]), json={"value": 4}).status_code == 200

            private_postgres.stop()
            assert_unavailable(client.put(vote.format(entries[1]), json={"value": 2}))
            assert_unavailable(client.get(f"/api/rounds/{round_id}/tasks?limit=10"))
            assert client.get("/healthz").status_code == 503

            private_postgres.start()
            # The pool's dead connections are replaced: the very first retry succeeds.
            retried = client.put(vote.format(entries[1]), json={"value": 2})
            assert retried.status_code == 200, retried.text

            last = keep_voting_through_a_crash(client, vote, entries[2:], private_postgres)
    finally:
        stop(server)

    with Session(engine) as session:
        votes = dict(session.execute(select(Vote.round_entry_id, Vote.value)).all())
        tasks = session.execute(select(Task.round_entry_id, Task.status)).all()
    engine.dispose()
    assert votes == {entries[0]: 4, entries[1]: 2, **last}
    # No half-written vote: a task is done exactly when its vote is stored.
    assert {e for e, s in tasks if s == TaskStatus.done} == set(votes)


def keep_voting_through_a_crash(
    client: httpx.Client, vote: str, entries: list[int], cluster: PrivatePostgres
) -> dict[int, int]:
    """Votes round and round (each refused vote retried until acknowledged) while the
    database crashes and comes back; returns the last acknowledged value per entry."""
    last: dict[int, int] = {}
    statuses: list[int] = []
    done = threading.Event()
    rng = random.Random(7)

    def voter() -> None:
        deadline = time.monotonic() + 30
        while not done.is_set() and time.monotonic() < deadline:
            for entry in entries:
                value = rng.randint(1, 5)
                while time.monotonic() < deadline:
                    response = client.put(vote.format(entry), json={"value": value})
                    statuses.append(response.status_code)
                    if response.status_code == 200:
                        last[entry] = value
                        break
                    assert_unavailable(response)
                    time.sleep(0.05)

    thread = threading.Thread(target=voter)
    thread.start()
    try:
        time.sleep(0.3)
        cluster.stop("immediate")  # a crash: backends die mid-transaction
        time.sleep(0.3)
        cluster.start()
        time.sleep(0.5)
    finally:
        done.set()
        thread.join(40)
    assert not thread.is_alive()
    assert 503 in statuses and statuses[-1] == 200
    assert set(statuses) == {200, 503}
    return last
