from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, datetime_field


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    # The Wikimedia global (central) user id, the OAuth `sub`: usernames can be renamed.
    wiki_id: int = Field(sa_type=BigInteger, unique=True)
    username: str = Field(max_length=255, index=True)
    # The user's local account id on Commons, which is what Commons reports for uploaders;
    # resolved through the API (None when they have no Commons account).
    commons_id: int | None = Field(default=None, index=True)
    commons_checked_at: datetime | None = datetime_field()
    is_admin: bool = Field(default=False)
    is_organizer: bool = Field(default=False)
    # In every session cookie; bumping it ends all of the user's sessions (app/auth/sessions.py).
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = created_at_field()
    last_login_at: datetime | None = datetime_field()
