"""CSV exports of a round: the results table, every vote, and every entry's provenance.

The data is read up front (the request's session closes once the route returns); the CSV
text is produced in chunks while the response streams. Cells that a spreadsheet would run
as a formula get a leading apostrophe (CSV injection).
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlmodel import Session, col

from app.models import Campaign, Entry, Round, RoundEntry, RoundJuror, User, Vote
from app.results import service
from app.results.tally import normalize

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHUNK_ROWS = 1000
COMMONS_WIKI = "https://commons.wikimedia.org/wiki/"

RESULT_COLUMNS = (
    "rank",
    "page_id",
    "title",
    "commons_url",
    "uploader",
    "score",
    "vote_count",
    "advanced",
)
VOTE_COLUMNS = (
    "juror",
    "page_id",
    "title",
    "value",
    "normalized",
    "comment",
    "favourite",
    "updated_at",
)


ENTRY_COLUMNS = (
    "page_id",
    "title",
    "commons_url",
    "uploader",
    "uploaded_at",
    "latest_uploader",
    "latest_uploaded_at",
    "width",
    "height",
    "mime",
    "license",
    "deleted",
    "source",
    "import_job",
    "added_at",
    "disqualified",
    "disqualified_reason",
    "disqualified_at",
)


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    chunks: Iterator[str]


def safe_cell(value: Any) -> Any:
    """A cell's value, with an apostrophe in front of text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text (RFC 4180 line ends) in chunks of rows, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        pending += 1
        if pending == _CHUNK_ROWS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def filename(session: Session, *, round_: Round, kind: str) -> str:
    """``<campaign slug>-round-<ordinal>-<kind>.csv``, reduced to characters safe anywhere."""
    campaign = session.get(Campaign, round_.campaign_id)
    slug = campaign.slug if campaign is not None else "campaign"
    name = f"{slug}-round-{round_.ordinal}-{kind}.csv"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:150]


def commons_url(title: str, description_url: str) -> str:
    if description_url:
        return description_url
    return COMMONS_WIKI + quote(title.replace(" ", "_"), safe="/:(),!*'")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def results_csv(session: Session, *, round_: Round) -> Export:
    """One line per eligible entry, best first: frozen results once the round is final.

    ``rank`` is the Schulze place in ranking rounds and the competition rank by score
    otherwise (equal scores share a rank; entries without votes have none). ``advanced`` is
    yes/no for a finalized round and empty before.
    """
    table = service.results_table(session, round_=round_)
    entries = service.entry_rows(session, round_=round_, entry_ids=[r.entry_id for r in table.rows])
    lines = []
    previous: float | None = None
    rank = 0
    for position, row in enumerate(table.rows, start=1):
        if table.ranked:
            shown_rank = row.place
        elif row.score is None:
            shown_rank = None
        else:
            if row.score != previous:
                rank, previous = position, row.score
            shown_rank = rank
        entry = entries[row.entry_id]
        lines.append(
            (
                "" if shown_rank is None else shown_rank,
                entry.page_id,
                entry.title,
                commons_url(entry.title, entry.description_url),
                entry.uploader,
                _number(row.score),
                row.vote_count,
                "" if row.advanced is None else ("yes" if row.advanced else "no"),
            )
        )
    return Export(
        filename=filename(session, round_=round_, kind="results"),
        chunks=render(RESULT_COLUMNS, lines),
    )


def pseudonyms(session: Session, *, round_: Round, voters: Iterable[int]) -> dict[int, str]:
    """ "Juror 1", "Juror 2"... numbered by user id over the round's jurors (and any voter no
    longer on the jury), so a juror keeps their number in every export of the round."""
    jurors = set(
        session.scalars(select(RoundJuror.user_id).where(RoundJuror.round_id == round_.id))
    )
    return {user_id: f"Juror {n}" for n, user_id in enumerate(sorted(jurors | set(voters)), 1)}


def votes_csv(session: Session, *, round_: Round, pseudonymize: bool = True) -> Export:
    """Every vote on the round's eligible entries, by entry then juror."""
    found = session.execute(
        select(
            Vote.juror_id,
            User.username,
            Entry.page_id,
            Entry.title,
            Vote.value,
            Vote.comment,
            Vote.favourite,
            Vote.updated_at,
        )
        .join(RoundEntry, col(RoundEntry.id) == Vote.round_entry_id)
        .join(Entry, col(Entry.id) == RoundEntry.entry_id)
        .join(User, col(User.id) == Vote.juror_id)
        .where(Vote.round_id == round_.id, col(RoundEntry.dq_code).is_(None))
        .order_by(Vote.round_entry_id, Vote.juror_id)
    ).all()
    names = (
        pseudonyms(session, round_=round_, voters={r.juror_id for r in found})
        if pseudonymize
        else {r.juror_id: r.username for r in found}
    )
    ranked = round_.vote_method == "ranking"
    scale = (
        {}
        if ranked
        else {v: normalize(method=round_.vote_method, value=v) for v in {r.value for r in found}}
    )
    lines = (
        (
            names[r.juror_id],
            r.page_id,
            r.title,
            r.value,
            "" if ranked else _number(scale[r.value]),
            r.comment,
            "yes" if r.favourite else "no",
            r.updated_at.isoformat(),
        )
        for r in found
    )
    return Export(
        filename=filename(session, round_=round_, kind="votes"),
        chunks=render(VOTE_COLUMNS, lines),
    )


def _when(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def entries_csv(session: Session, *, round_: Round) -> Export:
    """Every entry of the round, eligible or not, with where it came from (provenance)."""
    rows = session.execute(
        select(RoundEntry, Entry)
        .join(Entry, col(Entry.id) == RoundEntry.entry_id)
        .where(RoundEntry.round_id == round_.id)
        .order_by(RoundEntry.id)
    ).all()
    lines = [
        (
            entry.page_id,
            entry.title,
            commons_url(entry.title, entry.description_url),
            entry.uploader,
            _when(entry.uploaded_at),
            entry.latest_uploader,
            _when(entry.latest_uploaded_at),
            entry.width,
            entry.height,
            entry.mime,
            entry.license,
            "yes" if entry.deleted else "no",
            placed.source,
            "" if placed.source_job_id is None else placed.source_job_id,
            _when(placed.created_at),
            placed.dq_code or "",
            placed.dq_reason or "",
            _when(placed.dq_at),
        )
        for placed, entry in rows
    ]
    return Export(
        filename=filename(session, round_=round_, kind="entries"),
        chunks=render(ENTRY_COLUMNS, lines),
    )
