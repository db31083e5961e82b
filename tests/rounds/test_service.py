"""The rounds service: lifecycle and task assignment in the database."""

from collections import Counter

import pytest
from sqlmodel import Session, select

from app.core.errors import Conflict, InvalidInput, NotFound
from app.models import (
    AuditEvent,
    CampaignStatus,
    RoundStatus,
    Task,
    TaskStatus,
    User,
    utcnow,
)
from app.rounds import service
from app.rounds.schemas import RoundUpdate
from tests.factories import make_campaign, make_entry, make_round, make_round_entry, make_user


def jurors(session: Session, n: int) -> tuple[User, ...]:
    users = tuple(make_user(session) for _ in range(n))
    for user in users:
        user.commons_checked_at = utcnow()  # no Commons account: no conflicts to look up
    session.flush()
    return users


def setup_round(session: Session, *, entries: int, juror_count: int, quorum: int, **fields):
    coordinator = make_user(session)
    campaign = make_campaign(session, coordinators=(coordinator,))
    people = jurors(session, juror_count)
    round_ = make_round(session, campaign=campaign, jurors=people, quorum=quorum, **fields)
    round_entries = [make_round_entry(session, round=round_) for _ in range(entries)]
    return coordinator, round_, people, round_entries


def tasks_of(session: Session, round_id: int, status: str = TaskStatus.open) -> list[Task]:
    query = select(Task).where(Task.round_id == round_id, Task.status == status)
    return list(session.exec(query))


def loads(tasks: list[Task]) -> Counter[int]:
    return Counter(t.juror_id for t in tasks)


def test_activation_gives_every_entry_quorum_distinct_jurors_balanced(session: Session):
    coordinator, round_, *_ = setup_round(session, entries=25, juror_count=4, quorum=3)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    tasks = tasks_of(session, round_.id)
    assert len(tasks) == 75
    per_entry = Counter(t.round_entry_id for t in tasks)
    assert set(per_entry.values()) == {3}
    assert len({(t.round_entry_id, t.juror_id) for t in tasks}) == 75
    counts = loads(tasks)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert round_.status == RoundStatus.active and round_.activated_at is not None


def test_each_jurors_queue_is_a_shuffled_sequence(session: Session):
    coordinator, round_, people, _ = setup_round(session, entries=30, juror_count=3, quorum=1)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    tasks = tasks_of(session, round_.id)
    for juror in people:
        mine = sorted((t for t in tasks if t.juror_id == juror.id), key=lambda t: t.sort_key)
        assert [t.sort_key for t in mine] == list(range(len(mine)))
        assert [t.round_entry_id for t in mine] != sorted(t.round_entry_id for t in mine)


def test_a_juror_never_gets_their_own_upload(session: Session):
    coordinator, round_, people, _entries = setup_round(session, entries=0, juror_count=3, quorum=2)
    people[0].commons_id = 777
    own = make_round_entry(session, round=round_, entry=make_entry(session, uploader_id=777))
    others = [make_round_entry(session, round=round_) for _ in range(8)]
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    tasks = tasks_of(session, round_.id)
    assert {t.juror_id for t in tasks if t.round_entry_id == own.id} == {
        people[1].id,
        people[2].id,
    }
    assert len(tasks) == 2 * (len(others) + 1)


def test_activation_looks_up_unknown_commons_accounts_and_trusts_only_matching_ids(
    session: Session,
):
    coordinator, round_, people, _ = setup_round(session, entries=0, juror_count=2, quorum=1)
    renamed, fresh = people
    renamed.commons_checked_at = fresh.commons_checked_at = None
    make_round_entry(session, round=round_, entry=make_entry(session, uploader_id=55))
    asked: list[list[str]] = []

    def lookup(names: list[str]):
        asked.append(sorted(names))
        # The name "renamed" now belongs to another global account.
        return {fresh.username: (fresh.wiki_id, 55), renamed.username: (renamed.wiki_id + 1, 66)}

    service.activate(session, round_=round_, actor=coordinator, lookup=lookup)
    assert asked == [sorted([renamed.username, fresh.username])]
    assert (fresh.commons_id, renamed.commons_id) == (55, None)
    tasks = tasks_of(session, round_.id)
    assert [t.juror_id for t in tasks] == [renamed.id]


def test_disqualified_entries_get_no_tasks(session: Session):
    coordinator, round_, _people, entries = setup_round(session, entries=4, juror_count=2, quorum=1)
    entries[0].dq_code = "manual"
    entries[0].dq_reason = "duplicate"
    session.flush()
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    assert entries[0].id not in {t.round_entry_id for t in tasks_of(session, round_.id)}


