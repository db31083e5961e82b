"""Prometheus metrics at ``/metrics`` (text exposition format 0.0.4).

Requests are counted by a pure ASGI middleware in this process: with several server
processes each counts its own (see docs/deployment.md). Jobs and votes are read from the
database at scrape time, so they are the same whichever process answers.

``/metrics`` answers only ``Authorization: Bearer $LOUPE_METRICS_TOKEN``; without a token
configured it does not exist. There is no loopback exception: behind a proxy on the same host
every request comes from 127.0.0.1.
"""

import secrets
import time
from bisect import bisect_left
from collections import defaultdict

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import NotAuthenticated, NotFound
from app.models import Job, JobStatus, Vote

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds; fine at the low end, where the vote route lives (about a millisecond).
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Requests no route matched (404s, the web UI's pages): one label, not one per path.
UNMATCHED = "unmatched"


class Registry:
    """This process's request counters and latency histograms."""

    def __init__(self) -> None:
        self.started = time.time()
        self.requests: defaultdict[tuple[str, str, int], int] = defaultdict(int)
        # (method, route) -> [count per bucket (the last one is +Inf), sum of seconds]
        self.latency: dict[tuple[str, str], list] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, status)] += 1
        histogram = self.latency.get((method, route))
        if histogram is None:
            histogram = self.latency[(method, route)] = [0] * (len(BUCKETS) + 1) + [0.0]
        histogram[bisect_left(BUCKETS, seconds)] += 1
        histogram[-1] += seconds


class RouteTemplates:
    """The full path template of a matched route (``/api/rounds/{round_id}``): the route in the
    scope only knows its path inside its router, so map routes to templates once."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.known: dict[int, str] = {}

    def __call__(self, route: object) -> str:
        if route is None:
            return UNMATCHED
        template = self.known.get(id(route))
        if template is None:  # first request, or a route added late or inside a mounted app
            for context in iter_route_contexts(self.app.routes):
                self.known[id(context.route)] = self.known[id(context.original_route)] = (
                    context.path_format or UNMATCHED
                )
            own = getattr(route, "path_format", None) or UNMATCHED
            template = self.known.setdefault(id(route), own)
        return template


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, registry: Registry, templates: RouteTemplates) -> None:
        self.app = app
        self.registry = registry
        self.templates = templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            # The router leaves the matched route in the scope: label by its template.
            template = self.templates(scope.get("route"))
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.registry.observe(method, template, status, time.perf_counter() - started)


def _labels(**labels: object) -> str:
    def escape(value: object) -> str:
        return str(value).replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")

    return "{" + ",".join(f'{key}="{escape(value)}"' for key, value in labels.items()) + "}"


def _family(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]


def render(registry: Registry, *, jobs: dict[tuple[str, str], int], votes: int) -> str:
    lines = _family("loupe_http_requests_total", "counter", "HTTP requests by route template.")
    for (method, route, status), count in sorted(registry.requests.items()):
        labels = _labels(method=method, route=route, status=status)
        lines.append(f"loupe_http_requests_total{labels} {count}")

    name = "loupe_http_request_duration_seconds"
    lines += _family(name, "histogram", "HTTP request latency by route template.")
    for (method, route), histogram in sorted(registry.latency.items()):
        cumulative = 0
        for bound, count in zip((*BUCKETS, "+Inf"), histogram[:-1], strict=True):
            cumulative += count
            bucket = _labels(method=method, route=route, le=bound)
            lines.append(f"{name}_bucket{bucket} {cumulative}")
        labels = _labels(method=method, route=route)
        lines.append(f"{name}_sum{labels} {histogram[-1]!r}")
        lines.append(f"{name}_count{labels} {cumulative}")

    lines += _family("loupe_jobs", "gauge", "Background jobs by kind and state.")
    for kind in sorted({kind for kind, _ in jobs}):
        for state in JobStatus:
            count = jobs.get((kind, state.value), 0)
            lines.append(f"loupe_jobs{_labels(kind=kind, state=state.value)} {count}")

    lines += _family("loupe_votes", "gauge", "Votes stored, across all rounds.")
    lines.append(f"loupe_votes {votes}")

    lines += _family(
        "process_start_time_seconds", "gauge", "Start time of this process since the epoch."
    )
    lines.append(f"process_start_time_seconds {registry.started!r}")
    return "\n".join(lines) + "\n"


router = APIRouter()


@router.get(
    "/metrics",
    tags=["ops"],
    summary="Prometheus metrics (needs the bearer token LOUPE_METRICS_TOKEN)",
    response_class=PlainTextResponse,
)
def metrics(request: Request) -> PlainTextResponse:
    token = request.app.state.settings.metrics_token
    if not token:
        raise NotFound("Metrics are switched off: set LOUPE_METRICS_TOKEN to expose them.")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.encode(), token.encode()):
        raise NotAuthenticated("Send the metrics token as 'Authorization: Bearer <token>'.")
    with request.app.state.engine.connect() as connection:
        rows = connection.execute(
            select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)
        ).all()
        votes = connection.execute(select(func.count()).select_from(Vote)).scalar_one()
    text = render(
        request.app.state.metrics,
        jobs={(kind, status): count for kind, status, count in rows},
        votes=votes,
    )
    return PlainTextResponse(text, media_type=CONTENT_TYPE)


def install(app: FastAPI) -> None:
    app.state.metrics = Registry()
    app.add_middleware(MetricsMiddleware, registry=app.state.metrics, templates=RouteTemplates(app))
    app.include_router(router)
