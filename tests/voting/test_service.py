"""The voting rules, at the service level: queue, votes, history, undo, skip, flags, hiding."""

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from app.core.errors import Conflict, InvalidInput, NotFound
from app.models import Entry, Flag, RoundJuror, Task, Vote, VoteChange
from app.rounds.schemas import Display
from app.voting import service
from tests.factories import make_round_entry, make_task, make_user, make_vote
from tests.voting.scene import URLS, make_scene, statements


def votes_of(session: Session, task: Task) -> list[Vote]:
    return list(session.execute(select(Vote).where(Vote.task_id == task.id)).scalars())


def history_of(session: Session, vote: Vote) -> list[tuple[int, str, bool]]:
    rows = session.execute(
        select(VoteChange.value, VoteChange.comment, VoteChange.favourite)
        .where(VoteChange.vote_id == vote.id)
        .order_by(VoteChange.id)
    )
    return [tuple(r) for r in rows]


def cast(session: Session, scene, index: int = 0, value: int = 3, **kwargs) -> Vote:
    return service.cast_vote(
        session,
        round=scene.round,
        juror=kwargs.pop("juror", scene.juror),
        round_entry_id=scene.entries[index].id,
        value=value,
        **kwargs,
    )


def queue_ids(session: Session, scene, juror=None, limit: int = 100) -> list[int]:
    batch = service.next_tasks(session, round=scene.round, juror=juror or scene.juror, limit=limit)
    return [t.round_entry_id for t in batch.tasks]


def refresh(session: Session, obj):
    session.refresh(obj)
    return obj


# -- the queue ----------------------------------------------------------------------------


def test_next_tasks_come_in_my_shuffled_order(session: Session):
    scene = make_scene(session, entries=4, sort_keys=[30, 10, 40, 20])
    ids = [e.id for e in scene.entries]
    assert queue_ids(session, scene) == [ids[1], ids[3], ids[0], ids[2]]


def test_equal_sort_keys_fall_back_to_task_order(session: Session):
    scene = make_scene(session, entries=3, sort_keys=[5, 5, 5])
    assert queue_ids(session, scene) == [e.id for e in scene.entries]


def test_next_tasks_are_open_tasks_of_eligible_entries_only(session: Session):
    scene = make_scene(session, entries=5)
    cast(session, scene, 0)
    scene.task(1).status = "cancelled"
    scene.entries[2].dq_code = "manual"
    session.flush()
    batch = service.next_tasks(session, round=scene.round, juror=scene.juror, limit=10)
    assert [t.round_entry_id for t in batch.tasks] == [scene.entries[3].id, scene.entries[4].id]
    assert [t.task_id for t in batch.tasks] == [scene.task(3).id, scene.task(4).id]
    assert batch.remaining == 2


def test_remaining_counts_the_whole_queue_beyond_the_batch(session: Session):
    scene = make_scene(session, entries=7)
    scene.entries[6].dq_code = "window"
    session.flush()
    batch = service.next_tasks(session, round=scene.round, juror=scene.juror, limit=2)
    assert len(batch.tasks) == 2
    assert batch.remaining == 6


def test_limit_must_be_between_1_and_100(session: Session):
    scene = make_scene(session, entries=1)
    for limit in (0, 101):
        with pytest.raises(InvalidInput):
            service.next_tasks(session, round=scene.round, juror=scene.juror, limit=limit)


def test_a_juror_sees_only_their_own_tasks(session: Session):
    scene = make_scene(session, entries=3, jurors=2)
    other = scene.others[0]
    extra = make_round_entry(session, round=scene.round)
    make_task(session, round=scene.round, juror=other, round_entry=extra, sort_key=99)
    mine = queue_ids(session, scene)
    theirs = queue_ids(session, scene, juror=other)
    assert extra.id not in mine
    assert theirs[-1] == extra.id


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("paused", "round_paused"),
        ("draft", "round_not_active"),
        ("finalized", "round_not_active"),
        ("cancelled", "round_not_active"),
    ],
)
def test_the_queue_is_refused_unless_the_round_is_active(session: Session, status, code):
    scene = make_scene(session, entries=1, status=status)
    with pytest.raises(Conflict) as error:
        service.next_tasks(session, round=scene.round, juror=scene.juror)
    assert error.value.code == code


