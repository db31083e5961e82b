"""Every table of Loupe, imported here so metadata and Alembic see them all."""

from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.campaigns import (
    Award,
    AwardKind,
    Campaign,
    CampaignCoordinator,
    CampaignStatus,
    Series,
)
from app.models.entries import Entry
from app.models.imports import ImportItem
from app.models.jobs import Job, JobStatus
from app.models.results import RoundResult
from app.models.rounds import Round, RoundEntry, RoundJuror, RoundStatus, VoteMethod
from app.models.users import User
from app.models.voting import (
    Flag,
    FlagReason,
    FlagStatus,
    Task,
    TaskStatus,
    Vote,
    VoteAction,
    VoteChange,
)

__all__ = [
    "AuditEvent",
    "Award",
    "AwardKind",
    "Campaign",
    "CampaignCoordinator",
    "CampaignStatus",
    "Entry",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "ImportItem",
    "Job",
    "JobStatus",
    "Round",
    "RoundEntry",
    "RoundJuror",
    "RoundResult",
    "RoundStatus",
    "Series",
    "Task",
    "TaskStatus",
    "User",
    "Vote",
    "VoteAction",
    "VoteChange",
    "VoteMethod",
    "utcnow",
]
