"""The import API from the outside: starting, following and refusing imports and refreshes."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.commons.double import CommonsStore
from app.core.config import Settings
from app.imports import service
from app.models import Job, utcnow
from tests.factories import make_campaign, make_round, make_user
from tests.helpers import login, logout
from tests.imports.conftest import CommonsForJobs, count, run_jobs


@pytest.fixture
def scene(session: Session):
    coordinator = make_user(session)
    juror = make_user(session)
    juror.commons_checked_at = utcnow()
    campaign = make_campaign(session, coordinators=(coordinator,))
    round_ = make_round(session, campaign=campaign, jurors=(juror,))
    other_coordinator = make_user(session)
    make_campaign(session, coordinators=(other_coordinator,))
    plain = make_user(session)
    session.commit()
    return {
        "coordinator": coordinator,
        "juror": juror,
        "other_coordinator": other_coordinator,
        "plain": plain,
        "round": round_,
    }


def test_a_coordinator_starts_and_follows_a_category_import(
    client: TestClient,
    settings: Settings,
    db: Engine,
    scene,
    store: CommonsStore,
    commons: CommonsForJobs,
):
    store.add_category("WLM 2026")
    for n in range(3):
        store.add_file(f"P{n}.jpg", categories=["WLM 2026"], timestamp="2026-09-10T10:00:00Z")
    round_id = scene["round"].id
    csrf = login(client, settings, scene["coordinator"])

    started = client.post(
        f"/api/rounds/{round_id}/imports",
        json={"source": "category", "categories": ["WLM 2026"], "depth": 1},
        headers=csrf,
    )
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["kind"], job["status"]) == ("imports.run", "queued")
    assert job["payload"] == {
        "round_id": round_id,
        "source": "category",
        "categories": ["WLM 2026"],
        "depth": 1,
    }
    again = client.post(
        f"/api/rounds/{round_id}/imports",
        json={"source": "titles", "titles": ["P1.jpg"]},
        headers=csrf,
    )
    assert again.status_code == 409
    assert again.json()["error"] == "import_running"

    run_jobs(db)
    followed = client.get(f"/api/jobs/{job['id']}").json()
    assert followed["status"] == "succeeded"
    assert followed["stats"]["added"] == 3
    assert (followed["progress_done"], followed["progress_total"]) == (3, 3)
    listed = client.get(f"/api/rounds/{round_id}/imports").json()
    assert [j["id"] for j in listed] == [job["id"]]

    entries = client.get(f"/api/rounds/{round_id}/entries").json()
    assert entries["total"] == 3
    assert {e["source"] for e in entries["items"]} == {"category:WLM 2026"}


def test_import_requests_are_validated(client: TestClient, settings: Settings, scene):
    round_id = scene["round"].id
    csrf = login(client, settings, scene["coordinator"])
    for body in (
        {"source": "category", "categories": []},
        {"source": "category", "categories": ["A"], "depth": 6},
        {"source": "titles", "titles": []},
        {"source": "somewhere"},
    ):
        response = client.post(f"/api/rounds/{round_id}/imports", json=body, headers=csrf)
        assert response.status_code == 422, body
        assert response.json()["error"] == "invalid_input"
    response = client.post(
        f"/api/rounds/{round_id}/imports", json={"source": "titles", "titles": [" "]}, headers=csrf
    )
    assert response.status_code == 422
    assert response.json()["error"] == "no_titles"
    previous = client.post(
        f"/api/rounds/{round_id}/imports", json={"source": "previous_round"}, headers=csrf
    )
    assert previous.status_code == 422
    assert "first round" in previous.json()["detail"]


def test_a_csv_is_uploaded_checked_and_staged(
    client: TestClient, settings: Settings, db: Engine, scene, monkeypatch
):
    round_id = scene["round"].id
    csrf = login(client, settings, scene["coordinator"])
    url = f"/api/rounds/{round_id}/imports/csv"

    wrong = client.post(url, files={"file": ("x.csv", b"name,size\nA.jpg,1\n")}, headers=csrf)
    assert wrong.status_code == 422
    assert wrong.json()["error"] == "csv_bad_header"

    not_text = client.post(url, files={"file": ("x.csv", b"file\n\xff\xfe.jpg\n")}, headers=csrf)
    assert not_text.status_code == 422
    assert not_text.json()["error"] == "csv_not_utf8"

    monkeypatch.setattr(service, "MAX_ROWS", 10)
    big = b"file\n" + b"".join(f"P{n}.jpg\n".encode() for n in range(11))
    too_many = client.post(url, files={"file": ("big.csv", big)}, headers=csrf)
    assert too_many.status_code == 413
    assert too_many.json() == {
        "error": "too_large",
        "detail": "The CSV has more than 10 rows; split it into several imports.",
    }
    monkeypatch.setattr(service, "MAX_CSV_BYTES", 20)
    too_big = client.post(url, files={"file": ("big.csv", big[:40])}, headers=csrf)
    assert too_big.status_code == 413
    assert count(db, Job) == 0

    monkeypatch.setattr(service, "MAX_CSV_BYTES", 10_000)
    good = client.post(
        url, files={"file": ("good.csv", b"file\nA.jpg\nno extension\n")}, headers=csrf
    )
    assert good.status_code == 202, good.text
    job = good.json()
    assert job["payload"]["filename"] == "good.csv"
    assert job["stats"]["errors"] == [
        {"line": 3, "title": "no extension", "reason": "not a file name (no extension)"}
    ]
    assert (job["progress_done"], job["progress_total"]) == (1, 2)


def test_closed_rounds_take_no_imports(client: TestClient, settings: Settings, session, scene):
    round_ = scene["round"]
    round_.status = "finalized"
    session.add(round_)
    session.commit()
    csrf = login(client, settings, scene["coordinator"])
    response = client.post(
        f"/api/rounds/{round_.id}/imports",
        json={"source": "category", "categories": ["A"]},
        headers=csrf,
    )
    assert response.status_code == 409
    assert "finalized" in response.json()["detail"]
    csv = client.post(
        f"/api/rounds/{round_.id}/imports/csv",
        files={"file": ("a.csv", b"file\nA.jpg\n")},
        headers=csrf,
    )
    assert csv.status_code == 409


def test_one_refresh_at_a_time(client: TestClient, settings: Settings, scene):
    round_id = scene["round"].id
    csrf = login(client, settings, scene["coordinator"])
    first = client.post(f"/api/rounds/{round_id}/refresh", headers=csrf)
    assert first.status_code == 202
    assert first.json()["kind"] == "imports.refresh"
    second = client.post(f"/api/rounds/{round_id}/refresh", headers=csrf)
    assert second.status_code == 409
    assert second.json()["error"] == "refresh_running"


def test_import_routes_refuse_everyone_but_the_campaigns_coordinators(
    client: TestClient, settings: Settings, db: Engine, scene
):
    round_id = scene["round"].id
    requests = [
        ("POST", f"/api/rounds/{round_id}/imports", {"json": {"source": "previous_round"}}),
        ("POST", f"/api/rounds/{round_id}/imports/csv", {"files": {"file": ("a.csv", b"a.jpg")}}),
        ("GET", f"/api/rounds/{round_id}/imports", {}),
        ("POST", f"/api/rounds/{round_id}/refresh", {}),
    ]
    for method, path, extra in requests:
        assert client.request(method, path, **extra).status_code == 401, path
    for who in ("juror", "other_coordinator", "plain"):
        csrf = login(client, settings, scene[who])
        for method, path, extra in requests:
            response = client.request(method, path, headers=csrf, **extra)
            assert response.status_code == 403, (who, path, response.text)
        logout(client)
    assert count(db, Job) == 0
