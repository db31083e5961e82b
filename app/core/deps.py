"""Dependencies shared by every domain's routes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from anyio import CancelScope
from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; the route commits, anything uncommitted is rolled back."""
    async with request_session(request) as session:
        yield session


@asynccontextmanager
async def request_session(request: Request) -> AsyncIterator[Session]:
    """The request's session, for ``get_session`` and for the busiest routes, which open it
    themselves: as a dependency it costs FastAPI an exit stack per request (decision 0009).

    Async on purpose: a sync dependency with ``yield`` costs two thread-pool hops, and neither
    end needs one. Opening a session does no I/O (it takes a connection at its first
    statement), nor does closing one whose work was committed; only a rollback goes to the
    thread pool, shielded: a cancelled request (the client went away) must still end its
    transaction, or its connection, and on SQLite the write lock, stay taken until the
    garbage collector finds the session."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            with CancelScope(shield=True):
                await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
