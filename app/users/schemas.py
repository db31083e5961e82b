from datetime import datetime

from sqlmodel import SQLModel


class UserPublic(SQLModel):
    id: int
    username: str
    # The Wikimedia global user id (OAuth `sub`); stable across renames.
    wiki_id: int
    is_admin: bool
    is_organizer: bool
    last_login_at: datetime | None
