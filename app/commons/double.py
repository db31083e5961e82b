"""A local stand-in for Commons: the Action API queries Loupe makes, and the files they point at.

Tests, benchmarks and the offline demo fill a :class:`CommonsStore` and serve
:func:`create_app` (a Starlette app) on a real socket with :func:`serve_in_thread`::

    store = CommonsStore()
    store.add_category("Images from WLM 2024 in Ghana", subcats=["Accra"])
    store.add_file("Fort.jpg", uploader="Ama", timestamp="2024-09-03T10:00:00Z",
                   categories=["Images from WLM 2024 in Ghana"])
    with serve_in_thread(create_app(store)) as base_url:
        client = CommonsClient(api_url=f"{base_url}/w/api.php", user_agent=...)

It speaks the wire format of the reference (`/work/shared/reference/mediawiki-api.md`):
formatversion 1 and 2, ``generator=categorymembers`` with ``gcmcontinue`` batches,
``prop=imageinfo`` with ``iicontinue`` when a per-request budget runs out (the 50-thumbnail
``TRANSFORM_LIMIT``, or :attr:`CommonsStore.imageinfo_budget` standing in for the 12 MiB result
cap), ``titles``/``pageids`` with ``normalized``, ``redirects``, missing and invalid pages,
``list=categorymembers``, ``list=users&usprop=centralids``, ``prop=categoryinfo``, error objects,
maxlag and the edge's plain-text 403/429 answers, plus injectable faults. Anything else gets a
``double-unsupported`` error so a client drifting from what was built shows up at once.

Image URLs point at the double itself (or :attr:`CommonsStore.public_url`), with Commons' hash
path layout, and are served as generated pictures (Pillow) or the bytes given to ``add_file``.
"""

from __future__ import annotations

import asyncio
import colorsys
import hashlib
import io
import json
import re
import socket
import threading
import time
from bisect import bisect_left
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, unquote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

TRANSFORM_LIMIT = 50
MAX_LIMIT = 500
MAX_TITLES = 50
THUMB_STEPS = (20, 40, 60, 120, 250, 330, 500, 960, 1280, 1920, 3840)
# Generated originals are capped for speed; imageinfo still reports the stored dimensions.
MAX_RENDERED_SIDE = 1600
SERVED_BY = "mw-api-ext.double"
UTM_SOURCE = "commons.wikimedia.org"
EMPTY_TITLE_REASON = "The requested page title is empty or contains only the name of a namespace."
BLOCKED_AGENTS = ("python-requests", "python-httpx", "python-urllib", "Python-urllib", "curl/")
UA_BLOCK_TEXT = (
    "Please set a user-agent and respect our robot policy https://w.wiki/4wJS. See also T400119."
)
RATE_LIMIT_TEXT = (
    "You are making too many requests to the API.\n"
    "Please follow the best practices at <https://www.mediawiki.org/wiki/Wikimedia_APIs/Rate_limits>.\n"
    "If you are unsure how to get the access you need, contact <bot-traffic@wikimedia.org>."
)
THUMB_STEP_TEXT = (
    "Use thumbnail steps listed on https://w.wiki/GHai. "
    "Please contact noc@wikimedia.org for further information (double)."
)
ERROR_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>Wikimedia Error</title></head><body>'
    "<h1>Error</h1><p>Our servers are currently under maintenance or experiencing a technical "
    "issue. Please try again in a few minutes.</p></body></html>"
)
NAMESPACES = {"file": 6, "image": 6, "category": 14, "user": 2}
NS_PREFIX = {6: "File:", 14: "Category:", 2: "User:", 0: ""}
_ILLEGAL_RE = re.compile(r"[<>\[\]{}|#\x00-\x1f\x7f]")
_SPACES_RE = re.compile(r"[\s_]+")
_TYPES = ("page", "subcat", "file")

FaultKind = Literal[
    "maxlag", "ratelimit", "server_error", "garbage", "html", "api_error", "timeout"
]


@dataclass(frozen=True, slots=True)
class StoredUser:
    name: str
    local_id: int
    # 0 when the user has no global account (Commons then reports CentralAuth 0, unattached).
    central_id: int


@dataclass(frozen=True, slots=True)
class FileVersion:
    timestamp: datetime
    user: str
    user_id: int
    width: int
    height: int
    size: int
    mime: str
    sha1: str
    iso: str  # the timestamp as the API writes it, formatted once


@dataclass(slots=True, eq=False)
class StoredFile:
    page_id: int
    name: str  # without "File:", spaces not underscores
    versions: list[FileVersion]  # newest first
    license: str | None
    artist: str | None
    categories: list[StoredCategory]
    content: bytes | None = None
    _hash_path: str | None = None
    _page_path: str | None = None

    @property
    def title(self) -> str:
        return "File:" + self.name

    @property
    def dbkey(self) -> str:
        return self.name.replace(" ", "_")

    @property
    def hash_path(self) -> str:
        """``a/ab/Name.jpg`` as in upload.wikimedia.org URLs."""
        if self._hash_path is None:
            key = self.dbkey
            digest = hashlib.md5(key.encode()).hexdigest()
            self._hash_path = f"{digest[0]}/{digest[:2]}/{quote(key, safe='')}"
        return self._hash_path

    @property
    def page_path(self) -> str:
        """``File:Name.jpg`` as in description page URLs (a laxer encoding than uploads)."""
        if self._page_path is None:
            self._page_path = "File:" + quote(self.dbkey, safe=";:@$!*(),/~")
        return self._page_path


@dataclass(slots=True, eq=False)
class StoredCategory:
    name: str  # without "Category:"
    page_id: int | None  # None: members but no description page
    files: list[StoredFile] = field(default_factory=list)
    subcats: list[StoredCategory] = field(default_factory=list)
    _sorted: bool = True

    @property
    def title(self) -> str:
        return "Category:" + self.name

    def members(self, kind: str) -> list[Any]:
        if not self._sorted:
            self.files.sort(key=_member_key)
            self.subcats.sort(key=_member_key)
            self._sorted = True
        if kind == "file":
            return self.files
        if kind == "subcat":
            return self.subcats
        return []