@pytest.mark.parametrize(
    ("entries", "juror_count", "quorum", "error", "message"),
    [
        (3, 0, 1, Conflict, "no jurors"),
        (0, 2, 1, Conflict, "no eligible entries"),
        (3, 2, 3, InvalidInput, "quorum (3) is larger than the number of jurors (2)"),
    ],
)
def test_impossible_activation_is_refused_with_a_clear_error(
    session: Session, entries, juror_count, quorum, error, message
):
    coordinator, round_, _, _ = setup_round(
        session, entries=entries, juror_count=juror_count, quorum=quorum
    )
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        service.activate(session, round_=round_, actor=coordinator, lookup=None)
    assert tasks_of(session, round_.id) == []


def test_only_one_round_per_campaign_runs_at_a_time(session: Session):
    coordinator, first, people, _ = setup_round(session, entries=2, juror_count=1, quorum=1)
    second = make_round(session, campaign=_campaign(session, first), jurors=people)
    make_round_entry(session, round=second)
    service.activate(session, round_=first, actor=coordinator, lookup=None)
    with pytest.raises(Conflict, match="Another round of this campaign is active or paused"):
        service.activate(session, round_=second, actor=coordinator, lookup=None)
    assert second.status == RoundStatus.draft


def _campaign(session: Session, round_):
    from app.models import Campaign

    return session.get(Campaign, round_.campaign_id)


def test_state_machine_refuses_changes_that_do_not_fit(session: Session):
    coordinator, round_, _, _ = setup_round(session, entries=2, juror_count=1, quorum=1)
    with pytest.raises(Conflict, match="cannot become paused"):
        service.pause(session, round_=round_, actor=coordinator)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    with pytest.raises(Conflict, match="only a draft or paused round can start"):
        service.activate(session, round_=round_, actor=coordinator, lookup=None)
    service.pause(session, round_=round_, actor=coordinator)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)  # resume
    assert round_.status == RoundStatus.active
    assert len(tasks_of(session, round_.id)) == 2, "resuming assigns nothing again"
    service.cancel(session, round_=round_, actor=coordinator)
    assert tasks_of(session, round_.id) == []
    assert len(tasks_of(session, round_.id, TaskStatus.cancelled)) == 2
    with pytest.raises(Conflict, match="can no longer be changed"):
        service.update_round(session, round_=round_, data=RoundUpdate(name="x"), actor=coordinator)


def test_activation_moves_the_campaign_to_judging_and_is_audited(session: Session):
    coordinator, round_, _, _ = setup_round(session, entries=2, juror_count=2, quorum=2)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    assert _campaign(session, round_).status == CampaignStatus.judging
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_id == round_.id))
    assert "round.activate" in list(actions)


def test_the_vote_method_is_fixed_once_the_round_runs(session: Session):
    coordinator, round_, _, _ = setup_round(session, entries=2, juror_count=1, quorum=1)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    with pytest.raises(Conflict, match="vote method can only change"):
        service.update_round(
            session, round_=round_, data=RoundUpdate(vote_method="rating"), actor=coordinator
        )


def finish(session: Session, tasks: list[Task]) -> None:
    for task in tasks:
        task.status = TaskStatus.done
    session.flush()


def test_a_new_juror_takes_open_tasks_from_the_most_loaded(session: Session):
    coordinator, round_, people, _ = setup_round(session, entries=30, juror_count=3, quorum=2)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    done = [t for t in tasks_of(session, round_.id) if t.juror_id == people[0].id][:5]
    finish(session, done)
    newcomer = jurors(session, 1)[0]
    service.add_juror(session, round_=round_, user_id=newcomer.id, actor=coordinator, lookup=None)
    session.expire_all()
    open_tasks = tasks_of(session, round_.id)
    done_tasks = tasks_of(session, round_.id, TaskStatus.done)
    every = open_tasks + done_tasks
    assert len(every) == 60
    counts = loads(every)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert {t.id for t in done_tasks} == {t.id for t in done}
    assert all(t.juror_id == people[0].id for t in done_tasks)
    assert len({(t.round_entry_id, t.juror_id) for t in every}) == 60


def test_a_removed_jurors_open_tasks_go_to_others_and_their_votes_stay(session: Session):
    coordinator, round_, people, _ = setup_round(session, entries=20, juror_count=4, quorum=2)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    leaving = people[3]
    theirs = [t for t in tasks_of(session, round_.id) if t.juror_id == leaving.id]
    finish(session, theirs[:3])
    service.remove_juror(session, round_=round_, user_id=leaving.id, actor=coordinator, lookup=None)
    session.expire_all()
    open_tasks = tasks_of(session, round_.id)
    assert leaving.id not in {t.juror_id for t in open_tasks}
    done_tasks = tasks_of(session, round_.id, TaskStatus.done)
    assert {t.juror_id for t in done_tasks} == {leaving.id}
    every = open_tasks + done_tasks
    assert Counter(t.round_entry_id for t in every) == Counter(
        {re_id: 2 for re_id in {t.round_entry_id for t in every}}
    )
    assert len({(t.round_entry_id, t.juror_id) for t in every}) == len(every)


