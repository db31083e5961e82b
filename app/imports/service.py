"""Importing Commons files into a round: starting import and refresh jobs, staging uploaded
lists, and storing batches of files as entries and round entries.

Requests only check, stage and enqueue; the work happens in the jobs of ``app.imports.jobs``.
A pasted list or an uploaded CSV is parsed once, in the request (a bad header is refused
there), and its rows are staged in ``import_items`` so that any worker can run the job.

Storing a batch never duplicates: entries are upserted by page id and round entries inserted
with ``ON CONFLICT DO NOTHING`` on (round, entry), so a re-run or a resumed job only adds what
is missing, and the counts of added and skipped files come from the database itself.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import IO, Any

from sqlalchemy import Integer, String, bindparam, func, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.audit.service import record
from app.commons.csv_source import CsvRow, CsvRowError, parse_file_list_csv
from app.commons.parsing import CommonsFile
from app.commons.urls import file_urls
from app.core.bulk import insert_rows
from app.core.errors import Conflict, InvalidInput, LoupeError, NotFound
from app.imports.schemas import (
    CategoryImport,
    ImportJobPublic,
    ImportRequest,
    PreviousRoundImport,
    TitlesImport,
)
from app.jobs import service as jobs
from app.models import (
    ImportItem,
    Job,
    JobStatus,
    Round,
    RoundEntry,
    RoundResult,
    RoundStatus,
    User,
    utcnow,
)
from app.models.base import UTCDateTime

IMPORT_KIND = "imports.run"
REFRESH_KIND = "imports.refresh"
ACTIVE = (JobStatus.queued, JobStatus.running)
CLOSED = (RoundStatus.finalized, RoundStatus.cancelled)

# An uploaded CSV or pasted list holds at most this many rows (a national WLM edition has
# up to 50,000 entries); larger lists go in several imports.
MAX_ROWS = 100_000
# Quarry exports with serialized EXIF run to about 2 kB a row.
MAX_CSV_BYTES = 256 * 1024 * 1024
# Failed rows listed on a job (all are counted).
MAX_REPORTED_ERRORS = 100
_STAGE_CHUNK = 5_000

ENTRY_COLUMNS = (
    "page_id",
    "title",
    "width",
    "height",
    "size",
    "mime",
    "sha1",
    "url",
    "description_url",
    "uploader",
    "uploader_id",
    "uploaded_at",
    "latest_uploader",
    "latest_uploader_id",
    "latest_uploaded_at",
    "license",
    "artist",
    "deleted",
    "refreshed_at",
    "created_at",
)
# What Commons may have changed since an entry was stored (all but the key and creation).
_REFRESHED_COLUMNS = ENTRY_COLUMNS[1:-1]
_STAGED_COLUMNS = (
    "job_id",
    "position",
    "line",
    "title",
    "page_id",
    "mime",
    "width",
    "height",
    "size",
    "uploader",
    "uploader_id",
    "uploaded_at",
    "sha1",
    "url",
    "description_url",
)

EntryRow = tuple[Any, ...]


class TooLarge(LoupeError):
    status_code = 413
    code = "too_large"


# --- starting jobs ---------------------------------------------------------------------


def _lock(session: Session, round_: Round) -> None:
    """Serialize starts on one round (PostgreSQL row lock; SQLite transactions already hold
    the write lock) and read its state afresh."""
    session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    session.refresh(round_)


def active_job(session: Session, *, round_: Round, kind: str) -> Job | None:
    query = (
        select(Job)
        .where(Job.campaign_id == round_.campaign_id, Job.kind == kind)
        .where(col(Job.status).in_(ACTIVE), Job.payload["round_id"].as_integer() == round_.id)
        .order_by(col(Job.id).desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _prepare(session: Session, round_: Round) -> None:
    _lock(session, round_)
    if round_.status in CLOSED:
        raise Conflict(f"The round is {round_.status}; it takes no new entries.")
    running = active_job(session, round_=round_, kind=IMPORT_KIND)
    if running is not None:
        raise Conflict(
            f"Import job {running.id} of this round is still {running.status}; "
            "wait for it to finish or cancel it.",
            code="import_running",
        )


def _enqueue(
    session: Session,
    *,
    round_: Round,
    kind: str,
    payload: dict[str, Any],
    actor: User | None,
) -> Job:
    job = jobs.enqueue(
        session,
        kind=kind,
        payload={"round_id": round_.id, **payload},
        campaign_id=round_.campaign_id,
        created_by=actor.id if actor else None,
    )
    record(
        session,
        actor_id=actor.id if actor else None,
        action=f"round.{'refresh' if kind == REFRESH_KIND else 'import'}_start",
        object_type="round",
        object_id=round_.id,
        campaign_id=round_.campaign_id,
        details={"job_id": job.id, **payload},
    )
    return job


def start_import(
    session: Session, *, round_: Round, data: ImportRequest, actor: User | None
) -> Job:
    """Enqueue an import from categories, a pasted list of titles or the previous round."""
    _prepare(session, round_)
    if isinstance(data, CategoryImport):
        categories = list(dict.fromkeys(data.categories))
        payload: dict[str, Any] = {
            "source": "category",
            "categories": categories,
            "depth": data.depth,
        }
        return _enqueue(session, round_=round_, kind=IMPORT_KIND, payload=payload, actor=actor)
    if isinstance(data, TitlesImport):
        job = _enqueue(
            session, round_=round_, kind=IMPORT_KIND, payload={"source": "titles"}, actor=actor
        )
        staged = stage(
            session,
            job_id=job.id,
            rows=(
                CsvRow(line=n, title=title.strip())
                for n, title in enumerate(data.titles, 1)
                if title.strip()
            ),
        )
        if not staged:
            raise InvalidInput("The list has no file titles.", code="no_titles")
        _set_start(session, job, total=staged, stats=new_stats())
        return job
    assert isinstance(data, PreviousRoundImport)
    previous = previous_round(session, round_=round_)
    return _enqueue(
        session,
        round_=round_,
        kind=IMPORT_KIND,
        payload={"source": "previous_round", "from_round_id": previous.id},
        actor=actor,
    )


def previous_round(session: Session, *, round_: Round) -> Round:
    """The campaign's round before this one, which must be finalized."""
    previous = session.scalars(
        select(Round)
        .where(Round.campaign_id == round_.campaign_id, Round.ordinal < round_.ordinal)
        .where(Round.status != RoundStatus.cancelled)
        .order_by(col(Round.ordinal).desc())
        .limit(1)
    ).first()
    if previous is None:
        raise InvalidInput("This is the campaign's first round; there is no previous round.")
    if previous.status != RoundStatus.finalized:
        raise Conflict(
            f"The previous round ({previous.name}) is {previous.status}; finalize it first."
        )
    return previous


