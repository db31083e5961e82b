"""The `loupe` command."""

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from sqlmodel import Session, select

from app.core.config import get_settings
from app.core.db import make_engine
from app.core.logs import configure_logging

if TYPE_CHECKING:
    from fastapi import FastAPI

    from app.ops import export as ops_export

cli = typer.Typer(help="Loupe: a jury platform for Wikimedia Commons photo contests.")
admin_cli = typer.Typer(help="Instance admins.")
cli.add_typer(admin_cli, name="admin")
export_cli = typer.Typer(help="A round's CSVs, a campaign's wikitext gallery and ceremony PDF.")
cli.add_typer(export_cli, name="export")

log = logging.getLogger("loupe")


@cli.command()
def migrate(
    revision: str = typer.Argument("head", help="Target revision."),
    down: bool = typer.Option(False, "--down", help="Downgrade to REVISION instead."),
) -> None:
    """Bring the database schema up to date (or down to a revision)."""
    from app.core import migrate as migrations

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    url = settings.resolved_database_url()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if down:
        migrations.downgrade(url, revision)
    else:
        migrations.upgrade(url, revision)
    typer.echo(f"database at {'revision ' + revision if down else 'head'}")


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(
        1, min=1, help="Server processes on one port (on SQLite they take turns to write)."
    ),
    auto_migrate: bool = typer.Option(True, help="Migrate the database before serving."),
) -> None:
    """Serve the web app and API (and run background jobs unless LOUPE_JOBS_IN_SERVER=false)."""
    import uvicorn

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if auto_migrate:
        from app.core import migrate as migrations

        migrations.upgrade(settings.resolved_database_url())
    uvicorn.run(
        "app.cli:served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_config=None,
        # Loupe writes its own access line (request id, duration; see app/core/logs.py).
        access_log=False,
    )


def served_app() -> "FastAPI":
    """The app as `loupe serve` runs it. Worker processes start afresh (spawned), so each
    configures its own logging here."""
    from app.main import create_app

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)


@cli.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Build the offline demo (once) and serve it with the development login."""
    import os

    os.environ.setdefault("LOUPE_ENV", "dev")
    os.environ.setdefault("LOUPE_DEV_LOGIN", "true")
    os.environ["LOUPE_DEMO"] = "true"
    # The demo's organizer is an admin too, so a newcomer sees every screen with one login.
    os.environ.setdefault("LOUPE_ADMINS", "Demo Coordinator")
    base_url = os.environ.setdefault("LOUPE_BASE_URL", f"http://{host}:{port}")
    os.environ.setdefault("LOUPE_COMMONS_API_URL", f"{base_url}/_commons/w/api.php")
    get_settings.cache_clear()
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    import app.jobs.kinds  # noqa: F401  (the demo runs import jobs)
    from app.core import migrate as migrations
    from app.demo import build

    migrations.upgrade(settings.resolved_database_url())
    engine = make_engine(settings.resolved_database_url())
    if not build.is_built(engine):
        typer.echo("Building the demo (photos, two contest editions, votes)...")
        build.build(engine, settings=settings)
    engine.dispose()
    typer.echo(
        f"Loupe demo on {base_url} — log in as 'Demo Coordinator' (organizer and admin) "
        "or 'Demo Juror Kofi'."
    )
    serve(host=host, port=port, workers=1, auto_migrate=False)


@cli.command()
def worker() -> None:
    """Run background jobs in this process until interrupted."""
    import app.jobs.kinds  # noqa: F401  (registers every job handler)
    from app.jobs.runner import Worker

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    Worker(
        engine=make_engine(settings.resolved_database_url()),
        lease_seconds=settings.job_lease_seconds,
        poll_seconds=settings.job_poll_seconds,
    ).run(stop)


@cli.command("import")
def import_entries(
    round_id: int = typer.Option(..., "--round", help="The round to import into."),
    category: list[str] = typer.Option(
        [], "--category", help="A Commons category (repeat for several)."
    ),
    depth: int = typer.Option(0, "--depth", min=0, max=5, help="Subcategory levels to include."),
    titles_file: Path | None = typer.Option(
        None, "--titles-file", exists=True, dir_okay=False, help="File titles, one per line."
    ),
    csv_file: Path | None = typer.Option(
        None, "--csv", exists=True, dir_okay=False, help="A Quarry export or a list of names."
    ),
    previous_round: bool = typer.Option(
        False, "--previous-round", help="The entries that advanced from the previous round."
    ),
    wait: bool = typer.Option(
        False, "--wait", help="Leave the job to a running worker instead of running it here."
    ),
) -> None:
    """Import files into a round, showing the job's progress."""
    import app.jobs.kinds  # noqa: F401  (registers every job handler)
    from app.imports import cli as imports_cli

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    imports_cli.run(
        make_engine(settings.resolved_database_url()),
        wait=wait,
        lease_seconds=settings.job_lease_seconds,
        round_id=round_id,
        categories=category,
        depth=depth,
        titles_file=titles_file,
        csv_file=csv_file,
        previous_round=previous_round,
    )