def test_ranking_rounds_have_no_queue(session: Session):
    scene = make_scene(session, method="ranking", entries=2)
    with pytest.raises(Conflict) as error:
        service.next_tasks(session, round=scene.round, juror=scene.juror)
    assert error.value.code == "ranking_round"
    assert "/ranking" in error.value.detail


# -- what jurors see ----------------------------------------------------------------------


HIDDEN = {"show_filename": False, "show_link": False, "show_uploader": False}


def test_a_round_that_hides_everything_sends_only_the_image(session: Session):
    scene = make_scene(session, entries=1, display=HIDDEN)
    batch = service.next_tasks(session, round=scene.round, juror=scene.juror)
    sent = batch.tasks[0].entry.model_dump(exclude_unset=True)
    assert set(sent) == {"width", "height", "mime", "url", "thumb_url", "srcset"}


def test_a_round_shows_filename_link_and_uploader_only_when_it_says_so(session: Session):
    shows = {"show_filename": True, "show_link": True, "show_uploader": True}
    scene = make_scene(session, entries=1, display=shows)
    entry = session.get(Entry, scene.entries[0].entry_id)
    view = service.next_tasks(session, round=scene.round, juror=scene.juror).tasks[0].entry
    sent = view.model_dump(exclude_unset=True)
    assert sent["title"] == entry.title
    assert sent["description_url"] == entry.description_url
    assert sent["uploader"] == entry.uploader


def test_the_uploader_is_hidden_by_default(session: Session):
    scene = make_scene(session, entries=1, display={})
    view = service.next_tasks(session, round=scene.round, juror=scene.juror).tasks[0].entry
    sent = view.model_dump(exclude_unset=True)
    assert "uploader" not in sent
    defaults = Display()
    assert ("title" in sent) is defaults.show_filename
    assert ("description_url" in sent) is defaults.show_link


def test_entries_come_with_a_screen_thumbnail_and_standard_srcset(session: Session):
    scene = make_scene(session, entries=1)
    view = service.next_tasks(session, round=scene.round, juror=scene.juror).tasks[0].entry
    assert view.url == URLS[0]
    name = "%27Tirumnieki%27_pie_Inesa_ezera.jpg"
    assert view.thumb_url == (
        f"https://upload.wikimedia.org/wikipedia/commons/thumb/9/9e/{name}/1280px-{name}"
    )
    # The default test entry is 4000 px wide: thumbnails up to 3840, no original needed.
    widths = [int(c.rsplit(" ", 1)[1][:-1]) for c in view.srcset.split(", ")]
    assert widths == [500, 960, 1280, 1920, 3840]


def test_an_entry_without_a_commons_url_falls_back_to_its_original(session: Session):
    entry = Entry(page_id=1, title="File:X.tif", url="https://example.org/x.tif", width=10)
    view = service.entry_view(entry, Display())
    assert view.thumb_url == "https://example.org/x.tif"
    assert view.srcset == ""


# -- casting votes ------------------------------------------------------------------------


def test_a_first_vote_is_stored_and_closes_the_task(session: Session):
    scene = make_scene(session, entries=2)
    vote = cast(session, scene, 0, value=4, comment="nice", favourite=True)
    assert (vote.value, vote.comment, vote.favourite) == (4, "nice", True)
    assert vote.task_id == scene.task(0).id
    assert vote.juror_id == scene.juror.id and vote.round_id == scene.round.id
    task = refresh(session, scene.task(0))
    assert task.status == "done" and task.done_at is not None
    assert refresh(session, scene.task(1)).status == "open"


def test_casting_the_same_vote_twice_stores_one_vote_and_no_history(session: Session):
    scene = make_scene(session, entries=1)
    first = cast(session, scene, value=5)
    again = cast(session, scene, value=5)
    assert again.id == first.id
    assert (again.value, again.updated_at) == (5, first.updated_at)
    assert len(votes_of(session, scene.task(0))) == 1
    assert history_of(session, first) == []


def test_changing_a_vote_keeps_the_old_value_in_its_history(session: Session):
    scene = make_scene(session, entries=1)
    first = cast(session, scene, value=2, comment="meh")
    changed = cast(session, scene, value=4)
    assert changed.id == first.id
    assert (changed.value, changed.comment) == (4, "meh")
    cast(session, scene, value=1, comment="", favourite=True)
    assert history_of(session, changed) == [(2, "meh", False), (4, "meh", False)]
    jurors = session.scalars(select(VoteChange.juror_id).where(VoteChange.vote_id == first.id))
    assert set(jurors) == {scene.juror.id}
    vote = votes_of(session, scene.task(0))[0]
    assert (vote.value, vote.comment, vote.favourite) == (1, "", True)
    assert len(votes_of(session, scene.task(0))) == 1


