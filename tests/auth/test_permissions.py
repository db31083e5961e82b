"""The role matrix: each permission dependency loads its object, then refuses with 404/403."""

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.deps import AdminUser, OrganizerUser, StaffUser
from app.auth.permissions import (
    CoordinatedCampaign,
    CoordinatedRound,
    JurorRound,
    ManagedUser,
    VisibleJob,
)
from app.core.config import Settings
from app.models import Job, RoundJuror
from tests.factories import make_campaign, make_round, make_user
from tests.helpers import login


@pytest.fixture
def probe(app: FastAPI) -> FastAPI:
    """Routes that do nothing but apply one permission each."""
    router = APIRouter()

    @router.get("/api/_probe/campaigns/{campaign_id}")
    def campaign(campaign: CoordinatedCampaign) -> int:
        return campaign.id

    @router.get("/api/_probe/rounds/{round_id}/coordinate")
    def coordinate(round: CoordinatedRound) -> int:
        return round.id

    @router.get("/api/_probe/rounds/{round_id}/judge")
    def judge(round: JurorRound) -> int:
        return round.id

    @router.get("/api/_probe/jobs/{job_id}")
    def job(job: VisibleJob) -> int:
        return job.id

    @router.get("/api/_probe/admin")
    def admin(user: AdminUser) -> int:
        return user.id

    @router.get("/api/_probe/organizer")
    def organizer(user: OrganizerUser) -> int:
        return user.id

    @router.get("/api/_probe/staff")
    def staff(user: StaffUser) -> int:
        return user.id

    @router.get("/api/_probe/users/{user_id}")
    def managed(user: ManagedUser) -> int:
        return user.id

    app.include_router(router)
    return app


@pytest.fixture
def world(session: Session) -> dict:
    """Two campaigns with a round each, and one person per role."""
    people = {
        name: make_user(session, username=name)
        for name in ("coordinator", "other_coordinator", "juror", "other_juror", "plain")
    }
    people["admin"] = make_user(session, username="admin", admin=True)
    people["organizer"] = make_user(session, username="organizer", organizer=True)
    campaign = make_campaign(session, coordinators=(people["coordinator"],))
    other = make_campaign(session, coordinators=(people["other_coordinator"],))
    round_ = make_round(session, campaign=campaign, jurors=(people["juror"],))
    # Another round of the same campaign, so "juror of another round" is as close as it gets.
    sibling = make_round(session, campaign=campaign, jurors=(people["other_juror"],))
    make_round(session, campaign=other)
    job = Job(kind="test", campaign_id=campaign.id, created_by=people["plain"].id)
    session.add(job)
    session.commit()
    return {**people, "campaign": campaign, "round": round_, "sibling": sibling, "job": job}


def status(client: TestClient, settings: Settings, user, url: str) -> int:
    client.cookies.clear()
    if user is not None:
        login(client, settings, user)
    return client.get(url).status_code


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", 200),
        ("admin", 200),
        ("other_coordinator", 403),
        ("juror", 403),
        ("organizer", 403),
        ("plain", 403),
        (None, 401),
    ],
)
def test_only_coordinators_of_the_campaign_and_admins_coordinate_it(
    probe, client: TestClient, settings: Settings, world: dict, who, expected: int
):
    user = world[who] if who else None
    campaign, round_ = world["campaign"], world["round"]
    assert status(client, settings, user, f"/api/_probe/campaigns/{campaign.id}") == expected
    assert status(client, settings, user, f"/api/_probe/rounds/{round_.id}/coordinate") == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("juror", 200),
        ("other_juror", 403),
        ("coordinator", 403),
        ("admin", 403),
        ("plain", 403),
        (None, 401),
    ],
)
def test_only_jurors_of_the_round_judge_it(
    probe, client: TestClient, settings: Settings, world: dict, who, expected: int
):
    user = world[who] if who else None
    assert (
        status(client, settings, user, f"/api/_probe/rounds/{world['round'].id}/judge") == expected
    )


def test_a_removed_juror_no_longer_judges_the_round(
    probe, client: TestClient, settings: Settings, world: dict, session: Session
):
    link = session.get(RoundJuror, (world["round"].id, world["juror"].id))
    link.active = False
    session.commit()
    url = f"/api/_probe/rounds/{world['round'].id}/judge"
    assert status(client, settings, world["juror"], url) == 403


def test_a_missing_object_is_404_for_a_logged_in_user(
    probe, client: TestClient, settings: Settings, world: dict
):
    for url in (
        "/api/_probe/campaigns/999999",
        "/api/_probe/rounds/999999/coordinate",
        "/api/_probe/rounds/999999/judge",
        "/api/_probe/jobs/999999",
    ):
        assert status(client, settings, world["plain"], url) == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [("plain", 200), ("coordinator", 200), ("admin", 200), ("other_coordinator", 403)],
)
def test_a_job_is_visible_to_its_creator_its_coordinators_and_admins(
    probe, client: TestClient, settings: Settings, world: dict, who: str, expected: int
):
    assert status(client, settings, world[who], f"/api/_probe/jobs/{world['job'].id}") == expected


@pytest.mark.parametrize(
    ("who", "admin", "organizer", "staff"),
    [
        ("admin", 200, 200, 200),
        ("organizer", 403, 200, 200),
        ("coordinator", 403, 403, 200),
        ("juror", 403, 403, 403),
        ("plain", 403, 403, 403),
    ],
)
def test_instance_roles(
    probe, client: TestClient, settings: Settings, world: dict, who, admin, organizer, staff
):
    user = world[who]
    assert status(client, settings, user, "/api/_probe/admin") == admin
    assert status(client, settings, user, "/api/_probe/organizer") == organizer
    assert status(client, settings, user, "/api/_probe/staff") == staff


def test_non_admins_cannot_probe_which_user_ids_exist(
    probe, client: TestClient, settings: Settings, world: dict
):
    assert status(client, settings, world["organizer"], "/api/_probe/users/999999") == 403
    assert status(client, settings, world["admin"], "/api/_probe/users/999999") == 404
    url = f"/api/_probe/users/{world['plain'].id}"
    assert status(client, settings, world["admin"], url) == 200
