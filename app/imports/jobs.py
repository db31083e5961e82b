"""The import and refresh jobs: ``imports.run`` and ``imports.refresh``.

Both take ids (``{"round_id": …}`` plus the source's settings) and read the Commons API URL
from the settings (``LOUPE_COMMONS_API_URL``) through :func:`commons_client` and
:func:`commons_lookup`; tests and benchmarks point those at the local double.

Every batch is stored in one transaction together with the checkpoint that resumes right
after it and the job's counters, so a job killed at any moment resumes where its last commit
left it, and counts nothing twice. Commons is never called while a transaction is open (on
SQLite that would hold the write lock through network waits).

Checkpoints:

* category: ``{"plan": [category titles], "cursor": {"index", "continue"} | None,
  "finished": bool}``, the plan computed once (subcategories breadth-first, cycle-safe);
* titles and csv: ``{"position": next staged row, "finished": bool}``;
* previous_round: ``{"finished": true}`` (one transaction);
* after the last batch, ``{"closed": true}`` once the wrap-up (eligibility of the new entries
  and their tasks on a running round, the follow-up refresh, the audit event) is stored;
* refresh: ``{"after": last entry id checked}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session, col

from app.audit.service import record
from app.commons.client import CommonsClient, PlanCursor
from app.commons.users import CommonsIdLookup
from app.core.config import get_settings
from app.core.errors import Conflict, InvalidInput, NotFound
from app.eligibility import service as eligibility
from app.imports import service
from app.jobs import service as jobs
from app.jobs.registry import job_handler
from app.jobs.runner import JobContext
from app.models import Entry, Job, Round, RoundEntry, utcnow
from app.rounds.service import RUNNING, add_entries_to_running_round

log = logging.getLogger(__name__)

# Staged rows read per transaction; rows without a page id are looked up 50 to a request,
# and committed every LOOKUP_CHUNK.
ITEM_CHUNK = 5_000
LOOKUP_CHUNK = 500
REFRESH_CHUNK = 500
# Estimating a walk's total costs one request per category; not worth it for huge trees.
ESTIMATE_MAX_CATEGORIES = 100
MAX_REPORTED_CHANGES = 200


def commons_client() -> CommonsClient:
    """The Commons client a job uses (the settings' API URL and User-Agent)."""
    settings = get_settings()
    return CommonsClient(api_url=settings.commons_api_url, user_agent=settings.user_agent)


def commons_lookup() -> CommonsIdLookup:
    """Maps jurors' and coordinators' names to their Commons accounts."""
    return CommonsIdLookup(get_settings())


@job_handler(service.IMPORT_KIND)
def run_import(ctx: JobContext) -> None:
    _Import(ctx).run()


@job_handler(service.REFRESH_KIND)
def run_refresh(ctx: JobContext) -> None:
    _Refresh(ctx).run()


class _Import:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.round_id: int = ctx.payload["round_id"]
        self.source: str = ctx.payload["source"]
        self.stats: dict[str, Any] = {**service.new_stats(), **ctx.stats}

    def run(self) -> None:
        checkpoint = self.ctx.checkpoint
        if checkpoint.get("closed"):
            return
        if not checkpoint.get("finished"):
            with self.ctx.session() as session:
                service.importable_round(session, round_id=self.round_id)
            if self.source == "category":
                with commons_client() as client:
                    self._categories(client)
            elif self.source in ("titles", "csv"):
                with ExitStack() as stack:
                    # Rows with page ids need no request: the client (with its TLS set-up,
                    # about 60 ms) is opened at the first lookup, if any.
                    self._items(cache(lambda: stack.enter_context(commons_client())))
            elif self.source == "previous_round":
                self._previous_round()
            else:
                raise InvalidInput(f"Unknown import source {self.source!r}.")
        self._close()

    def _save(self, session: Session, checkpoint: dict[str, Any], **progress: Any) -> None:
        self.ctx.save(
            session, checkpoint=checkpoint, done=self.stats["seen"], stats=self.stats, **progress
        )
        session.commit()

    def _count(self, stored: service.Stored) -> None:
        self.stats["added"] += stored.added
        self.stats["skipped"] += stored.skipped

    # Categories

    def _categories(self, client: CommonsClient) -> None:
        plan: list[str] | None = self.ctx.checkpoint.get("plan")
        if plan is None:
            plan = client.category_tree(
                categories=self.ctx.payload["categories"], depth=self.ctx.payload.get("depth", 0)
            )
            total = None
            if len(plan) <= ESTIMATE_MAX_CATEGORIES:
                total = sum(client.category_info(category=c).files for c in plan)
            self.stats["categories"] = len(plan)
            with self.ctx.session() as session:
                self._save(session, {"plan": plan, "cursor": PlanCursor(0).to_json()}, total=total)
        raw = self.ctx.checkpoint.get("cursor")
        cursor = PlanCursor.from_json(raw) if raw is not None else None
        if cursor is None:
            return
        for batch, after in client.iter_categories(categories=plan, cursor=cursor):
            now = utcnow()
            rows = [service.entry_row(file, now=now) for file in batch.files]
            name = batch.category.removeprefix("Category:")
            with self.ctx.session() as session:
                service.importable_round(session, round_id=self.round_id)
                stored = service.store_files(
                    session,
                    round_id=self.round_id,
                    job_id=self.ctx.job_id,
                    rows=rows,
                    source=f"category:{name}",
                    overwrite=True,
                )
                self._count(stored)
                self.stats["seen"] += len(batch.files) + len(batch.missing)
                for page in batch.missing:
                    service.fail(
                        self.stats, line=None, title=page.title, reason="file page without a file"
                    )
                checkpoint = {
                    "plan": plan,
                    "cursor": after.to_json() if after is not None else None,
                    "finished": after is None,
                }
                self._save(session, checkpoint)

    # Staged rows (pasted titles, CSV)

    def _items(self, client: Callable[[], CommonsClient]) -> None:
        """Staged rows in position windows; within a window, rows with a page id are stored
        in SQL and the others looked up 50 to a request, committed every LOOKUP_CHUNK."""
        position = self.ctx.checkpoint.get("position", 0)
        with self.ctx.session() as session:
            end = service.staged_end(session, job_id=self.ctx.job_id)
        while position < end:
            stop = min(position + ITEM_CHUNK, end)
            with self.ctx.session() as session:
                wanted = service.staged_lookups(
                    session, job_id=self.ctx.job_id, start=position, stop=stop
                )
            groups = [wanted[n : n + LOOKUP_CHUNK] for n in range(0, len(wanted), LOOKUP_CHUNK)]
            for n, group in enumerate(groups or [[]]):
                # A group reaches up to the next group's first row (or the window's end).
                until = groups[n + 1][0].position if n + 1 < len(groups) else stop
                position = self._item_group(client, start=position, stop=until, wanted=group)
        with self.ctx.session() as session:
            self._save(session, {"position": position, "finished": True})

    def _item_group(
        self, client: Callable[[], CommonsClient], *, start: int, stop: int, wanted: list[Any]
    ) -> int:
        """Store the staged rows in [start, stop), of which ``wanted`` need a lookup by title;
        returns ``stop``."""
        now = utcnow()
        looked_up = []
        failures: list[tuple[Any, str]] = []
        if wanted:
            results = [
                result
                for batch in client().lookup_titles(titles=[item.title for item in wanted])
                for result in batch.results
            ]
            for item, result in zip(wanted, results, strict=True):
                if result.file is not None:
                    looked_up.append(service.entry_row(result.file, now=now))
                elif result.invalid_reason is not None:
                    failures.append((item, result.invalid_reason))
                else:
                    failures.append((item, f"Commons has no file {result.title}"))
        source = self._items_source()
        direct = stop - start - len(wanted)
        with self.ctx.session() as session:
            service.importable_round(session, round_id=self.round_id)
            if direct:
                added = service.store_staged(
                    session,
                    round_id=self.round_id,
                    job_id=self.ctx.job_id,
                    start=start,
                    stop=stop,
                    source=source,
                )
                self._count(service.Stored(added=added, skipped=direct - added))
                self.stats["unrefreshed"] = self.stats.get("unrefreshed", 0) + direct
            if looked_up:
                self._count(
                    service.store_files(
                        session,
                        round_id=self.round_id,
                        job_id=self.ctx.job_id,
                        rows=looked_up,
                        source=source,
                        overwrite=True,
                    )
                )
            for item, reason in failures:
                service.fail(self.stats, line=item.line, title=item.title, reason=reason)
            self.stats["seen"] += stop - start
            self._save(session, {"position": stop})
        return stop

    def _items_source(self) -> str:
        if self.source == "csv":
            return f"csv:{self.ctx.payload.get('filename', '')}"
        return "titles"

    # The previous round

    def _previous_round(self) -> None:
        from_round_id = self.ctx.payload["from_round_id"]
        with self.ctx.session() as session:
            previous = session.get(Round, from_round_id)
            if previous is None or previous.status != "finalized":
                raise Conflict("The previous round is not finalized.")
            stored = service.add_advanced(
                session,
                round_id=self.round_id,
                from_round_id=from_round_id,
                job_id=self.ctx.job_id,
            )
            self._count(stored)
            self.stats["seen"] += stored.added + stored.skipped
            self._save(session, {"finished": True}, total=self.stats["seen"])

    # Wrapping up

    def _close(self) -> None:
        with self.ctx.session() as session:
            round_ = session.get(Round, self.round_id)
            job = session.get(Job, self.ctx.job_id)
            assert round_ is not None and job is not None
            if round_.status in RUNNING and self.stats["added"]:
                # Late uploads must pass the round's rules before they get tasks.
                lookup = commons_lookup()
                self.stats["disqualified"] = eligibility.apply_to_new_entries(
                    session,
                    round_=round_,
                    job_id=self.ctx.job_id,
                    actor_id=job.created_by,
                    lookup=lookup,
                )
                self.stats["tasks_added"] = add_entries_to_running_round(
                    session, round_=round_, lookup=lookup
                )
            service.drop_staged(session, job_id=self.ctx.job_id)
            if self.stats.get("unrefreshed") and "refresh_job_id" not in self.stats:
                # Quarry rows carry no licence or author: fetch them in the background.
                refresh = service.active_job(session, round_=round_, kind=service.REFRESH_KIND)
                if refresh is None:
                    refresh = jobs.enqueue(
                        session,
                        kind=service.REFRESH_KIND,
                        payload={"round_id": round_.id},
                        campaign_id=round_.campaign_id,
                        created_by=job.created_by,
                    )
                self.stats["refresh_job_id"] = refresh.id
            summary = {k: v for k, v in self.stats.items() if k != "errors"}
            record(
                session,
                actor_id=job.created_by,
                action="round.import",
                object_type="round",
                object_id=round_.id,
                campaign_id=round_.campaign_id,
                details={"job_id": job.id, "source": self.source, **summary},
            )
            checkpoint = {**self.ctx.checkpoint, "finished": True, "closed": True}
            self._save(session, checkpoint, total=self.stats["seen"])


class _Refresh:
    """Re-check a round's entries by page id (stable across renames) and store what Commons
    says now: deleted files are marked, renames take the new title, re-uploads update the
    latest upload. Eligibility rules act on these marks when the coordinator applies them."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.round_id: int = ctx.payload["round_id"]
        self.stats: dict[str, Any] = {
            "checked": 0,
            "updated": 0,
            "deleted": 0,
            "restored": 0,
            "renamed": 0,
            "reuploaded": 0,
            "changes": [],
            **ctx.stats,
        }

    def run(self) -> None:
        after = self.ctx.checkpoint.get("after", 0)
        if self.ctx.checkpoint.get("closed"):
            return
        with self.ctx.session() as session:
            round_ = session.get(Round, self.round_id)
            if round_ is None:
                raise NotFound(f"Round {self.round_id} does not exist.")
            total = session.scalar(select(func.count()).where(RoundEntry.round_id == self.round_id))
            self.ctx.save(session, total=total)
            session.commit()
        with commons_client() as client:
            while True:
                with self.ctx.session() as session:
                    known = session.execute(
                        select(
                            Entry.id,
                            Entry.page_id,
                            Entry.title,
                            Entry.deleted,
                            Entry.latest_uploaded_at,
                        )
                        .join(RoundEntry, col(RoundEntry.entry_id) == Entry.id)
                        .where(RoundEntry.round_id == self.round_id, Entry.id > after)
                        .order_by(Entry.id)
                        .limit(REFRESH_CHUNK)
                    ).all()
                if not known:
                    break
                found = {}
                for batch in client.lookup_page_ids(page_ids=[row.page_id for row in known]):
                    found.update((file.page_id, file) for file in batch.files)
                after = known[-1].id
                with self.ctx.session() as session:
                    self._store(session, known, found)
                    self.stats["checked"] += len(known)
                    self.ctx.save(
                        session,
                        checkpoint={"after": after},
                        done=self.stats["checked"],
                        stats=self.stats,
                    )
                    session.commit()
        with self.ctx.session() as session:
            round_ = session.get(Round, self.round_id)
            job = session.get(Job, self.ctx.job_id)
            assert round_ is not None and job is not None
            record(
                session,
                actor_id=job.created_by,
                action="round.refresh",
                object_type="round",
                object_id=round_.id,
                campaign_id=round_.campaign_id,
                details={"job_id": job.id, **self.stats},
            )
            self.ctx.save(
                session,
                checkpoint={"after": after, "closed": True},
                done=self.stats["checked"],
                total=self.stats["checked"],
                stats=self.stats,
            )
            session.commit()

    def _store(self, session: Session, known: list[Any], found: dict[int, Any]) -> None:
        now = utcnow()
        updates = []
        gone = []
        for row in known:
            file = found.get(row.page_id)
            if file is None:
                if not row.deleted:
                    gone.append({"eid": row.id})
                    self._change(row, "deleted", "no longer on Commons")
                continue
            values = dict(zip(service.ENTRY_COLUMNS, service.entry_row(file, now=now), strict=True))
            del values["page_id"], values["created_at"]
            updates.append({"eid": row.id, **{f"v_{k}": v for k, v in values.items()}})
            if row.deleted:
                self._change(row, "restored", "back on Commons")
            if file.title != row.title:
                self._change(row, "renamed", f"now {file.title}")
            latest = file.latest_upload
            if (
                latest.user_id != file.first_upload.user_id
                and row.latest_uploaded_at != latest.timestamp
            ):
                when = latest.timestamp.strftime("%Y-%m-%d %H:%M UTC")
                self._change(row, "reuploaded", f"by {latest.user} on {when}")
        connection = session.connection()
        if updates:
            columns = [c for c in service.ENTRY_COLUMNS if c not in ("page_id", "created_at")]
            connection.execute(
                update(Entry)
                .where(Entry.id == bindparam("eid"))
                .values({name: bindparam(f"v_{name}") for name in columns}),
                updates,
            )
            self.stats["updated"] += len(updates)
        if gone:
            connection.execute(
                update(Entry)
                .where(Entry.id == bindparam("eid"))
                .values(deleted=True, refreshed_at=now),
                gone,
            )

    def _change(self, row: Any, change: str, detail: str) -> None:
        self.stats[change] += 1
        if len(self.stats["changes"]) < MAX_REPORTED_CHANGES:
            self.stats["changes"].append(
                {
                    "entry_id": row.id,
                    "page_id": row.page_id,
                    "title": row.title,
                    "change": change,
                    "detail": detail,
                }
            )