def start_csv_import(
    session: Session,
    *,
    round_: Round,
    stream: IO[bytes],
    filename: str,
    actor: User | None,
    api_url: str,
    size: int | None = None,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> Job:
    """Parse an uploaded CSV (streamed), stage its usable rows and enqueue their import.

    A header that fits neither Quarry's export nor a list of names is refused here (422), as
    is a file over ``max_bytes`` or ``max_rows`` (413, found without reading past the limit).
    Bad rows are counted as failed, with their line numbers, on the job. ``api_url`` names
    the wiki whose URLs rows with page ids get (the settings' Commons API).
    """
    max_rows = MAX_ROWS if max_rows is None else max_rows
    max_bytes = MAX_CSV_BYTES if max_bytes is None else max_bytes
    if size is not None and size > max_bytes:
        raise TooLarge(_too_big(max_bytes))
    _prepare(session, round_)
    # Decoded here rather than by the parser, so that an abandoned parse (a limit hit) holds
    # no half-read decoder over a stream the caller closes.
    text = io.TextIOWrapper(
        io.BufferedReader(_Limited(stream, max_bytes)), encoding="utf-8-sig", newline=""
    )
    try:
        return _stage_csv(
            session,
            round_=round_,
            lines=_lines(text),
            filename=filename,
            actor=actor,
            max_rows=max_rows,
            api_url=api_url,
        )
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"The CSV file is not UTF-8 text: {exc.reason}", code="csv_not_utf8"
        ) from None
    finally:
        # Leave the caller's stream open.
        text.detach()