@cli.command()
def backup(
    destination: Path | None = typer.Argument(
        None,
        dir_okay=False,
        help="The backup file [default: DATA_DIR/backups/loupe-<UTC time>.db, or .dump "
        "for PostgreSQL].",
    ),
) -> None:
    """Back up the database while Loupe keeps running (SQLite's online backup, or pg_dump)."""
    from app.ops import backup as ops

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    url = settings.resolved_database_url()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    try:
        path = ops.sqlite_path(url)
        if path is None:
            destination = destination or settings.data_dir / "backups" / f"loupe-{stamp}.dump"
            typer.echo("Running pg_dump...")
            ops.backup_postgres(url, destination)
        else:
            destination = destination or settings.data_dir / "backups" / f"loupe-{stamp}.db"
            with _pages_bar("Backing up") as report:
                ops.backup_sqlite(path, destination, progress=report)
    except ops.BackupError as exc:
        typer.echo(f"Backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Backup written to {destination}")


@cli.command()
def restore(
    backup: Path = typer.Argument(..., exists=True, dir_okay=False, help="A `loupe backup` file."),
    force: bool = typer.Option(
        False, "--force", help="Replace a database that holds data or is open elsewhere."
    ),
) -> None:
    """Replace the database with a backup, migrating it if an older Loupe made it."""
    from app.ops import backup as ops

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    url = settings.resolved_database_url()
    try:
        path = ops.sqlite_path(url)
        if path is None:
            typer.echo("Running pg_restore...")
            restored = ops.restore_postgres(url, backup, force=force)
        else:
            with _pages_bar("Restoring") as report:
                restored = ops.restore_sqlite(backup, path, force=force, progress=report)
    except ops.BackupError as exc:
        typer.echo(f"Restore refused: {exc}", err=True)
        raise typer.Exit(1) from exc
    migrated = f", migrated to {restored.head}" if restored.upgraded else ""
    typer.echo(f"Restored {backup} (schema {restored.revision}{migrated})")


OUTPUT = typer.Option(
    None,
    "--output",
    "-o",
    dir_okay=False,
    help="Where to write [default: the export's own name "
    "in the current folder; - for standard output].",
)


