"""Mapping Loupe users (global ids) to their Commons accounts (local ids) through the API."""

from typing import Annotated

from fastapi import Depends

from app.commons.client import CommonsClient
from app.core.config import Settings
from app.core.deps import SettingsDep

IdsByName = dict[str, tuple[int | None, int | None]]


class CommonsIdLookup:
    """Given usernames, returns ``{username: (central id, Commons local id)}`` for known ones.

    ``timeout`` bounds each request and ``max_retry_seconds`` the retries of a lagging or
    rate-limiting Commons."""

    def __init__(
        self, settings: Settings, *, timeout: float = 30.0, max_retry_seconds: float = 20.0
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.max_retry_seconds = max_retry_seconds

    def __call__(self, usernames: list[str]) -> IdsByName:
        with CommonsClient(
            api_url=self.settings.commons_api_url,
            user_agent=self.settings.user_agent,
            timeout=self.timeout,
            max_retry_seconds=self.max_retry_seconds,
        ) as client:
            found = client.central_ids(usernames=usernames)
        return {name: (user.central_id, user.local_id) for name, user in found.items()}


# A request waits for Commons holding the write turn (a jury change, an activation), and on
# SQLite no juror of the instance can vote meanwhile: it gives up after a few seconds (the
# coordinator sees an upstream error and can try again) rather than retrying for long. The
# retries leave room for one wait on a lagging Commons (maxlag asks for at least 5 s).
INTERACTIVE_TIMEOUT = 5.0
INTERACTIVE_RETRIES = 10.0


def commons_lookup(settings: SettingsDep) -> CommonsIdLookup:
    return CommonsIdLookup(
        settings, timeout=INTERACTIVE_TIMEOUT, max_retry_seconds=INTERACTIVE_RETRIES
    )


CommonsLookupDep = Annotated[CommonsIdLookup, Depends(commons_lookup)]