def _lines(text: IO[str]) -> Iterator[str]:
    # Not ``yield from``: closing an abandoned parse must not close (or touch) the stream.
    for line in text:  # noqa: UP028
        yield line


def _stage_csv(
    session: Session,
    *,
    round_: Round,
    lines: Iterator[str],
    filename: str,
    actor: User | None,
    max_rows: int,
    api_url: str,
) -> Job:
    parsed = parse_file_list_csv(lines)
    job = _enqueue(
        session,
        round_=round_,
        kind=IMPORT_KIND,
        payload={"source": "csv", "filename": filename[:255], "format": parsed.kind},
        actor=actor,
    )
    stats = new_stats()
    counted = 0

    def usable() -> Iterator[CsvRow]:
        nonlocal counted
        for row in parsed:
            counted += 1
            if counted > max_rows:
                raise TooLarge(
                    f"The CSV has more than {max_rows:,} rows; split it into several imports.",
                )
            if isinstance(row, CsvRowError):
                fail(stats, line=row.line, title=row.value, reason=row.reason)
            else:
                yield row

    staged = stage(session, job_id=job.id, rows=usable(), api_url=api_url)
    stats["seen"] = stats["failed"]
    if not staged:
        listed = "; ".join(f"line {e['line']}: {e['reason']}" for e in stats["errors"][:5])
        raise InvalidInput(
            f"The CSV has no usable rows{': ' + listed if listed else ''}.", code="csv_no_rows"
        )
    _set_start(session, job, total=staged + stats["failed"], stats=stats, done=stats["failed"])
    return job


def _too_big(max_bytes: int) -> str:
    return f"The CSV is larger than {max_bytes // (1024 * 1024)} MB; split it into several imports."


