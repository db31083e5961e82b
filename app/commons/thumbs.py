"""Commons thumbnail URLs built from an original upload URL, at standard widths only.

Layout (reference §6): an original ``…/wikipedia/commons/<a>/<ab>/<name>`` has its thumbnails
at ``…/wikipedia/commons/thumb/<a>/<ab>/<name>/<W>px-<thumbname>``. Since 2026 the CDN refuses
thumbnails of non-standard widths (HTTP 429), so every width is snapped *up* to the next
standard step, and widths above the largest step get the largest step.

Bitmaps are never upscaled: at or above the original's width the original URL is the image.
SVG renders to PNG (``<W>px-<name>.png``) at any width. Types whose thumbnail names are
handler-specific (TIFF, PDF, DjVu, video...) are not constructed here: callers get a
``ValueError`` and should use the original or the API's ``thumburl``.
"""

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

# $wgThumbnailSteps in Wikimedia production.
STANDARD_WIDTHS = (20, 40, 60, 120, 250, 330, 500, 960, 1280, 1920, 3840)

# Above this many bytes MediaWiki names the thumbnail "thumbnail.<ext>" (abbrvThreshold).
_ABBREVIATE_ABOVE = 160

_BITMAPS = frozenset({"jpg", "jpeg", "jpe", "png", "gif", "webp"})
_RENDERED_AS_PNG = frozenset({"svg"})

_HASHED_PATH = re.compile(r"^(?P<base>.*/)(?P<a>[0-9a-f])/(?P<ab>[0-9a-f]{2})/(?P<name>[^/]+)$")


def standard_width(width: int) -> int:
    """The smallest standard width at least ``width`` (the largest one above them all)."""
    if width < 1:
        raise ValueError(f"A thumbnail width must be positive, got {width}.")
    for step in STANDARD_WIDTHS:
        if step >= width:
            return step
    return STANDARD_WIDTHS[-1]


@lru_cache(maxsize=8192)
def _parse(original_url: str) -> tuple[str, str, str, str]:
    """``(base, thumb folder, thumbnail name, kind)`` of a Commons original; kind is
    "bitmap" or "vector". Cached: a round shows the same entries again and again."""
    parts = urlsplit(original_url)
    match = _HASHED_PATH.match(parts.path)
    if match is None or not match["ab"].startswith(match["a"]) or "/thumb/" in parts.path:
        raise ValueError(f"Not a Commons original file URL: {original_url}")
    encoded = match["name"]
    name = unquote(encoded)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in _BITMAPS:
        kind, suffix = "bitmap", ""
    elif extension in _RENDERED_AS_PNG:
        kind, suffix = "vector", ".png"
    else:
        raise ValueError(f"Thumbnails of .{extension} files are not built here: {original_url}")
    if len(name.encode("utf-8")) > _ABBREVIATE_ABOVE:
        thumb_name = f"thumbnail.{extension}{suffix}"
    else:
        thumb_name = f"{encoded}{suffix}"
    # The original's provenance query (utm_content=original) does not describe a thumbnail.
    base = urlunsplit((parts.scheme, parts.netloc, match["base"], "", ""))
    return base, f"thumb/{match['a']}/{match['ab']}/{encoded}/", thumb_name, kind


def thumb_url(original_url: str, width: int, *, original_width: int | None = None) -> str:
    """The URL of the thumbnail of ``original_url`` at least ``width`` pixels wide.

    With ``original_width`` known, a bitmap thumbnail that would be as wide as the original
    or wider is the original itself (returned unchanged, query string included).
    """
    step = standard_width(width)
    base, folder, thumb_name, kind = _parse(original_url)
    if kind == "bitmap" and original_width is not None and step >= original_width:
        return original_url
    return f"{base}{folder}{step}px-{thumb_name}"


def srcset(original_url: str, widths: Iterable[int], *, original_width: int | None = None) -> str:
    """An ``<img srcset>`` value offering the image at ``widths`` (snapped to standard steps).

    Bitmap widths at or above ``original_width`` collapse into one candidate: the original.
    """
    candidates: dict[str, int] = {}
    for width in widths:
        url = thumb_url(original_url, width, original_width=original_width)
        if url == original_url:
            if original_width is None:
                continue
            descriptor = original_width
        else:
            descriptor = standard_width(width)
        candidates.setdefault(url, descriptor)
    ordered = sorted(candidates.items(), key=lambda item: item[1])
    return ", ".join(f"{url} {descriptor}w" for url, descriptor in ordered)
