from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator
from sqlmodel import SQLModel

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,98}[a-z0-9]$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class _Window(SQLModel):
    @model_validator(mode="after")
    def _window_in_order(self):  # type: ignore[no-untyped-def]
        opens, closes = getattr(self, "opens_at", None), getattr(self, "closes_at", None)
        if opens is not None and closes is not None and closes <= opens:
            raise ValueError("closes_at must be after opens_at")
        for name in ("opens_at", "closes_at", "publish_at"):
            value = getattr(self, name, None)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} needs a time zone (UTC, e.g. 2026-09-01T00:00:00Z)")
        return self


class CampaignCreate(_Window):
    slug: Slug
    name: Name
    description: str = Field(default="", max_length=20_000)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    series_id: int | None = None


class CampaignUpdate(_Window):
    name: Name | None = None
    description: str | None = Field(default=None, max_length=20_000)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    publish_at: datetime | None = None


class UserBrief(SQLModel):
    id: int
    username: str


class CampaignPublic(SQLModel):
    id: int
    slug: str
    name: str
    description: str
    opens_at: datetime | None
    closes_at: datetime | None
    publish_at: datetime | None
    status: str
    series_id: int | None
    created_at: datetime
    coordinators: list[UserBrief]


class AuditEventPublic(SQLModel):
    id: int
    created_at: datetime
    action: str
    object_type: str
    object_id: int | None
    actor: UserBrief | None
    details: dict


class AuditPage(SQLModel):
    total: int
    events: list[AuditEventPublic]
