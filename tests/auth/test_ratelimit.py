"""The login rate limiter: a sliding window per client address."""

import pytest

from app.auth.ratelimit import RateLimited, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_requests_over_the_limit_are_refused_until_the_window_slides():
    clock = Clock()
    limiter = RateLimiter(limit=3, window=60, clock=clock)
    for _ in range(3):
        limiter.hit("198.51.100.7")
    with pytest.raises(RateLimited) as refused:
        limiter.hit("198.51.100.7")
    assert refused.value.status_code == 429
    assert refused.value.retry_after == 60
    clock.now += 30
    with pytest.raises(RateLimited) as still:
        limiter.hit("198.51.100.7")
    assert still.value.retry_after == 30
    clock.now += 30
    limiter.hit("198.51.100.7")


def test_each_address_has_its_own_budget():
    limiter = RateLimiter(limit=1, window=60, clock=Clock())
    limiter.hit("198.51.100.7")
    limiter.hit("203.0.113.9")
    with pytest.raises(RateLimited):
        limiter.hit("198.51.100.7")


def test_refused_requests_do_not_extend_the_wait():
    clock = Clock()
    limiter = RateLimiter(limit=1, window=60, clock=clock)
    limiter.hit("a")
    for _ in range(10):
        clock.now += 5
        with pytest.raises(RateLimited):
            limiter.hit("a")
    clock.now += 10
    limiter.hit("a")
