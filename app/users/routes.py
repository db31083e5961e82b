from fastapi import APIRouter, Query

from app.auth.deps import AdminUser, StaffUser
from app.auth.permissions import ManagedUser
from app.core.deps import SessionDep
from app.users import service
from app.users.schemas import UserPublic

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=list[UserPublic], summary="Find users by username prefix")
def search_users(
    _staff: StaffUser,
    session: SessionDep,
    q: str = Query("", max_length=255, description="The start of a username"),
    limit: int = Query(20, ge=1, le=service.SEARCH_LIMIT_MAX),
) -> list[UserPublic]:
    """For coordinators, organizers and admins picking jurors and coordinators."""
    users = service.search(session, q=q, limit=limit)
    return [UserPublic.model_validate(user) for user in users]


@router.put("/{user_id}/organizer", response_model=UserPublic, summary="Make a user an organizer")
def grant_organizer(user: ManagedUser, admin: AdminUser, session: SessionDep) -> UserPublic:
    user = service.set_organizer(session, user=user, value=True, actor=admin)
    session.commit()
    return UserPublic.model_validate(user)


@router.delete(
    "/{user_id}/organizer", response_model=UserPublic, summary="Take organizer rights away"
)
def revoke_organizer(user: ManagedUser, admin: AdminUser, session: SessionDep) -> UserPublic:
    user = service.set_organizer(session, user=user, value=False, actor=admin)
    session.commit()
    return UserPublic.model_validate(user)
