import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.core.metrics import CONTENT_TYPE, Registry, render
from app.main import create_app
from app.models import Job
from tests.factories import make_campaign, make_round, make_task, make_user, make_vote

TOKEN = "scrape-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def scraped_app(settings: Settings, db: Engine) -> FastAPI:
    return create_app(settings.model_copy(update={"metrics_token": TOKEN}), engine=db)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in an exposition, found by name and exact labels."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    suffix = "{" + wanted + "}" if labels else ""
    for line in text.splitlines():
        if line.startswith(name + suffix + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name}{suffix}")


def test_metrics_are_switched_off_without_a_token(client: TestClient):
    response = client.get("/metrics")
    assert response.status_code == 404
    assert "LOUPE_METRICS_TOKEN" in response.json()["detail"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": "Basic x"}],
)
def test_metrics_refuse_a_caller_without_the_token(scraped_app: FastAPI, headers: dict):
    with TestClient(scraped_app) as client:
        response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert "loupe_" not in response.text


def test_requests_are_counted_by_route_template(scraped_app: FastAPI):
    with TestClient(scraped_app) as client:
        client.get("/api/rounds/1")
        client.get("/api/rounds/2")
        client.get("/api/no/such/thing/42")
        client.get("/healthz")
        response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    text = response.text
    route = {"method": "GET", "route": "/api/rounds/{round_id}"}
    assert sample(text, "loupe_http_requests_total", **route, status="401") == 2
    assert sample(text, "loupe_http_requests_total", method="GET", route="unmatched", status="404")
    assert "/api/rounds/1" not in text and "/no/such" not in text
    assert sample(text, "loupe_http_request_duration_seconds_count", **route) == 2
    assert sample(text, "loupe_http_request_duration_seconds_bucket", **route, le="+Inf") == 2
    assert sample(text, "loupe_http_request_duration_seconds_sum", **route) > 0
    assert sample(text, "process_start_time_seconds") > 1.7e9


def test_jobs_and_votes_are_read_from_the_database(scraped_app: FastAPI, session: Session):
    session.add_all([Job(kind="import", status="queued"), Job(kind="import", status="failed")])
    session.add(Job(kind="refresh", status="queued"))
    juror = make_user(session)
    round_ = make_round(session, campaign=make_campaign(session), jurors=(juror,))
    make_vote(session, task=make_task(session, round=round_, juror=juror), value=4)
    session.commit()
    with TestClient(scraped_app) as client:
        text = client.get("/metrics", headers=AUTH).text
    assert sample(text, "loupe_jobs", kind="import", state="queued") == 1
    assert sample(text, "loupe_jobs", kind="import", state="failed") == 1
    assert sample(text, "loupe_jobs", kind="import", state="running") == 0
    assert sample(text, "loupe_jobs", kind="refresh", state="queued") == 1
    assert sample(text, "loupe_votes") == 1


def test_histogram_buckets_are_cumulative_and_labels_escaped():
    registry = Registry()
    registry.observe("GET", '/a"b\\c', 200, 0.0007)
    registry.observe("GET", '/a"b\\c', 200, 0.003)
    registry.observe("GET", '/a"b\\c', 200, 60.0)
    text = render(registry, jobs={}, votes=0)
    route = r"/a\"b\\c"
    buckets = re.findall(r'_bucket\{method="GET",route="(.*?)",le="([^"]+)"\} (\d+)', text)
    counts = {le: int(count) for _route, le, count in buckets}
    assert {r for r, _le, _count in buckets} == {route}
    assert (counts["0.0005"], counts["0.001"], counts["0.005"], counts["10.0"]) == (0, 1, 2, 2)
    assert counts["+Inf"] == 3
    assert "# TYPE loupe_http_request_duration_seconds histogram" in text
