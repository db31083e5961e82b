"""Engine and session factory for SQLite (embedded default) and PostgreSQL (scale-out)."""

import asyncio
import fcntl
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar
from weakref import WeakKeyDictionary, finalize

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import configure_mappers
from sqlmodel import Session, SQLModel
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUSY_TIMEOUT_MS = 30_000
# Each attempt to begin a write sleeps 1, 2, 5, then 2 ms (SQLite's steps) before retrying.
_BEGIN_POLL_MS = 10


def normalize_url(url: str) -> str:
    # psycopg 3 is the only PostgreSQL driver we ship.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, pool_size: int = 40) -> Engine:
    """The engine for a database URL. On PostgreSQL a server process keeps ``pool_size``
    connections (``LOUPE_DATABASE_POOL_SIZE``): by default as many as the requests that can
    use one at once, anyio's 40 worker threads. With 10, twenty jurors voting kept the pool
    opening and closing overflow connections, each a new server backend: about 900 of them
    for 6,000 votes, and a fifth less throughput (docs/performance.md)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, decide when transactions begin (see "begin" below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # With WAL, NORMAL syncs at checkpoints rather than at every commit: a commit survives
        # a crash of the application, not a power loss (decision 0001).
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        raw = conn.connection.dbapi_connection
        # Work on the event loop must never wait for a lock (run_db): without a busy timeout
        # SQLite answers SQLITE_BUSY at once instead.
        timeout = 0 if _on_loop.get() else BUSY_TIMEOUT_MS
        info = conn.connection.info
        if info.get("busy_timeout", BUSY_TIMEOUT_MS) != timeout:
            raw.execute(f"PRAGMA busy_timeout={timeout}")
            info["busy_timeout"] = timeout
        if _sqlite_begin.get() == "BEGIN":
            raw.execute("BEGIN")
        elif timeout == 0:
            raw.execute("BEGIN IMMEDIATE")
        else:
            _begin_immediate(raw)


def _begin_immediate(raw: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting for the write lock by polling it every few milliseconds.

    IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes
    fails at once with SQLITE_BUSY under concurrency instead of waiting its turn. SQLite's own
    busy handler waits in growing sleeps (1, 2, 5, 10 ... up to 100 ms), so a writer that has
    waited a while sleeps through many turns of the lock: short busy timeouts, retried, cap
    the sleep at 5 ms.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    raw.execute(f"PRAGMA busy_timeout={_BEGIN_POLL_MS}")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _busy(error) or time.monotonic() > deadline:
                    raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


# Whether the current database work runs on the event loop (run_db).
_on_loop: ContextVar[bool] = ContextVar("sqlite_on_loop", default=False)

T = TypeVar("T")


async def run_db(session: Session, work: Callable[[], T]) -> T:
    """Run a request's database work, one transaction that ``work`` ends itself.

    On SQLite it runs on the event loop: a thread-pool call costs two thread switches, a fifth
    of a vote's CPU (decision 0009), and SQLite answers from memory with nothing to wait for
    as long as no other process holds its write lock (this process's writers already take
    turns, WriteTurns). Writes first take the server processes' turn (``ProcessTurns``); if
    another process has it, or SQLite's lock turns out to be held by a process that takes no
    turns (no busy timeout on the loop: SQLite says so at once), the work is rolled back and
    runs again in the thread pool, where it waits. So ``work`` must do nothing but database
    work in ``session`` before its commit. On PostgreSQL every statement is a round trip to
    the server: it runs in the thread pool.
    """
    engine = session.get_bind()
    if not is_sqlite(engine):
        return await run_in_threadpool(work)
    turns = _process_turns(engine) if _sqlite_begin.get() != "BEGIN" else None
    if turns is not None and not turns.take_now():
        return await run_in_threadpool(turns.run, work)
    token = _on_loop.set(True)
    try:
        return work()
    except (OperationalError, sqlite3.OperationalError) as error:
        # Raised by the driver itself at BEGIN (our "begin" hook), wrapped by SQLAlchemy later.
        if not _busy(getattr(error, "orig", error)):
            raise
        session.rollback()
        session.expunge_all()
    finally:
        _on_loop.reset(token)
        if turns is not None:
            turns.release()
    if turns is None:
        return await run_in_threadpool(work)
    return await run_in_threadpool(turns.run, work)


class ProcessTurns:
    """Turns between processes writing to one SQLite database: an exclusive ``flock`` on a
    file beside it, held for the length of one transaction of ``run_db``.

    Without it a server process waiting for SQLite's write lock polls it, sleeping between
    attempts, while the other process's next writer takes the lock again as soon as it is
    free: the waiter gets in only through a gap, and its jurors wait many turns. A process
    waiting here sleeps in the kernel and is woken the moment the holder lets go. SQLite's
    own lock still decides who writes; processes and requests that take no turn (``loupe
    worker``, imports) meet it as before.
    """

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        finalize(self, os.close, self.fd)

    def take_now(self) -> bool:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    def run(self, work: Callable[[], T]) -> T:
        """``work`` in this thread once the turn is ours (a thread-pool call runs to its end
        even when the request is cancelled, so the turn is always given back)."""
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            return work()
        finally:
            self.release()


_turn_files: WeakKeyDictionary[Engine, ProcessTurns | None] = WeakKeyDictionary()


def _process_turns(engine: Engine) -> ProcessTurns | None:
    if engine not in _turn_files:
        database = engine.url.database
        on_disk = database and database != ":memory:" and not database.startswith("file:")
        _turn_files[engine] = ProcessTurns(f"{database}-turns") if on_disk else None
    return _turn_files[engine]


def _busy(error: BaseException | None) -> bool:
    code = getattr(error, "sqlite_errorcode", None) or 0
    return code & 0xFF == sqlite3.SQLITE_BUSY


# How SQLite transactions begin in the current context (a request, or the thread pool's copy
# of it): IMMEDIATE unless the request only reads (WriteTurns).
_sqlite_begin: ContextVar[str] = ContextVar("sqlite_begin", default="BEGIN IMMEDIATE")


class WriteTurns:
    """ASGI middleware for SQLite: API reads go beside writers, API writes take turns.

    GET and HEAD requests to the API and the health check begin their transactions deferred,
    so they read beside writers (WAL) instead of queueing for the write lock. Such routes must
    not write: a deferred transaction that has read cannot take the write lock once another
    writer has committed. (The only GET that writes, the login callback, is outside /api.)

    Every other API request holds the write lock from its first query (the session user)
    to its end, so SQLite runs them one at a time anyway; here they wait for their turn on
    the event loop, in arrival order, before they start. Waiting in the busy handler instead
    costs a pool thread each, and late comers overtake writers that have waited long enough
    to sleep in long steps.

    Nothing that depends on the client happens during a turn: the body is received before
    it, and the response is kept until after it, so a slow (or stalled) client holds up only
    itself. Bodies larger than ``MAX_TURN_BODY`` (imports) skip the queue and meet the busy
    handler, as other processes do.
    """

    MAX_TURN_BODY = 64 * 1024

    def __init__(self, app: ASGIApp, *, engine: Engine) -> None:
        self.app = app
        self.sqlite = is_sqlite(engine)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.sqlite or scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["method"] in ("GET", "HEAD") and _reads(scope["path"]):
            _sqlite_begin.set("BEGIN")
            await self.app(scope, receive, send)
        elif not scope["path"].startswith("/api/") or not self._small(scope):
            await self.app(scope, receive, send)
        else:
            received, whole = await self._receive_body(receive)
            replay = _replay(received, receive)
            if not whole:  # no Content-Length (HTTP/2), and larger than a turn takes
                await self.app(scope, replay, send)
                return
            kept: list[Message] = []

            async def keep(message: Message) -> None:
                kept.append(message)

            try:
                async with _turn():
                    await self.app(scope, replay, keep)
            finally:
                for message in kept:
                    await send(message)

    def _small(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"content-length":
                return value.isdigit() and int(value) <= self.MAX_TURN_BODY
            if name == b"transfer-encoding":
                return False
        return True

    async def _receive_body(self, receive: Receive) -> tuple[list[Message], bool]:
        """The request's messages up to the end of its body (or the client's disconnect), and
        whether that came within ``MAX_TURN_BODY`` bytes."""
        received: list[Message] = []
        size = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                return received, True
            size += len(message.get("body", b""))
            if size > self.MAX_TURN_BODY:
                return received, False


def _reads(path: str) -> bool:
    """Whether GET and HEAD requests to the path only read: the API's, and the health check
    (which, begun IMMEDIATE, would wait behind a long write up to the busy timeout, and the
    instance would look dead meanwhile)."""
    return path.startswith("/api/") or path == "/healthz"


def _replay(received: list[Message], receive: Receive) -> Receive:
    pending = deque(received)

    async def replay() -> Message:
        return pending.popleft() if pending else await receive()

    return replay


# One queue of writers per event loop (tests run several).
_turns: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()


def _turn() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    turn = _turns.get(loop)
    if turn is None:
        turn = _turns[loop] = asyncio.Lock()
    return turn


M = TypeVar("M", bound=SQLModel)


def loaded(model: type[M], values: dict[str, object]) -> M:
    """An instance of a table model with these column values, built as the ORM builds the rows
    it loads: SQLModel's ``__init__`` costs tens of microseconds, which shows on the vote path.
    The values are taken as they are (from a database row, so already of the right types)."""
    mapper = inspect(model)
    if not mapper.configured:  # the ORM configures mappers at its first query, not at import
        configure_mappers()
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(values)
    instance.__pydantic_fields_set__.update(values)
    return instance


def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
