"""Cancelling a job: who may, and the audit event it leaves in the campaign's log."""

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from app.core.errors import Conflict
from app.jobs import service
from app.models import AuditEvent, Job, JobStatus
from tests.factories import make_campaign, make_user
from tests.helpers import login, logout


def audit_events(db: Engine) -> list[AuditEvent]:
    with Session(db) as session:
        return list(session.exec(select(AuditEvent)))


def status(db: Engine, job_id: int) -> str:
    with Session(db) as session:
        return session.get(Job, job_id).status


def test_a_coordinator_cancels_a_job_and_it_shows_in_the_campaigns_log(
    client, settings, session, db
):
    coordinator = make_user(session, username="Coordinator")
    campaign = make_campaign(session, coordinators=(coordinator,))
    job = service.enqueue(session, kind="import", payload={}, campaign_id=campaign.id)
    session.commit()
    csrf = login(client, settings, coordinator)

    response = client.post(f"/api/jobs/{job.id}/cancel", headers=csrf)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    [event] = audit_events(db)
    assert (event.action, event.actor_id, event.campaign_id) == (
        "job.cancel",
        coordinator.id,
        campaign.id,
    )
    assert (event.object_type, event.object_id, event.details) == (
        "job",
        job.id,
        {"kind": "import"},
    )
    [shown] = client.get(f"/api/campaigns/{campaign.id}/audit").json()["events"]
    assert (shown["action"], shown["actor"]["username"]) == ("job.cancel", "Coordinator")

    # A job that has ended cannot be cancelled, and nothing more is logged.
    assert client.post(f"/api/jobs/{job.id}/cancel", headers=csrf).status_code == 409
    assert len(audit_events(db)) == 1


def test_a_refused_cancel_records_nothing(client, settings, session, db):
    campaign = make_campaign(session, coordinators=(make_user(session),))
    other_coordinator = make_user(session)
    make_campaign(session, coordinators=(other_coordinator,))
    plain = make_user(session)
    job = service.enqueue(session, kind="import", payload={}, campaign_id=campaign.id)
    session.commit()

    assert client.post(f"/api/jobs/{job.id}/cancel").status_code == 401
    for user in (other_coordinator, plain):
        csrf = login(client, settings, user)
        assert client.post(f"/api/jobs/{job.id}/cancel", headers=csrf).status_code == 403
        logout(client)
    assert status(db, job.id) == JobStatus.queued
    assert audit_events(db) == []


def test_a_job_that_finished_since_it_was_read_keeps_its_outcome(db: Engine):
    with Session(db, expire_on_commit=False) as session:
        job = service.enqueue(session, kind="import", payload={})
        session.commit()
        # The worker finishes it between the request's read and its cancel.
        with Session(db) as worker:
            worker.execute(update(Job).values(status=JobStatus.succeeded))
            worker.commit()
        with pytest.raises(Conflict, match="already succeeded"):
            service.cancel(session, job=job, actor=None)
    assert status(db, job.id) == JobStatus.succeeded
    assert audit_events(db) == []
