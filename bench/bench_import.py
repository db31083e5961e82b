"""Importing entries into a round, through the real job handler.

Run from the repository root: python -m bench.bench_import

(a) 50,000 files of one category from the Commons double, served by a separate process
    (``python -m app.commons.double``) with no artificial latency, into SQLite and PostgreSQL.
    Target (DESIGN.md): at least 5,000 files/s of Loupe's own work, peak memory < 200 MB.
    Each import runs in a fresh child process so that its peak RSS is its own; "CPU files/s"
    counts only the Loupe process's CPU time (JSON parsing, the handler, the database client;
    SQLite's work is in-process, PostgreSQL's server is not).
(b) 20,000 entries from a Quarry-format CSV with page ids: the upload (parse, check, stage)
    plus the job that stores them. Target: < 0.5 s (Montage: 5.0 s).
"""

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx

FILES = 50_000
CSV_ROWS = 20_000
CATEGORY = "Images from Wiki Loves Monuments 2024 in Benchland"
USER_AGENT = "LoupeBench/0.1 (https://example.org/loupe; bench@example.org)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_double(files: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.commons.double",
            "--files",
            str(files),
            "--port",
            str(port),
            "--category",
            CATEGORY,
        ],
        stdout=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{port}/w/api.php"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(
                api,
                params={"action": "query", "format": "json", "meta": ""},
                headers={"User-Agent": USER_AGENT},
                timeout=2,
            )
            return process, api
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Commons double did not start") from None
            time.sleep(0.2)


def _child(args: list[str]) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.bench_import", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _draft_round(engine) -> int:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from app.models import Campaign, Round

    with Session(engine) as session:
        campaign = Campaign(
            slug="bench",
            name="Bench",
            opens_at=datetime(2024, 9, 1, tzinfo=UTC),
            closes_at=datetime(2024, 10, 1, tzinfo=UTC),
        )
        session.add(campaign)
        session.flush()
        round_ = Round(campaign_id=campaign.id, name="Round 1", seed=7)
        session.add(round_)
        session.commit()
        return round_.id


def _count_round_entries(engine, round_id: int) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select
    from sqlmodel import Session

    from app.models import RoundEntry

    with Session(engine) as session:
        return session.scalar(
            select(func.count()).select_from(RoundEntry).where(RoundEntry.round_id == round_id)
        )


def run_category(kind: str, api_url: str) -> dict:
    """One category import in this process (a child of main)."""
    os.environ["LOUPE_COMMONS_API_URL"] = api_url
    os.environ["LOUPE_USER_AGENT"] = USER_AGENT
    from sqlmodel import Session

    import app.jobs.kinds  # noqa: F401
    from app.imports import service
    from app.imports.schemas import CategoryImport
    from app.jobs.runner import Worker
    from app.models import Job, Round
    from bench.common import fresh_engine, peak_rss_mb

    engine = fresh_engine(kind, "import_category")
    round_id = _draft_round(engine)
    with Session(engine, expire_on_commit=False) as session:
        data = CategoryImport(source="category", categories=[CATEGORY])
        job = service.start_import(
            session, round_=session.get(Round, round_id), data=data, actor=None
        )
        session.commit()
    cpu = time.process_time()
    start = time.perf_counter()
    Worker(engine=engine).run_once()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    with Session(engine) as session:
        job = session.get(Job, job.id)
        assert job.status == "succeeded", job.error
        added = job.stats["added"]
    assert added == _count_round_entries(engine, round_id) == FILES, added
    engine.dispose()
    return {"files": added, "seconds": seconds, "cpu": cpu, "peak_mb": peak_rss_mb()}


def quarry_csv(rows: int) -> bytes:
    out = io.StringIO()
    out.write(
        "img_name,img_size,img_width,img_height,img_major_mime,img_minor_mime,"
        "img_user,img_user_text,img_timestamp,img_sha1,page_id\n"
    )
    for n in range(rows):
        user = n % 997
        out.write(
            f"WLM_2024_Benchland_photo_{n:06d}.jpg,{3_000_000 + n},4000,3000,image,jpeg,"
            f"{5_000_000 + user},Uploader_{user},2024091{n % 10}120000,{n:031d},{20_000_000 + n}\n"
        )
    return out.getvalue().encode()


def run_csv(kind: str) -> dict:
    """The upload and the import job of a 20,000-row Quarry CSV (a child of main)."""
    from sqlmodel import Session

    import app.jobs.kinds  # noqa: F401
    from app.imports import service
    from app.jobs.runner import Worker
    from app.models import Job, Round
    from bench.common import fresh_engine, peak_rss_mb

    engine = fresh_engine(kind, "import_csv")
    round_id = _draft_round(engine)
    data = quarry_csv(CSV_ROWS)
    start = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        job = service.start_csv_import(
            session,
            round_=session.get(Round, round_id),
            stream=io.BytesIO(data),
            filename="bench.csv",
            size=len(data),
            actor=None,
            api_url="https://commons.wikimedia.org/w/api.php",
        )
        session.commit()
    staged = time.perf_counter()
    Worker(engine=engine).run_once()
    done = time.perf_counter()
    with Session(engine) as session:
        job = session.get(Job, job.id)
        assert job.status == "succeeded", job.error
    assert _count_round_entries(engine, round_id) == CSV_ROWS
    engine.dispose()
    return {
        "rows": CSV_ROWS,
        "upload": staged - start,
        "job": done - staged,
        "seconds": done - start,
        "peak_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("case", nargs="?", choices=("category", "csv"))
    parser.add_argument("--db", choices=("sqlite", "postgres"))
    parser.add_argument("--api")
    args = parser.parse_args()
    if args.case == "category":
        print(json.dumps(run_category(args.db, args.api)))
        return
    if args.case == "csv":
        print(json.dumps(run_csv(args.db)))
        return

    double, api = _serve_double(FILES)
    try:
        print(f"(a) {FILES:,} files from the Commons double (separate process), one category")
        header = ("database", "seconds", "files/s", "CPU s", "CPU files/s", "peak MB")
        print("{:<10} {:>8} {:>8} {:>6} {:>11} {:>8}".format(*header))
        for kind in ("sqlite", "postgres"):
            r = _child(["category", "--db", kind, "--api", api])
            print(
                f"{kind:<10} {r['seconds']:>8.2f} {r['files'] / r['seconds']:>8,.0f} "
                f"{r['cpu']:>6.2f} {r['files'] / r['cpu']:>11,.0f} {r['peak_mb']:>8.0f}"
            )
    finally:
        double.terminate()
        double.wait()
    print()
    print(f"(b) {CSV_ROWS:,} entries from a Quarry-format CSV with page ids")
    print(f"{'database':<10} {'upload s':>8} {'job s':>6} {'total s':>7} {'peak MB':>8}")
    for kind in ("sqlite", "postgres"):
        r = _child(["csv", "--db", kind])
        print(
            f"{kind:<10} {r['upload']:>8.2f} {r['job']:>6.2f} {r['seconds']:>7.2f} "
            f"{r['peak_mb']:>8.0f}"
        )


if __name__ == "__main__":
    main()
