"""Admins grant organizer rights; staff find users by name to make them jurors or coordinators."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.config import Settings
from app.models import AuditEvent, User
from tests.factories import make_campaign, make_user
from tests.helpers import login


def audit(db: Engine, action: str) -> list[AuditEvent]:
    with Session(db) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_admin_grants_and_revokes_organizer_and_it_is_audited(
    client: TestClient, settings: Settings, session: Session, db: Engine
):
    admin = make_user(session, admin=True)
    user = make_user(session, username="Future Organizer")
    session.commit()
    headers = login(client, settings, admin)

    granted = client.put(f"/api/users/{user.id}/organizer", headers=headers)
    assert granted.status_code == 200
    assert granted.json()["is_organizer"] is True
    [event] = audit(db, "organizer.grant")
    assert (event.actor_id, event.object_type, event.object_id) == (admin.id, "user", user.id)

    # Granting again changes nothing and logs nothing.
    assert client.put(f"/api/users/{user.id}/organizer", headers=headers).status_code == 200
    assert len(audit(db, "organizer.grant")) == 1

    revoked = client.delete(f"/api/users/{user.id}/organizer", headers=headers)
    assert revoked.status_code == 200
    assert revoked.json()["is_organizer"] is False
    assert len(audit(db, "organizer.revoke")) == 1
    with Session(db) as fresh:
        assert fresh.get(User, user.id).is_organizer is False


@pytest.mark.parametrize("role", ["organizer", "coordinator", "plain"])
def test_only_admins_grant_organizer(
    client: TestClient, settings: Settings, session: Session, db: Engine, role: str
):
    actor = make_user(session, organizer=role == "organizer")
    if role == "coordinator":
        make_campaign(session, coordinators=(actor,))
    target = make_user(session)
    session.commit()
    headers = login(client, settings, actor)
    assert client.put(f"/api/users/{target.id}/organizer", headers=headers).status_code == 403
    assert client.delete(f"/api/users/{target.id}/organizer", headers=headers).status_code == 403
    assert audit(db, "organizer.grant") == []


def test_granting_organizer_to_a_missing_user_is_404(
    client: TestClient, settings: Settings, session: Session
):
    admin = make_user(session, admin=True)
    session.commit()
    headers = login(client, settings, admin)
    assert client.put("/api/users/999999/organizer", headers=headers).status_code == 404


@pytest.fixture
def people(session: Session) -> dict[str, User]:
    names = ["Ivan Example", "Ivana", "ivo", "Iv_Underscore", "Per%cent", "Zed"]
    people = {name: make_user(session, username=name) for name in names}
    people["coordinator"] = make_user(session, username="Coordinator")
    make_campaign(session, coordinators=(people["coordinator"],))
    people["organizer"] = make_user(session, username="Organizer", organizer=True)
    people["admin"] = make_user(session, username="Admin", admin=True)
    session.commit()
    return people


@pytest.mark.parametrize("who", ["coordinator", "organizer", "admin"])
def test_staff_find_users_by_case_insensitive_prefix(
    client: TestClient, settings: Settings, people: dict[str, User], who: str
):
    login(client, settings, people[who])
    response = client.get("/api/users", params={"q": "iv"})
    assert response.status_code == 200
    names = [user["username"] for user in response.json()]
    # Shortest names first: the most likely exact match leads.
    assert names == ["ivo", "Ivana", "Ivan Example", "Iv_Underscore"]
    assert set(response.json()[0]) == {
        "id",
        "username",
        "wiki_id",
        "is_admin",
        "is_organizer",
        "last_login_at",
    }


def test_user_search_treats_underscores_as_spaces_and_wildcards_literally(
    client: TestClient, settings: Settings, people: dict[str, User]
):
    login(client, settings, people["admin"])
    found = client.get("/api/users", params={"q": "ivan_ex"}).json()
    assert [user["username"] for user in found] == ["Ivan Example"]
    assert [u["username"] for u in client.get("/api/users", params={"q": "per%"}).json()] == [
        "Per%cent"
    ]
    assert client.get("/api/users", params={"q": "%"}).json() == []


def test_user_search_is_limited(client: TestClient, settings: Settings, people: dict[str, User]):
    login(client, settings, people["admin"])
    assert len(client.get("/api/users", params={"limit": 2}).json()) == 2
    assert client.get("/api/users", params={"limit": 500}).status_code == 422


def test_plain_users_and_jurors_cannot_search_users(
    client: TestClient, settings: Settings, session: Session, people: dict[str, User]
):
    login(client, settings, people["Zed"])
    response = client.get("/api/users", params={"q": "iv"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
