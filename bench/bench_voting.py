"""Voting over HTTP against a real server: one juror alone, then many jurors at once.

Run from the repository root: python -m bench.bench_voting (--help for the options)
Workload (DESIGN.md): a round of 20,000 entries, quorum 3, rating votes; jurors fetch
tasks 10 at a time and cast one vote per request. Targets: one juror < 2 ms p50 per vote;
20 jurors at once >= 750 votes/s with p99 < 50 ms. The server is `loupe serve` (one process
unless --workers); the load comes from this process on the same 2 cores, so the figures
include the client's share of the CPU. The client is a minimal keep-alive HTTP/1.1 client on
asyncio streams: httpx costs several milliseconds per request here, which would measure the
client. Besides wall-clock figures it prints the CPU time the server processes spent per vote
(the task fetches included, the database server's own processes not), which a busy machine
disturbs much less than latencies.
"""

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time

import httpx
from sqlmodel import Session

from app.auth.sessions import COOKIE, CSRF_HEADER, SessionCodec
from app.models import Round, User
from app.rounds import service
from bench.common import fresh_engine, make_contest, percentile

SECRET = "bench-secret"
ENTRIES = 20_000
JURORS = 50
QUORUM = 3
LEVELS = [(1, 600), (20, 4000), (50, 4000)]  # (jurors at once, votes to cast)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants (Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except FileNotFoundError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in children)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "LOUPE_DATABASE_URL": url,
        "LOUPE_SECRET_KEY": SECRET,
        "LOUPE_ENV": "test",
        "LOUPE_JOBS_IN_SERVER": "false",
        "LOUPE_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-auto-migrate"]
    command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


class Connection:
    """One juror's keep-alive connection: just enough HTTP/1.1 for this benchmark."""

    def __init__(self, port: int, cookie: str, csrf: str) -> None:
        self.port = port
        self.head = f"Host: 127.0.0.1\r\nCookie: {COOKIE}={cookie}\r\n{CSRF_HEADER}: {csrf}\r\n"

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else b""
        extra = "Content-Type: application/json\r\n" if body is not None else ""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\n{self.head}{extra}"
            f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def juror_loop(
    port: int, round_id: int, user_id: int, budget: list[int], latencies: list[float]
) -> None:
    cookie, data = SessionCodec(secret=SECRET, max_age=3600).issue(user_id=user_id)
    connection = Connection(port, cookie, data.csrf)
    await connection.open()
    rng = random.Random(user_id)
    try:
        while budget[0] > 0:
            status, body = await connection.request("GET", f"/api/rounds/{round_id}/tasks?limit=10")
            if status != 200:
                raise RuntimeError(f"tasks refused: {status} {body[:200]!r}")
            tasks = json.loads(body)["tasks"]
            if not tasks:
                return
            for task in tasks:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
                start = time.perf_counter()
                status, body = await connection.request(
                    "PUT",
                    f"/api/rounds/{round_id}/votes/{task['round_entry_id']}",
                    {"value": rng.randint(1, 5)},
                )
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    raise RuntimeError(f"vote refused: {status} {body[:200]!r}")
    finally:
        connection.close()


async def run_level(port: int, round_id: int, jurors: list[int], votes: int):
    latencies: list[float] = []
    budget = [votes]
    start = time.perf_counter()
    await asyncio.gather(*(juror_loop(port, round_id, j, budget, latencies) for j in jurors))
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, percentile(latencies, 0.5), percentile(latencies, 0.99)


def parse_level(text: str) -> tuple[int, int]:
    jurors, _, votes = text.partition(":")
    return int(jurors), int(votes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), action="append")
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--level",
        type=parse_level,
        action="append",
        metavar="JURORS:VOTES",
        help="jurors at once and votes to cast (repeatable); default 1:600 20:4000 50:4000",
    )
    args = parser.parse_args()
    levels = args.level or LEVELS
    jurors_needed = sum(count for count, _ in levels)
    print(
        f"{'database':<10} {'workers':>7} {'jurors':>6} {'votes':>6} {'votes/s':>8}"
        f" {'p50 ms':>7} {'p99 ms':>7} {'server CPU ms/vote':>18}"
    )
    for kind in args.db or ("sqlite", "postgres"):
        engine = fresh_engine(kind, "voting")
        round_id, coordinator_id, jurors = make_contest(
            engine, entries=args.entries, jurors=max(JURORS, jurors_needed), quorum=QUORUM
        )
        with Session(engine, expire_on_commit=False) as session:
            round_ = session.get(Round, round_id)
            service.activate(
                session, round_=round_, actor=session.get(User, coordinator_id), lookup=None
            )
            session.commit()
        url = engine.url.render_as_string(hide_password=False)
        engine.dispose()
        port = free_port()
        server = start_server(url, port, args.workers)
        try:
            offset = 0
            for count, votes in levels:
                group = jurors[offset : offset + count]
                offset += count
                cpu = cpu_seconds(server.pid)
                rate, p50, p99 = asyncio.run(run_level(port, round_id, group, votes))
                cpu = cpu_seconds(server.pid) - cpu
                print(
                    f"{kind:<10} {args.workers:>7} {count:>6} {votes:>6} {rate:>8.0f}"
                    f" {p50 * 1000:>7.1f} {p99 * 1000:>7.1f} {cpu * 1000 / votes:>18.2f}"
                )
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
