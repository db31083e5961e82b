"""SQLite's write turns (``app.core.db.WriteTurns``): a client's pace never holds up others."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.db import WriteTurns, _turn, is_sqlite, make_engine

BODY = b'{"value": 1}'
TAIL = b" " * 256 * 1024


async def echo(scope, receive, send):  # type: ignore[no-untyped-def]
    """An API route: the whole body in, and back with a tail (a response the size of a ranking
    ballot's, more than a socket's buffer takes)."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body + TAIL})


def post(length: int = len(BODY)) -> dict:
    return {
        "type": "http",
        "method": "POST",
        "path": "/api/rounds/1/votes/1",
        "headers": [(b"content-length", str(length).encode())],
    }


def client(*, body: asyncio.Event | None = None, read: asyncio.Event | None = None):
    """A client's receive and send, stalled until ``body`` (sending its body) or ``read``
    (reading the response) is set; and what it received."""
    got: list[dict] = []

    async def receive() -> dict:
        if body is not None:
            await body.wait()
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: dict) -> None:
        if read is not None and message["type"] == "http.response.body":
            await read.wait()
        got.append(message)

    return receive, send, got


@pytest.fixture
def turns(tmp_path: Path) -> Iterator[WriteTurns]:
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    yield WriteTurns(echo, engine=engine)
    engine.dispose()


@pytest.mark.parametrize("stall", ["body", "read"])
def test_a_stalled_client_holds_up_no_other_writer(turns: WriteTurns, stall: str) -> None:
    async def main() -> None:
        stalled = asyncio.Event()
        receive, send, slow_got = client(**{stall: stalled})
        slow = asyncio.create_task(turns(post(), receive, send))
        await asyncio.sleep(0.05)
        receive, send, got = client()
        await asyncio.wait_for(turns(post(), receive, send), timeout=2)
        assert got[1]["body"] == BODY + TAIL
        stalled.set()
        await slow
        assert [m["type"] for m in slow_got] == ["http.response.start", "http.response.body"]
        assert slow_got[1]["body"] == BODY + TAIL

    asyncio.run(main())


def test_a_body_longer_than_a_turn_allows_skips_the_queue(turns: WriteTurns) -> None:
    """Without a Content-Length (HTTP/2), a body is received up to the turn's limit only."""

    async def main() -> None:
        chunk = b"x" * 1024
        chunks = WriteTurns.MAX_TURN_BODY // len(chunk) + 4
        sent = 0

        async def receive() -> dict:
            nonlocal sent
            sent += 1
            return {"type": "http.request", "body": chunk, "more_body": sent < chunks}

        got: list[dict] = []

        async def send(message: dict) -> None:
            got.append(message)

        scope = {**post(), "headers": []}
        async with _turn():  # a writer's turn, meanwhile
            await asyncio.wait_for(turns(scope, receive, send), timeout=2)
        assert got[1]["body"] == chunk * chunks + TAIL

    asyncio.run(main())


def test_the_health_check_answers_while_a_long_write_holds_the_lock(db, client) -> None:
    if not is_sqlite(db):
        pytest.skip("SQLite's write lock")
    writer = db.raw_connection()
    try:
        writer.execute("BEGIN IMMEDIATE")  # an import, say, or another process
        started = time.monotonic()
        response = client.get("/healthz")
        assert time.monotonic() - started < 5  # not the busy timeout (30 s)
        assert response.status_code == 200
    finally:
        writer.rollback()
        writer.close()