def _write(make: "Callable[[Session], ops_export.Output]", output: Path | None) -> None:
    """Run an export in one read session and stream it to ``output``."""
    from app.core.errors import LoupeError

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    engine = make_engine(settings.resolved_database_url())
    try:
        with Session(engine) as session:
            result = make(session)
            if output is not None and str(output) == "-":
                for chunk in result.chunks:
                    if isinstance(chunk, bytes):
                        typer.get_binary_stream("stdout").write(chunk)
                    else:
                        typer.echo(chunk, nl=False)
                return
            target = output or Path(result.filename)
            with target.open("wb") as file:
                for chunk in result.chunks:
                    file.write(chunk if isinstance(chunk, bytes) else chunk.encode())
    except LoupeError as exc:
        typer.echo(f"Export failed: {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(f"Written to {target}", err=True)


@export_cli.command("results")
def export_results(
    round_id: int = typer.Option(..., "--round", help="The round."),
    output: Path | None = OUTPUT,
) -> None:
    """A round's results: score, votes, rank and whether each entry advanced."""
    from app.ops import export as ops_export

    _write(lambda s: ops_export.round_csv(s, round_id=round_id, kind="results"), output)


@export_cli.command("votes")
def export_votes(
    round_id: int = typer.Option(..., "--round", help="The round."),
    names: bool = typer.Option(
        False, "--names", help="Juror names instead of pseudonyms (Juror 1, Juror 2...)."
    ),
    output: Path | None = OUTPUT,
) -> None:
    """Every vote of a round, jurors pseudonymized unless --names."""
    from app.ops import export as ops_export

    _write(
        lambda s: ops_export.round_csv(s, round_id=round_id, kind="votes", pseudonymize=not names),
        output,
    )


@export_cli.command("entries")
def export_entries(
    round_id: int = typer.Option(..., "--round", help="The round."),
    output: Path | None = OUTPUT,
) -> None:
    """A round's entries with their provenance and eligibility."""
    from app.ops import export as ops_export

    _write(lambda s: ops_export.round_csv(s, round_id=round_id, kind="entries"), output)


@export_cli.command("gallery")
def export_gallery(
    slug: str = typer.Option(..., "--campaign", help="The campaign's slug."),
    output: Path | None = OUTPUT,
) -> None:
    """The winners as a wikitext gallery to paste on a Commons page."""
    from app.ops import export as ops_export

    api = get_settings().commons_api_url
    _write(lambda s: ops_export.gallery(s, slug=slug, commons_api_url=api), output)


@export_cli.command("ceremony")
def export_ceremony(
    slug: str = typer.Option(..., "--campaign", help="The campaign's slug."),
    output: Path | None = OUTPUT,
) -> None:
    """The printable ceremony: a PDF page per award, photos fetched from Commons."""
    from app.ops import export as ops_export

    settings = get_settings()
    _write(
        lambda s: ops_export.ceremony_pdf(
            s, slug=slug, commons_api_url=settings.commons_api_url, user_agent=settings.user_agent
        ),
        output,
    )


@contextmanager
def _pages_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("pages")) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _set_admin(username: str, value: bool) -> None:
    from app.models import User

    settings = get_settings()
    engine = make_engine(settings.resolved_database_url())
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            typer.echo(
                f"No user named {username!r} has logged in yet. Ask them to log in once, "
                "or list them in LOUPE_ADMINS.",
                err=True,
            )
            raise typer.Exit(1)
        user.is_admin = value
        from app.audit.service import record

        record(
            session,
            actor_id=None,
            action="admin.grant" if value else "admin.revoke",
            object_type="user",
            object_id=user.id,
            details={"username": username, "via": "cli"},
        )
        session.commit()
    typer.echo(f"{username} is {'now' if value else 'no longer'} an admin")


@admin_cli.command("add")
def admin_add(username: str) -> None:
    """Make USERNAME an instance admin."""
    _set_admin(username, True)


@admin_cli.command("remove")
def admin_remove(username: str) -> None:
    """Take instance admin rights from USERNAME."""
    _set_admin(username, False)


@admin_cli.command("list")
def admin_list() -> None:
    """List instance admins."""
    from app.models import User

    settings = get_settings()
    with Session(make_engine(settings.resolved_database_url())) as session:
        names = session.exec(select(User.username).where(User.is_admin)).all()
    configured = settings.admin_usernames
    for name in sorted(set(names) | configured):
        typer.echo(f"{name}{'  (LOUPE_ADMINS)' if name in configured else ''}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
