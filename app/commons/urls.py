"""A file's original and description page URLs, built from its title without asking Commons.

Layout (reference §6.1): ``<upload host>/wikipedia/commons/<a>/<ab>/<name>`` where ``name`` is
the DB key (spaces as underscores) percent-encoded like PHP's ``rawurlencode`` and ``ab`` the
first two hex digits of its MD5. Description pages use MediaWiki's laxer title encoding.

Used for files known from a Quarry export, which has no URLs; a refresh from the API later
replaces them with Commons' own (which may carry a provenance query string).
"""

import hashlib
import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

COMMONS_HOST = "commons.wikimedia.org"
UPLOAD_BASE = "https://upload.wikimedia.org"
# Characters MediaWiki leaves unescaped in page URLs (wfUrlencode).
_PAGE_SAFE = ";:@$!*(),/~"
# Names made only of these need no escaping in either URL; most contest uploads are.
_PLAIN_RE = re.compile(r"[A-Za-z0-9_.~-]*")


@lru_cache(maxsize=16)
def site_bases(api_url: str) -> tuple[str, str]:
    """(upload base, wiki base) for the wiki whose API is at ``api_url``.

    Commons serves files from upload.wikimedia.org; anything else (the local double) is
    taken to serve both from its own origin.
    """
    parts = urlsplit(api_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.hostname == COMMONS_HOST:
        return UPLOAD_BASE, origin
    return origin, origin


def file_urls(title: str, *, api_url: str) -> tuple[str, str]:
    """(original URL, description page URL) of ``File:<name>``."""
    name = title.removeprefix("File:").replace(" ", "_")
    digest = hashlib.md5(name.encode("utf-8")).hexdigest()
    upload, wiki = site_bases(api_url)
    plain = _PLAIN_RE.fullmatch(name) is not None
    original = f"{upload}/wikipedia/commons/{digest[0]}/{digest[:2]}/" + (
        name if plain else quote(name, safe="")
    )
    page = f"{wiki}/wiki/File:" + (name if plain else quote(name, safe=_PAGE_SAFE))
    return original, page