def test_a_replacement_takes_over_the_leaving_jurors_queue_and_their_votes_stay(
    session: Session,
):
    coordinator, round_, people, _ = setup_round(session, entries=20, juror_count=4, quorum=2)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    leaving = people[3]
    theirs = [t for t in tasks_of(session, round_.id) if t.juror_id == leaving.id]
    finish(session, theirs[:3])
    others = {(t.round_entry_id, t.juror_id) for t in tasks_of(session, round_.id)} - {
        (t.round_entry_id, t.juror_id) for t in theirs
    }
    newcomer = jurors(session, 1)[0]
    service.replace_juror(
        session,
        round_=round_,
        user_id=leaving.id,
        new_user_id=newcomer.id,
        actor=coordinator,
        lookup=None,
    )
    session.expire_all()
    open_tasks = tasks_of(session, round_.id)
    taken = {t.round_entry_id for t in open_tasks if t.juror_id == newcomer.id}
    assert taken >= {t.round_entry_id for t in theirs[3:]}
    # The three votes cast count for nobody now, so the others give the newcomer two more
    # tasks to keep the loads within one; nobody else gains any.
    assert {(t.round_entry_id, t.juror_id) for t in open_tasks if t.juror_id != newcomer.id} < (
        others
    )
    assert sorted(loads(open_tasks).values()) == [9, 9, 9, 10]
    done_tasks = tasks_of(session, round_.id, TaskStatus.done)
    assert sorted(t.id for t in done_tasks) == sorted(t.id for t in theirs[:3])
    assert service.active_juror_ids(session, round_id=round_.id) == sorted(
        [*(p.id for p in people[:3]), newcomer.id]
    )
    event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "round.juror_replace"
    assert (event.details["user_id"], event.details["new_user_id"]) == (leaving.id, newcomer.id)


def test_a_replacement_must_be_new_to_the_jury(session: Session):
    coordinator, round_, people, _ = setup_round(session, entries=4, juror_count=3, quorum=2)
    with pytest.raises(Conflict, match="already a juror"):
        service.replace_juror(
            session,
            round_=round_,
            user_id=people[0].id,
            new_user_id=people[1].id,
            actor=coordinator,
            lookup=None,
        )
    outsider = jurors(session, 1)[0]
    with pytest.raises(NotFound):
        service.replace_juror(
            session,
            round_=round_,
            user_id=outsider.id,
            new_user_id=people[1].id,
            actor=coordinator,
            lookup=None,
        )


def test_a_ranking_rounds_replacement_gets_a_ballot_of_their_own(session: Session):
    coordinator, round_, people, _ = setup_round(
        session, entries=5, juror_count=3, quorum=1, vote_method="ranking"
    )
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    newcomer = jurors(session, 1)[0]
    service.replace_juror(
        session,
        round_=round_,
        user_id=people[0].id,
        new_user_id=newcomer.id,
        actor=coordinator,
        lookup=None,
    )
    session.expire_all()
    holders = loads(tasks_of(session, round_.id))
    assert holders == {people[1].id: 5, people[2].id: 5, newcomer.id: 5}


def test_quorum_can_go_up_and_down_on_a_running_round(session: Session):
    coordinator, round_, *_ = setup_round(session, entries=12, juror_count=4, quorum=2)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    finish(session, tasks_of(session, round_.id)[:4])
    service.update_round(session, round_=round_, data=RoundUpdate(quorum=3), actor=coordinator)
    every = tasks_of(session, round_.id) + tasks_of(session, round_.id, TaskStatus.done)
    assert set(Counter(t.round_entry_id for t in every).values()) == {3}

    service.update_round(session, round_=round_, data=RoundUpdate(quorum=1), actor=coordinator)
    session.expire_all()
    every = tasks_of(session, round_.id) + tasks_of(session, round_.id, TaskStatus.done)
    per_entry = Counter(t.round_entry_id for t in every)
    assert len(tasks_of(session, round_.id, TaskStatus.done)) == 4, "done votes are never cut"
    assert all(n >= 1 for n in per_entry.values())
    assert all(
        n == 1
        for re_id, n in per_entry.items()
        if re_id not in {t.round_entry_id for t in tasks_of(session, round_.id, TaskStatus.done)}
    )

    service.update_round(session, round_=round_, data=RoundUpdate(quorum=2), actor=coordinator)
    every = tasks_of(session, round_.id) + tasks_of(session, round_.id, TaskStatus.done)
    assert all(n >= 2 for n in Counter(t.round_entry_id for t in every).values())


