"""Read an uploaded list of Commons files: a Quarry export or one file name per row.

Two shapes are recognized from the first row:

* **Quarry** (what organizers already export for Montage): a header with ``img_name`` and
  usually ``img_major_mime, img_minor_mime, img_width, img_height, img_user, img_user_text,
  img_timestamp`` among others; names are DB keys (underscores), timestamps 14-digit, and
  fields may be quoted with embedded quotes and newlines (serialized EXIF).
* **A plain list**: one file name per row, with or without ``File:``, optionally under a
  one-cell header (any first cell that has no file extension is taken as a header). Commas are
  common in file names, so an unquoted row's cells are joined back together.

Rows stream: a million-row file is never held in memory. Each row comes out as a
:class:`CsvRow` or, when it cannot be used, a :class:`CsvRowError` with the line it starts on;
a header that fits neither shape is an InvalidInput raised before any row is read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import IO, Literal

from app.commons.parsing import normalize_file_title, parse_timestamp
from app.core.errors import InvalidInput

# Quarry's img_metadata (serialized EXIF) can exceed csv's default 128 KiB field limit.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))

QUARRY_NAME = "img_name"
QUARRY_INTS = {
    "img_width": "width",
    "img_height": "height",
    "img_size": "size",
    "img_user": "user_id",
    "page_id": "page_id",
}
_EXTENSION_RE = re.compile(r"\.[A-Za-z0-9]{2,5}\s*$")
_BASE36_RE = re.compile(r"^[0-9a-z]{1,31}$")
_QUARRY_TEXTS = ("img_timestamp", "img_major_mime", "img_minor_mime", "img_user_text", "img_sha1")


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which shows
# on 100,000-row exports.
@dataclass(slots=True)
class CsvRow:
    """A usable row. Everything but ``line`` and ``title`` comes from Quarry columns only."""

    line: int
    title: str  # "File:…", normalized as Commons would
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    size: int | None = None
    user: str | None = None
    user_id: int | None = None  # local Commons id (img_user)
    timestamp: datetime | None = None  # first upload (img_timestamp), UTC
    sha1: str | None = None  # hex, converted from the replica's base 36
    page_id: int | None = None


@dataclass(frozen=True, slots=True)
class CsvRowError:
    line: int
    value: str
    reason: str


@dataclass(slots=True)
class FileListCsv:
    """A parsed upload: its detected shape, and its rows (iterate once)."""

    kind: Literal["quarry", "names"]
    rows: Iterator[CsvRow | CsvRowError]

    def __iter__(self) -> Iterator[CsvRow | CsvRowError]:
        return self.rows


def parse_file_list_csv(stream: IO[str] | IO[bytes] | Iterable[str]) -> FileListCsv:
    """Detect the shape from the first row (InvalidInput if neither) and stream the rows.

    ``stream`` is a binary file (decoded as UTF-8, BOM allowed), a text file opened with
    ``newline=""``, or any iterable of lines.
    """
    lines = _text_lines(stream)
    first_line = next(lines, None)
    if first_line is None or not first_line.strip():
        raise InvalidInput("The CSV file is empty", code="csv_empty")
    first_line = first_line.removeprefix("\ufeff")
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(chain([first_line], lines), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InvalidInput(f"The CSV file cannot be read: {exc}", code="csv_unreadable") from None
    columns = [cell.strip().lower() for cell in header]
    if QUARRY_NAME in columns:
        return FileListCsv(kind="quarry", rows=_quarry_rows(reader, columns))
    joined = ",".join(header).strip()
    if len(header) > 1 and not _EXTENSION_RE.search(joined):
        raise InvalidInput(
            f"Unrecognized CSV header {_short(joined)!r}: expected Quarry's columns (with "
            f"{QUARRY_NAME}) or a single column of file names",
            code="csv_bad_header",
        )
    # A first cell with a file extension is already data.
    first = (1, header) if _EXTENSION_RE.search(joined) else None
    return FileListCsv(kind="names", rows=_name_rows(reader, first))


def _text_lines(stream: IO[str] | IO[bytes] | Iterable[str]) -> Iterator[str]:
    if hasattr(stream, "read") and isinstance(stream.read(0), bytes):
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
        try:
            yield from text
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"The CSV file is not UTF-8 text: {exc.reason}", code="csv_not_utf8"
            ) from None
        finally:
            # Leave the caller's file open.
            text.detach()
        return
    yield from stream  # type: ignore[misc]


def _records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]] | CsvRowError]:
    """(line the record starts on, cells) for each non-blank record."""
    while True:
        start = reader.line_num + 1  # type: ignore[attr-defined]
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield CsvRowError(line=start, value="", reason=f"unreadable CSV row: {exc}")
            continue
        if cells and any(cell.strip() for cell in cells):
            yield start, cells


def _name_rows(
    reader: Iterator[list[str]], first: tuple[int, list[str]] | None
) -> Iterator[CsvRow | CsvRowError]:
    records: Iterator[tuple[int, list[str]] | CsvRowError] = _records(reader)
    if first is not None:
        records = chain([first], records)
    for record in records:
        if isinstance(record, CsvRowError):
            yield record
            continue
        line, cells = record
        value = ",".join(cells).strip()
        try:
            title = normalize_file_title(value)
        except InvalidInput as exc:
            yield CsvRowError(line=line, value=value, reason=exc.detail)
            continue
        if not _EXTENSION_RE.search(title):
            yield CsvRowError(line=line, value=value, reason="not a file name (no extension)")
            continue
        yield CsvRow(line=line, title=title)


def _quarry_rows(reader: Iterator[list[str]], columns: list[str]) -> Iterator[CsvRow | CsvRowError]:
    index = {name: n for n, name in enumerate(columns)}
    width = len(columns)
    name_at = index[QUARRY_NAME]
    parse = _quarry_parser(index)
    for record in _records(reader):
        if isinstance(record, CsvRowError):
            yield record
            continue
        line, cells = record
        value = cells[name_at] if len(cells) > name_at else ""
        if len(cells) != width:
            yield CsvRowError(
                line=line, value=value, reason=f"expected {width} fields, found {len(cells)}"
            )
            continue
        try:
            yield parse(line, cells)
        except ValueError as exc:
            yield CsvRowError(line=line, value=value, reason=str(exc))
        except InvalidInput as exc:
            yield CsvRowError(line=line, value=value, reason=exc.detail)


def _quarry_parser(index: dict[str, int]) -> Callable[[int, list[str]], CsvRow]:
    """A row parser with the column positions looked up once per file, not once per cell:
    a 100,000-row export makes a million cell reads."""
    name_at = index[QUARRY_NAME]
    ints = [(column, index[column]) for column in QUARRY_INTS if column in index]
    texts = [index.get(name) for name in _QUARRY_TEXTS]

    def parse(line: int, cells: list[str]) -> CsvRow:
        numbers = dict.fromkeys(QUARRY_INTS.values())
        for column, position in ints:
            raw = cells[position].strip()
            if raw:
                if not raw.isdigit():
                    raise ValueError(f"{column} is not a whole number: {_short(raw)!r}")
                numbers[QUARRY_INTS[column]] = int(raw)
        raw_ts, major, minor, user, sha1 = (
            "" if position is None else cells[position].strip() for position in texts
        )
        if raw_ts and not (len(raw_ts) == 14 and raw_ts.isdigit()):
            raise ValueError(f"img_timestamp is not a 14-digit timestamp: {_short(raw_ts)!r}")
        return CsvRow(
            line=line,
            title=normalize_file_title(cells[name_at].strip()),
            mime=f"{major}/{minor}" if major and minor else None,
            user=user or None,
            timestamp=parse_timestamp(raw_ts) if raw_ts else None,
            sha1=_sha1_hex(sha1),
            **numbers,
        )

    return parse


def _sha1_hex(value: str) -> str | None:
    """The replica stores SHA-1 in base 36 (31 chars); the API shows 40 hex digits."""
    if not value:
        return None
    if not _BASE36_RE.match(value):
        raise ValueError(f"img_sha1 is not a base-36 SHA-1: {_short(value)!r}")
    return f"{int(value, 36):040x}"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
