"""Synchronous client for the Commons Action API: category walks, title lookups, user ids.

Everything here follows docs `/work/shared/reference/mediawiki-api.md` (the "reference"):

* **Continuation** (§1.5): every ``continue`` object is merged into the *original* request,
  never into the previous one, and pages are merged by page id (``imageinfo`` lists extended)
  until ``batchcomplete`` is present. Only then is a batch handed out, together with the
  ``continue`` object of that answer, which at that point holds generator continuation only.
* **Resume**: :meth:`CommonsClient.iter_category` yields :class:`CategoryBatch` whose
  ``next_continue`` resumes exactly after that batch (``None`` when the category is done). For
  several categories or a tree, :meth:`CommonsClient.category_tree` computes the plan once (BFS,
  cycle-safe, depth-limited) and :meth:`CommonsClient.iter_categories` walks it, yielding a
  :class:`PlanCursor` (index in the plan + continue token) after every batch. An import job
  stores the plan and the last cursor it committed with the batch's files.
* **First upload** (§3): there is no ``iidir``; versions come newest first. Every imageinfo
  query here asks ``iilimit=max``, so ``imageinfo[0]`` is the latest version and
  ``imageinfo[-1]`` the first upload, in the same request (the reference's "bulk alternative").
  Nearly all contest files have one version, so this costs nothing extra for them; histories
  longer than 500 versions would be truncated silently, which contest photos never reach. The
  catch is that thumbnails are rendered for every version, so ``thumb_width`` is off by default
  (bulk imports should build display thumbnails elsewhere, §6).
* **User ids** (§7.5): imageinfo's ``userid`` is the local Commons id; Loupe keys users by the
  central id (OAuth ``sub``). :meth:`CommonsClient.central_ids` maps user names through
  ``list=users&usprop=centralids``, 50 names a request.
* **Etiquette** (§4): a descriptive User-Agent, ``maxlag=5`` on every request, serial requests,
  retries of maxlag / 429 / 5xx / network failures with exponential backoff that honours
  ``Retry-After``, and a bounded total retry time.

Errors: a category that does not exist is :class:`~app.core.errors.NotFound` (Commons itself
answers a missing category exactly like an empty one, so the client asks ``prop=categoryinfo``
before a fresh walk); a title Commons calls invalid is :class:`~app.core.errors.InvalidInput`;
anything else that goes wrong upstream is a :class:`CommonsError` (502).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal

import httpx

from app.commons.parsing import (
    CommonsFile,
    InvalidTitle,
    MissingPage,
    iter_pages,
    normalize_category_title,
    normalize_file_title,
    normalize_username,
    parse_page,
    parse_pairs,
)
from app.core.errors import InvalidInput, NotFound, UpstreamError

logger = logging.getLogger(__name__)

TITLES_PER_REQUEST = 50
USERS_PER_REQUEST = 50
IIPROP = "timestamp|user|userid|url|size|mime|sha1|extmetadata"
EXTMETADATA_KEYS = "LicenseShortName|Artist"
# Above this a GET risks "414 URI too long" (reference §4.2); the API takes the same form as POST.
_MAX_GET_QUERY = 6000
_BACKOFF_START = 1.0
_BACKOFF_CAP = 60.0
_DEFAULT_MAXLAG_WAIT = 5.0
_RETRYABLE_API_CODES = ("maxlag", "ratelimited")


class CommonsError(UpstreamError):
    """Commons failed or answered something Loupe cannot use."""

    code = "commons_error"


class CommonsApiError(CommonsError):
    """Commons answered with an API error object (``{"error": {"code", "info"}}``)."""

    code = "commons_api_error"

    def __init__(self, detail: str, *, api_code: str, info: str) -> None:
        super().__init__(detail)
        self.api_code = api_code
        self.info = info


class CommonsUnavailable(CommonsError):
    """Commons kept failing (lag, rate limits, outages) for longer than the retry budget."""

    code = "commons_unavailable"


@dataclass(frozen=True, slots=True)
class CategoryBatch:
    """One complete generator batch of a category: every file has all its imageinfo."""

    category: str
    files: tuple[CommonsFile, ...]
    # File pages without a file (rare); deleted files simply stop being members.
    missing: tuple[MissingPage, ...]
    # Pass as ``continue_token`` to resume right after this batch; None when the category is done.
    next_continue: dict[str, str] | None


@dataclass(frozen=True, slots=True)
class PlanCursor:
    """Where a walk over a list of categories stands: JSON-able for a job checkpoint."""

    index: int
    continue_token: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "continue": self.continue_token}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanCursor:
        index = data.get("index")
        token = data.get("continue")
        if not isinstance(index, int) or index < 0:
            raise InvalidInput(f"Bad category cursor index: {index!r}")
        return cls(index=index, continue_token=_check_token(token))


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    title: str
    # Whether the category's description page exists; a category can have members without one.
    page_exists: bool
    files: int
    subcats: int
    pages: int

    @property
    def exists(self) -> bool:
        return self.page_exists or self.files + self.subcats + self.pages > 0


@dataclass(frozen=True, slots=True)
class TitleResult:
    """What became of one requested title."""

    requested: str
    # The title Commons resolved it to (normalized, redirects followed); None when invalid.
    title: str | None
    file: CommonsFile | None = None
    invalid_reason: str | None = None

    @property
    def missing(self) -> bool:
        return self.file is None and self.invalid_reason is None


@dataclass(frozen=True, slots=True)
class TitleBatch:
    """Results for up to 50 requested titles, in input order."""

    results: tuple[TitleResult, ...]

    @property
    def files(self) -> list[CommonsFile]:
        return [r.file for r in self.results if r.file is not None]

    @property
    def missing(self) -> list[TitleResult]:
        return [r for r in self.results if r.missing]

    @property
    def invalid(self) -> list[TitleResult]:
        return [r for r in self.results if r.invalid_reason is not None]


@dataclass(frozen=True, slots=True)
class PageIdBatch:
    files: tuple[CommonsFile, ...]
    missing: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CentralUser:
    name: str
    local_id: int
    # None when the account has no (attached) global account.
    central_id: int | None


@dataclass(slots=True)
class _Batch:
    pages: list[dict[str, Any]]
    normalized: list[dict[str, Any]] = field(default_factory=list)
    redirects: list[dict[str, Any]] = field(default_factory=list)
    resume: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class _Retry:
    reason: str
    retry_after: float | None = None


class CommonsClient:
    def __init__(
        self,
        *,
        api_url: str,
        user_agent: str,
        timeout: float = 30.0,
        max_retry_seconds: float = 120.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        batch_size: int | Literal["max"] = "max",
        thumb_width: int | None = None,
        max_categories: int = 1000,
    ) -> None:
        if not user_agent.strip():
            raise ValueError("Commons requires a descriptive User-Agent")
        if "httpx/" not in user_agent:
            # The User-Agent policy asks for the library after the client (reference §4.4).
            user_agent = f"{user_agent} httpx/{httpx.__version__}"
        self.api_url = api_url
        self.user_agent = user_agent
        self._max_retry_seconds = max_retry_seconds
        self._sleep = sleep
        self._clock = clock
        self._batch_size = str(batch_size)
        self._thumb_width = thumb_width
        self._max_categories = max_categories
        self._http = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CommonsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Categories

    def category_info(self, *, category: str) -> CategoryInfo:
        title = normalize_category_title(category)
        data = self._call({"prop": "categoryinfo", "titles": title})
        pages = list(iter_pages((data.get("query") or {}).get("pages")))
        if not pages:
            raise CommonsError(f"Commons answered no page for {title!r}")
        page = pages[0]
        if "invalid" in page:
            raise InvalidInput(
                f"{title!r} is not a valid category name: {page.get('invalidreason', '')}",
                code="invalid_category",
            )
        info = page.get("categoryinfo") or {}
        return CategoryInfo(
            title=str(page.get("title", title)),
            page_exists="missing" not in page,
            files=int(info.get("files", 0)),
            subcats=int(info.get("subcats", 0)),
            pages=int(info.get("pages", 0)),
        )

    def require_category(self, *, category: str) -> str:
        """The normalized title of an existing category; NotFound otherwise."""
        info = self.category_info(category=category)
        if not info.exists:
            raise NotFound(f"Commons has no category {info.title!r}", code="category_not_found")
        return info.title

    def iter_category(
        self,
        *,
        category: str,
        continue_token: Mapping[str, str] | None = None,
        check_exists: bool = True,
    ) -> Iterator[CategoryBatch]:
        """The files directly in a category, one complete generator batch at a time.

        Empty batches are yielded too (an empty category gives one), so a caller always gets
        a final batch with ``next_continue=None`` to checkpoint.
        """
        title = normalize_category_title(category)
        token = _check_token(continue_token)
        if check_exists and token is None:
            title = self.require_category(category=title)
        params = {
            "generator": "categorymembers",
            "gcmtitle": title,
            "gcmtype": "file",
            "gcmlimit": self._batch_size,
            **self._imageinfo_params(),
        }
        for batch in self._walk(params, start=token):
            parsed = [parse_page(page) for page in batch.pages]
            yield CategoryBatch(
                category=title,
                files=tuple(p for p in parsed if isinstance(p, CommonsFile)),
                missing=tuple(p for p in parsed if isinstance(p, MissingPage)),
                next_continue=batch.resume,
            )

    def list_subcategories(self, *, category: str) -> list[str]:
        """Titles of the direct subcategories, in Commons' sort order."""
        title = normalize_category_title(category)
        params = {
            "list": "categorymembers",
            "cmtitle": title,
            "cmtype": "subcat",
            "cmlimit": "max",
            "cmprop": "ids|title",
        }
        found: list[str] = []
        request: dict[str, str] = params
        while True:
            data = self._call(request)
            for member in (data.get("query") or {}).get("categorymembers") or []:
                found.append(str(member["title"]))
            cont = data.get("continue")
            if not cont:
                return found
            request = {**params, **_check_token(cont)}

    def category_tree(self, *, categories: Sequence[str], depth: int = 0) -> list[str]:
        """The plan for a walk: the roots, then subcategories breadth-first down to ``depth``.

        Each category appears once however many paths lead to it, so cycles (A → B → A) end.
        Roots must exist (NotFound otherwise); depth 0 means the roots only.
        """
        if depth < 0:
            raise InvalidInput("Subcategory depth cannot be negative")
        plan: list[str] = []
        seen: set[str] = set()
        level: list[str] = []
        for category in categories:
            title = self.require_category(category=category)
            if title not in seen:
                seen.add(title)
                plan.append(title)
                level.append(title)
        for _ in range(depth):
            next_level: list[str] = []
            for parent in level:
                for sub in self.list_subcategories(category=parent):
                    if sub in seen:
                        continue
                    seen.add(sub)
                    plan.append(sub)
                    next_level.append(sub)
                    if len(plan) > self._max_categories:
                        raise InvalidInput(
                            f"The category tree has more than {self._max_categories} categories;"
                            " use a smaller subcategory depth",
                            code="category_tree_too_big",
                        )
            level = next_level
        return plan

    def iter_categories(
        self, *, categories: Sequence[str], cursor: PlanCursor | None = None
    ) -> Iterator[tuple[CategoryBatch, PlanCursor | None]]:
        """Walk a plan of categories from ``cursor``; each batch comes with the cursor after it.

        The cursor is None after the last batch of the last category. Files in several
        categories of the plan come once per category: deduplicate by page id when storing.
        """
        cursor = cursor or PlanCursor(index=0)
        for index in range(cursor.index, len(categories)):
            token = cursor.continue_token if index == cursor.index else None
            batches = self.iter_category(
                category=categories[index], continue_token=token, check_exists=False
            )
            for batch in batches:
                if batch.next_continue is not None:
                    after: PlanCursor | None = PlanCursor(index, batch.next_continue)
                elif index + 1 < len(categories):
                    after = PlanCursor(index + 1)
                else:
                    after = None
                yield batch, after

    # Files by title or page id

    def lookup_titles(self, *, titles: Iterable[str]) -> Iterator[TitleBatch]:
        """Look files up by title, 50 a request; one batch of results per request, in order.

        Input may be bare names, ``File:``/``Image:`` titles or Commons URLs. Redirects (left
        behind by file renames) are followed.
        """
        for chunk in batched(titles, TITLES_PER_REQUEST):
            yield self._lookup_chunk(list(chunk))

    def lookup_page_ids(self, *, page_ids: Iterable[int]) -> Iterator[PageIdBatch]:
        """Look files up by page id (stable across renames), 50 a request."""
        for chunk in batched(page_ids, TITLES_PER_REQUEST):
            params = {"pageids": "|".join(str(int(i)) for i in chunk), **self._imageinfo_params()}
            files: list[CommonsFile] = []
            found: set[int] = set()
            for batch in self._walk(params):
                for page in batch.pages:
                    parsed = parse_page(page)
                    if isinstance(parsed, CommonsFile):
                        files.append(parsed)
                        found.add(parsed.page_id)
            missing = tuple(int(i) for i in dict.fromkeys(chunk) if int(i) not in found)
            yield PageIdBatch(files=tuple(files), missing=missing)

    # Users

    def central_ids(self, *, usernames: Iterable[str]) -> dict[str, CentralUser]:
        """Local and central (global) ids for user names, keyed by the names as given.

        Names Commons does not know, or that are not valid user names, are left out.
        """
        wanted: dict[str, list[str]] = {}
        for raw in usernames:
            try:
                wanted.setdefault(normalize_username(raw), []).append(raw)
            except InvalidInput:
                continue
        found: dict[str, CentralUser] = {}
        for chunk in batched(wanted, USERS_PER_REQUEST):
            data = self._call({"list": "users", "ususers": "|".join(chunk), "usprop": "centralids"})
            for user in (data.get("query") or {}).get("users") or []:
                if "missing" in user or "invalid" in user or "userid" not in user:
                    continue
                ids = user.get("centralids") or {}
                attached = user.get("attachedlocal") or {}
                central = ids.get("CentralAuth")
                # fv1 gives "" for true and leaves false out.
                is_attached = "CentralAuth" in attached and attached["CentralAuth"] is not False
                record = CentralUser(
                    name=str(user["name"]),
                    local_id=int(user["userid"]),
                    central_id=int(central) if central and is_attached else None,
                )
                for raw in wanted.get(record.name, ()):
                    found[raw] = record
        return found

    # Plumbing

    def _imageinfo_params(self) -> dict[str, str]:
        params = {
            "prop": "imageinfo",
            "iiprop": IIPROP,
            "iilimit": "max",
            "iiextmetadatafilter": EXTMETADATA_KEYS,
        }
        if self._thumb_width:
            params["iiurlwidth"] = str(self._thumb_width)
        return params

    def _lookup_chunk(self, chunk: list[str]) -> TitleBatch:
        sent: dict[str, str | InvalidTitle] = {}
        for raw in chunk:
            try:
                sent[raw] = normalize_file_title(raw)
            except InvalidInput as exc:
                sent[raw] = InvalidTitle(title=raw, reason=exc.detail)
        titles = list(dict.fromkeys(t for t in sent.values() if isinstance(t, str)))
        normalized: dict[str, str] = {}
        redirects: dict[str, str] = {}
        by_title: dict[str, CommonsFile | MissingPage | InvalidTitle] = {}
        if titles:
            params = {"titles": "|".join(titles), "redirects": "1", **self._imageinfo_params()}
            for batch in self._walk(params):
                normalized.update(parse_pairs(batch.normalized))
                redirects.update(parse_pairs(batch.redirects))
                for page in batch.pages:
                    parsed = parse_page(page)
                    if parsed.title is not None:
                        by_title[parsed.title] = parsed
        results = []
        for raw in chunk:
            title = sent[raw]
            if isinstance(title, InvalidTitle):
                results.append(TitleResult(requested=raw, title=None, invalid_reason=title.reason))
                continue
            title = normalized.get(title, title)
            title = redirects.get(title, title)
            page = by_title.get(title)
            if isinstance(page, InvalidTitle):
                results.append(TitleResult(requested=raw, title=None, invalid_reason=page.reason))
            elif isinstance(page, CommonsFile):
                results.append(TitleResult(requested=raw, title=title, file=page))
            else:
                results.append(TitleResult(requested=raw, title=title))
        return TitleBatch(results=tuple(results))

    def _walk(
        self, params: dict[str, str], *, start: Mapping[str, str] | None = None
    ) -> Iterator[_Batch]:
        """Follow continuation; yield each complete batch with the token resuming after it."""
        pending: dict[Any, dict[str, Any]] = {}
        normalized: list[dict[str, Any]] = []
        redirects: list[dict[str, Any]] = []
        request = {**params, **start} if start else params
        while True:
            data = self._call(request)
            query = data.get("query") or {}
            if not isinstance(query, Mapping):
                raise CommonsError("Commons answered a 'query' that is not an object")
            try:
                _merge_pages(pending, iter_pages(query.get("pages")))
            except (TypeError, ValueError, AttributeError) as exc:
                raise CommonsError(f"Commons answered malformed pages: {exc}") from exc
            if not normalized:
                normalized = list(query.get("normalized") or [])
            if not redirects:
                redirects = list(query.get("redirects") or [])
            cont = data.get("continue")
            if cont is not None and not isinstance(cont, Mapping):
                raise CommonsError("Commons answered a 'continue' that is not an object")
            if "batchcomplete" in data or not cont:
                yield _Batch(
                    pages=list(pending.values()),
                    normalized=normalized,
                    redirects=redirects,
                    resume=_check_token(cont) if cont else None,
                )
                pending, normalized, redirects = {}, [], []
            if not cont:
                return
            # The ORIGINAL request + this continue: a stale iicontinue would skip files.
            request = {**params, **_check_token(cont)}

    def _call(self, params: Mapping[str, str]) -> dict[str, Any]:
        """One API request with retries; returns the decoded answer without an error."""
        full = {"action": "query", "format": "json", "formatversion": "2", "maxlag": "5"}
        full.update(params)
        attempt = 0
        spent = 0.0
        while True:
            started = self._clock()
            try:
                outcome = self._interpret(self._send(full))
            except httpx.TransportError as exc:
                outcome = _Retry(f"could not reach Commons ({type(exc).__name__}: {exc})")
            spent += self._clock() - started
            if not isinstance(outcome, _Retry):
                return outcome
            wait = min(_BACKOFF_START * 2**attempt, _BACKOFF_CAP)
            if outcome.retry_after is not None:
                wait = max(wait, outcome.retry_after)
            if spent + wait > self._max_retry_seconds:
                raise CommonsUnavailable(
                    f"Commons kept failing; gave up after {attempt + 1} attempts and "
                    f"{spent:.0f} s: {outcome.reason}"
                )
            logger.warning("Commons request failed (%s); retrying in %.1f s", outcome.reason, wait)
            self._sleep(wait)
            spent += wait
            attempt += 1

    def _send(self, params: dict[str, str]) -> httpx.Response:
        query = httpx.QueryParams(params)
        if len(str(query)) > _MAX_GET_QUERY:
            return self._http.post(self.api_url, data=params)
        return self._http.get(self.api_url, params=query)

    def _interpret(self, response: httpx.Response) -> dict[str, Any] | _Retry:
        status = response.status_code
        retry_after = _retry_after(response.headers.get("retry-after"))
        is_api_error = "mediawiki-api-error" in response.headers
        if status != 200 and not is_api_error:
            excerpt = _excerpt(response.text)
            if status == 429 or status >= 500:
                return _Retry(f"HTTP {status}: {excerpt}", retry_after)
            raise CommonsError(f"Commons answered HTTP {status}: {excerpt}")
        try:
            data = json.loads(response.content)
        except ValueError:
            kind = response.headers.get("content-type", "no content type")
            if status != 200:
                return _Retry(f"HTTP {status}: {_excerpt(response.text)}", retry_after)
            raise CommonsError(
                f"Commons answered something that is not JSON ({kind}): {_excerpt(response.text)}"
            ) from None
        if not isinstance(data, dict):
            raise CommonsError(f"Commons answered JSON that is not an object: {_excerpt(data)}")
        error = data.get("error")
        if error is not None:
            return self._api_error(error, retry_after)
        warnings = data.get("warnings")
        if warnings:
            logger.info("Commons warnings: %s", _excerpt(warnings))
        return data

    def _api_error(self, error: Any, retry_after: float | None) -> _Retry:
        if not isinstance(error, Mapping):
            raise CommonsError(f"Commons answered a malformed error: {_excerpt(error)}")
        code = str(error.get("code", "unknown"))
        info = str(error.get("info", ""))
        if code == "maxlag":
            return _Retry(f"maxlag: {info}", retry_after or _DEFAULT_MAXLAG_WAIT)
        if code in _RETRYABLE_API_CODES or code.startswith("internal_api_error"):
            return _Retry(f"{code}: {info}", retry_after)
        if code == "invalidcategory":
            raise InvalidInput(f"Commons refused the category name: {info}", code=code)
        raise CommonsApiError(f"Commons API error {code}: {info}", api_code=code, info=info)


def _merge_pages(pending: dict[Any, dict[str, Any]], pages: Iterable[Mapping[str, Any]]) -> None:
    for page in pages:
        page_id = page.get("pageid")
        key = page_id if isinstance(page_id, int) and page_id > 0 else ("title", page.get("title"))
        merged = pending.get(key)
        versions = page.get("imageinfo")
        if merged is None:
            merged = pending[key] = dict(page)
            if versions is not None:
                merged["imageinfo"] = list(versions)
            continue
        for name, value in page.items():
            if name != "imageinfo":
                merged[name] = value
        if versions:
            merged.setdefault("imageinfo", []).extend(versions)


def batched(items: Iterable[Any], size: int) -> Iterator[tuple[Any, ...]]:
    """itertools.batched, which arrives only in Python 3.12."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def _check_token(token: Any) -> dict[str, str] | None:
    if token is None:
        return None
    if not isinstance(token, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in token.items()
    ):
        raise InvalidInput(f"Bad Commons continue token: {_excerpt(token)}")
    return dict(token)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        # May be an integer or a float string (reference §4.2); HTTP dates are not used here.
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)


def _excerpt(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
