"""Security headers on every response, and request body limits, as pure ASGI middleware.

Both sit on the vote path, so each request costs a few dictionary and bytes operations: the
headers are encoded once at start-up and only appended to the response's header list.
"""

import base64
import hashlib
import json
import re
from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.commons.urls import site_bases
from app.core.config import Settings

# The only paths that take large bodies: the CSV upload and the pasted list of titles.
UPLOAD_PATHS = re.compile(r"^/api/rounds/[^/]+/imports(/csv)?$")
# Swagger UI's files, as FastAPI's docs page loads them.
SWAGGER_CDN = "https://cdn.jsdelivr.net"
SWAGGER_ICON = "https://fastapi.tiangolo.com"
# The small server-rendered pages (login errors, development login) share one stylesheet.
PAGE_STYLE = (
    "body{font-family:sans-serif;max-width:36em;margin:4em auto;padding:0 1em;"
    "line-height:1.5;color:#202122}a{color:#36c}"
)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(**directives: Iterable[str]) -> str:
    """A Content-Security-Policy from directives given as ``img_src=["'self'"]``."""
    return "; ".join(
        " ".join([name.replace("_", "-"), *sources]) for name, sources in directives.items()
    )


def app_policy(settings: Settings) -> str:
    """The single-page app: everything from this site, photos also from Commons' upload host
    (or the loopback Commons double that tests and the demo configure)."""
    upload, _ = site_bases(settings.commons_api_url)
    return policy(
        default_src=["'self'"],
        script_src=["'self'"],
        style_src=["'self'"],
        # Codex draws some icons as data: SVGs in its stylesheet.
        img_src=["'self'", "data:", upload],
        connect_src=["'self'"],
        font_src=["'self'"],
        object_src=["'none'"],
        base_uri=["'self'"],
        form_action=["'self'"],
        frame_ancestors=["'none'"],
    )


PAGE_POLICY = policy(
    default_src=["'none'"],
    style_src=[_hash(PAGE_STYLE)],
    form_action=["'self'"],
    base_uri=["'none'"],
    frame_ancestors=["'none'"],
)


def docs_policy(app: FastAPI) -> str:
    """Swagger UI at /api/docs: its files from the CDN and its one inline script, by hash."""
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "",
        title=f"{app.title} - Swagger UI",
        oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters=app.swagger_ui_parameters,
    )
    inline = re.findall(r"<script>(.*?)</script>", bytes(page.body).decode(), re.S)
    return policy(
        default_src=["'none'"],
        script_src=[SWAGGER_CDN, *(_hash(script) for script in inline)],
        style_src=[SWAGGER_CDN],
        img_src=["'self'", "data:", SWAGGER_ICON],
        connect_src=["'self'"],
        base_uri=["'none'"],
        form_action=["'none'"],
        frame_ancestors=["'none'"],
    )


def _header(name: str, value: str) -> tuple[bytes, bytes]:
    return name.lower().encode("latin-1"), value.encode("latin-1")


CSP = b"content-security-policy"


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP response; a response that sets its own
    Content-Security-Policy (the server-rendered auth pages) keeps it."""

    def __init__(self, app: ASGIApp, *, csp: str, per_path: dict[str, str], hsts: bool) -> None:
        self.app = app
        self.common = [
            _header("X-Content-Type-Options", "nosniff"),
            _header("Referrer-Policy", "same-origin"),
            _header("X-Frame-Options", "DENY"),
        ]
        self.hsts = _header("Strict-Transport-Security", "max-age=31536000")
        self.always_hsts = hsts
        self.csp = _header("Content-Security-Policy", csp)
        self.per_path = {
            path: _header("Content-Security-Policy", v) for path, v in per_path.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.per_path.get(scope["path"], self.csp)
        # HSTS means nothing over plain http; behind a TLS proxy base_url says https.
        hsts = self.always_hsts or scope["scheme"] == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == CSP for name, _ in headers):
                    headers.append(csp)
                headers.extend(self.common)
                if hsts:
                    headers.append(self.hsts)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised from ``receive``; FastAPI passes HTTPExceptions through body parsing, so the
    app's handler answers it as JSON ``too_large``."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {limit:,} bytes.")


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413: at once from Content-Length, and by counting
    streamed bytes for chunked requests or a lying Content-Length, before the app has read
    more than the limit."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload if UPLOAD_PATHS.match(scope["path"]) else self.max_body
        for name, value in scope["headers"]:
            if name == b"content-length":
                if value.isdigit() and int(value) > limit:
                    await _refuse(send, BodyTooLarge(limit))
                    return
                break
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(send, exc)


async def _refuse(send: Send, exc: BodyTooLarge) -> None:
    body = json.dumps({"error": "too_large", "detail": exc.detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def install(app: FastAPI, settings: Settings) -> None:
    """Register both middlewares. The headers wrap the whole stack, even Starlette's
    ServerErrorMiddleware, which answers unhandled errors outside every added middleware:
    so 500s carry them too, as do the 413s."""
    app.add_middleware(
        BodyLimitMiddleware, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes
    )
    per_path = {app.docs_url: docs_policy(app)} if app.docs_url else {}
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(
            build(),
            csp=app_policy(settings),
            per_path=per_path,
            hsts=settings.base_url.startswith("https://"),
        )

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
