"""Turn Commons Action API answers into plain dataclasses, and normalize titles and names.

Pure functions over already-decoded JSON: they accept both ``formatversion=2`` (pages as a list,
real booleans) and ``formatversion=1`` (pages keyed by id, ``""`` for true), so recorded answers
from either era parse the same way. Booleans are read by presence, which is right for both.

A file that exists comes out as a :class:`CommonsFile`; a missing, deleted or file-less page as a
:class:`MissingPage`; a title Commons refuses as an :class:`InvalidTitle`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from app.core.errors import InvalidInput

FILE_NS = 6
CATEGORY_NS = 14

# MediaWiki's $wgLegalTitleChars excludes these; '|' also separates multi-value parameters.
_ILLEGAL_TITLE_CHARS = "<>[]{}|#"
_ILLEGAL_RE = re.compile(r"[<>\[\]{}|#\x00-\x1f\x7f]")
_SPACES_RE = re.compile(r"[\s_]+")
# Directional marks are invisible and MediaWiki strips them from titles.
_INVISIBLE_RE = re.compile("[\u200e\u200f\u202a-\u202e]")
_MAX_TITLE_BYTES = 255
_HIDDEN_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAK_RE = re.compile(r"</?(br|p|div|li|tr|td)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")

EMPTY_TITLE_REASON = "The requested page title is empty or contains only the name of a namespace."


@dataclass(frozen=True, slots=True)
class Upload:
    """One version of a file as Commons reports it."""

    user: str
    user_id: int | None
    timestamp: datetime
    sha1: str = ""


@dataclass(frozen=True, slots=True)
class CommonsFile:
    """A file that exists on Commons, as of its latest version, with its first upload."""

    page_id: int
    title: str
    width: int
    height: int
    size: int
    mime: str
    sha1: str
    url: str
    description_url: str
    thumb_url: str | None
    first_upload: Upload
    latest_upload: Upload
    # How many versions Commons returned; more than one means the file was re-uploaded.
    version_count: int
    license: str
    artist: str

    @property
    def reuploaded(self) -> bool:
        return self.version_count > 1


@dataclass(frozen=True, slots=True)
class MissingPage:
    """A requested page that has no file: never existed, deleted, or a file page without file."""

    title: str | None
    page_id: int | None = None


@dataclass(frozen=True, slots=True)
class InvalidTitle:
    title: str
    reason: str


@dataclass(frozen=True, slots=True)
class QueryPages:
    """The page set of one (merged) query answer."""

    files: list[CommonsFile] = field(default_factory=list)
    missing: list[MissingPage] = field(default_factory=list)
    invalid: list[InvalidTitle] = field(default_factory=list)
    # from → to, as in query.normalized and query.redirects.
    normalized: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)


def parse_query(data: Mapping[str, Any]) -> QueryPages:
    """Parse a whole answer (``{"query": {"pages": ...}}``), fv1 or fv2."""
    query = data.get("query") or {}
    result = QueryPages(
        normalized=parse_pairs(query.get("normalized")),
        redirects=parse_pairs(query.get("redirects")),
    )
    for page in iter_pages(query.get("pages")):
        parsed = parse_page(page)
        if isinstance(parsed, CommonsFile):
            result.files.append(parsed)
        elif isinstance(parsed, MissingPage):
            result.missing.append(parsed)
        else:
            result.invalid.append(parsed)
    return result


def iter_pages(pages: Any) -> Iterable[dict[str, Any]]:
    """Pages of ``query.pages`` whether fv2 (a list) or fv1 (an object keyed by page id)."""
    if pages is None:
        return ()
    if isinstance(pages, Mapping):
        return pages.values()
    if isinstance(pages, list):
        return pages
    raise ValueError(f"query.pages is neither a list nor an object: {type(pages).__name__}")


def parse_page(page: Mapping[str, Any]) -> CommonsFile | MissingPage | InvalidTitle:
    """One page object of ``query.pages``."""
    title = page.get("title")
    if "invalid" in page:
        return InvalidTitle(title=str(title or ""), reason=str(page.get("invalidreason", "")))
    page_id = page.get("pageid")
    page_id = page_id if isinstance(page_id, int) and page_id > 0 else None
    versions = page.get("imageinfo") or []
    if "missing" in page or page_id is None or not versions or "filemissing" in versions[0]:
        return MissingPage(title=title, page_id=page_id)
    latest = _upload(versions[0])
    first = latest if len(versions) == 1 else _upload(versions[-1])
    info = versions[0]
    license_short, artist = _extmetadata(info.get("extmetadata"))
    return CommonsFile(
        page_id=page_id,
        title=str(title),
        width=_int(info.get("width")),
        height=_int(info.get("height")),
        size=_int(info.get("size")),
        mime=str(info.get("mime", "")),
        sha1=str(info.get("sha1", "")),
        url=str(info.get("url", "")),
        description_url=str(info.get("descriptionurl", "")),
        thumb_url=info.get("thumburl"),
        first_upload=first,
        latest_upload=latest,
        version_count=len(versions),
        license=license_short,
        artist=artist,
    )


def parse_timestamp(value: str) -> datetime:
    """An API timestamp (``2024-09-14T09:12:44Z``) or a 14-digit MediaWiki one, as aware UTC."""
    value = value.strip()
    if len(value) == 14 and value.isdigit():
        # Ten times faster than strptime, which shows on 100,000-row Quarry exports.
        return datetime(
            int(value[:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10]),
            int(value[10:12]),
            int(value[12:14]),
            tzinfo=UTC,
        )
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def strip_html(value: Any) -> str:
    """Visible text of an extmetadata HTML value (Artist, Credit...), whitespace collapsed."""
    if value is None:
        return ""
    return _strip_html(str(value))


# Contest uploads repeat the same few hundred Artist values; parsing each once keeps bulk fast.
@lru_cache(maxsize=4096)
def _strip_html(text: str) -> str:
    if "<" in text:
        text = _HIDDEN_RE.sub("", text)
        text = _BREAK_RE.sub(" ", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def normalize_file_title(raw: str) -> str:
    """``File:`` title for user input: a bare name, ``File:``/``Image:`` title or Commons URL.

    Mirrors what the server does (``_`` → space, first letter upper-cased) so results can be
    matched to inputs; raises InvalidInput for what Commons would call an invalid title.
    """
    return "File:" + _normalize_name(_from_url(raw), prefixes=("file", "image"))


def normalize_category_title(raw: str) -> str:
    """``Category:`` title for a category name with or without prefix, or a category URL."""
    return "Category:" + _normalize_name(_from_url(raw), prefixes=("category",))


def normalize_username(raw: str) -> str:
    """A user name as MediaWiki stores it: spaces, first letter upper-cased, no ``User:``."""
    return _normalize_name(raw, prefixes=("user",))


def _normalize_name(raw: str, *, prefixes: tuple[str, ...]) -> str:
    text = _SPACES_RE.sub(" ", _INVISIBLE_RE.sub("", raw)).strip()
    prefix, colon, rest = text.partition(":")
    if colon and prefix.strip().lower() in prefixes:
        text = rest.strip()
    if not text:
        raise InvalidInput(EMPTY_TITLE_REASON, code="invalid_title")
    bad = _ILLEGAL_RE.search(text)
    if bad:
        raise InvalidInput(
            f'The requested page title contains invalid characters: "{bad.group()}".',
            code="invalid_title",
        )
    text = text[0].upper() + text[1:]
    if len(text.encode()) > _MAX_TITLE_BYTES:
        raise InvalidInput("The requested page title is too long.", code="invalid_title")
    return text


def _from_url(raw: str) -> str:
    """The title inside a Commons page or upload URL; other text unchanged."""
    text = raw.strip()
    if not text.startswith(("http://", "https://", "//")):
        return text
    parts = urlsplit(text)
    path = unquote(parts.path)
    if "/wiki/" in path:
        return path.split("/wiki/", 1)[1]
    titles = parse_qs(parts.query).get("title")
    if titles:
        return titles[0]
    segments = [s for s in path.split("/") if s]
    if "thumb" in segments and len(segments) >= 2:
        # .../thumb/a/ab/Name.jpg/500px-Name.jpg: the original's name is the folder.
        return segments[-2]
    return segments[-1] if segments else ""


def _upload(version: Mapping[str, Any]) -> Upload:
    user_id = version.get("userid")
    return Upload(
        # A revision-deleted user ("userhidden") has no name to show.
        user=str(version.get("user", "")),
        user_id=user_id if isinstance(user_id, int) else None,
        timestamp=parse_timestamp(str(version["timestamp"])),
        sha1=str(version.get("sha1", "")),
    )


def _extmetadata(meta: Any) -> tuple[str, str]:
    if not isinstance(meta, Mapping):
        return "", ""
    return strip_html(_meta_value(meta, "LicenseShortName")), strip_html(
        _meta_value(meta, "Artist")
    )


def _meta_value(meta: Mapping[str, Any], key: str) -> Any:
    entry = meta.get(key)
    if not isinstance(entry, Mapping):
        return None
    value = entry.get("value")
    if isinstance(value, Mapping):
        # iiextmetadatamultilang: one value per language.
        return value.get("en", next(iter(value.values()), None))
    return value


def parse_pairs(items: Any) -> dict[str, str]:
    """``query.normalized`` / ``query.redirects`` as a from → to mapping."""
    if not isinstance(items, list):
        return {}
    pairs = {}
    for item in items:
        if isinstance(item, Mapping) and "from" in item and "to" in item:
            # "fromencoded" marks a percent-encoded non-NFC input.
            source = unquote(item["from"]) if item.get("fromencoded") else str(item["from"])
            pairs[source] = str(item["to"])
    return pairs


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0
