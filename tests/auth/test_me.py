"""GET /api/me: the user, their roles, and the CSRF token to send back."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from tests.factories import make_campaign, make_round, make_user
from tests.helpers import login


def test_me_needs_a_session(client: TestClient):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"error": "not_authenticated", "detail": "You need to log in."}


def test_me_returns_the_user_their_roles_and_the_csrf_token(
    client: TestClient, settings: Settings, session: Session
):
    user = make_user(session, username="Ivan Example", wiki_id=53182469, organizer=True)
    campaign = make_campaign(
        session, slug="wlm-2026-gh", name="WLM 2026 in Ghana", coordinators=(user,)
    )
    other = make_campaign(session)
    round_ = make_round(session, campaign=other, jurors=(user,), name="Round 1")
    session.commit()
    headers = login(client, settings, user)

    body = client.get("/api/me").json()
    assert body["user"] == {
        "id": user.id,
        "username": "Ivan Example",
        "wiki_id": 53182469,
        "is_admin": False,
        "is_organizer": True,
        "last_login_at": None,
    }
    assert body["roles"] == {
        "admin": False,
        "organizer": True,
        "coordinator_of": [
            {
                "id": campaign.id,
                "slug": "wlm-2026-gh",
                "name": "WLM 2026 in Ghana",
                "status": "draft",
            }
        ],
        "juror_of": [
            {"id": round_.id, "campaign_id": other.id, "name": "Round 1", "status": "draft"}
        ],
    }
    assert body["csrf_token"] == headers["X-CSRF-Token"]


def test_a_plain_user_has_no_roles(client: TestClient, settings: Settings, session: Session):
    user = make_user(session)
    session.commit()
    login(client, settings, user)
    roles = client.get("/api/me").json()["roles"]
    assert roles == {"admin": False, "organizer": False, "coordinator_of": [], "juror_of": []}