@dataclass(slots=True)
class Fault:
    kind: FaultKind
    times: int
    after: int
    retry_after: str | None
    status: int
    code: str
    info: str
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str
    params: dict[str, str]
    user_agent: str


class ApiError(Exception):
    def __init__(self, code: str, info: str, **extra: Any) -> None:
        super().__init__(info)
        self.code = code
        self.info = info
        self.extra = extra


class CommonsStore:
    """The double's data and behaviour switches; safe to change while it serves."""

    def __init__(
        self,
        *,
        public_url: str | None = None,
        thumb_url: str | None = None,
        provenance: bool = True,
        imageinfo_budget: int | None = None,
        transform_limit: int = TRANSFORM_LIMIT,
        enforce_thumb_steps: bool = True,
        record_requests: int = 10_000,
    ) -> None:
        # Base URLs put in imageinfo; None = the URL the request came in on.
        self.public_url = public_url
        self.thumb_url = thumb_url
        # Append ?utm_source=…&utm_campaign=imageinfo&utm_content=… as Commons does since 2026.
        self.provenance = provenance
        # Image versions per response before imageinfo stops with iicontinue (result size cap).
        self.imageinfo_budget = imageinfo_budget
        self.transform_limit = transform_limit
        self.enforce_thumb_steps = enforce_thumb_steps
        # Replication lag in seconds; requests with a smaller maxlag get the maxlag error.
        self.lag = 0.0
        # Seconds every API request waits before it is answered (a slow link).
        self.latency = 0.0
        self.requests: deque[RecordedRequest] = deque(maxlen=record_requests)
        self._lock = threading.RLock()
        self._faults: deque[Fault] = deque()
        self._files: dict[str, StoredFile] = {}
        self._categories: dict[str, StoredCategory] = {}
        self._by_page_id: dict[int, StoredFile | StoredCategory] = {}
        self._users: dict[str, StoredUser] = {}
        self._redirects: dict[str, str] = {}
        self._next_page_id = 100_001
        self._next_user_id = 1_000
        self._images: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()

    # Populating

    def add_user(
        self, name: str, *, local_id: int | None = None, central_id: int | None = None
    ) -> StoredUser:
        """A Commons account; ``central_id=0`` for one without a global account."""
        name = _norm_name(name)
        with self._lock:
            if local_id is None:
                local_id = self._next_user_id
            self._next_user_id = max(self._next_user_id, local_id) + 1
            if central_id is None:
                central_id = 50_000_000 + local_id
            user = StoredUser(name=name, local_id=local_id, central_id=central_id)
            self._users[name] = user
            return user

    def user(self, name: str) -> StoredUser:
        """The named user, created on first mention."""
        found = self._users.get(_norm_name(name))
        return found if found is not None else self.add_user(name)

    def add_category(
        self, name: str, *, subcats: Iterable[str] = (), page_id: int | None = None
    ) -> StoredCategory:
        """A category with a description page, and its subcategories (created as needed)."""
        with self._lock:
            category = self._category(name, create_page=True, page_id=page_id)
            for sub_name in subcats:
                sub = self._category(sub_name, create_page=True)
                if sub.page_id is None:
                    sub.page_id = self._take_page_id(None, sub)
                if sub not in category.subcats:
                    category.subcats.append(sub)
                    category._sorted = False
            return category

    def add_file(
        self,
        title: str,
        *,
        uploader: str = "Example Uploader",
        timestamp: datetime | str = "2024-09-15T12:00:00Z",
        width: int = 4000,
        height: int = 3000,
        mime: str = "image/jpeg",
        size: int | None = None,
        sha1: str | None = None,
        license: str | None = "CC BY-SA 4.0",
        artist: str | None = None,
        categories: Iterable[str] = (),
        content: bytes | None = None,
        page_id: int | None = None,
    ) -> StoredFile:
        """A file with its first upload; ``artist`` defaults to a link to the uploader."""
        name = _norm_name(_strip_prefix(title, ("file", "image")))
        with self._lock:
            user = self.user(uploader)
            version = _version(name, user, _ts(timestamp), width, height, mime, size, sha1, content)
            file = StoredFile(
                page_id=0,
                name=name,
                versions=[version],
                license=license,
                artist=artist if artist is not None else _artist_html(user.name),
                categories=[],
                content=content,
            )
            if name in self._files:
                raise ValueError(f"File:{name} exists; use reupload() for a new version")
            file.page_id = self._take_page_id(page_id, file)
            self._files[name] = file
            for category_name in categories:
                category = self._category(category_name, create_page=False)
                category.files.append(file)
                category._sorted = False
                file.categories.append(category)
            return file

    def reupload(
        self,
        title: str,
        *,
        uploader: str,
        timestamp: datetime | str,
        width: int | None = None,
        height: int | None = None,
        size: int | None = None,
        sha1: str | None = None,
        content: bytes | None = None,
    ) -> FileVersion:
        """A new version of an existing file (an "overwrite")."""
        with self._lock:
            file = self._files[_norm_name(_strip_prefix(title, ("file", "image")))]
            last = file.versions[0]
            version = _version(
                file.name,
                self.user(uploader),
                _ts(timestamp),
                width or last.width,
                height or last.height,
                last.mime,
                size,
                sha1 or hashlib.sha1(f"{file.name}/{timestamp}".encode()).hexdigest(),
                content,
            )
            file.versions.insert(0, version)
            if content is not None:
                file.content = content
            return version

    def add_generated_files(
        self,
        *,
        category: str,
        count: int,
        prefix: str = "WLM photo",
        uploaders: int = 200,
        start: datetime | str = "2024-09-01T00:00:00Z",
        seconds_apart: int = 37,
    ) -> list[StoredFile]:
        """Many plain files at once (benchmarks, the demo)."""
        first = _ts(start)
        names = [f"Uploader {n:04d}" for n in range(max(uploaders, 1))]
        return [
            self.add_file(
                f"{prefix} {n:06d}.jpg",
                uploader=names[n % len(names)],
                timestamp=first + timedelta(seconds=n * seconds_apart),
                width=4000 + n % 7 * 100,
                height=3000,
                categories=[category],
            )
            for n in range(count)
        ]

    def delete_file(self, title: str) -> None:
        name = _norm_name(_strip_prefix(title, ("file", "image")))
        with self._lock:
            file = self._files.pop(name)
            self._by_page_id.pop(file.page_id, None)
            for category in file.categories:
                category.files.remove(file)

    def add_redirect(self, source: str, target: str) -> None:
        """A file page left behind by a rename (``titles=…&redirects=1`` follows it)."""
        with self._lock:
            self._redirects[_file_title(source)] = _file_title(target)

    def file(self, title: str) -> StoredFile:
        return self._files[_norm_name(_strip_prefix(title, ("file", "image")))]

    # Faults

    def inject_fault(
        self,
        kind: FaultKind,
        *,
        times: int = 1,
        after: int = 0,
        retry_after: str | None = None,
        status: int = 500,
        code: str = "internal_api_error_DBQueryError",
        info: str = "[double] A database query error has occurred.",
        delay: float = 30.0,
    ) -> None:
        """Let ``after`` API requests through, then fail the next ``times`` ones.

        ``maxlag``: HTTP 200 error with Retry-After (default 5) and X-Database-Lag;
        ``ratelimit``: HTTP 429 text/plain (+ Retry-After if given); ``server_error``: an HTML
        page with ``status``; ``garbage``: truncated JSON; ``html``: HTTP 200 HTML;
        ``api_error``: an error object with ``code``/``info``; ``timeout``: waits ``delay``
        seconds, then answers normally (a client with a shorter timeout has given up by then).
        Faults queue one after another.
        """
        with self._lock:
            self._faults.append(Fault(kind, times, after, retry_after, status, code, info, delay))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self) -> Fault | None:
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            if fault.after > 0:
                fault.after -= 1
                return None
            fault.times -= 1
            if fault.times <= 0:
                self._faults.popleft()
            return fault

    # Internals

    def _take_page_id(self, page_id: int | None, page: StoredFile | StoredCategory) -> int:
        if page_id is None:
            page_id = self._next_page_id
        if page_id in self._by_page_id:
            raise ValueError(f"page id {page_id} is taken")
        self._next_page_id = max(self._next_page_id, page_id + 1)
        self._by_page_id[page_id] = page
        return page_id

    def _category(
        self, name: str, *, create_page: bool, page_id: int | None = None
    ) -> StoredCategory:
        name = _norm_name(_strip_prefix(name, ("category",)))
        category = self._categories.get(name)
        if category is None:
            category = self._categories[name] = StoredCategory(name=name, page_id=None)
        if create_page and category.page_id is None:
            category.page_id = self._take_page_id(page_id, category)
        return category


