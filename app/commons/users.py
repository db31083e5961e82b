"""Mapping Loupe users (global ids) to their Commons accounts (local ids) through the API."""

from typing import Annotated

from fastapi import Depends

from app.commons.client import CommonsClient
from app.core.config import Settings
from app.core.deps import SettingsDep

IdsByName = dict[str, tuple[int | None, int | None]]


class CommonsIdLookup:
    """Given usernames, returns ``{username: (central id, Commons local id)}`` for known ones."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, usernames: list[str]) -> IdsByName:
        with CommonsClient(
            api_url=self.settings.commons_api_url,
            user_agent=self.settings.user_agent,
            max_retry_seconds=20,
        ) as client:
            found = client.central_ids(usernames=usernames)
        return {name: (user.central_id, user.local_id) for name, user in found.items()}


def commons_lookup(settings: SettingsDep) -> CommonsIdLookup:
    return CommonsIdLookup(settings)


CommonsLookupDep = Annotated[CommonsIdLookup, Depends(commons_lookup)]
