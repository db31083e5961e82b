"""What the fuzzer found, pinned down: values the database cannot hold are the client's error,
and the OpenAPI documents the error body that is really sent."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from tests.conftest import TEST_DB
from tests.factories import make_user
from tests.helpers import login


def test_an_id_beyond_the_databases_integers_is_invalid_input(
    client: TestClient, settings: Settings, session: Session
):
    user = make_user(session, admin=True)
    session.commit()
    headers = login(client, settings, user)
    for path in ("/api/rounds/99999999999999999999", "/api/campaigns/9223372036854775808"):
        response = client.get(path)
        assert response.status_code == 422, response.text
        assert response.json() == {
            "error": "invalid_input",
            "detail": "A number in the request is out of range.",
        }
    response = client.put("/api/users/99999999999999999999/organizer", headers=headers)
    assert response.status_code == 422, response.text


@pytest.mark.skipif(TEST_DB != "postgres", reason="SQLite stores NUL characters")
def test_text_the_database_cannot_store_is_invalid_input(
    client: TestClient, settings: Settings, session: Session
):
    user = make_user(session, admin=True)
    session.commit()
    headers = login(client, settings, user)
    response = client.post(
        "/api/campaigns", json={"name": "WLM\x00 2026", "slug": "wlm-2026"}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_input"
    assert "cannot contain NUL" in response.json()["detail"]


def test_the_openapi_documents_the_error_body_for_every_operation(client: TestClient):
    schema = client.get("/api/openapi.json").json()
    error = {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["error", "detail"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for item in schema["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            for status in ("4XX", "5XX", *(["422"] if "422" in responses else [])):
                assert responses[status]["content"]["application/json"]["schema"] == error