# The API


def create_app(store: CommonsStore) -> Starlette:
    """The double as an ASGI app: /w/api.php, /wikipedia/commons/… files, /wiki/… pages."""

    async def api(request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            params.update(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        user_agent = request.headers.get("user-agent", "")
        store.requests.append(RecordedRequest(request.method, "/w/api.php", params, user_agent))
        if not user_agent or user_agent.startswith(BLOCKED_AGENTS):
            return PlainTextResponse(UA_BLOCK_TEXT, status_code=403, headers={"server": "HAProxy"})
        base = store.public_url or str(request.base_url).rstrip("/")
        fault = store._take_fault()
        if fault is not None and fault.kind == "timeout":
            await asyncio.sleep(fault.delay)
        elif fault is not None:
            return _fault_response(fault, base)
        if store.latency:
            await asyncio.sleep(store.latency)
        fv1 = params.get("formatversion", "1") not in ("2", "latest")
        try:
            if params.get("format") != "json":
                raise ApiError("double-unsupported", "The double only speaks format=json.")
            maxlag = params.get("maxlag")
            if maxlag is not None and store.lag > _number(maxlag, "maxlag"):
                return _maxlag_response(store.lag, base)
            if params.get("action") != "query":
                raise ApiError(
                    "badvalue",
                    f'Unrecognized value for parameter "action": {params.get("action")}.',
                )
            body = _Query(store, params, base, fv1=fv1).run()
        except ApiError as exc:
            return _json(
                _error_body(exc, base, fv1), fv1, headers={"MediaWiki-API-Error": exc.code}
            )
        return _json(_to_fv1(body) if fv1 else body, fv1)

    def original(request: Request) -> Response:
        file = _served_file(store, request.path_params)
        if file is None:
            return PlainTextResponse("Not Found", status_code=404)
        version = file.versions[0]
        if file.content is not None:
            return Response(file.content, media_type=version.mime, headers=_CACHE)
        width, height = _fit(version.width, version.height, MAX_RENDERED_SIDE)
        return _image_response(store, file, width, height)

    def thumbnail(request: Request) -> Response:
        file = _served_file(store, request.path_params)
        match = re.fullmatch(r"(\d+)px-(.+)", request.path_params["thumb"])
        if file is None or match is None:
            return PlainTextResponse("Not Found", status_code=404)
        width = int(match.group(1))
        if store.enforce_thumb_steps and width not in THUMB_STEPS:
            return PlainTextResponse(THUMB_STEP_TEXT, status_code=429)
        version = file.versions[0]
        if width >= version.width and not version.mime.startswith("image/svg"):
            return PlainTextResponse(
                "Error generating thumbnail: Image was not scaled, is the requested width "
                "bigger than the source?",
                status_code=400,
            )
        height = max(1, round(version.height * width / version.width))
        return _image_response(store, file, width, height)

    def description(request: Request) -> Response:
        title = unquote(request.path_params["title"]).replace("_", " ")
        try:
            file = store.file(title)
        except KeyError:
            return HTMLResponse("<h1>No such file</h1>", status_code=404)
        base = store.public_url or str(request.base_url).rstrip("/")
        version = file.versions[0]
        return HTMLResponse(
            f"<!DOCTYPE html><html><head><title>{_h(file.title)}</title></head><body>"
            f"<h1>{_h(file.title)}</h1><img src='{base}/wikipedia/commons/{file.hash_path}' "
            f"width='640' alt=''><p>{version.width} x {version.height}, uploaded by "
            f"{_h(file.versions[-1].user)} on {_iso(file.versions[-1].timestamp)}, "
            f"{_h(file.license or '')}</p></body></html>"
        )

    return Starlette(
        routes=[
            Route("/w/api.php", api, methods=["GET", "POST"]),
            Route("/wikipedia/commons/thumb/archive/{a}/{ab}/{name}/{thumb}", thumbnail),
            Route("/wikipedia/commons/thumb/{a}/{ab}/{name}/{thumb}", thumbnail),
            Route("/wikipedia/commons/archive/{a}/{ab}/{name}", original),
            Route("/wikipedia/commons/{a}/{ab}/{name}", original),
            Route("/wiki/{title:path}", description),
        ]
    )


@dataclass(slots=True)
class _Page:
    sort_id: int
    title: str | None
    ns: int | None
    obj: dict[str, Any]
    file: StoredFile | None = None
    category: StoredCategory | None = None


class _Query:
    """One action=query request against the store."""

    def __init__(
        self, store: CommonsStore, params: dict[str, str], base: str, *, fv1: bool = False
    ) -> None:
        self.fv1 = fv1
        self.store = store
        self.params = params
        self.base = base
        self.thumb_base = store.thumb_url or base
        self.limits: dict[str, int] = {}
        self.warnings: dict[str, dict[str, str]] = {}
        self.cont: dict[str, str] = {}
        self.batchcomplete = True

    def run(self) -> dict[str, Any]:
        p = self.params
        self._check_continue()
        props = _multi(p.get("prop"))
        lists = _multi(p.get("list"))
        query: dict[str, Any] = {}
        for name in props - {"imageinfo", "categoryinfo"}:
            raise ApiError("double-unsupported", f"The double does not implement prop={name}.")
        for name in lists - {"categorymembers", "users"}:
            raise ApiError("double-unsupported", f"The double does not implement list={name}.")
        pages = self._page_set(query)
        if pages is not None:
            if "categoryinfo" in props:
                self._categoryinfo(pages)
            if "imageinfo" in props:
                self._imageinfo(pages)
            if pages and self.fv1:
                # fv1: an object keyed by page id (fake negative ids), in insertion order.
                query["pages"] = {str(page.sort_id): page.obj for page in pages}
            elif pages:
                # fv2: a list sorted by page id, so missing and invalid pages come first.
                query["pages"] = [page.obj for page in sorted(pages, key=lambda pg: pg.sort_id)]
        if "categorymembers" in lists:
            query["categorymembers"] = self._list_members()
        if "users" in lists:
            query["users"] = self._list_users()
        body: dict[str, Any] = {}
        if self.batchcomplete:
            body["batchcomplete"] = True
        if self.cont:
            body["continue"] = self.cont
        if self.limits:
            body["limits"] = self.limits
        if self.warnings:
            body["warnings"] = self.warnings
        if query:
            body["query"] = query
        return body

    def _check_continue(self) -> None:
        value = self.params.get("continue")
        if value is not None and value not in ("", "||", "-||", "gcmcontinue||"):
            raise ApiError(
                "badcontinue",
                "Invalid continue param. You should pass the original value returned by the "
                "previous query.",
            )

    # Page sets

    def _page_set(self, query: dict[str, Any]) -> list[_Page] | None:
        p = self.params
        sources = [k for k in ("generator", "titles", "pageids") if k in p]
        if len(sources) > 1:
            raise ApiError(
                "invalidparammix",
                f'The parameters "{sources[0]}" and "{sources[1]}" can not be used together.',
            )
        if "generator" in p:
            if p["generator"] != "categorymembers":
                raise ApiError(
                    "double-unsupported",
                    f"The double does not implement generator={p['generator']}.",
                )
            return self._generate()
        if "titles" in p:
            return self._titles(query)
        if "pageids" in p:
            return self._page_ids()
        return None

    def _generate(self) -> list[_Page]:
        p = self.params
        category = self._category_param("gcmtitle")
        limit = self._limit("gcmlimit", "categorymembers", default=10)
        kinds = _multi(p.get("gcmtype", "page|subcat|file"))
        members, next_token = self._members(category, kinds, limit, p.get("gcmcontinue"))
        if next_token is not None:
            self.cont["gcmcontinue"] = next_token
            self.cont["continue"] = "gcmcontinue||"
        return [self._existing_page(member) for member in members]

    def _titles(self, query: dict[str, Any]) -> list[_Page]:
        raw_titles = _split_multi(self.params["titles"])
        if len(raw_titles) > MAX_TITLES:
            raise ApiError(
                "toomanyvalues",
                f'Too many values supplied for parameter "titles". The limit is {MAX_TITLES}.',
                parameter="titles",
                limit=MAX_TITLES,
                lowlimit=MAX_TITLES,
                highlimit=MAX_LIMIT,
            )
        follow = "redirects" in self.params and self.params["redirects"] not in ("0", "false")
        normalized: list[dict[str, Any]] = []
        redirects: list[dict[str, Any]] = []
        pages: dict[str, _Page] = {}
        fake_id = 0
        for raw in raw_titles:
            parsed = _parse_title(raw)
            if isinstance(parsed, str):
                fake_id -= 1
                obj = {"title": raw, "invalidreason": parsed, "invalid": True}
                pages[f"\x00invalid{fake_id}"] = _Page(fake_id, raw, None, obj)
                continue
            ns, title = parsed
            if title != raw:
                normalized.append({"fromencoded": False, "from": raw, "to": title})
            if follow and title in self.store._redirects:
                target = self.store._redirects[title]
                redirects.append({"from": title, "to": target})
                ns, title = 6, target
            if title in pages:
                continue
            page = self._page_for_title(ns, title)
            if page is None:
                page = _Page(0, title, ns, {"ns": ns, "title": title, "missing": True})
            if page.sort_id == 0:
                # One counter hands fake ids to missing and invalid titles alike.
                fake_id -= 1
                page.sort_id = fake_id
            pages[title] = page
        if normalized:
            query["normalized"] = normalized
        if redirects:
            query["redirects"] = redirects
        return list(pages.values())

    def _page_ids(self) -> list[_Page]:
        values = _split_multi(self.params["pageids"])
        if len(values) > MAX_TITLES:
            raise ApiError(
                "too-many-pageids",
                f'Too many values supplied for parameter "pageids". The limit is {MAX_TITLES}.',
            )
        pages: dict[int, _Page] = {}
        for value in values:
            try:
                page_id = int(value)
            except ValueError:
                raise ApiError(
                    "badinteger", f'Invalid value "{value}" for integer parameter "pageids".'
                ) from None
            stored = self.store._by_page_id.get(page_id)
            if stored is None:
                pages[page_id] = _Page(page_id, None, None, {"pageid": page_id, "missing": True})
            else:
                pages[page_id] = self._existing_page(stored)
        return list(pages.values())

    def _page_for_title(self, ns: int, title: str) -> _Page | None:
        if ns == 6:
            file = self.store._files.get(title[5:])
            return self._existing_page(file) if file is not None else None
        if ns == 14:
            category = self.store._categories.get(title[9:])
            if category is None:
                return None
            if category.page_id is None:
                return _Page(
                    0, title, 14, {"ns": 14, "title": title, "missing": True}, None, category
                )
            return self._existing_page(category)
        return None

    @staticmethod
    def _existing_page(stored: StoredFile | StoredCategory) -> _Page:
        assert stored.page_id is not None
        ns = 6 if isinstance(stored, StoredFile) else 14
        obj = {"pageid": stored.page_id, "ns": ns, "title": stored.title}
        if isinstance(stored, StoredFile):
            return _Page(stored.page_id, stored.title, ns, obj, file=stored)
        return _Page(stored.page_id, stored.title, ns, obj, category=stored)

    # Category members

    def _category_param(self, name: str) -> StoredCategory | None:
        raw = self.params.get(name)
        if raw is None:
            raise ApiError("missingparam", f'The "{name}" parameter must be set.')
        parsed = _parse_title(raw)
        if isinstance(parsed, str) or parsed[0] != 14:
            raise ApiError("invalidcategory", "The category name you entered is not valid.")
        return self.store._categories.get(parsed[1][9:])

    def _limit(self, name: str, module: str, *, default: int) -> int:
        value = self.params.get(name)
        if value is None:
            return default
        if value == "max":
            self.limits[module] = MAX_LIMIT
            return MAX_LIMIT
        try:
            limit = int(value)
        except ValueError:
            raise ApiError(
                "badinteger", f'Invalid value "{value}" for integer parameter "{name}".'
            ) from None
        if limit > MAX_LIMIT:
            self.warnings[module] = {
                "warnings": f'The value "{limit}" for parameter "{name}" must be between 1 '
                f"and {MAX_LIMIT}."
            }
        return max(1, min(limit, MAX_LIMIT))

    def _members(
        self, category: StoredCategory | None, kinds: set[str], limit: int, token: str | None
    ) -> tuple[list[Any], str | None]:
        if category is None:
            return [], None
        start_kind, start_key = "page", None
        if token is not None:
            parts = token.split("|")
            try:
                start_kind = parts[0]
                start_key = (bytes.fromhex(parts[1]).decode(), int(parts[2]))
            except (IndexError, ValueError):
                raise ApiError("badcontinue", "Invalid continue param.") from None
            if len(parts) != 3 or start_kind not in _TYPES:
                raise ApiError("badcontinue", "Invalid continue param.")
        found: list[Any] = []
        with self.store._lock:
            for kind in _TYPES[_TYPES.index(start_kind) :]:
                if kind not in kinds:
                    continue
                members = category.members(kind)
                index = 0
                if kind == start_kind and start_key is not None:
                    index = bisect_left(members, start_key, key=_member_key)
                room = limit - len(found)
                found.extend(members[index : index + room])
                if index + room < len(members):
                    return found, _member_token(kind, members[index + room])
                start_key = None
        return found, None

    def _list_members(self) -> list[dict[str, Any]]:
        p = self.params
        category = self._category_param("cmtitle")
        limit = self._limit("cmlimit", "categorymembers", default=10)
        kinds = _multi(p.get("cmtype", "page|subcat|file"))
        members, next_token = self._members(category, kinds, limit, p.get("cmcontinue"))
        if next_token is not None:
            self.cont = {"cmcontinue": next_token, "continue": "-||"}
        props = _multi(p.get("cmprop", "ids|title"))
        out = []
        for member in members:
            item: dict[str, Any] = {}
            if "ids" in props:
                item["pageid"] = member.page_id
            item["ns"] = 6 if isinstance(member, StoredFile) else 14
            if "title" in props:
                item["title"] = member.title
            if "type" in props:
                item["type"] = "file" if isinstance(member, StoredFile) else "subcat"
            out.append(item)
        return out

    def _categoryinfo(self, pages: list[_Page]) -> None:
        for page in pages:
            category = page.category
            if category is None:
                continue
            files, subcats = len(category.files), len(category.subcats)
            if files + subcats == 0 and category.page_id is None:
                continue
            page.obj["categoryinfo"] = {
                "size": files + subcats,
                "pages": 0,
                "files": files,
                "subcats": subcats,
                "hidden": False,
            }

    # Image info

    def _imageinfo(self, pages: list[_Page]) -> None:
        p = self.params
        props = _multi(p.get("iiprop", "timestamp|user"))
        limit = self._limit("iilimit", "imageinfo", default=1)
        start = _parse_api_ts(p["iistart"]) if "iistart" in p else None
        end = _parse_api_ts(p["iiend"]) if "iiend" in p else None
        width = int(p["iiurlwidth"]) if p.get("iiurlwidth") else None
        meta_filter = _multi(p["iiextmetadatafilter"]) if "iiextmetadatafilter" in p else None
        from_key, from_ts = None, None
        if "iicontinue" in p:
            from_key, _, from_ts = p["iicontinue"].rpartition("|")
            if not from_key or not (len(from_ts) == 14 and from_ts.isdigit()):
                raise ApiError("badcontinue", "Invalid continue param.")
        budget = self.store.imageinfo_budget
        used = transforms = 0
        # Processed in DB key order (asort), whatever order the pages are output in.
        files = sorted(
            ((pg, (pg.title or "")[5:].replace(" ", "_")) for pg in pages if pg.ns == 6),
            key=lambda item: item[1],
        )
        single = len(pages) == 1
        for page, key in files:
            if from_key is not None and key < from_key:
                continue
            file = page.file
            if file is None:
                page.obj["imagerepository"] = ""
                continue
            if width is not None and transforms >= self.store.transform_limit:
                self._ii_continue(key, _mw_ts(file.versions[0].timestamp))
                return
            versions = [
                (n, v)
                for n, v in enumerate(file.versions)
                if (start is None or v.timestamp <= start)
                and (end is None or v.timestamp >= end)
                and (from_ts is None or key != from_key or _mw_ts(v.timestamp) <= from_ts)
            ]
            truncated = versions[limit:]
            versions = versions[:limit]
            out = []
            for n, version in versions:
                if budget is not None and used >= max(budget, 1):
                    if out:
                        page.obj["imagerepository"] = "local"
                        page.obj["imageinfo"] = out
                    self._ii_continue(key, _mw_ts(version.timestamp))
                    return
                out.append(self._version_info(file, n, version, props, width, meta_filter))
                used += 1
                transforms += 1 if width is not None else 0
            page.obj["imagerepository"] = "local"
            if out:
                page.obj["imageinfo"] = out
            if truncated and single:
                # Only a lone title continues a truncated history, with iistart (reference §1.5).
                self.batchcomplete = False
                self.cont = {"iistart": _iso(truncated[0][1].timestamp), "continue": "||"}

    def _ii_continue(self, key: str, ts: str) -> None:
        self.batchcomplete = False
        cont = {"iicontinue": f"{key}|{ts}"}
        if "gcmcontinue" in self.params:
            # Case A': the same generator batch again, so the same gcmcontinue as sent.
            cont["gcmcontinue"] = self.params["gcmcontinue"]
            cont["continue"] = "gcmcontinue||"
        else:
            cont["continue"] = "||"
        self.cont = cont

    def _version_info(
        self,
        file: StoredFile,
        n: int,
        version: FileVersion,
        props: set[str],
        width: int | None,
        meta_filter: set[str] | None,
    ) -> dict[str, Any]:
        info: dict[str, Any] = {}
        if "timestamp" in props:
            info["timestamp"] = version.iso
        if "user" in props:
            info["user"] = version.user
        if "userid" in props:
            info["userid"] = version.user_id
        if "size" in props or "dimensions" in props:
            info["size"] = version.size
            info["width"] = version.width
            info["height"] = version.height
        if "canonicaltitle" in props:
            info["canonicaltitle"] = file.title
        if "url" in props:
            archive = _archive_name(file, n)
            if width is not None:
                info.update(self._thumb(file, version, width, archive))
            info["url"] = self._original_url(file, archive, "original")
            info["descriptionurl"] = f"{self.base}/wiki/{file.page_path}"
        if "sha1" in props:
            info["sha1"] = version.sha1
        if "extmetadata" in props:
            info["extmetadata"] = self._extmetadata(file, version, meta_filter)
        if "mime" in props:
            info["mime"] = version.mime
        if "mediatype" in props:
            info["mediatype"] = "DRAWING" if version.mime == "image/svg+xml" else "BITMAP"
        if "archivename" in props and n > 0:
            info["archivename"] = _archive_name(file, n)
        return info

    def _original_url(self, file: StoredFile, archive: str | None, content: str) -> str:
        if archive is None:
            url = f"{self.base}/wikipedia/commons/{file.hash_path}"
        else:
            url = f"{self.base}/wikipedia/commons/archive/{file.hash_path.rsplit('/', 1)[0]}/"
            url += quote(archive, safe="")
        return url + self._utm(content)

    def _thumb(
        self, file: StoredFile, version: FileVersion, width: int, archive: str | None
    ) -> dict[str, Any]:
        height = max(1, round(version.height * width / version.width))
        vector = version.mime == "image/svg+xml"
        step = next((s for s in THUMB_STEPS if s >= width), width)
        if not vector and step >= version.width:
            # Never upscaled: the original stands in, and the display box is kept.
            url = self._original_url(file, archive, "thumbnail_unscaled")
        else:
            folder = (
                file.hash_path
                if archive is None
                else ("archive/" + file.hash_path.rsplit("/", 1)[0] + "/" + quote(archive, safe=""))
            )
            thumb_name = quote(file.dbkey, safe="")
            if len(file.dbkey.encode()) > 160:
                thumb_name = "thumbnail." + file.dbkey.rsplit(".", 1)[-1]
            if vector:
                thumb_name += ".png"
            url = f"{self.thumb_base}/wikipedia/commons/thumb/{folder}/{step}px-{thumb_name}"
            url += self._utm("thumbnail")
        return {"thumburl": url, "thumbwidth": width, "thumbheight": height}

    def _utm(self, content: str) -> str:
        if not self.store.provenance:
            return ""
        return f"?utm_source={UTM_SOURCE}&utm_campaign=imageinfo&utm_content={content}"

    @staticmethod
    def _extmetadata(
        file: StoredFile, version: FileVersion, wanted: set[str] | None
    ) -> dict[str, Any]:
        wanted = _EXTMETADATA_KEYS if wanted is None else wanted
        meta: dict[str, Any] = {}
        if "DateTime" in wanted:
            meta["DateTime"] = {
                "value": version.iso.replace("T", " ").rstrip("Z"),
                "source": "mediawiki-metadata",
                "hidden": "",
            }
        if "ObjectName" in wanted:
            meta["ObjectName"] = {
                "value": file.name.rsplit(".", 1)[0],
                "source": "mediawiki-metadata",
                "hidden": "",
            }
        if "Categories" in wanted and file.categories:
            meta["Categories"] = {
                "value": "|".join(c.name for c in file.categories),
                "source": "commons-categories",
                "hidden": "",
            }
        if "Artist" in wanted and file.artist is not None:
            meta["Artist"] = _artist_entry(file.artist)
        if "LicenseShortName" in wanted and file.license is not None:
            meta["LicenseShortName"] = _license_entry(file.license)
        return meta

    # Users

    def _list_users(self) -> list[dict[str, Any]]:
        names = _split_multi(self.params.get("ususers", ""))
        if len(names) > MAX_TITLES:
            raise ApiError(
                "toomanyvalues",
                f'Too many values supplied for parameter "ususers". The limit is {MAX_TITLES}.',
                parameter="ususers",
                limit=MAX_TITLES,
                lowlimit=MAX_TITLES,
                highlimit=MAX_LIMIT,
            )
        props = _multi(self.params.get("usprop"))
        out = []
        for raw in names:
            name = _norm_name(_strip_prefix(raw, ("user",))) if raw.strip() else ""
            if not name or _ILLEGAL_RE.search(name) or any(c in name for c in "/@:="):
                out.append({"name": raw, "invalid": True})
                continue
            user = self.store._users.get(name)
            if user is None:
                out.append({"name": name, "missing": True})
                continue
            item: dict[str, Any] = {"userid": user.local_id, "name": user.name}
            if "centralids" in props:
                item["centralids"] = {"CentralAuth": user.central_id, "local": user.local_id}
                item["attachedlocal"] = {"CentralAuth": user.central_id > 0, "local": True}
            out.append(item)
        return out


# Responses


_CACHE = {"Cache-Control": "public, max-age=86400"}


def _json(body: dict[str, Any], fv1: bool, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=fv1, separators=(",", ":"))
    return Response(text, media_type="application/json; charset=utf-8", headers=headers)


def _docref(base: str) -> str:
    return (
        f"See {base}/w/api.php for API usage. Subscribe to the mediawiki-api-announce mailing "
        "list at &lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce."
        "lists.wikimedia.org/&gt; for notice of API deprecations and breaking changes."
    )


def _error_body(exc: ApiError, base: str, fv1: bool) -> dict[str, Any]:
    error: dict[str, Any] = {"code": exc.code, "info": exc.info, **exc.extra}
    error["*" if fv1 else "docref"] = _docref(base)
    return {"error": error, "servedby": SERVED_BY}


def _maxlag_response(lag: float, base: str, retry_after: str | None = None) -> Response:
    host = "10.64.48.35"
    body = {
        "error": {
            "code": "maxlag",
            "info": f"Waiting for {host}: {lag:g} seconds lagged.",
            "host": host,
            "lag": lag,
            "type": "db",
            "docref": _docref(base),
        },
        "servedby": SERVED_BY,
    }
    headers = {
        "Retry-After": retry_after or str(max(5, int(lag))),
        "X-Database-Lag": str(int(lag)),
        "MediaWiki-API-Error": "maxlag",
    }
    return _json(body, False, headers)


def _fault_response(fault: Fault, base: str) -> Response:
    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
    if fault.kind == "maxlag":
        return _maxlag_response(7.0, base, fault.retry_after or "5")
    if fault.kind == "ratelimit":
        return PlainTextResponse(RATE_LIMIT_TEXT, status_code=429, headers=headers)
    if fault.kind == "server_error":
        return HTMLResponse(ERROR_PAGE, status_code=fault.status, headers=headers)
    if fault.kind == "garbage":
        return Response(
            '{"batchcomplete":true,"query":{"pages":[{"pageid":1,"ns":6,"title":"File:Tr',
            media_type="application/json; charset=utf-8",
        )
    if fault.kind == "html":
        return HTMLResponse(ERROR_PAGE)
    body = {"error": {"code": fault.code, "info": fault.info, "docref": _docref(base)}}
    body["servedby"] = SERVED_BY
    return _json(body, False, {"MediaWiki-API-Error": fault.code, **headers})


def _to_fv1(body: dict[str, Any]) -> dict[str, Any]:
    """formatversion=1 conventions: "" for true, false left out, "*" for content keys."""
    warnings = body.get("warnings")
    if isinstance(warnings, dict):
        body["warnings"] = {k: {"*": v.get("warnings", "")} for k, v in warnings.items()}
    return _bc_bools(body)


def _bc_bools(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("" if v is True else _bc_bools(v)) for k, v in value.items() if v is not False}
    if isinstance(value, list):
        return [_bc_bools(v) for v in value]
    return value


# Files


def _served_file(store: CommonsStore, path: dict[str, str]) -> StoredFile | None:
    name = unquote(path["name"])
    if "!" in name and re.match(r"\d{14}!", name):
        name = name.split("!", 1)[1]
    file = store._files.get(name.replace("_", " "))
    if file is None or file.hash_path.rsplit("/", 1)[0] != f"{path['a']}/{path['ab']}":
        return None
    return file


def _image_response(store: CommonsStore, file: StoredFile, width: int, height: int) -> Response:
    version = file.versions[0]
    png = version.mime != "image/jpeg"
    key = (file.page_id, version.sha1, width, height)
    with store._lock:
        data = store._images.get(key)
        if data is not None:
            store._images.move_to_end(key)
    if data is None:
        data = render_image(width=width, height=height, seed=file.name, label=file.name, png=png)
        with store._lock:
            store._images[key] = data
            while len(store._images) > 256:
                store._images.popitem(last=False)
    return Response(data, media_type="image/png" if png else "image/jpeg", headers=_CACHE)


def render_image(*, width: int, height: int, seed: str, label: str, png: bool = False) -> bytes:
    """A recognizable placeholder photo: sky gradient, a hill and a monument, and the name."""
    from PIL import Image, ImageDraw, ImageFont, ImageOps

    digest = hashlib.md5(seed.encode()).digest()
    hue = digest[0] / 255

    def rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
        r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
        return int(r * 255), int(g * 255), int(b * 255)

    gradient = Image.linear_gradient("L").resize((width, height))
    image = ImageOps.colorize(gradient, rgb(hue, 0.35, 0.95), rgb(hue + 0.08, 0.7, 0.45))
    draw = ImageDraw.Draw(image)
    horizon = int(height * (0.55 + digest[1] / 255 * 0.2))
    draw.ellipse(
        (-width // 4, horizon - height // 8, width + width // 4, height + height // 2),
        fill=rgb(hue + 0.3, 0.5, 0.5),
    )
    tower_w = max(4, width // (6 + digest[2] % 6))
    left = int(width * (0.2 + digest[3] / 255 * 0.5))
    top = int(horizon * (0.25 + digest[4] / 255 * 0.35))
    draw.rectangle((left, top, left + tower_w, horizon + 4), fill=rgb(hue + 0.55, 0.25, 0.3))
    draw.polygon(
        [
            (left - tower_w // 3, top),
            (left + tower_w // 2, top - tower_w),
            (left + tower_w * 4 // 3, top),
        ],
        fill=rgb(hue + 0.55, 0.4, 0.25),
    )
    if width >= 120:
        font = ImageFont.load_default(size=max(10, width // 40))
        draw.text((width // 50, height - height // 12), label, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    if png:
        image.save(out, "PNG")
    else:
        image.save(out, "JPEG", quality=80)
    return out.getvalue()


# Serving


@contextmanager
def serve_in_thread(
    app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"
) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a background thread; yields its base URL.

    Port 0 picks a free port. The server stops when the block exits.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="serve-in-thread", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the server in the background thread did not start")
        time.sleep(0.005)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# Helpers


_EXTMETADATA_KEYS = {"DateTime", "ObjectName", "Categories", "Artist", "LicenseShortName"}


# Shared, never-mutated entries: contest files repeat a few artists and licences.
@lru_cache(maxsize=4096)
def _artist_entry(value: str) -> dict[str, str]:
    return {"value": value, "source": "commons-desc-page"}


@lru_cache(maxsize=256)
def _license_entry(value: str) -> dict[str, str]:
    return {"value": value, "source": "commons-desc-page", "hidden": ""}


def _member_key(member: StoredFile | StoredCategory) -> tuple[str, int]:
    # Commons sorts with the "uppercase" collation: the upper-cased name, then the page id.
    return member.name.upper(), member.page_id or 0


def _member_token(kind: str, member: StoredFile | StoredCategory) -> str:
    sortkey, page_id = _member_key(member)
    return f"{kind}|{sortkey.encode().hex()}|{page_id}"


def _multi(value: str | None) -> set[str]:
    return set(_split_multi(value)) if value else set()


def _split_multi(value: str) -> list[str]:
    if value.startswith("\x1f"):
        return value[1:].split("\x1f")
    return value.split("|") if value else []


def _norm_name(raw: str) -> str:
    text = _SPACES_RE.sub(" ", raw).strip()
    return text[:1].upper() + text[1:]


def _strip_prefix(raw: str, prefixes: Sequence[str]) -> str:
    prefix, colon, rest = raw.partition(":")
    if colon and prefix.strip().lower() in prefixes:
        return rest
    return raw


def _file_title(raw: str) -> str:
    return "File:" + _norm_name(_strip_prefix(raw, ("file", "image")))


def _parse_title(raw: str) -> tuple[int, str] | str:
    """(namespace, normalized title), or the reason the title is invalid."""
    text = _SPACES_RE.sub(" ", raw).strip()
    bad = _ILLEGAL_RE.search(text)
    if bad:
        return f'The requested page title contains invalid characters: "{bad.group()}".'
    ns = 0
    prefix, colon, rest = text.partition(":")
    if colon and prefix.strip().lower() in NAMESPACES:
        ns = NAMESPACES[prefix.strip().lower()]
        text = rest.strip()
    if not text:
        return EMPTY_TITLE_REASON
    return ns, NS_PREFIX[ns] + text[0].upper() + text[1:]


def _number(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ApiError(
            "badinteger", f'Invalid value "{value}" for integer parameter "{name}".'
        ) from None


def _ts(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return _parse_api_ts(value)


def _parse_api_ts(value: str) -> datetime:
    if len(value) == 14 and value.isdigit():
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _mw_ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def _archive_name(file: StoredFile, n: int) -> str | None:
    if n == 0:
        return None
    # An old version is archived under the time it was superseded.
    return f"{_mw_ts(file.versions[n - 1].timestamp)}!{file.dbkey}"


def _version(
    name: str,
    user: StoredUser,
    timestamp: datetime,
    width: int,
    height: int,
    mime: str,
    size: int | None,
    sha1: str | None,
    content: bytes | None,
) -> FileVersion:
    if sha1 is None:
        sha1 = hashlib.sha1(content if content is not None else name.encode()).hexdigest()
    if size is None:
        size = len(content) if content is not None else width * height // 4
    return FileVersion(
        timestamp, user.name, user.local_id, width, height, size, mime, sha1, _iso(timestamp)
    )


def _artist_html(user: str) -> str:
    page = quote(user.replace(" ", "_"))
    return (
        f'<a href="//commons.wikimedia.org/wiki/User:{page}" title="User:{_h(user)}">{_h(user)}</a>'
    )


def _fit(width: int, height: int, side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _h(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
    )


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m app.commons.double``: serve generated files in another process.

    Benchmarks use this to keep the double's CPU and memory out of Loupe's figures.
    """
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--category", default="Images from Wiki Loves Monuments 2024 in Demoland")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--batch-budget", type=int, default=None, help="imageinfo_budget")
    args = parser.parse_args(argv)
    store = CommonsStore(imageinfo_budget=args.batch_budget, record_requests=1000)
    store.add_category(args.category)
    store.add_generated_files(category=args.category, count=args.files)
    print(
        f"Commons double: http://{args.host}:{args.port}/w/api.php "
        f"({args.files} files in Category:{args.category})",
        flush=True,
    )
    uvicorn.run(create_app(store), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
