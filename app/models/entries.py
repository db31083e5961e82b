from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, datetime_field


class Entry(SQLModel, table=True):
    """A Commons file, shared across campaigns and refreshed from Commons."""

    __tablename__ = "entries"

    id: int | None = Field(default=None, primary_key=True)
    page_id: int = Field(unique=True)
    title: str = Field(max_length=512, index=True)
    width: int = Field(default=0)
    height: int = Field(default=0)
    size: int = Field(default=0)
    mime: str = Field(default="", max_length=100)
    sha1: str = Field(default="", max_length=40)
    url: str = Field(default="", max_length=2048)
    description_url: str = Field(default="", max_length=2048)
    # The first upload decides eligibility and authorship; the latest reveals re-uploads.
    uploader: str = Field(default="", max_length=255, index=True)
    uploader_id: int | None = Field(default=None)
    uploaded_at: datetime | None = datetime_field()
    latest_uploader: str = Field(default="", max_length=255)
    latest_uploader_id: int | None = Field(default=None)
    latest_uploaded_at: datetime | None = datetime_field()
    license: str = Field(default="", max_length=255)
    artist: str = Field(default="", max_length=1024)
    deleted: bool = Field(default=False)
    refreshed_at: datetime | None = datetime_field()
    created_at: datetime = created_at_field()

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1_000_000
