"""Real processes on loopback for the fault tests: `loupe serve`, `loupe worker`, and a private
PostgreSQL cluster that a test may stop and start (the shared one on 5432 is never touched)."""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "fault-tests-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "LOUPE_DATABASE_URL": database_url,
        "LOUPE_SECRET_KEY": SECRET,
        "LOUPE_ENV": "test",
        "LOUPE_JOBS_IN_SERVER": "false",
        "LOUPE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def start_server(database_url: str, **env: str) -> tuple[subprocess.Popen, str]:
    """A `loupe serve` process on a free loopback port; returns it and its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-auto-migrate"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=_env(database_url, **env), stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("loupe serve did not start")


def start_worker(database_url: str, **env: str) -> subprocess.Popen:
    """A `loupe worker` process with a one-second lease, so a killed one is replaced fast."""
    extra = {"LOUPE_JOB_LEASE_SECONDS": "1", "LOUPE_JOB_POLL_SECONDS": "0.05", **env}
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        cwd=ROOT,
        env=_env(database_url, **extra),
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class PrivatePostgres:
    """A throw-away cluster run as the ``postgres`` OS user, on its own port and socket dir."""

    def __init__(self, bin_dir: Path, data: Path, port: int) -> None:
        self.bin_dir = bin_dir
        self.data = data
        self.port = port
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *args: str, check: bool = True) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bin_dir / args[0]), *args[1:]]
        subprocess.run(command, check=check, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.data / "log")  # the server must not hold our output pipes open
        self._run("pg_ctl", "-D", str(self.data / "db"), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast", *, check: bool = True) -> None:
        self._run("pg_ctl", "-D", str(self.data / "db"), "-m", mode, "-w", "stop", check=check)


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("a private PostgreSQL cluster needs root to run it as the postgres user")
    data = Path(tempfile.mkdtemp(prefix="loupe-pg-"))
    shutil.chown(data, "postgres")
    cluster = PrivatePostgres(Path(bins[-1]).parent, data, free_port())
    cluster._run("initdb", "-D", str(data / "db"), "-U", "postgres", "-A", "trust", "--no-sync")
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate", check=False)  # a failed test may have left it stopped
        shutil.rmtree(data, ignore_errors=True)
