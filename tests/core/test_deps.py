"""The request's session (``app.core.deps.get_session``)."""

import asyncio
from types import SimpleNamespace

from anyio import CancelScope
from sqlalchemy import Engine, text

from app.core.deps import get_session


def test_a_cancelled_request_still_ends_its_transaction(db: Engine) -> None:
    """A request cancelled with its transaction open (the client went away) rolls it back and
    gives its connection back: on SQLite it holds the write lock, which would stop every
    writer of the instance until the garbage collector found the session."""
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(engine=db)))

    async def main() -> None:
        sessions = get_session(request)  # type: ignore[arg-type]
        session = await anext(sessions)
        session.connection().execute(text("SELECT 1"))
        assert session.in_transaction()
        with CancelScope() as scope:
            scope.cancel()
            await sessions.aclose()
        assert not session.in_transaction()

    checked_out = db.pool.checkedout()  # type: ignore[attr-defined]
    asyncio.run(main())
    assert db.pool.checkedout() == checked_out  # type: ignore[attr-defined]