def test_entries_added_to_a_running_round_get_their_tasks(session: Session):
    coordinator, round_, _people, _ = setup_round(session, entries=6, juror_count=3, quorum=2)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    late = [make_round_entry(session, round=round_) for _ in range(3)]
    added = service.add_entries_to_running_round(session, round_=round_, lookup=None)
    assert added == 6
    tasks = tasks_of(session, round_.id)
    for round_entry in late:
        assert len([t for t in tasks if t.round_entry_id == round_entry.id]) == 2
    counts = loads(tasks)
    assert max(counts.values()) - min(counts.values()) <= 1


def test_a_ranking_round_gives_every_juror_every_entry(session: Session):
    coordinator, round_, *_ = setup_round(
        session, entries=5, juror_count=3, quorum=1, vote_method="ranking"
    )
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    assert len(tasks_of(session, round_.id)) == 15


def test_juror_progress_counts_open_and_done_tasks(session: Session):
    coordinator, round_, people, _ = setup_round(session, entries=6, juror_count=2, quorum=1)
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    finish(session, [t for t in tasks_of(session, round_.id) if t.juror_id == people[0].id][:2])
    progress = {p.user_id: p for p in service.juror_progress(session, round_=round_)}
    assert (progress[people[0].id].done, progress[people[0].id].total) == (2, 3)
    assert (progress[people[1].id].done, progress[people[1].id].open) == (0, 3)
    counts = service.counts(session, round_=round_)
    assert (counts.entries, counts.eligible, counts.tasks_open, counts.tasks_done) == (6, 6, 4, 2)


def disqualify(session: Session, round_entries, entry_ids) -> None:
    for round_entry in round_entries:
        if round_entry.id in entry_ids:
            round_entry.dq_code = "manual"
            round_entry.dq_reason = "duplicate"
    session.flush()


def eligible_loads(session: Session, round_) -> Counter[int]:
    """Tasks per active juror as jurors and coordinators see them: eligible entries only."""
    progress = service.juror_progress(session, round_=round_)
    return Counter({p.user_id: p.total for p in progress if p.active})


def spread_of(counts: Counter[int]) -> int:
    return max(counts.values()) - min(counts.values())


def test_tasks_of_disqualified_entries_neither_count_nor_move(session: Session):
    coordinator, round_, people, round_entries = setup_round(
        session, entries=9, juror_count=3, quorum=1
    )
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    first, _, leaving = people
    tasks = tasks_of(session, round_.id)
    hidden = [t for t in tasks if t.juror_id == first.id]
    leaving_hidden = next(t for t in tasks if t.juror_id == leaving.id)
    disqualify(session, round_entries, {t.round_entry_id for t in [*hidden, leaving_hidden]})
    hidden_ids = {t.id for t in hidden}

    # The first juror has nothing left to vote on, which the newcomer's share must reflect.
    newcomer = jurors(session, 1)[0]
    service.add_juror(session, round_=round_, user_id=newcomer.id, actor=coordinator, lookup=None)
    assert spread_of(eligible_loads(session, round_)) <= 1

    service.remove_juror(session, round_=round_, user_id=leaving.id, actor=coordinator, lookup=None)
    session.expire_all()
    assert spread_of(eligible_loads(session, round_)) <= 1
    # The leaving juror's task of a disqualified entry is cancelled, not handed to anyone.
    assert session.get(Task, leaving_hidden.id).status == TaskStatus.cancelled
    assert session.get(Task, leaving_hidden.id).juror_id == leaving.id
    open_tasks = tasks_of(session, round_.id)
    assert leaving_hidden.round_entry_id not in {t.round_entry_id for t in open_tasks}
    # Tasks of disqualified entries stay as they were, should the entries come back.
    assert {t.id for t in open_tasks if t.juror_id == first.id} >= hidden_ids


def test_a_quorum_change_counts_only_eligible_entries(session: Session):
    coordinator, round_, people, round_entries = setup_round(
        session, entries=9, juror_count=3, quorum=1
    )
    service.activate(session, round_=round_, actor=coordinator, lookup=None)
    hidden = [t for t in tasks_of(session, round_.id) if t.juror_id == people[0].id]
    disqualify(session, round_entries, {t.round_entry_id for t in hidden})
    service.update_round(session, round_=round_, data=RoundUpdate(quorum=2), actor=coordinator)
    session.expire_all()
    # Six eligible entries with two jurors each: four tasks per juror.
    assert eligible_loads(session, round_) == {p.id: 4 for p in people}
    hidden_entries = {t.round_entry_id for t in hidden}
    still_hidden = [t for t in tasks_of(session, round_.id) if t.round_entry_id in hidden_entries]
    assert {(t.id, t.juror_id) for t in still_hidden} == {(t.id, t.juror_id) for t in hidden}
