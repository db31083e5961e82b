"""Juror routes: my rounds, my task queue, votes, ranking ballots and flags.

Every route but ``/my/rounds`` takes the round through ``JurorRound`` (404 for an unknown
round, 403 unless I am an active juror of it), except the two busiest, fetching tasks and
voting, which check the same in their one database call (decisions 0005 and 0009). Routes
holding entries serialize with ``exclude_unset`` so that what a round hides from jurors is
absent from the JSON.
"""

from fastapi import APIRouter, Query, Request, status
from sqlmodel import Session

from app.auth.deps import Caller, CurrentUser
from app.auth.permissions import JurorRound, caller_juror_round
from app.auth.sessions import SessionData
from app.core.db import run_db
from app.core.deps import SessionDep, request_session
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


async def next_tasks(
    request: Request,
    round_id: int,
    caller: Caller,
    limit: int = Query(default=10, ge=1, le=service.MAX_BATCH),
) -> TaskBatch:
    """My next open tasks in my order. 404 for an unknown round, 403 unless I am an active
    juror of it; 409 unless the round is active (``round_paused`` while it is paused) and for
    ranking rounds, which use ``/ranking``."""
    async with request_session(request) as session:
        return await run_db(
            session, lambda: _next_tasks(session, round_id=round_id, caller=caller, limit=limit)
        )


def _next_tasks(session: Session, *, round_id: int, caller: SessionData, limit: int) -> TaskBatch:
    juror, round_ = caller_juror_round(session, caller=caller, round_id=round_id)
    batch = service.next_tasks(session, round=round_, juror=juror, limit=limit)
    session.commit()  # ends the read transaction
    return batch


@router.post("/rounds/{round_id}/tasks/{task_id}/skip", status_code=status.HTTP_204_NO_CONTENT)
def skip_task(round_: JurorRound, task_id: int, user: CurrentUser, session: SessionDep) -> None:
    """Put my open task at the end of my queue."""
    service.skip_task(session, round=round_, juror=user, task_id=task_id)
    session.commit()


async def cast_vote(
    request: Request, round_id: int, round_entry_id: int, data: VoteIn, caller: Caller
) -> VotePublic:
    """Cast or change my vote on an entry (yes/no: 0 or 1; rating: 1 to 5). Sending the same
    vote again changes nothing; a change keeps the old value in the vote's history. 404 for
    an unknown round, 403 unless I am an active juror of it."""
    async with request_session(request) as session:
        return await run_db(
            session,
            lambda: _cast_vote(
                session, round_id=round_id, caller=caller, round_entry_id=round_entry_id, data=data
            ),
        )


def _cast_vote(
    session: Session, *, round_id: int, caller: SessionData, round_entry_id: int, data: VoteIn
) -> VotePublic:
    vote = service.vote_in_round(
        session,
        round_id=round_id,
        juror_id=caller.user_id,
        session_epoch=caller.epoch,
        round_entry_id=round_entry_id,
        value=data.value,
        comment=data.comment,
        favourite=data.favourite,
    )
    session.commit()
    return VotePublic.model_validate(vote)


def add_busiest_routes(router: APIRouter, *, prefix: str) -> None:
    """Fetching tasks and voting, the requests jurors make hundreds of times an hour, on the
    app's own router: FastAPI walks nested routers at every request, which cost more than the
    vote's own queries. Both check the session themselves (``Caller``), each in its one
    database call (decision 0009)."""
    router.add_api_route(
        f"{prefix}/rounds/{{round_id}}/tasks",
        next_tasks,
        methods=["GET"],
        response_model=TaskBatch,
        response_model_exclude_unset=True,
        tags=["voting"],
    )
    router.add_api_route(
        f"{prefix}/rounds/{{round_id}}/votes/{{round_entry_id}}",
        cast_vote,
        methods=["PUT"],
        response_model=VotePublic,
        tags=["voting"],
    )


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