def test_a_new_comment_or_favourite_alone_is_a_change_too(session: Session):
    scene = make_scene(session, entries=1)
    vote = cast(session, scene, value=3)
    cast(session, scene, value=3, favourite=True)
    cast(session, scene, value=3, favourite=True, comment="the light!")
    assert history_of(session, vote) == [(3, "", False), (3, "", True)]


def test_comment_and_favourite_left_out_keep_their_values(session: Session):
    scene = make_scene(session, entries=1)
    cast(session, scene, value=3, comment="keep me", favourite=True)
    vote = cast(session, scene, value=3)
    assert (vote.comment, vote.favourite) == ("keep me", True)
    assert history_of(session, vote) == []


def test_a_vote_costs_three_statements_at_most_and_a_repeat_one(session: Session):
    scene = make_scene(session, entries=1)
    session.flush()
    with statements(session) as first:
        cast(session, scene, value=3)
    with statements(session) as change:
        cast(session, scene, value=4)
    with statements(session) as repeat:
        cast(session, scene, value=4)
    # One read (the task, its vote, the round held active, my place on the jury), then: claim
    # the task + insert the vote; update the vote + keep the old value. PostgreSQL does each
    # pair in one statement.
    writes = 1 if session.get_bind().dialect.name == "postgresql" else 2
    counts = (len(first), len(change), len(repeat))
    assert counts == (1 + writes, 1 + writes, 1), (first, change, repeat)


def test_a_task_done_earlier_stays_done_when_its_vote_changes(session: Session):
    scene = make_scene(session, entries=1)
    cast(session, scene, value=3)
    done_at = refresh(session, scene.task(0)).done_at
    cast(session, scene, value=4)
    assert refresh(session, scene.task(0)).done_at == done_at


@pytest.mark.parametrize(
    ("method", "good", "bad"),
    [
        ("yes_no", [0, 1], [-1, 2, 3]),
        ("rating", [1, 2, 3, 4, 5], [0, 6, -1, 10]),
    ],
)
def test_vote_values_follow_the_round_method(session: Session, method, good, bad):
    scene = make_scene(session, method=method, entries=1)
    for value in bad:
        with pytest.raises(InvalidInput) as error:
            cast(session, scene, value=value)
        assert error.value.code == "invalid_vote"
    for value in good:
        assert cast(session, scene, value=value).value == value
    assert len(votes_of(session, scene.task(0))) == 1


@pytest.mark.parametrize("value", [True, 1.0, "1", None])
def test_a_vote_is_a_whole_number_not_a_lookalike(session: Session, value):
    scene = make_scene(session, method="yes_no", entries=1)
    with pytest.raises(InvalidInput):
        cast(session, scene, value=value)


def test_ranking_rounds_refuse_single_votes_and_point_at_the_ballot(session: Session):
    scene = make_scene(session, method="ranking", entries=2)
    with pytest.raises(Conflict) as error:
        cast(session, scene, value=1)
    assert error.value.code == "ranking_round"
    assert f"/api/rounds/{scene.round.id}/ranking" in error.value.detail


@pytest.mark.parametrize("status", ["paused", "draft", "finalized", "cancelled"])
def test_votes_are_refused_unless_the_round_is_active(session: Session, status):
    scene = make_scene(session, entries=1)
    cast(session, scene, value=3)
    scene.round.status = status
    session.flush()
    with pytest.raises(Conflict):
        cast(session, scene, value=4)
    with pytest.raises(Conflict):
        service.undo_vote(
            session, round=scene.round, juror=scene.juror, round_entry_id=scene.entries[0].id
        )
    assert votes_of(session, scene.task(0))[0].value == 3


def test_a_disqualified_entry_takes_no_vote(session: Session):
    scene = make_scene(session, entries=1)
    scene.entries[0].dq_code = "resolution"
    session.flush()
    with pytest.raises(NotFound) as error:
        cast(session, scene, value=3)
    assert error.value.code == "entry_disqualified"
    assert votes_of(session, scene.task(0)) == []


