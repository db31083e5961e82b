"""Coordinator routes for results: the results table, thresholds, advancing, finalizing,
juror quality, the flags queue and CSV exports. Every route takes the round through
``CoordinatedRound`` (404 for an unknown round, 403 unless I coordinate its campaign).

The flags queue lives at ``/flags/queue``: ``GET /rounds/{id}/flags`` is the juror's own
list of flags (``app.voting``).
"""

from typing import Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from app.auth.deps import CurrentUser
from app.auth.permissions import CoordinatedRound
from app.core.deps import SessionDep
from app.results import exports, service
from app.results.schemas import (
    AdvancePreview,
    AdvanceRequest,
    FlagDisqualify,
    FlagReview,
    Quality,
    ResultsPage,
    ThresholdTable,
)
from app.rounds import service as rounds
from app.rounds.schemas import RoundPublic

router = APIRouter(tags=["results"])


@router.get("/rounds/{round_id}/results", response_model=ResultsPage)
def read_results(
    round_: CoordinatedRound,
    session: SessionDep,
    offset: int = Query(default=0, ge=0),
    limit: int = Query(default=100, ge=1, le=service.MAX_PAGE),
):
    """The results table, best first, with every juror's vote: frozen once the round is
    finalized, computed from the current votes before. Ranking rounds are placed by the
    Schulze method, with the tie-break shown."""
    return service.results(session, round_=round_, offset=offset, limit=limit)


@router.get("/rounds/{round_id}/thresholds", response_model=ThresholdTable)
def read_thresholds(round_: CoordinatedRound, session: SessionDep):
    """For each score cut-off (place, in ranking rounds), how many entries pass."""
    return service.thresholds(session, round_=round_)


@router.get("/rounds/{round_id}/advance/preview", response_model=AdvancePreview)
def preview_advance(
    round_: CoordinatedRound,
    session: SessionDep,
    min_score: float | None = Query(default=None, ge=0, le=1),
    top_n: int | None = Query(default=None, ge=1),
):
    """Who would advance under a minimum score or a top N (exactly one), and the entries
    tied at a top N's boundary, for the coordinator to decide."""
    return service.preview_advance(session, round_=round_, min_score=min_score, top_n=top_n)


@router.post("/rounds/{round_id}/finalize", response_model=RoundPublic)
def finalize_round(round_: CoordinatedRound, user: CurrentUser, session: SessionDep):
    """Freeze the results of an active or paused round; its open tasks are cancelled."""
    round_ = service.finalize(session, round_=round_, actor=user)
    session.commit()
    return rounds.public(session, round_=round_)


@router.post(
    "/rounds/{round_id}/advance",
    response_model=RoundPublic,
    status_code=status.HTTP_201_CREATED,
)
def advance_round(
    round_: CoordinatedRound, data: AdvanceRequest, user: CurrentUser, session: SessionDep
):
    """Create the next draft round from the advancing entries (finalizing this round first
    if it is still running); returns the new round."""
    next_round = service.advance(session, round_=round_, data=data, actor=user)
    session.commit()
    return rounds.public(session, round_=next_round)


@router.get("/rounds/{round_id}/quality", response_model=Quality)
def read_quality(
    round_: CoordinatedRound,
    session: SessionDep,
    limit: int = Query(default=20, ge=0, le=service.MAX_DIVISIVE),
):
    """Juror agreement, Krippendorff's alpha, and the ``limit`` most divisive entries."""
    return service.quality(session, round_=round_, limit=limit)


@router.get("/rounds/{round_id}/flags/queue", response_model=list[FlagReview])
def read_flag_queue(
    round_: CoordinatedRound,
    session: SessionDep,
    flag_status: Literal["open", "dismissed", "upheld"] = Query(default="open", alias="status"),
):
    """Jurors' flags, the most flagged entries first."""
    return service.flag_queue(session, round_=round_, status=flag_status)


@router.post("/rounds/{round_id}/flags/{flag_id}/dismiss", response_model=FlagReview)
def dismiss_flag(round_: CoordinatedRound, flag_id: int, user: CurrentUser, session: SessionDep):
    review = service.dismiss_flag(session, round_=round_, flag_id=flag_id, actor=user)
    session.commit()
    return review


@router.post("/rounds/{round_id}/flags/{flag_id}/disqualify", response_model=FlagReview)
def disqualify_flagged(
    round_: CoordinatedRound,
    flag_id: int,
    user: CurrentUser,
    session: SessionDep,
    data: FlagDisqualify | None = None,
):
    """Disqualify the flagged entry and uphold every open flag on it."""
    review = service.disqualify_flagged(
        session,
        round_=round_,
        flag_id=flag_id,
        reason=data.reason if data else None,
        actor=user,
    )
    session.commit()
    return review


def _csv(export: exports.Export, session: Session) -> StreamingResponse:
    # The rows are all read; ending the read transaction now means a slow download holds
    # none (an idle transaction keeps SQLite's WAL and PostgreSQL's old row versions).
    session.commit()
    return StreamingResponse(
        export.chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@router.get(
    "/rounds/{round_id}/export/results.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_results(round_: CoordinatedRound, session: SessionDep):
    """rank, page_id, title, commons_url, uploader, score, vote_count, advanced."""
    return _csv(exports.results_csv(session, round_=round_), session)


@router.get(
    "/rounds/{round_id}/export/entries.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_entries(round_: CoordinatedRound, session: SessionDep):
    """Every entry with its provenance: upload, import source and job, disqualification."""
    return _csv(exports.entries_csv(session, round_=round_), session)


@router.get(
    "/rounds/{round_id}/export/votes.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_votes(
    round_: CoordinatedRound, session: SessionDep, pseudonymize: bool = Query(default=True)
):
    """juror, page_id, title, value, normalized, comment, favourite, updated_at; jurors are
    "Juror 1", "Juror 2"... (by user id) unless ``pseudonymize=false``."""
    return _csv(exports.votes_csv(session, round_=round_, pseudonymize=pseudonymize), session)
