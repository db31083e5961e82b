"""Every coordinator write to a round, or to a campaign's coordinators, leaves exactly one audit
event with who did what and the details; the factories record none, so it is the only one."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.models import AuditEvent, Campaign, Round, User, utcnow
from tests.factories import make_campaign, make_round, make_round_entry, make_user
from tests.helpers import login, logout


def only_event(db: Engine) -> tuple:
    """The one audit event: (action, actor, campaign, object type, object id, details)."""
    with Session(db) as session:
        [event] = session.exec(select(AuditEvent)).all()
    return (
        event.action,
        event.actor_id,
        event.campaign_id,
        event.object_type,
        event.object_id,
        event.details,
    )


def on_round(action: str, actor: User, round_: Round, **details) -> tuple:
    return (action, actor.id, round_.campaign_id, "round", round_.id, details)


@pytest.fixture
def coordinator(session: Session) -> User:
    return make_user(session)


@pytest.fixture
def csrf(client, settings, coordinator) -> dict[str, str]:
    return login(client, settings, coordinator)


@pytest.fixture
def campaign(session: Session, coordinator: User) -> Campaign:
    return make_campaign(session, coordinators=(coordinator,))


def juror(session: Session, username: str = "Juror") -> User:
    # Already checked against Commons, so no request needs a Commons lookup.
    user = make_user(session, username=username)
    user.commons_checked_at = utcnow()
    return user


def test_creating_a_round(client, session, db, coordinator, csrf, campaign):
    session.commit()
    response = client.post(
        f"/api/campaigns/{campaign.id}/rounds", json={"name": "R1"}, headers=csrf
    )
    assert response.status_code == 201, response.text
    assert only_event(db) == (
        "round.create",
        coordinator.id,
        campaign.id,
        "round",
        response.json()["id"],
        {"name": "R1", "vote_method": "yes_no"},
    )


def test_updating_a_round_logs_the_changes_and_the_quorum_from_and_to(
    client, session, db, coordinator, csrf, campaign
):
    round_ = make_round(session, campaign=campaign, quorum=1)
    session.commit()
    changes = {"name": "Finals", "quorum": 3, "deadline": "2026-11-30T23:59:59Z"}
    response = client.patch(f"/api/rounds/{round_.id}", json=changes, headers=csrf)
    assert response.status_code == 200, response.text
    logged = {
        "name": "Finals",
        "quorum": {"from": 1, "to": 3},
        "deadline": "2026-11-30T23:59:59+00:00",
    }
    assert only_event(db) == on_round("round.update", coordinator, round_, changes=logged)


def test_activating_a_round(client, session, db, coordinator, csrf, campaign):
    round_ = make_round(session, campaign=campaign, jurors=(juror(session), juror(session, "B")))
    make_round_entry(session, round=round_)
    session.commit()
    response = client.post(f"/api/rounds/{round_.id}/activate", headers=csrf)
    assert response.status_code == 200, response.text
    assert only_event(db) == on_round(
        "round.activate", coordinator, round_, tasks=1, entries=1, jurors=2
    )


def test_pausing_a_round(client, session, db, coordinator, csrf, campaign):
    round_ = make_round(session, campaign=campaign, status="active")
    session.commit()
    assert client.post(f"/api/rounds/{round_.id}/pause", headers=csrf).status_code == 200
    assert only_event(db) == on_round("round.pause", coordinator, round_)


def test_resuming_a_round(client, session, db, coordinator, csrf, campaign):
    round_ = make_round(session, campaign=campaign, status="paused")
    session.commit()
    assert client.post(f"/api/rounds/{round_.id}/activate", headers=csrf).status_code == 200
    assert only_event(db) == on_round("round.resume", coordinator, round_)


def test_cancelling_a_round(client, session, db, coordinator, csrf, campaign):
    round_ = make_round(session, campaign=campaign, status="active")
    session.commit()
    assert client.post(f"/api/rounds/{round_.id}/cancel", headers=csrf).status_code == 200
    assert only_event(db) == on_round("round.cancel", coordinator, round_)


def test_adding_a_juror(client, session, db, coordinator, csrf, campaign):
    round_ = make_round(session, campaign=campaign)
    added = juror(session)
    session.commit()
    path = f"/api/rounds/{round_.id}/jurors/{added.id}"
    assert client.put(path, headers=csrf).status_code == 200
    # Adding a juror who is already on the jury changes nothing, so logs nothing.
    assert client.put(path, headers=csrf).status_code == 200
    assert only_event(db) == on_round(
        "round.juror_add", coordinator, round_, user_id=added.id, username="Juror"
    )


def test_removing_a_juror(client, session, db, coordinator, csrf, campaign):
    removed = juror(session)
    round_ = make_round(session, campaign=campaign, jurors=(removed,))
    session.commit()
    response = client.delete(f"/api/rounds/{round_.id}/jurors/{removed.id}", headers=csrf)
    assert response.status_code == 204, response.text
    assert only_event(db) == on_round("round.juror_remove", coordinator, round_, user_id=removed.id)


def test_replacing_a_juror(client, session, db, coordinator, csrf, campaign):
    leaving = juror(session)
    newcomer = juror(session, "Newcomer")
    round_ = make_round(session, campaign=campaign, jurors=(leaving,))
    session.commit()
    path = f"/api/rounds/{round_.id}/jurors/{leaving.id}/replace"
    response = client.post(path, json={"user_id": newcomer.id}, headers=csrf)
    assert response.status_code == 200, response.text
    assert response.json() == {"id": newcomer.id, "username": "Newcomer"}
    assert only_event(db) == on_round(
        "round.juror_replace",
        coordinator,
        round_,
        user_id=leaving.id,
        new_user_id=newcomer.id,
        username="Newcomer",
    )


def test_removing_a_coordinator(client, session, db, coordinator, csrf):
    helper = make_user(session)
    campaign = make_campaign(session, coordinators=(coordinator, helper))
    session.commit()
    path = f"/api/campaigns/{campaign.id}/coordinators/{helper.id}"
    assert client.delete(path, headers=csrf).status_code == 204
    assert only_event(db) == (
        "campaign.coordinator_remove",
        coordinator.id,
        campaign.id,
        "campaign",
        campaign.id,
        {"user_id": helper.id},
    )


def test_refused_and_failed_writes_record_nothing(client, settings, session, db, csrf, campaign):
    round_ = make_round(session, campaign=campaign)
    outsider = make_user(session)
    make_campaign(session, coordinators=(outsider,))
    session.commit()
    path = f"/api/rounds/{round_.id}"
    assert client.post(f"{path}/pause", headers=csrf).status_code == 409, "a draft cannot pause"
    logout(client)
    assert client.patch(path, json={"name": "Mine"}).status_code == 401
    outsider_csrf = login(client, settings, outsider)
    assert client.patch(path, json={"name": "Mine"}, headers=outsider_csrf).status_code == 403
    with Session(db) as fresh:
        assert fresh.exec(select(AuditEvent)).all() == []
