"""Starting real servers for the browser tests: a free loopback port, and waiting for health."""

import socket
import subprocess
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base: str, server: subprocess.Popen, *, seconds: float, name: str) -> None:
    """Poll ``base``/healthz until it answers 200; fail if ``server`` exits or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert server.poll() is None, f"{name} exited"
        assert time.monotonic() < deadline, f"{name} did not start"
        time.sleep(0.1)
