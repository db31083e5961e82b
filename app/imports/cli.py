"""``loupe import``: enqueue an import job, run it here (or wait for a worker), show progress."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.config import get_settings
from app.core.errors import LoupeError
from app.imports import service
from app.imports.schemas import CategoryImport, PreviousRoundImport, TitlesImport
from app.jobs.runner import Worker
from app.models import Job, JobStatus
from app.rounds import service as rounds

FINISHED = (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled)
POLL_SECONDS = 0.2
SHOWN_ERRORS = 10


def start(
    engine: Engine,
    *,
    round_id: int,
    categories: list[str],
    depth: int,
    titles_file: Path | None,
    csv_file: Path | None,
    previous_round: bool,
) -> int:
    """Enqueue the import; returns the job id (LoupeError when refused)."""
    chosen = [bool(categories), titles_file is not None, csv_file is not None, previous_round]
    if sum(chosen) != 1:
        raise typer.BadParameter(
            "give exactly one source: --category (repeatable), --titles-file, --csv or "
            "--previous-round"
        )
    with Session(engine, expire_on_commit=False) as session:
        round_ = rounds.get(session, round_id=round_id)
        if csv_file is not None:
            with csv_file.open("rb") as stream:
                job = service.start_csv_import(
                    session,
                    round_=round_,
                    stream=stream,
                    filename=csv_file.name,
                    size=csv_file.stat().st_size,
                    actor=None,
                    api_url=get_settings().commons_api_url,
                )
        elif titles_file is not None:
            titles = titles_file.read_text(encoding="utf-8-sig").splitlines()
            job = service.start_import(
                session,
                round_=round_,
                data=TitlesImport(source="titles", titles=titles),
                actor=None,
            )
        elif previous_round:
            job = service.start_import(
                session,
                round_=round_,
                data=PreviousRoundImport(source="previous_round"),
                actor=None,
            )
        else:
            data = CategoryImport(source="category", categories=categories, depth=depth)
            job = service.start_import(session, round_=round_, data=data, actor=None)
        session.commit()
        assert job.id is not None
        return job.id


def _load(engine: Engine, job_id: int) -> Job:
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _run_until_done(engine: Engine, job_id: int, lease_seconds: float, stop: threading.Event):
    """Run ready jobs in this process until ours has finished (or the user gives up)."""
    worker = Worker(engine=engine, lease_seconds=lease_seconds)
    while not stop.is_set():
        if _load(engine, job_id).status in FINISHED:
            return
        if not worker.run_once():
            stop.wait(POLL_SECONDS)


def follow(engine: Engine, job_id: int, *, run_here: bool, lease_seconds: float) -> Job:
    """Show the job's progress until it finishes; runs it in a thread unless ``run_here`` is
    False (then a `loupe worker` or `loupe serve` must)."""
    stop = threading.Event()
    runner = None
    if run_here:
        runner = threading.Thread(
            target=_run_until_done, args=(engine, job_id, lease_seconds, stop), daemon=True
        )
        runner.start()
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]job {task.fields[job]}[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
            task = progress.add_task("queued", total=None, job=job_id)
            while True:
                job = _load(engine, job_id)
                stats = job.stats or {}
                counts = (
                    f"added {stats.get('added', 0)}, skipped {stats.get('skipped', 0)}, "
                    f"failed {stats.get('failed', 0)}"
                )
                note = (
                    f" (retrying after: {job.error})"
                    if job.error and job.status == "queued"
                    else ""
                )
                progress.update(
                    task,
                    completed=job.progress_done,
                    total=job.progress_total,
                    description=f"{job.status}: {counts}{note}",
                )
                if job.status in FINISHED:
                    return job
                time.sleep(POLL_SECONDS)
    finally:
        stop.set()
        if runner is not None:
            runner.join()


def report(job: Job) -> None:
    stats = job.stats or {}
    typer.echo(
        f"Job {job.id} {job.status}: {stats.get('seen', 0)} seen, {stats.get('added', 0)} added, "
        f"{stats.get('skipped', 0)} already in the round, {stats.get('failed', 0)} failed."
    )
    for error in stats.get("errors", [])[:SHOWN_ERRORS]:
        where = f"line {error['line']}: " if "line" in error else ""
        typer.echo(f"  {where}{error.get('title', '')}: {error['reason']}", err=True)
    if stats.get("refresh_job_id"):
        typer.echo(
            f"Refresh job {stats['refresh_job_id']} is queued to fetch licences and authors; "
            "`loupe worker` or `loupe serve` will run it."
        )
    if job.error:
        typer.echo(f"Error: {job.error}", err=True)


def run(engine: Engine, *, wait: bool, lease_seconds: float, **source) -> None:  # type: ignore[no-untyped-def]
    try:
        job_id = start(engine, **source)
    except LoupeError as exc:
        typer.echo(f"Refused: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    job = follow(engine, job_id, run_here=not wait, lease_seconds=lease_seconds)
    report(job)
    if job.status != JobStatus.succeeded:
        raise typer.Exit(1)
