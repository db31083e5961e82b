"""The eligibility and entries API from the outside."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from app.core.config import Settings
from app.models import AuditEvent, RoundEntry, utcnow
from tests.factories import make_campaign, make_entry, make_round, make_round_entry, make_user
from tests.helpers import login, logout


@pytest.fixture
def scene(session: Session):
    coordinator = make_user(session)
    juror = make_user(session)
    for user in (coordinator, juror):
        user.commons_checked_at = utcnow()
    campaign = make_campaign(session, coordinators=(coordinator,))
    round_ = make_round(session, campaign=campaign, jurors=(juror,))
    entries = [
        make_round_entry(
            session,
            round=round_,
            entry=make_entry(session, title=f"File:Photo {n}.jpg", uploader=f"Author {n % 2}"),
        )
        for n in range(5)
    ]
    early = make_round_entry(
        session,
        round=round_,
        entry=make_entry(
            session, title="File:Early.jpg", uploaded_at=datetime(2025, 1, 1, tzinfo=UTC)
        ),
    )
    other_coordinator = make_user(session)
    make_campaign(session, coordinators=(other_coordinator,))
    plain = make_user(session)
    session.commit()
    return {
        "round": round_,
        "coordinator": coordinator,
        "juror": juror,
        "other_coordinator": other_coordinator,
        "plain": plain,
        "entries": entries,
        "early": early,
    }


def test_preview_then_apply_then_list_disqualified_entries(
    client: TestClient, settings: Settings, session: Session, scene
):
    round_id = scene["round"].id
    csrf = login(client, settings, scene["coordinator"])
    preview = client.post(f"/api/rounds/{round_id}/eligibility/preview", headers=csrf)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["entries"], body["would_disqualify"]) == (6, 1)
    window = next(r for r in body["per_rule"] if r["code"] == "window")
    assert window["count"] == 1
    assert window["entries"][0]["title"] == "File:Early.jpg"
    assert window["entries"][0]["reason"].startswith("First uploaded 2025-01-01 00:00 UTC")

    stricter = client.post(
        f"/api/rounds/{round_id}/eligibility/preview",
        json={"min_megapixels": 50},
        headers=csrf,
    )
    assert stricter.json()["would_disqualify"] == 6
    assert client.get(f"/api/rounds/{round_id}/entries?status=disqualified").json()["total"] == 0

    applied = client.post(f"/api/rounds/{round_id}/eligibility/apply", headers=csrf)
    assert applied.status_code == 200, applied.text
    assert applied.json()["by_code"] == {"window": 1}
    listed = client.get(f"/api/rounds/{round_id}/entries?status=disqualified").json()
    assert listed["total"] == 1
    assert listed["items"][0]["dq_code"] == "window"
    assert listed["items"][0]["dq_by"] == scene["coordinator"].id

    stored = client.post(
        f"/api/rounds/{round_id}/eligibility/apply",
        json={"rules": {"window": False}},
        headers=csrf,
    )
    assert stored.json()["requalified"] == 1
    assert client.get(f"/api/rounds/{round_id}").json()["rules"]["window"] is False


def test_entries_list_filters_and_pages(client: TestClient, settings: Settings, scene):
    round_id = scene["round"].id
    login(client, settings, scene["coordinator"])
    first = client.get(f"/api/rounds/{round_id}/entries?limit=2").json()
    assert (first["total"], first["offset"], first["limit"]) == (6, 0, 2)
    assert [e["title"] for e in first["items"]] == ["File:Photo 0.jpg", "File:Photo 1.jpg"]
    second = client.get(f"/api/rounds/{round_id}/entries?limit=2&offset=2").json()
    assert [e["title"] for e in second["items"]] == ["File:Photo 2.jpg", "File:Photo 3.jpg"]
    by_author = client.get(f"/api/rounds/{round_id}/entries?uploader=Author_1").json()
    assert [e["title"] for e in by_author["items"]] == ["File:Photo 1.jpg", "File:Photo 3.jpg"]
    item = first["items"][0]
    assert {"id", "entry_id", "page_id", "source", "dq_code", "reuploaded", "deleted"} <= set(item)
    assert client.get(f"/api/rounds/{round_id}/entries?status=maybe").status_code == 422
    assert client.get(f"/api/rounds/{round_id}/entries?limit=501").status_code == 422


def test_manual_disqualify_and_requalify_need_a_reason_and_are_audited(
    client: TestClient, settings: Settings, session: Session, scene
):
    round_id = scene["round"].id
    entry_id = scene["entries"][0].id
    csrf = login(client, settings, scene["coordinator"])
    base = f"/api/rounds/{round_id}/entries/{entry_id}"
    assert client.post(f"{base}/disqualify", json={"reason": ""}, headers=csrf).status_code == 422
    assert client.post(f"{base}/requalify", json={"reason": "x"}, headers=csrf).status_code == 409

    out = client.post(f"{base}/disqualify", json={"reason": "Not a monument"}, headers=csrf)
    assert out.status_code == 200, out.text
    assert (out.json()["dq_code"], out.json()["dq_reason"]) == ("manual", "Not a monument")
    back = client.post(f"{base}/requalify", json={"reason": "It is one"}, headers=csrf)
    assert back.status_code == 200
    assert back.json()["dq_code"] is None

    missing = client.post(
        f"/api/rounds/{round_id}/entries/999999/disqualify", json={"reason": "x"}, headers=csrf
    )
    assert missing.status_code == 404
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == entry_id)
    ).all()
    assert actions == ["entry.disqualify", "entry.requalify"]
    assert session.get(RoundEntry, entry_id).dq_code is None


def test_eligibility_routes_refuse_everyone_but_the_campaigns_coordinators(
    client: TestClient, settings: Settings, session: Session, scene
):
    round_id = scene["round"].id
    entry_id = scene["entries"][0].id
    requests = [
        ("GET", f"/api/rounds/{round_id}/entries", None),
        ("POST", f"/api/rounds/{round_id}/eligibility/preview", None),
        ("POST", f"/api/rounds/{round_id}/eligibility/apply", None),
        ("POST", f"/api/rounds/{round_id}/entries/{entry_id}/disqualify", {"reason": "x"}),
        ("POST", f"/api/rounds/{round_id}/entries/{entry_id}/requalify", {"reason": "x"}),
    ]
    for method, path, body in requests:
        assert client.request(method, path, json=body).status_code == 401, path
    for who in ("juror", "other_coordinator", "plain"):
        csrf = login(client, settings, scene[who])
        for method, path, body in requests:
            response = client.request(method, path, json=body, headers=csrf)
            assert response.status_code == 403, (who, path, response.text)
        logout(client)
    session.expire_all()
    assert all(session.get(RoundEntry, e.id).dq_code is None for e in scene["entries"])
