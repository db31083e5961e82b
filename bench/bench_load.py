"""Load test: many jurors voting for minutes against two `loupe serve` processes on PostgreSQL.

Run from the repository root: python -m bench.bench_load [--jurors 100] [--seconds 120]
Two server processes on two loopback ports share one PostgreSQL database (the scale-out
set-up without its proxy: the client spreads jurors over the ports). Each juror fetches
tasks 10 at a time and casts one rating vote per request, as fast as it is answered. At
the end every acknowledged vote must be in the votes table exactly once, with its value,
and no other vote may be there; any failed request or mismatch exits with status 1.
"""

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter

from sqlalchemy import select
from sqlmodel import Session

from app.auth.sessions import SessionCodec
from app.models import Round, User, Vote
from app.rounds import service
from bench.bench_voting import SECRET, Connection, free_port, start_server
from bench.common import fresh_engine, make_contest, percentile


class Log:
    """What the client saw: acknowledged votes, latencies, failures."""

    def __init__(self) -> None:
        self.acked: list[tuple[int, int, int]] = []  # (juror id, round entry id, value)
        self.vote_latencies: list[float] = []
        self.fetch_latencies: list[float] = []
        self.failures: list[str] = []


async def juror(port: int, round_id: int, user_id: int, until: float, log: Log) -> None:
    cookie, data = SessionCodec(secret=SECRET, max_age=3600).issue(user_id=user_id)
    connection = Connection(port, cookie, data.csrf)
    await connection.open()
    rng = random.Random(user_id)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            status, body = await connection.request("GET", f"/api/rounds/{round_id}/tasks?limit=10")
            log.fetch_latencies.append(time.perf_counter() - start)
            if status != 200:
                log.failures.append(f"tasks: {status} {body[:200]!r}")
                return
            tasks = json.loads(body)["tasks"]
            if not tasks:
                return
            for task in tasks:
                if time.perf_counter() >= until:
                    return
                entry = task["round_entry_id"]
                value = rng.randint(1, 5)
                start = time.perf_counter()
                status, body = await connection.request(
                    "PUT", f"/api/rounds/{round_id}/votes/{entry}", {"value": value}
                )
                log.vote_latencies.append(time.perf_counter() - start)
                if status != 200:
                    log.failures.append(f"vote: {status} {body[:200]!r}")
                    return
                log.acked.append((user_id, entry, value))
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        log.failures.append(f"juror {user_id}: {type(exc).__name__}: {exc}")
    finally:
        connection.close()


async def run(ports: list[int], round_id: int, jurors: list[int], seconds: float) -> Log:
    log = Log()
    until = time.perf_counter() + seconds
    await asyncio.gather(
        *(juror(ports[i % len(ports)], round_id, j, until, log) for i, j in enumerate(jurors))
    )
    return log


def check(engine, round_id: int, log: Log) -> list[str]:
    """Differences between the acknowledged votes and the votes table."""
    with Session(engine) as session:
        rows = session.execute(
            select(Vote.juror_id, Vote.round_entry_id, Vote.value).where(Vote.round_id == round_id)
        ).all()
    stored = Counter((j, e) for j, e, _ in rows)
    values = {(j, e): v for j, e, v in rows}
    acked = Counter((j, e) for j, e, _ in log.acked)
    problems = [f"stored {n} times: juror {k[0]}, entry {k[1]}" for k, n in stored.items() if n > 1]
    problems += [f"acknowledged {n} times: {k}" for k, n in acked.items() if n > 1]
    for j, e, v in log.acked:
        if (j, e) not in values:
            problems.append(f"acknowledged but missing: juror {j}, entry {e}")
        elif values[(j, e)] != v:
            problems.append(f"juror {j}, entry {e}: acknowledged {v}, stored {values[(j, e)]}")
    problems += [f"stored, never acknowledged: {k}" for k in stored.keys() - acked.keys()]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jurors", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--servers", type=int, default=2, help="`loupe serve` processes")
    parser.add_argument("--workers", type=int, default=1, help="`--workers` of each server")
    args = parser.parse_args()

    engine = fresh_engine("postgres", "load")
    round_id, coordinator_id, jurors = make_contest(
        engine, entries=args.entries, jurors=args.jurors, quorum=3
    )
    with Session(engine, expire_on_commit=False) as session:
        round_ = session.get(Round, round_id)
        service.activate(
            session, round_=round_, actor=session.get(User, coordinator_id), lookup=None
        )
        session.commit()
    url = engine.url.render_as_string(hide_password=False)
    ports = [free_port() for _ in range(args.servers)]
    servers = []
    try:
        for port in ports:
            servers.append(start_server(url, port, args.workers))
        started = time.perf_counter()
        log = asyncio.run(run(ports, round_id, jurors, args.seconds))
        elapsed = time.perf_counter() - started
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(10)
    problems = check(engine, round_id, log)
    engine.dispose()

    votes, fetches = log.vote_latencies, log.fetch_latencies
    print(
        f"{args.jurors} jurors, {len(ports)} servers of {args.workers} worker(s), PostgreSQL, "
        f"{elapsed:.0f} s"
    )
    print(f"votes acknowledged: {len(log.acked)} ({len(log.acked) / elapsed:.0f} votes/s)")
    if votes:
        print(
            f"vote latency: p50 {percentile(votes, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(votes, 0.99) * 1000:.1f} ms"
        )
    if fetches:
        print(
            f"task fetch (10) latency: p50 {percentile(fetches, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(fetches, 0.99) * 1000:.1f} ms"
        )
    print(f"failed requests: {len(log.failures)}")
    for failure in log.failures[:10]:
        print(f"  {failure}")
    print(f"votes table matches the acknowledged votes: {'yes' if not problems else 'NO'}")
    for problem in problems[:10]:
        print(f"  {problem}")
    return 1 if log.failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