class _Limited(io.RawIOBase):
    """A binary stream that refuses to be read past ``limit`` bytes."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw = raw
        self._left = limit
        self._limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise TooLarge(_too_big(self._limit))
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _set_start(
    session: Session, job: Job, *, total: int, stats: dict[str, Any], done: int = 0
) -> None:
    job.progress_total = total
    job.progress_done = done
    job.stats = stats
    session.flush()


def stage(
    session: Session, *, job_id: int, rows: Iterable[CsvRow], api_url: str | None = None
) -> int:
    """Store rows for a job in order (bulk, a chunk at a time); returns how many.

    Rows with a page id get their URLs here (from the title and ``api_url``'s wiki), so the
    job can store them in SQL alone."""
    connection = session.connection()
    on_sqlite = connection.dialect.name == "sqlite"
    count = 0
    while True:
        chunk = []
        for n, row in enumerate(islice(rows, _STAGE_CHUNK)):
            urls: tuple[str | None, str | None] = (None, None)
            if row.page_id is not None:
                assert api_url is not None, "rows with page ids need the wiki's API URL"
                urls = file_urls(row.title, api_url=api_url)
            uploaded = row.timestamp
            chunk.append(
                (
                    job_id,
                    count + n,
                    row.line,
                    row.title,
                    row.page_id,
                    row.mime,
                    row.width,
                    row.height,
                    row.size,
                    row.user,
                    row.user_id,
                    _sqlite_value(uploaded) if on_sqlite and uploaded else uploaded,
                    row.sha1,
                    *urls,
                )
            )
        if not chunk:
            return count
        if on_sqlite:
            # Only one column needs converting: cheaper than a generic per-value pass.
            marks = ", ".join("?" for _ in _STAGED_COLUMNS)
            connection.exec_driver_sql(
                f"INSERT INTO import_items ({', '.join(_STAGED_COLUMNS)}) VALUES ({marks})", chunk
            )
        else:
            insert_rows(
                session,
                table=ImportItem.__table__,  # type: ignore[attr-defined]
                columns=_STAGED_COLUMNS,
                rows=chunk,
            )
        count += len(chunk)


def start_refresh(session: Session, *, round_: Round, actor: User | None) -> Job:
    """Enqueue a re-check of the round's entries against Commons."""
    _lock(session, round_)
    running = active_job(session, round_=round_, kind=REFRESH_KIND)
    if running is not None:
        raise Conflict(
            f"Refresh job {running.id} of this round is still {running.status}.",
            code="refresh_running",
        )
    return _enqueue(session, round_=round_, kind=REFRESH_KIND, payload={}, actor=actor)


def list_jobs(session: Session, *, round_: Round) -> list[Job]:
    """The round's import and refresh jobs, newest first."""
    query = (
        select(Job)
        .where(Job.campaign_id == round_.campaign_id)
        .where(col(Job.kind).in_((IMPORT_KIND, REFRESH_KIND)))
        .where(Job.payload["round_id"].as_integer() == round_.id)
        .order_by(col(Job.id).desc())
    )
    return list(session.scalars(query))


def job_public(job: Job) -> ImportJobPublic:
    return ImportJobPublic.model_validate(job)


# --- stats ---------------------------------------------------------------------------


def new_stats() -> dict[str, Any]:
    """Counters every import reports: files seen, added to the round, skipped because the
    round already had them, failed (with the first failures listed)."""
    return {"seen": 0, "added": 0, "skipped": 0, "failed": 0, "errors": []}


def fail(stats: dict[str, Any], *, line: int | None, title: str | None, reason: str) -> None:
    stats["failed"] += 1
    if len(stats["errors"]) < MAX_REPORTED_ERRORS:
        error: dict[str, Any] = {"title": title or "", "reason": reason}
        if line is not None:
            error = {"line": line, **error}
        stats["errors"].append(error)


# --- storing batches -------------------------------------------------------------------


def entry_row(file: CommonsFile, *, now: datetime) -> EntryRow:
    """An entries row (ENTRY_COLUMNS) for a file as Commons reported it."""
    first, latest = file.first_upload, file.latest_upload
    return (
        file.page_id,
        file.title[:512],
        file.width,
        file.height,
        file.size,
        file.mime[:100],
        file.sha1[:40],
        file.url[:2048],
        file.description_url[:2048],
        first.user[:255],
        first.user_id,
        first.timestamp,
        latest.user[:255],
        latest.user_id,
        latest.timestamp,
        file.license[:255],
        file.artist[:1024],
        False,
        now,
        now,
    )


@dataclass(frozen=True, slots=True)
class Stored:
    added: int
    skipped: int


def store_files(
    session: Session,
    *,
    round_id: int,
    job_id: int | None,
    rows: Sequence[EntryRow],
    source: str,
    overwrite: bool,
) -> Stored:
    """Upsert entries by page id and add the missing ones to the round.

    ``overwrite``: the rows come from Commons' API and replace what is stored; otherwise
    (CSV metadata) an entry that already exists is left as it is. Returns how many files were
    added to the round, and how many it already had (repeats within ``rows`` included).

    The batch goes to a temporary table first (COPY on PostgreSQL, one executemany on
    SQLite), and from there into ``entries`` and ``round_entries`` with one
    ``INSERT ... SELECT ... ON CONFLICT`` each: three statements per batch, whatever its size.
    """
    unique = list({row[0]: row for row in reversed(rows)}.values())[::-1]
    if not unique:
        return Stored(added=0, skipped=len(rows))
    connection = session.connection()
    _load_batch(connection, unique)
    names = ", ".join(ENTRY_COLUMNS)
    upsert = (
        f"INSERT INTO entries ({names}) SELECT {names} FROM {_BATCH} WHERE true "
        f"ORDER BY position {_conflict_clause(overwrite)}"
    )
    add = "INSERT INTO round_entries (round_id, entry_id, source_job_id, source, created_at) "
    if connection.dialect.name == "postgresql" and overwrite:
        # The upsert hands back every row's id: no join, whose plan would go wrong on the
        # unanalyzed batch table (a hash of the whole entries table for every batch).
        statement = (
            f"WITH stored AS ({upsert} RETURNING id) {add}"
            "SELECT :round_id, id, :job_id, :source, :now FROM stored "
            "ON CONFLICT (round_id, entry_id) DO NOTHING"
        )
    else:
        connection.exec_driver_sql(upsert)
        statement = (
            f"{add}SELECT :round_id, e.id, :job_id, :source, :now FROM {_BATCH} b "
            "JOIN entries e ON e.page_id = b.page_id WHERE true ORDER BY b.position "
            "ON CONFLICT (round_id, entry_id) DO NOTHING"
        )
    added = connection.execute(
        text(statement)
        .bindparams(bindparam("now", type_=UTCDateTime()))
        .execution_options(preserve_rowcount=True),
        {"round_id": round_id, "job_id": job_id, "source": source[:255], "now": utcnow()},
    ).rowcount
    return Stored(added=added, skipped=len(rows) - added)


# A batch on its way in: one per connection, emptied before each use.
_BATCH = "import_batch"
_BATCH_TYPES = {
    **{name: "text" for name in ENTRY_COLUMNS},
    "page_id": "integer",
    "width": "integer",
    "height": "integer",
    "size": "bigint",
    "uploader_id": "integer",
    "latest_uploader_id": "integer",
    "uploaded_at": "timestamp with time zone",
    "latest_uploaded_at": "timestamp with time zone",
    "refreshed_at": "timestamp with time zone",
    "created_at": "timestamp with time zone",
    "deleted": "boolean",
}


def _load_batch(connection: Any, rows: list[EntryRow]) -> None:
    columns = ", ".join(f"{name} {_BATCH_TYPES[name]}" for name in ENTRY_COLUMNS)
    names = "position, " + ", ".join(ENTRY_COLUMNS)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_BATCH} (position integer, {columns}) "
            "ON COMMIT DELETE ROWS"
        )
        connection.exec_driver_sql(f"TRUNCATE {_BATCH}")
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {_BATCH} ({names}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                copy.write_row((position, *row))
        return
    # SQLite keeps what it is given; datetimes go in SQLAlchemy's text form, as stored.
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_BATCH} (position integer, {columns})"
    )
    connection.exec_driver_sql(f"DELETE FROM temp.{_BATCH}")
    marks = ", ".join("?" for _ in range(len(ENTRY_COLUMNS) + 1))
    connection.exec_driver_sql(
        f"INSERT INTO temp.{_BATCH} ({names}) VALUES ({marks})",
        [(n, *(_sqlite_value(v) for v in row)) for n, row in enumerate(rows)],
    )


