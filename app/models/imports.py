from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import datetime_field


class ImportItem(SQLModel, table=True):
    """One file of a pasted list or an uploaded CSV, staged for its import job.

    A job takes ids, never files: the upload is parsed once, in the request, and any worker
    (on any machine) reads these rows in ``position`` order, checkpointing the next position.
    Quarry columns, when the CSV had them, ride along: rows with a page id go into
    ``entries`` straight from here, in SQL, without a Commons request. The rows go when their
    job succeeds (or with the job).
    """

    __tablename__ = "import_items"

    job_id: int = Field(foreign_key="jobs.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    # The line of the CSV (or of the pasted list) the file came from, for error reports.
    line: int
    title: str = Field(max_length=512)
    page_id: int | None = Field(default=None)
    mime: str | None = Field(default=None, max_length=100)
    width: int | None = Field(default=None)
    height: int | None = Field(default=None)
    size: int | None = Field(default=None)
    uploader: str | None = Field(default=None, max_length=255)
    uploader_id: int | None = Field(default=None)
    uploaded_at: datetime | None = datetime_field()
    sha1: str | None = Field(default=None, max_length=40)
    # Built from the title when the row has a page id (it then needs no Commons request).
    url: str | None = Field(default=None, max_length=2048)
    description_url: str | None = Field(default=None, max_length=2048)
