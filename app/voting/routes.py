"""Juror routes: my rounds, my task queue, votes, ranking ballots and flags.

Every route but ``/my/rounds`` takes the round through ``JurorRound`` (404 for an unknown
round, 403 unless I am an active juror of it), except casting a vote, whose one read checks the
same (see decision 0005). Routes holding entries serialize with ``exclude_unset`` so that what a
round hides from jurors is absent from the JSON.
"""

from fastapi import APIRouter, Query, status
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.auth.deps import CurrentUser
from app.auth.permissions import JurorRound
from app.core.deps import SessionDep
from app.models import Round, User
from app.voting import service
from app.voting.schemas import (
    Ballot,
    BallotIn,
    FlagIn,
    FlagPublic,
    MyRound,
    TaskBatch,
    VoteIn,
    VotePage,
    VotePublic,
)

router = APIRouter(tags=["voting"])


@router.get("/my/rounds", response_model=list[MyRound], response_model_exclude_unset=True)
def list_my_rounds(user: CurrentUser, session: SessionDep):
    """The rounds I judge, running ones first, with my progress (and my statistics when the
    round shows them)."""
    return service.my_rounds(session, juror=user)


@router.get("/rounds/{round_id}/tasks", response_model=TaskBatch, response_model_exclude_unset=True)
async def next_tasks(
    round_: JurorRound,
    user: CurrentUser,
    session: SessionDep,
    limit: int = Query(default=10, ge=1, le=service.MAX_BATCH),
):
    """My next open tasks in my order. 409 unless the round is active (``round_paused`` while
    it is paused) and for ranking rounds, which use ``/ranking``."""
    # Like ``cast_vote``: one thread-pool call, which also ends the read transaction so that
    # closing the session needs none.
    return await run_in_threadpool(_next_tasks, session, round_=round_, juror=user, limit=limit)


def _next_tasks(session: Session, *, round_: Round, juror: User, limit: int) -> TaskBatch:
    batch = service.next_tasks(session, round=round_, juror=juror, limit=limit)
    session.commit()
    return batch


@router.post("/rounds/{round_id}/tasks/{task_id}/skip", status_code=status.HTTP_204_NO_CONTENT)
def skip_task(round_: JurorRound, task_id: int, user: CurrentUser, session: SessionDep) -> None:
    """Put my open task at the end of my queue."""
    service.skip_task(session, round=round_, juror=user, task_id=task_id)
    session.commit()


@router.put("/rounds/{round_id}/votes/{round_entry_id}", response_model=VotePublic)
async def cast_vote(
    round_id: int, round_entry_id: int, data: VoteIn, user: CurrentUser, session: SessionDep
):
    """Cast or change my vote on an entry (yes/no: 0 or 1; rating: 1 to 5). Sending the same
    vote again changes nothing; a change keeps the old value in the vote's history. 404 for
    an unknown round, 403 unless I am an active juror of it."""
    # Async with one thread-pool call for the database work: a sync route costs one hop for
    # itself and another for checking its response model (decision 0005).
    return await run_in_threadpool(
        _cast_vote, session, round_id=round_id, juror=user, round_entry_id=round_entry_id, data=data
    )


def _cast_vote(
    session: Session, *, round_id: int, juror: User, round_entry_id: int, data: VoteIn
) -> VotePublic:
    vote = service.vote_in_round(
        session,
        round_id=round_id,
        juror=juror,
        round_entry_id=round_entry_id,
        value=data.value,
        comment=data.comment,
        favourite=data.favourite,
    )
    session.commit()
    return VotePublic.model_validate(vote)


@router.delete("/rounds/{round_id}/votes/{round_entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def undo_vote(round_: JurorRound, round_entry_id: int, user: CurrentUser, session: SessionDep):
    """Withdraw my vote; the entry comes back first in my queue."""
    service.undo_vote(session, round=round_, juror=user, round_entry_id=round_entry_id)
    session.commit()


@router.get("/rounds/{round_id}/votes", response_model=VotePage, response_model_exclude_unset=True)
def list_my_votes(
    round_: JurorRound,
    user: CurrentUser,
    session: SessionDep,
    offset: int = Query(default=0, ge=0),
    limit: int = Query(default=50, ge=1, le=service.MAX_PAGE),
):
    """My votes in the round with their entries, last changed first."""
    return service.my_votes(session, round=round_, juror=user, offset=offset, limit=limit)


@router.get("/rounds/{round_id}/flags", response_model=list[FlagPublic])
def list_my_flags(round_: JurorRound, user: CurrentUser, session: SessionDep):
    return service.my_flags(session, round=round_, juror=user)


@router.post("/rounds/{round_id}/flags", response_model=FlagPublic)
def flag_entry(round_: JurorRound, data: FlagIn, user: CurrentUser, session: SessionDep):
    """Flag an entry of mine for the coordinators (one flag per entry; sending it again
    updates the reason and note while the flag is open)."""
    flag = service.flag_entry(
        session,
        round=round_,
        juror=user,
        round_entry_id=data.round_entry_id,
        reason=data.reason,
        note=data.note,
    )
    session.commit()
    return FlagPublic.model_validate(flag)


@router.delete("/rounds/{round_id}/flags/{round_entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def withdraw_flag(
    round_: JurorRound, round_entry_id: int, user: CurrentUser, session: SessionDep
) -> None:
    """Withdraw my open flag on an entry."""
    service.withdraw_flag(session, round=round_, juror=user, round_entry_id=round_entry_id)
    session.commit()


@router.get("/rounds/{round_id}/ranking", response_model=Ballot, response_model_exclude_unset=True)
def read_ballot(round_: JurorRound, user: CurrentUser, session: SessionDep):
    """My ballot in a ranking round: ranked entries by rank, then those not ranked yet."""
    return service.ballot(session, round=round_, juror=user)


@router.put("/rounds/{round_id}/ranking", response_model=Ballot, response_model_exclude_unset=True)
def submit_ballot(round_: JurorRound, data: BallotIn, user: CurrentUser, session: SessionDep):
    """Store my whole ballot: every entry of it exactly once, ranks from 1 (best), equal
    ranks for ties."""
    result = service.submit_ballot(
        session,
        round=round_,
        juror=user,
        ranks=[(r.round_entry_id, r.rank) for r in data.ranks],
    )
    session.commit()
    return result
