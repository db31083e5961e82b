from sqlmodel import SQLModel

from app.users.schemas import UserPublic


class CampaignRole(SQLModel):
    id: int
    slug: str
    name: str
    status: str


class RoundRole(SQLModel):
    id: int
    campaign_id: int
    name: str
    status: str


class RolesPublic(SQLModel):
    admin: bool
    organizer: bool
    # Campaigns the user was named coordinator of (admins coordinate all of them implicitly).
    coordinator_of: list[CampaignRole]
    # Rounds the user is an active juror of.
    juror_of: list[RoundRole]


class Me(SQLModel):
    user: UserPublic
    roles: RolesPublic
    # Send back as the X-CSRF-Token header on every state-changing /api request.
    csrf_token: str
