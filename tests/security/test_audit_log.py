"""The audit log is append-only in the database itself (migration 0003), on both databases."""

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from app.audit.service import record
from app.main import create_app
from app.models import AuditEvent
from tests.conftest import empty_tables
from tests.factories import make_campaign, make_user


@pytest.fixture
def event(session: Session) -> AuditEvent:
    actor = make_user(session)
    campaign = make_campaign(session)
    event = record(
        session,
        actor_id=actor.id,
        action="campaign.create",
        object_type="campaign",
        object_id=campaign.id,
        campaign_id=campaign.id,
        details={"name": campaign.name},
    )
    session.commit()
    return event


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'campaign.nothing' WHERE id = :id",
        "UPDATE audit_events SET actor_id = NULL WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
        "DELETE FROM audit_events",
    ],
)
def test_updates_and_deletes_are_refused_by_the_database(db: Engine, event, statement):
    with pytest.raises(DBAPIError, match="append-only"), db.begin() as connection:
        connection.execute(text(statement), {"id": event.id})
    with db.connect() as connection:
        row = connection.execute(text("SELECT action, actor_id FROM audit_events")).one()
    assert row == ("campaign.create", event.actor_id)


def test_the_orm_cannot_change_or_remove_an_event_either(session: Session, event):
    event.details = {"name": "rewritten"}
    session.add(event)
    with pytest.raises(DBAPIError, match="append-only"):
        session.commit()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(DBAPIError, match="append-only"):
        session.commit()
    session.rollback()
    assert session.exec(select(AuditEvent.details)).one() == {"name": event.details["name"]}


def test_a_user_in_the_log_cannot_be_deleted_out_of_it(db: Engine, event):
    # ON DELETE SET NULL would rewrite the event's actor: the trigger refuses that too.
    with pytest.raises(DBAPIError, match="append-only"), db.begin() as connection:
        connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": event.actor_id})


def test_truncate_is_refused_on_postgresql(db: Engine, event):
    if db.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="append-only"), db.begin() as connection:
        connection.execute(text("TRUNCATE audit_events"))


def test_new_events_are_still_added(session: Session, event):
    record(session, actor_id=None, action="admin.grant", object_type="user", object_id=None)
    session.commit()
    assert len(session.exec(select(AuditEvent)).all()) == 2


def test_the_test_cleanup_leaves_the_triggers_in_place(db: Engine, event):
    empty_tables(db)
    with db.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0
    with Session(db) as session:
        record(session, actor_id=None, action="x.y", object_type="user", object_id=None)
        session.commit()
    with pytest.raises(DBAPIError, match="append-only"), db.begin() as connection:
        connection.execute(text("DELETE FROM audit_events"))


def test_no_api_route_writes_to_the_audit_log_except_by_adding(settings, db: Engine):
    """The only way the app touches the log is ``record``; no route is about changing it."""
    app = create_app(settings, engine=db, run_jobs=False)
    audit_routes = [
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and "audit" in route.path
        for method in route.methods
    ]
    assert all(method in {"GET", "HEAD"} for method, _path in audit_routes), audit_routes
