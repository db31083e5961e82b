from sqlmodel import select

from app.models import Round, Task, utcnow
from tests.factories import make_campaign, make_round, make_round_entry, make_user
from tests.helpers import login, logout


def checked(user):
    user.commons_checked_at = utcnow()
    return user


def test_a_coordinator_creates_configures_and_activates_a_round(client, settings, session):
    coordinator = make_user(session)
    jurors = [checked(make_user(session)) for _ in range(3)]
    campaign = make_campaign(session, coordinators=(coordinator,))
    session.commit()
    csrf = login(client, settings, coordinator)
    created = client.post(
        f"/api/campaigns/{campaign.id}/rounds",
        json={
            "name": "Round 1",
            "vote_method": "rating",
            "quorum": 2,
            "deadline": "2026-11-30T23:59:59Z",
            "juror_ids": [j.id for j in jurors],
        },
        headers=csrf,
    )
    assert created.status_code == 201, created.text
    round_ = created.json()
    assert round_["status"] == "draft"
    assert round_["display"]["show_uploader"] is False
    assert round_["counts"]["jurors"] == 3

    for _ in range(10):
        make_round_entry(session, round=session.get(Round, round_["id"]))
    session.commit()

    activated = client.post(f"/api/rounds/{round_['id']}/activate", headers=csrf)
    assert activated.status_code == 200, activated.text
    assert activated.json()["status"] == "active"
    assert activated.json()["counts"]["tasks_open"] == 20

    again = client.post(f"/api/rounds/{round_['id']}/activate", headers=csrf)
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"

    progress = client.get(f"/api/rounds/{round_['id']}/jurors").json()
    assert sorted(p["total"] for p in progress) == [6, 7, 7]
    paused = client.post(f"/api/rounds/{round_['id']}/pause", headers=csrf)
    assert paused.json()["status"] == "paused"


def test_round_routes_refuse_everyone_but_the_campaigns_coordinators(client, settings, session):
    coordinator = make_user(session)
    juror = checked(make_user(session))
    other_coordinator = make_user(session)
    plain = make_user(session)
    campaign = make_campaign(session, coordinators=(coordinator,))
    make_campaign(session, coordinators=(other_coordinator,))
    round_ = make_round(session, campaign=campaign, jurors=(juror,))
    make_round_entry(session, round=round_)
    session.commit()
    paths = [
        ("GET", f"/api/rounds/{round_.id}"),
        ("PATCH", f"/api/rounds/{round_.id}"),
        ("POST", f"/api/rounds/{round_.id}/activate"),
        ("POST", f"/api/rounds/{round_.id}/pause"),
        ("POST", f"/api/rounds/{round_.id}/cancel"),
        ("GET", f"/api/rounds/{round_.id}/jurors"),
        ("PUT", f"/api/rounds/{round_.id}/jurors/{plain.id}"),
        ("DELETE", f"/api/rounds/{round_.id}/jurors/{juror.id}"),
        ("POST", f"/api/rounds/{round_.id}/jurors/{juror.id}/replace"),
    ]
    for method, path in paths:
        assert client.request(method, path, json={}).status_code == 401, path
    for user in (juror, other_coordinator, plain):
        csrf = login(client, settings, user)
        for method, path in paths:
            response = client.request(method, path, json={}, headers=csrf)
            assert response.status_code == 403, (method, path, response.text)
        logout(client)
    assert session.exec(select(Task)).all() == []


def test_state_changes_need_the_csrf_token(client, settings, session):
    coordinator = make_user(session)
    campaign = make_campaign(session, coordinators=(coordinator,))
    round_ = make_round(session, campaign=campaign)
    session.commit()
    login(client, settings, coordinator)
    response = client.post(f"/api/rounds/{round_.id}/cancel")
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert client.get(f"/api/rounds/{round_.id}").json()["status"] == "draft"