def test_an_entry_assigned_to_another_juror_takes_no_vote_from_me(session: Session):
    scene = make_scene(session, entries=1, jurors=2)
    other = scene.others[0]
    theirs = make_round_entry(session, round=scene.round)
    make_task(session, round=scene.round, juror=other, round_entry=theirs)
    with pytest.raises(NotFound) as error:
        service.cast_vote(
            session, round=scene.round, juror=scene.juror, round_entry_id=theirs.id, value=3
        )
    assert error.value.code == "not_assigned"


def test_an_entry_of_another_round_takes_no_vote_through_this_one(session: Session):
    scene = make_scene(session, entries=1)
    elsewhere = make_scene(session, entries=1)
    with pytest.raises(NotFound):
        service.cast_vote(
            session,
            round=scene.round,
            juror=scene.juror,
            round_entry_id=elsewhere.entries[0].id,
            value=3,
        )


def test_a_cancelled_task_takes_no_vote(session: Session):
    scene = make_scene(session, entries=1)
    scene.task(0).status = "cancelled"
    session.flush()
    with pytest.raises(NotFound):
        cast(session, scene, value=3)


def test_jurors_vote_independently_on_the_same_entry(session: Session):
    scene = make_scene(session, entries=1, jurors=2)
    mine = cast(session, scene, value=5)
    theirs = cast(session, scene, value=1, juror=scene.others[0])
    assert mine.id != theirs.id
    assert (mine.value, theirs.value) == (5, 1)


# -- undo ---------------------------------------------------------------------------------


def test_undo_withdraws_the_vote_and_reopens_the_task_first_in_my_queue(session: Session):
    scene = make_scene(session, entries=4, sort_keys=[0, 1, 2, 3])
    cast(session, scene, 0, value=2)
    cast(session, scene, 1, value=5)
    assert queue_ids(session, scene) == [scene.entries[2].id, scene.entries[3].id]
    service.undo_vote(
        session, round=scene.round, juror=scene.juror, round_entry_id=scene.entries[1].id
    )
    assert votes_of(session, scene.task(1)) == []
    task = refresh(session, scene.task(1))
    assert (task.status, task.done_at) == ("open", None)
    assert queue_ids(session, scene) == [e.id for e in scene.entries[1:]]
    # Voting again works as a first vote.
    assert cast(session, scene, 1, value=4).value == 4


def test_undo_keeps_the_withdrawn_vote_in_the_history(session: Session):
    scene = make_scene(session, entries=2)
    cast(session, scene, 0, value=2)
    cast(session, scene, 0, value=3)
    service.undo_vote(
        session, round=scene.round, juror=scene.juror, round_entry_id=scene.entries[0].id
    )
    history = session.scalars(
        select(VoteChange).where(VoteChange.task_id == scene.task(0).id).order_by(VoteChange.id)
    ).all()
    assert [(h.action, h.value) for h in history] == [("change", 2), ("withdraw", 3)]
    assert all(h.vote_id is None for h in history), "the vote is gone; its history stays"
    # The reopened task may go to another juror (rebalancing): the rows say whose vote it was.
    assert {h.juror_id for h in history} == {scene.juror.id}


def test_undo_of_a_vote_that_is_not_there_changes_nothing(session: Session):
    scene = make_scene(session, entries=3)
    before = queue_ids(session, scene)
    service.undo_vote(
        session, round=scene.round, juror=scene.juror, round_entry_id=scene.entries[2].id
    )
    assert queue_ids(session, scene) == before


def test_undo_when_nothing_else_is_open_keeps_the_task_usable(session: Session):
    scene = make_scene(session, entries=1)
    cast(session, scene, value=1)
    service.undo_vote(
        session, round=scene.round, juror=scene.juror, round_entry_id=scene.entries[0].id
    )
    assert queue_ids(session, scene) == [scene.entries[0].id]


def test_undo_leaves_other_jurors_votes_alone(session: Session):
    scene = make_scene(session, entries=1, jurors=2)
    cast(session, scene, value=1)
    theirs = cast(session, scene, value=5, juror=scene.others[0])
    service.undo_vote(
        session, round=scene.round, juror=scene.juror, round_entry_id=scene.entries[0].id
    )
    assert votes_of(session, scene.task(0, scene.others[0]))[0].id == theirs.id


# -- skip ---------------------------------------------------------------------------------


