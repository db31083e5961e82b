"""Request bodies over the configured limits are refused with 413 before they are read."""

import asyncio

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.core.security import BodyLimitMiddleware
from app.main import create_app
from tests.factories import make_campaign, make_round, make_user
from tests.helpers import login

QUARRY_HEADER = (
    "img_name,img_major_mime,img_minor_mime,img_width,img_height,img_user,img_user_text,"
    "img_timestamp\n"
)


@pytest.fixture
def small(settings: Settings, db: Engine) -> FastAPI:
    limits = {"max_body_bytes": 1000, "max_upload_bytes": 5000}
    return create_app(settings.model_copy(update=limits), engine=db, run_jobs=False)


@pytest.fixture
def coordinated(session: Session, settings: Settings, small: FastAPI):
    coordinator = make_user(session)
    campaign = make_campaign(session, coordinators=(coordinator,))
    round_ = make_round(session, campaign=campaign, status="draft")
    session.commit()
    with TestClient(small) as client:
        headers = login(client, settings, coordinator)
        yield client, headers, round_


def csv_of(size: int) -> bytes:
    row = "Photo_{:06d}.jpg,image,jpeg,4000,3000,1,Someone,20260915120000\n"
    body = QUARRY_HEADER
    n = 0
    while len(body) < size:
        body += row.format(n)
        n += 1
    return body.encode()


def assert_too_large(response, limit: int) -> None:
    assert response.status_code == 413, response.text
    assert response.json() == {
        "error": "too_large",
        "detail": f"The request body is larger than the limit of {limit:,} bytes.",
    }


def test_a_json_body_over_the_limit_is_refused(coordinated):
    client, headers, _round = coordinated
    response = client.post(
        "/api/campaigns", json={"name": "x" * 2000, "slug": "big"}, headers=headers
    )
    assert_too_large(response, 1000)
    # The headers middleware sits outside, so the refusal carries them too.
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_csv_upload_within_the_upload_limit_is_accepted(coordinated):
    client, headers, round_ = coordinated
    files = {"file": ("entries.csv", csv_of(3000), "text/csv")}
    response = client.post(f"/api/rounds/{round_.id}/imports/csv", files=files, headers=headers)
    assert response.status_code == 202, response.text


def test_a_csv_upload_over_the_upload_limit_is_refused(coordinated):
    client, headers, round_ = coordinated
    files = {"file": ("entries.csv", csv_of(6000), "text/csv")}
    response = client.post(f"/api/rounds/{round_.id}/imports/csv", files=files, headers=headers)
    assert_too_large(response, 5000)


def test_a_pasted_list_may_be_as_large_as_an_upload(coordinated):
    client, headers, round_ = coordinated
    titles = [f"File:Photo {n}.jpg" for n in range(150)]
    data = {"source": "titles", "titles": titles}
    response = client.post(f"/api/rounds/{round_.id}/imports", json=data, headers=headers)
    assert response.status_code == 202, response.text


def test_a_chunked_body_without_content_length_is_counted(coordinated):
    client, headers, _round = coordinated

    def chunks():
        for _ in range(10):
            yield b"x" * 500

    response = client.post(
        "/api/campaigns",
        content=chunks(),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    assert_too_large(response, 1000)


def run(middleware: BodyLimitMiddleware, headers: list, chunks: list[bytes]):
    """Drive the middleware by hand: returns (messages sent, chunks the client still held)."""
    pending = list(chunks)
    sent: list[dict] = []

    async def receive():
        body = pending.pop(0) if pending else b""
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/campaigns", "headers": headers}
    asyncio.run(middleware(scope, receive, send))
    return sent, pending


async def read_all(scope, receive, send):
    """An app that reads the whole body, as a JSON or form parser does."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def test_a_lying_content_length_is_cut_off_at_the_limit_not_read_to_the_end():
    middleware = BodyLimitMiddleware(read_all, max_body=1000, max_upload=5000)
    sent, left = run(middleware, [(b"content-length", b"10")], [b"x" * 400] * 100)
    assert sent[0]["status"] == 413
    # 3 chunks of 400 bytes cross the limit; the other 97 were never received.
    assert len(left) == 97


def test_an_announced_oversized_body_is_refused_without_reading_any_of_it():
    middleware = BodyLimitMiddleware(read_all, max_body=1000, max_upload=5000)
    sent, left = run(middleware, [(b"content-length", b"40000")], [b"x" * 400] * 100)
    assert sent[0]["status"] == 413
    assert len(left) == 100


def test_a_body_within_the_limit_reaches_the_app():
    middleware = BodyLimitMiddleware(read_all, max_body=1000, max_upload=5000)
    sent, left = run(middleware, [(b"content-length", b"800")], [b"x" * 400] * 2)
    assert sent[0]["status"] == 200
    assert left == []