def _conflict_clause(overwrite: bool) -> str:
    if not overwrite:
        return "ON CONFLICT (page_id) DO NOTHING"
    updates = ", ".join(f"{name} = excluded.{name}" for name in _REFRESHED_COLUMNS)
    return f"ON CONFLICT (page_id) DO UPDATE SET {updates}"


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLAlchemy's own text form for SQLite datetimes (UTC, no zone).
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return value


def add_advanced(session: Session, *, round_id: int, from_round_id: int, job_id: int) -> Stored:
    """Add the entries that advanced from ``from_round_id``; returns added and skipped."""
    advanced = (RoundResult.round_id == from_round_id, RoundResult.advanced)
    joined = col(RoundResult.round_entry_id) == RoundEntry.id
    total = session.scalar(
        select(func.count()).select_from(RoundEntry).join(RoundResult, joined).where(*advanced)
    )
    # The WHERE also keeps SQLite from reading ON CONFLICT as a join condition.
    chosen = (
        select(
            literal(round_id, Integer),
            RoundEntry.entry_id,
            literal(job_id, Integer),
            literal(f"round:{from_round_id}", String),
            bindparam("now", utcnow(), type_=UTCDateTime()),
        )
        .join(RoundResult, joined)
        .where(*advanced)
        .order_by(RoundEntry.id)
    )
    insert = (
        postgresql.insert if session.connection().dialect.name == "postgresql" else sqlite.insert
    )
    statement = (
        insert(RoundEntry.__table__)  # type: ignore[attr-defined]
        .from_select(["round_id", "entry_id", "source_job_id", "source", "created_at"], chosen)
        .on_conflict_do_nothing(index_elements=["round_id", "entry_id"])
        # Drivers report an INSERT's row count only when asked to keep it.
        .execution_options(preserve_rowcount=True)
    )
    added = session.connection().execute(statement).rowcount
    return Stored(added=added, skipped=(total or 0) - added)