def test_skip_puts_the_task_at_the_end_of_my_queue(session: Session):
    scene = make_scene(session, entries=4, sort_keys=[0, 1, 2, 3])
    ids = [e.id for e in scene.entries]
    service.skip_task(session, round=scene.round, juror=scene.juror, task_id=scene.task(0).id)
    assert queue_ids(session, scene) == [ids[1], ids[2], ids[3], ids[0]]
    service.skip_task(session, round=scene.round, juror=scene.juror, task_id=scene.task(1).id)
    assert queue_ids(session, scene) == [ids[2], ids[3], ids[0], ids[1]]


def test_skip_does_not_touch_other_jurors_queues(session: Session):
    scene = make_scene(session, entries=3, jurors=2)
    other = scene.others[0]
    before = queue_ids(session, scene, juror=other)
    service.skip_task(session, round=scene.round, juror=scene.juror, task_id=scene.task(0).id)
    assert queue_ids(session, scene, juror=other) == before


def test_skip_refuses_a_voted_task_and_someone_elses(session: Session):
    scene = make_scene(session, entries=2, jurors=2)
    cast(session, scene, 0, value=3)
    with pytest.raises(Conflict):
        service.skip_task(session, round=scene.round, juror=scene.juror, task_id=scene.task(0).id)
    theirs = scene.task(1, scene.others[0])
    with pytest.raises(NotFound):
        service.skip_task(session, round=scene.round, juror=scene.juror, task_id=theirs.id)


def test_skip_is_refused_unless_the_round_is_active(session: Session):
    scene = make_scene(session, entries=2, status="paused")
    with pytest.raises(Conflict):
        service.skip_task(session, round=scene.round, juror=scene.juror, task_id=scene.task(0).id)


# -- my votes -----------------------------------------------------------------------------


def test_my_votes_are_listed_last_changed_first_with_entries(session: Session):
    scene = make_scene(session, entries=3, jurors=2, display=HIDDEN)
    cast(session, scene, 0, value=1)
    cast(session, scene, 1, value=2)
    cast(session, scene, 2, value=3)
    cast(session, scene, 0, value=5)  # changed last
    cast(session, scene, 0, value=4, juror=scene.others[0])
    page = service.my_votes(session, round=scene.round, juror=scene.juror)
    assert page.total == 3
    assert [v.round_entry_id for v in page.votes] == [
        scene.entries[0].id,
        scene.entries[2].id,
        scene.entries[1].id,
    ]
    assert page.votes[0].value == 5
    sent = page.votes[0].entry.model_dump(exclude_unset=True)
    assert "title" not in sent and "uploader" not in sent
    second = service.my_votes(session, round=scene.round, juror=scene.juror, offset=1, limit=1)
    assert second.total == 3
    assert [v.round_entry_id for v in second.votes] == [scene.entries[2].id]


def test_my_votes_leave_out_disqualified_entries(session: Session):
    scene = make_scene(session, entries=2)
    cast(session, scene, 0, value=1)
    cast(session, scene, 1, value=2)
    scene.entries[0].dq_code = "manual"
    session.flush()
    page = service.my_votes(session, round=scene.round, juror=scene.juror)
    assert page.total == 1
    assert [v.round_entry_id for v in page.votes] == [scene.entries[1].id]


# -- my rounds ----------------------------------------------------------------------------


def test_my_rounds_show_progress_over_eligible_open_and_done_tasks(session: Session):
    scene = make_scene(session, entries=6, jurors=2)
    cast(session, scene, 0, value=5)
    cast(session, scene, 1, value=1)
    scene.task(2).status = "cancelled"
    scene.entries[3].dq_code = "manual"
    session.flush()
    (mine,) = service.my_rounds(session, juror=scene.juror)
    assert mine.id == scene.round.id
    assert (mine.campaign_name, mine.campaign_slug) == ("WLM 2026 in Ghana", scene.campaign.slug)
    assert (mine.name, mine.status, mine.vote_method) == ("First round", "active", "rating")
    assert mine.directions == "Judge the photos."
    assert mine.progress.model_dump() == {"done": 2, "total": 4}
    assert "stats" not in mine.model_dump(exclude_unset=True)


def test_my_stats_are_shown_only_when_the_round_allows(session: Session):
    scene = make_scene(session, entries=3, display={"show_stats": True})
    cast(session, scene, 0, value=5)  # 1.0
    cast(session, scene, 1, value=2)  # 0.25
    (mine,) = service.my_rounds(session, juror=scene.juror)
    assert mine.stats is not None
    assert mine.stats.votes == 2
    assert mine.stats.mean_score == pytest.approx(0.625)


