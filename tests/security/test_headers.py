"""Security headers on every kind of response, and the policies that the pages need."""

import base64
import hashlib
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.security import PAGE_STYLE, app_policy
from app.main import STATIC, create_app


def directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def assert_common(response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/api/me", 401),
        ("GET", "/api/no-such-thing", 404),
        ("POST", "/api/campaigns", 401),
        ("GET", "/api/openapi.json", 200),
    ],
)
def test_every_response_carries_the_headers(client: TestClient, method, path, status):
    response = client.request(method, path)
    assert response.status_code == status
    assert_common(response)
    csp = directives(response.headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]


def test_images_come_only_from_this_site_and_the_commons_upload_host(settings: Settings):
    production = settings.model_copy(
        update={"commons_api_url": "https://commons.wikimedia.org/w/api.php"}
    )
    csp = directives(app_policy(production))
    assert csp["img-src"] == ["'self'", "data:", "https://upload.wikimedia.org"]
    # Tests and the demo point Commons at a loopback double, which serves its own files.
    double = settings.model_copy(update={"commons_api_url": "http://127.0.0.1:8765/w/api.php"})
    assert directives(app_policy(double))["img-src"] == ["'self'", "data:", "http://127.0.0.1:8765"]


@pytest.mark.skipif(not (STATIC / "index.html").exists(), reason="the web UI is not built")
def test_the_built_web_ui_needs_no_inline_script_or_style(client: TestClient):
    page = client.get("/my/rounds")
    assert page.status_code == 200
    assert_common(page)
    html = page.text
    # Every script and stylesheet is a file of this site, allowed by 'self'.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html and " style=" not in html
    for src in re.findall(r'(?:src|href)="(/assets/[^"]+)"', html):
        asset = client.get(src)
        assert asset.status_code == 200
        assert asset.headers["x-content-type-options"] == "nosniff"


def test_auth_pages_keep_their_own_policy_which_allows_exactly_their_style(client: TestClient):
    # A callback without the login cookie answers with the small HTML error page.
    page = client.get("/auth/callback", params={"code": "x", "state": "y"})
    assert page.status_code == 400
    assert_common(page)
    assert page.headers.get_list("content-security-policy") == [
        page.headers["content-security-policy"]
    ]
    csp = directives(page.headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"]
    inline = re.findall(r"<style>(.*?)</style>", page.text, re.S)
    assert inline == [PAGE_STYLE]
    assert csp["style-src"] == [sha256(PAGE_STYLE)]


def test_the_api_docs_page_gets_a_policy_for_swagger_from_its_cdn(client: TestClient):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert_common(page)
    csp = directives(page.headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]
    # The one inline script that starts Swagger UI is allowed by its hash, nothing else inline.
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    assert len(inline) == 1
    assert csp["script-src"] == ["https://cdn.jsdelivr.net", sha256(inline[0])]
    for src in re.findall(r'<script src="([^"]+)"', page.text):
        assert src.startswith("https://cdn.jsdelivr.net/")
    # The relaxed policy is for that page only.
    assert (
        "cdn.jsdelivr.net" not in client.get("/api/openapi.json").headers["content-security-policy"]
    )


def test_hsts_only_over_https(settings: Settings, db: Engine):
    plain = create_app(settings, engine=db, run_jobs=False)
    with TestClient(plain, base_url="https://testserver") as client:
        # uvicorn with --proxy-headers reports https when the proxy says so.
        assert client.get("/healthz").headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(plain) as client:
        assert "strict-transport-security" not in client.get("/healthz").headers

    # Behind a proxy that does not forward the scheme, the configured https base URL decides.
    behind: FastAPI = create_app(
        settings.model_copy(update={"base_url": "https://loupe.example.org"}),
        engine=db,
        run_jobs=False,
    )
    with TestClient(behind) as client:
        assert client.get("/healthz").headers["strict-transport-security"] == "max-age=31536000"


def test_an_unexpected_error_carries_the_headers_too(app: FastAPI):
    """Starlette answers unhandled errors outside every added middleware."""

    @app.get("/api/test-crash")
    def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/test-crash")
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert_common(response)
