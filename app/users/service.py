"""Finding users, and the organizer role that admins grant."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.service import record
from app.models import User

SEARCH_LIMIT_MAX = 50


def search(session: Session, *, q: str, limit: int = 20) -> list[User]:
    """Users whose name starts with ``q`` (case-insensitively), shortest names first."""
    query = select(User)
    prefix = " ".join(q.replace("_", " ").split())
    if prefix:
        escaped = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(User.username).like(f"{escaped}%", escape="\\"))
    query = query.order_by(func.length(User.username), col(User.username), col(User.id))
    return list(session.exec(query.limit(min(limit, SEARCH_LIMIT_MAX))))


def set_organizer(session: Session, *, user: User, value: bool, actor: User) -> User:
    """Grant or revoke organizer rights; repeating a grant changes nothing and logs nothing."""
    if user.is_organizer == value:
        return user
    user.is_organizer = value
    session.add(user)
    record(
        session,
        actor_id=actor.id,
        action="organizer.grant" if value else "organizer.revoke",
        object_type="user",
        object_id=user.id,
        details={"username": user.username},
    )
    session.flush()
    return user
