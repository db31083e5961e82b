from typing import Literal

from fastapi import APIRouter, Body, Query

from app.auth.deps import CurrentUser
from app.auth.permissions import CoordinatedRound
from app.commons.users import CommonsLookupDep
from app.core.deps import SessionDep
from app.eligibility import service
from app.eligibility.schemas import (
    EligibilityApply,
    EligibilityPreview,
    EligibilityResult,
    ReasonBody,
    RoundEntryPage,
    RoundEntryPublic,
)
from app.rounds.schemas import EligibilityRules

router = APIRouter(tags=["eligibility"])


@router.get("/rounds/{round_id}/entries", response_model=RoundEntryPage)
def list_entries(
    round_: CoordinatedRound,
    session: SessionDep,
    status: Literal["eligible", "disqualified"] | None = None,
    reason: str | None = Query(default=None, max_length=40, description="A dq code"),
    uploader: str | None = Query(default=None, max_length=255),
    marked: Literal["deleted", "reuploaded"] | None = None,
    offset: int = Query(default=0, ge=0),
    limit: int = Query(default=100, ge=1, le=500),
):
    """The round's entries with their source and disqualification, filtered and paged."""
    return service.list_entries(
        session,
        round_=round_,
        status=status,
        reason=reason,
        uploader=uploader,
        marked=marked,
        offset=offset,
        limit=limit,
    )


@router.post("/rounds/{round_id}/eligibility/preview", response_model=EligibilityPreview)
def preview_eligibility(
    round_: CoordinatedRound,
    session: SessionDep,
    lookup: CommonsLookupDep,
    rules: EligibilityRules | None = Body(default=None),
):
    """What the rules (the round's, or these) would change; changes nothing."""
    return service.preview(session, round_=round_, rules=rules, lookup=lookup)


@router.post("/rounds/{round_id}/eligibility/apply", response_model=EligibilityResult)
def apply_eligibility(
    round_: CoordinatedRound,
    user: CurrentUser,
    session: SessionDep,
    lookup: CommonsLookupDep,
    data: EligibilityApply | None = Body(default=None),
):
    """Disqualify entries that fail a rule and requalify those a rule no longer excludes;
    ``rules`` in the body are stored on the round first."""
    result = service.apply(
        session, round_=round_, actor=user, lookup=lookup, rules=data.rules if data else None
    )
    session.commit()
    return result


@router.post(
    "/rounds/{round_id}/entries/{round_entry_id}/disqualify", response_model=RoundEntryPublic
)
def disqualify_entry(
    round_: CoordinatedRound,
    round_entry_id: int,
    data: ReasonBody,
    user: CurrentUser,
    session: SessionDep,
):
    entry = service.round_entry(session, round_=round_, round_entry_id=round_entry_id)
    service.disqualify(session, round_=round_, entry=entry, reason=data.reason, actor=user)
    session.commit()
    return service.entry_public(session, round_entry_id=entry.id)


@router.post(
    "/rounds/{round_id}/entries/{round_entry_id}/requalify", response_model=RoundEntryPublic
)
def requalify_entry(
    round_: CoordinatedRound,
    round_entry_id: int,
    data: ReasonBody,
    user: CurrentUser,
    session: SessionDep,
    lookup: CommonsLookupDep,
):
    """Bring an entry back (a running round gives it its tasks)."""
    entry = service.round_entry(session, round_=round_, round_entry_id=round_entry_id)
    service.requalify(
        session, round_=round_, entry=entry, reason=data.reason, actor=user, lookup=lookup
    )
    session.commit()
    return service.entry_public(session, round_entry_id=entry.id)
