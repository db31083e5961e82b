"""``Prepared`` statements (decision 0009) give what SQLAlchemy's execution gives: the same
typed values, row counts, wrapped errors, and every statement seen by listeners."""

from datetime import UTC

import pytest
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.core.prepared import Prepared
from app.models import User
from tests.factories import make_user
from tests.voting.scene import statements

_USERS = User.__table__  # type: ignore[attr-defined]
BY_ID = Prepared(
    select(_USERS.c.id, _USERS.c.is_admin, _USERS.c.created_at.label("joined")).where(
        _USERS.c.id == bindparam("user_id")
    )
)
PROMOTE = Prepared(
    update(_USERS)
    .where(_USERS.c.id == bindparam("b_id"))
    .values(is_admin=bindparam("b_admin", True))  # a default the caller may leave out
)
RENAME_WIKI_ID = Prepared(
    update(_USERS).where(_USERS.c.id == bindparam("b_id")).values(wiki_id=bindparam("b_wiki"))
)


def test_rows_carry_the_orm_s_values(session: Session):
    user = make_user(session, admin=True)
    session.commit()
    row = BY_ID.execute(session.connection(), {"user_id": user.id}).first()
    assert (row.id, row.is_admin, row.joined) == (user.id, True, user.created_at)
    assert row.joined.tzinfo == UTC and row.is_admin is True
    assert BY_ID.execute(session.connection(), {"user_id": -1}).first() is None


def test_updates_count_their_rows_and_take_default_parameters(session: Session):
    user = make_user(session)
    session.commit()
    assert PROMOTE.execute(session.connection(), {"b_id": user.id}).rowcount == 1
    assert PROMOTE.execute(session.connection(), {"b_id": -1}).rowcount == 0
    session.commit()
    session.expire_all()
    assert session.get(User, user.id).is_admin


def test_driver_errors_come_wrapped_as_sqlalchemy_s(session: Session):
    first, second = make_user(session), make_user(session)
    session.commit()
    with pytest.raises(IntegrityError):
        RENAME_WIKI_ID.execute(session.connection(), {"b_id": second.id, "b_wiki": first.wiki_id})
    session.rollback()


def test_listeners_see_every_statement(session: Session):
    user = make_user(session)
    session.commit()
    with statements(session) as seen:
        BY_ID.execute(session.connection(), {"user_id": user.id})
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("SELECT")
