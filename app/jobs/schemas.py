from datetime import datetime
from typing import Any

from sqlmodel import SQLModel


class JobPublic(SQLModel):
    id: int
    kind: str
    status: str
    progress_done: int
    progress_total: int | None
    stats: dict[str, Any]
    attempts: int
    max_attempts: int
    error: str | None
    campaign_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