def test_stats_of_a_ranking_round_have_no_mean(session: Session):
    scene = make_scene(session, method="ranking", entries=2, display={"show_stats": True})
    make_vote(session, task=scene.task(0), value=1)
    (mine,) = service.my_rounds(session, juror=scene.juror)
    assert mine.stats.model_dump() == {"votes": 1, "mean_score": None}


def test_my_rounds_list_only_rounds_i_am_an_active_juror_of(session: Session):
    scene = make_scene(session, entries=1)
    removed = make_scene(session, entries=1, status="paused")
    link = session.get(RoundJuror, (removed.round.id, removed.juror.id))
    session.add(RoundJuror(round_id=removed.round.id, user_id=scene.juror.id))
    link.active = False
    session.flush()
    ids = [r.id for r in service.my_rounds(session, juror=scene.juror)]
    assert ids == [scene.round.id, removed.round.id]  # active first, then paused
    assert service.my_rounds(session, juror=removed.juror) == []
    assert service.my_rounds(session, juror=make_user(session)) == []


# -- flags --------------------------------------------------------------------------------


def flag(session: Session, scene, index: int = 0, reason: str = "copyright", note: str = ""):
    return service.flag_entry(
        session,
        round=scene.round,
        juror=scene.juror,
        round_entry_id=scene.entries[index].id,
        reason=reason,
        note=note,
    )


def flags_in(session: Session, scene) -> list[Flag]:
    query = select(Flag).where(Flag.round_id == scene.round.id).order_by(Flag.id)
    return list(session.execute(query).scalars())


def test_flagging_an_entry_again_updates_my_open_flag(session: Session):
    scene = make_scene(session, entries=2)
    first = flag(session, scene, reason="copyright", note="found on flickr")
    again = flag(session, scene, reason="duplicate", note="same as #2")
    assert again.id == first.id
    stored = flags_in(session, scene)
    assert [(f.reason, f.note, f.status) for f in stored] == [("duplicate", "same as #2", "open")]


def test_a_reviewed_flag_can_neither_change_nor_be_withdrawn(session: Session):
    scene = make_scene(session, entries=1)
    made = flag(session, scene)
    made.status = "dismissed"
    session.flush()
    with pytest.raises(Conflict):
        flag(session, scene, reason="other")
    with pytest.raises(Conflict):
        service.withdraw_flag(
            session, round=scene.round, juror=scene.juror, round_entry_id=scene.entries[0].id
        )
    assert [f.reason for f in flags_in(session, scene)] == ["copyright"]


def test_withdrawing_my_flag_removes_it_and_twice_is_harmless(session: Session):
    scene = make_scene(session, entries=1)
    flag(session, scene)
    for _ in range(2):
        service.withdraw_flag(
            session, round=scene.round, juror=scene.juror, round_entry_id=scene.entries[0].id
        )
    assert flags_in(session, scene) == []


def test_only_entries_assigned_to_me_can_be_flagged(session: Session):
    scene = make_scene(session, entries=1, jurors=2)
    theirs = make_round_entry(session, round=scene.round)
    make_task(session, round=scene.round, juror=scene.others[0], round_entry=theirs)
    with pytest.raises(NotFound):
        service.flag_entry(
            session,
            round=scene.round,
            juror=scene.juror,
            round_entry_id=theirs.id,
            reason="other",
        )


def test_a_flag_needs_a_known_reason(session: Session):
    scene = make_scene(session, entries=1)
    with pytest.raises(InvalidInput):
        flag(session, scene, reason="ugly")


def test_flags_of_two_jurors_on_one_entry_are_separate(session: Session):
    scene = make_scene(session, entries=1, jurors=2)
    flag(session, scene)
    service.flag_entry(
        session,
        round=scene.round,
        juror=scene.others[0],
        round_entry_id=scene.entries[0].id,
        reason="wrong_region",
    )
    assert len(flags_in(session, scene)) == 2
    mine = service.my_flags(session, round=scene.round, juror=scene.juror)
    assert [f.reason for f in mine] == ["copyright"]


def test_votes_count_matches_tasks_closed(session: Session):
    scene = make_scene(session, entries=5)
    for i in range(5):
        cast(session, scene, i, value=i + 1)
    done = session.execute(
        select(func.count()).where(Task.juror_id == scene.juror.id, Task.status == "done")
    ).scalar_one()
    assert done == 5
