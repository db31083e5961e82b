from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import Choice, created_at_field, datetime_field


class CampaignStatus(Choice):
    draft = "draft"
    judging = "judging"
    finalized = "finalized"
    published = "published"


class Series(SQLModel, table=True):
    __tablename__ = "series"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    name: str = Field(max_length=255)
    description: str = Field(default="")
    created_at: datetime = created_at_field()


class Campaign(SQLModel, table=True):
    __tablename__ = "campaigns"

    id: int | None = Field(default=None, primary_key=True)
    series_id: int | None = Field(default=None, foreign_key="series.id", ondelete="SET NULL")
    slug: str = Field(max_length=100, unique=True)
    name: str = Field(max_length=255)
    description: str = Field(default="")
    # The upload window decides eligibility (first upload inside it).
    opens_at: datetime | None = datetime_field()
    closes_at: datetime | None = datetime_field()
    status: str = Field(default=CampaignStatus.draft, max_length=20)
    # Results become public at this time, never before (embargo).
    publish_at: datetime | None = datetime_field()
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class CampaignCoordinator(SQLModel, table=True):
    __tablename__ = "campaign_coordinators"

    campaign_id: int = Field(foreign_key="campaigns.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE", index=True)
    added_at: datetime = created_at_field()


class AwardKind(Choice):
    place = "place"
    special = "special"


class Award(SQLModel, table=True):
    __tablename__ = "awards"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id", ondelete="CASCADE", index=True)
    kind: str = Field(default=AwardKind.place, max_length=20)
    # 1 for first place, 2 for second...; None for a special prize.
    place: int | None = Field(default=None)
    name: str = Field(max_length=255)
    entry_id: int | None = Field(default=None, foreign_key="entries.id", ondelete="SET NULL")
    sort_order: int = Field(default=0)
    created_at: datetime = created_at_field()