# --- for the jobs ----------------------------------------------------------------------


def importable_round(session: Session, *, round_id: int) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound(f"Round {round_id} does not exist.")
    if round_.status in CLOSED:
        raise Conflict(f"The round is {round_.status}; it takes no new entries.")
    return round_


def staged_end(session: Session, *, job_id: int) -> int:
    """The position after the job's last staged row (positions run from 0 without gaps)."""
    table = ImportItem.__table__  # type: ignore[attr-defined]
    last = session.scalar(select(func.max(table.c.position)).where(table.c.job_id == job_id))
    return 0 if last is None else last + 1


def staged_lookups(session: Session, *, job_id: int, start: int, stop: int) -> list[Any]:
    """(position, line, title) of the staged rows in [start, stop) that need a lookup by
    title (no page id), in order."""
    table = ImportItem.__table__  # type: ignore[attr-defined]
    query = (
        select(table.c.position, table.c.line, table.c.title)
        .where(table.c.job_id == job_id, table.c.page_id.is_(None))
        .where(table.c.position >= start, table.c.position < stop)
        .order_by(table.c.position)
    )
    return list(session.execute(query))


def store_staged(
    session: Session, *, round_id: int, job_id: int, start: int, stop: int, source: str
) -> int:
    """Store the staged rows with page ids in [start, stop) as entries (left alone if they
    exist) and round entries, in SQL alone; returns how many were added to the round.

    Quarry's ``image`` table describes the current version, which stands for both the first
    and the latest upload until a refresh tells them apart; licence and author stay empty
    until then."""
    staged = (
        "i.job_id = :job_id AND i.page_id IS NOT NULL AND i.position >= :start "
        "AND i.position < :stop"
    )
    names = ", ".join(ENTRY_COLUMNS)
    params = {
        "round_id": round_id,
        "job_id": job_id,
        "start": start,
        "stop": stop,
        "source": source[:255],
        "now": utcnow(),
    }
    connection = session.connection()
    connection.execute(
        text(
            f"INSERT INTO entries ({names}) SELECT i.page_id, i.title, coalesce(i.width, 0), "
            "coalesce(i.height, 0), coalesce(i.size, 0), coalesce(i.mime, ''), "
            "coalesce(i.sha1, ''), coalesce(i.url, ''), coalesce(i.description_url, ''), "
            "coalesce(i.uploader, ''), i.uploader_id, i.uploaded_at, coalesce(i.uploader, ''), "
            f"i.uploader_id, i.uploaded_at, '', '', false, NULL, :now "
            f"FROM import_items i WHERE {staged} "
            "ORDER BY i.position ON CONFLICT (page_id) DO NOTHING"
        ).bindparams(bindparam("now", type_=UTCDateTime())),
        params,
    )
    return connection.execute(
        text(
            "INSERT INTO round_entries (round_id, entry_id, source_job_id, source, created_at) "
            "SELECT :round_id, e.id, :job_id, :source, :now FROM import_items i "
            f"JOIN entries e ON e.page_id = i.page_id WHERE {staged} "
            "ORDER BY i.position ON CONFLICT (round_id, entry_id) DO NOTHING"
        )
        .bindparams(bindparam("now", type_=UTCDateTime()))
        .execution_options(preserve_rowcount=True),
        params,
    ).rowcount


def drop_staged(session: Session, *, job_id: int) -> None:
    session.execute(ImportItem.__table__.delete().where(ImportItem.job_id == job_id))  # type: ignore[attr-defined]
