"""Per-client-address rate limiting of the login endpoints.

A sliding window kept in process memory: each replica counts on its own, which bounds what
one address can do per replica and needs no shared store. Behind a proxy the address is the
one uvicorn takes from ``X-Forwarded-For`` (``--forwarded-allow-ips``).
"""

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request

from app.core.errors import LoupeError

# Generous enough for a jury logging in together from one conference room's address
# (a login is two requests), tight enough to stop hammering of the callback.
LOGIN_LIMIT = 30
LOGIN_WINDOW_SECONDS = 60.0
# Above this many tracked addresses, idle ones are swept so memory stays bounded.
SWEEP_ABOVE = 10_000


class RateLimited(LoupeError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class RateLimiter:
    def __init__(
        self,
        *,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one request from ``key``; raises RateLimited when it is over the limit."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                retry_after = max(1, math.ceil(hits[0] + self.window - now))
                raise RateLimited(
                    "Too many login attempts from your address; wait a minute and try again.",
                    retry_after=retry_after,
                )
            hits.append(now)
            if len(self._hits) > SWEEP_ABOVE:
                self._sweep(now)

    def _sweep(self, now: float) -> None:
        idle = [
            key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.window
        ]
        for key in idle:
            del self._hits[key]


def login_limiter(request: Request) -> RateLimiter:
    limiter = getattr(request.app.state, "login_rate_limiter", None)
    if limiter is None:
        limiter = RateLimiter(limit=LOGIN_LIMIT, window=LOGIN_WINDOW_SECONDS)
        request.app.state.login_rate_limiter = limiter
    return limiter


def limit_login(request: Request) -> None:
    """Dependency for every login endpoint."""
    address = request.client.host if request.client else "unknown"
    login_limiter(request).hit(address)
