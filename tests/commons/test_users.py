"""Mapping users to Commons accounts: how long a request may wait for Commons."""

from app.commons.users import commons_lookup
from app.core.config import Settings


def test_a_requests_lookup_gives_up_within_seconds():
    # It waits holding the write turn, so every vote of the instance waits with it; the
    # retry budget itself is tested with the client (test_client.py).
    lookup = commons_lookup(Settings(env="test"))
    assert lookup.timeout <= 5
    # Room for one maxlag wait (5 s), not for the jobs' patient retries.
    assert 5 < lookup.max_retry_seconds <= 10
