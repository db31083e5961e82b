from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_campaign, make_user
from tests.helpers import login, logout

NEW = {
    "slug": "wlm-2026-gh",
    "name": "Wiki Loves Monuments 2026 in Ghana",
    "opens_at": "2026-09-01T00:00:00Z",
    "closes_at": "2026-10-01T00:00:00Z",
}


def test_an_organizer_creates_a_campaign_and_coordinates_it(client, settings, session):
    organizer = make_user(session, username="Org", organizer=True)
    session.commit()
    csrf = login(client, settings, organizer)
    response = client.post("/api/campaigns", json=NEW, headers=csrf)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "draft"
    assert body["coordinators"] == [{"id": organizer.id, "username": "Org"}]
    assert client.get("/api/campaigns").json()[0]["slug"] == "wlm-2026-gh"

    again = client.post("/api/campaigns", json=NEW, headers=csrf)
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"


def test_campaign_input_is_validated_with_clear_messages(client, settings, session):
    organizer = make_user(session, organizer=True)
    session.commit()
    csrf = login(client, settings, organizer)
    backwards = {**NEW, "closes_at": "2026-08-01T00:00:00Z"}
    response = client.post("/api/campaigns", json=backwards, headers=csrf)
    assert response.status_code == 422
    assert "closes_at must be after opens_at" in response.json()["detail"]
    bad_slug = client.post("/api/campaigns", json={**NEW, "slug": "Not A Slug"}, headers=csrf)
    assert bad_slug.status_code == 422
    assert "slug" in bad_slug.json()["detail"]


def test_only_organizers_create_campaigns(client: TestClient, settings, session: Session):
    plain = make_user(session)
    session.commit()
    assert client.post("/api/campaigns", json=NEW).status_code == 401
    csrf = login(client, settings, plain)
    response = client.post("/api/campaigns", json=NEW, headers=csrf)
    assert response.status_code == 403


def test_coordinators_of_another_campaign_and_plain_users_are_refused(client, settings, session):
    mine = make_user(session)
    other = make_user(session)
    campaign = make_campaign(session, coordinators=(mine,))
    make_campaign(session, coordinators=(other,))
    plain = make_user(session)
    session.commit()
    paths = [
        ("GET", f"/api/campaigns/{campaign.id}"),
        ("PATCH", f"/api/campaigns/{campaign.id}"),
        ("GET", f"/api/campaigns/{campaign.id}/audit"),
        ("PUT", f"/api/campaigns/{campaign.id}/coordinators/{plain.id}"),
        ("GET", f"/api/campaigns/{campaign.id}/rounds"),
        ("POST", f"/api/campaigns/{campaign.id}/rounds"),
    ]
    for user in (other, plain):
        csrf = login(client, settings, user)
        for method, path in paths:
            response = client.request(method, path, json={"name": "x"}, headers=csrf)
            assert response.status_code == 403, (user.username, method, path, response.text)
        logout(client)
    missing = login(client, settings, mine)
    assert client.get("/api/campaigns/999999", headers=missing).status_code == 404


def test_coordinators_edit_name_others_and_read_the_audit_log(client, settings, session):
    mine = make_user(session, username="Mine")
    helper = make_user(session, username="Helper")
    campaign = make_campaign(session, coordinators=(mine,))
    session.commit()
    csrf = login(client, settings, mine)
    patched = client.patch(f"/api/campaigns/{campaign.id}", json={"name": "Renamed"}, headers=csrf)
    assert patched.json()["name"] == "Renamed"
    added = client.put(f"/api/campaigns/{campaign.id}/coordinators/{helper.id}", headers=csrf)
    assert added.status_code == 200
    log = client.get(f"/api/campaigns/{campaign.id}/audit").json()
    assert [e["action"] for e in log["events"]] == [
        "campaign.coordinator_add",
        "campaign.update",
    ]
    assert log["events"][1]["details"]["after"] == {"name": "Renamed"}
    assert log["events"][0]["actor"]["username"] == "Mine"

    client.delete(f"/api/campaigns/{campaign.id}/coordinators/{helper.id}", headers=csrf)
    last = client.delete(f"/api/campaigns/{campaign.id}/coordinators/{mine.id}", headers=csrf)
    assert last.status_code == 409
    assert "at least one coordinator" in last.json()["detail"]
