"""Ranking rounds: one full ballot per juror, validated, stored as votes, history kept."""

import time

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from app.core.errors import Conflict, InvalidInput
from app.models import Vote, VoteChange
from app.voting import service
from tests.helpers import login
from tests.voting.scene import make_scene, statements


def submit(session: Session, scene, ranks, juror=None):
    return service.submit_ballot(
        session, round=scene.round, juror=juror or scene.juror, ranks=ranks
    )


def in_order(scene, ranks=None):
    """Every entry ranked in scene order (1, 2, 3...) unless ``ranks`` says otherwise."""
    ranks = ranks or list(range(1, len(scene.entries) + 1))
    return [(e.id, r) for e, r in zip(scene.entries, ranks, strict=True)]


def stored(session: Session, scene, juror=None) -> dict[int, int]:
    juror = juror or scene.juror
    rows = session.execute(
        select(Vote.round_entry_id, Vote.value).where(
            Vote.round_id == scene.round.id, Vote.juror_id == juror.id
        )
    )
    return dict(rows.all())


def history(session: Session) -> list[int]:
    return list(session.execute(select(VoteChange.value).order_by(VoteChange.id)).scalars())


def history_jurors(session: Session) -> set[int | None]:
    return set(session.execute(select(VoteChange.juror_id)).scalars())


def test_a_new_ballot_lists_my_entries_unranked(session: Session):
    scene = make_scene(session, method="ranking", entries=4, sort_keys=[3, 1, 2, 0])
    scene.entries[2].dq_code = "manual"
    session.flush()
    ballot = service.ballot(session, round=scene.round, juror=scene.juror)
    assert not ballot.complete
    assert [b.rank for b in ballot.entries] == [None, None, None]
    ids = [e.id for e in scene.entries]
    assert [b.round_entry_id for b in ballot.entries] == [ids[3], ids[1], ids[0]]


def test_a_full_ballot_is_stored_as_one_vote_per_task(session: Session):
    scene = make_scene(session, method="ranking", entries=4)
    ballot = submit(session, scene, in_order(scene, [2, 1, 4, 3]))
    assert ballot.complete
    ids = [e.id for e in scene.entries]
    assert [(b.round_entry_id, b.rank) for b in ballot.entries] == [
        (ids[1], 1),
        (ids[0], 2),
        (ids[3], 3),
        (ids[2], 4),
    ]
    assert stored(session, scene) == {ids[0]: 2, ids[1]: 1, ids[2]: 4, ids[3]: 3}
    for task in scene.tasks[scene.juror.id]:
        session.refresh(task)
        assert task.status == "done"
    again = service.ballot(session, round=scene.round, juror=scene.juror)
    assert again == ballot


def test_ties_are_equal_ranks(session: Session):
    scene = make_scene(session, method="ranking", entries=4)
    submit(session, scene, in_order(scene, [1, 1, 3, 3]))
    assert sorted(stored(session, scene).values()) == [1, 1, 3, 3]


def test_a_changed_ballot_keeps_the_old_ranks_of_changed_entries_only(session: Session):
    scene = make_scene(session, method="ranking", entries=4)
    submit(session, scene, in_order(scene, [1, 2, 3, 4]))
    submit(session, scene, in_order(scene, [1, 2, 4, 3]))
    assert sorted(history(session)) == [3, 4]
    assert history_jurors(session) == {scene.juror.id}
    assert list(stored(session, scene).values()) == [1, 2, 4, 3]
    assert session.execute(select(func.count()).select_from(Vote)).scalar_one() == 4


def test_submitting_the_same_ballot_again_changes_nothing(session: Session):
    scene = make_scene(session, method="ranking", entries=3)
    submit(session, scene, in_order(scene))
    before = session.execute(select(Vote.id, Vote.updated_at).order_by(Vote.id)).all()
    submit(session, scene, list(reversed(in_order(scene))))  # same ranks, another order
    after = session.execute(select(Vote.id, Vote.updated_at).order_by(Vote.id)).all()
    assert before == after
    assert history(session) == []


def test_ballots_of_two_jurors_are_separate(session: Session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    other = scene.others[0]
    submit(session, scene, in_order(scene, [1, 2, 3]))
    submit(session, scene, in_order(scene, [3, 2, 1]), juror=other)
    assert list(stored(session, scene).values()) == [1, 2, 3]
    assert list(stored(session, scene, other).values()) == [3, 2, 1]


@pytest.mark.parametrize(
    ("make_ranks", "says"),
    [
        (lambda ids: [(ids[0], 1), (ids[1], 2)], "does not rank"),
        (lambda ids: [(ids[0], 1), (ids[1], 2), (ids[2], 3), (999_999, 4)], "does not hold"),
        (lambda ids: [(ids[0], 1), (ids[1], 2), (ids[2], 3), (ids[2], 4)], "more than once"),
        (lambda ids: [(ids[0], 0), (ids[1], 2), (ids[2], 3)], "at least 1"),
        (lambda ids: [(ids[0], -2), (ids[1], 2), (ids[2], 3)], "at least 1"),
        (lambda ids: [], "does not rank"),
    ],
)
def test_an_incomplete_or_wrong_ballot_is_refused_clearly(session: Session, make_ranks, says):
    scene = make_scene(session, method="ranking", entries=3)
    ids = [e.id for e in scene.entries]
    with pytest.raises(InvalidInput) as error:
        submit(session, scene, make_ranks(ids))
    assert error.value.code == "invalid_ballot"
    assert says in error.value.detail
    assert stored(session, scene) == {}


def test_a_disqualified_entry_is_not_on_the_ballot(session: Session):
    scene = make_scene(session, method="ranking", entries=3)
    scene.entries[2].dq_code = "manual"
    session.flush()
    with pytest.raises(InvalidInput):
        submit(session, scene, in_order(scene))
    submit(session, scene, in_order(scene)[:2])
    assert len(stored(session, scene)) == 2


def test_another_jurors_entry_is_unknown_on_my_ballot(session: Session):
    from tests.factories import make_round_entry, make_task

    scene = make_scene(session, method="ranking", entries=2, jurors=2)
    theirs = make_round_entry(session, round=scene.round)
    make_task(session, round=scene.round, juror=scene.others[0], round_entry=theirs)
    with pytest.raises(InvalidInput):
        submit(session, scene, [*in_order(scene), (theirs.id, 3)])


@pytest.mark.parametrize("status", ["paused", "draft", "finalized"])
def test_ballots_are_refused_unless_the_round_is_active(session: Session, status):
    scene = make_scene(session, method="ranking", entries=2, status=status)
    with pytest.raises(Conflict):
        submit(session, scene, in_order(scene))
    # Reading my ballot stays possible.
    assert len(service.ballot(session, round=scene.round, juror=scene.juror).entries) == 2


def test_rounds_voting_entry_by_entry_have_no_ballot(session: Session):
    scene = make_scene(session, method="rating", entries=2)
    with pytest.raises(Conflict) as error:
        service.ballot(session, round=scene.round, juror=scene.juror)
    assert error.value.code == "not_ranking_round"
    with pytest.raises(Conflict):
        submit(session, scene, in_order(scene))


def test_a_ballot_of_200_finalists_is_stored_in_a_few_bulk_statements(session: Session):
    scene = make_scene(session, method="ranking", entries=200)
    n = len(scene.entries)
    started = time.perf_counter()
    with statements(session) as first:
        submit(session, scene, in_order(scene))
    with statements(session) as second:
        ballot = submit(session, scene, in_order(scene, list(range(n, 0, -1))))
    elapsed = time.perf_counter() - started
    assert ballot.complete and len(ballot.entries) == n
    assert [b.rank for b in ballot.entries] == list(range(1, n + 1))
    assert list(stored(session, scene).values()) == list(range(n, 0, -1))
    # Every rank changed except the middle one (n is even: none stays).
    assert len(history(session)) == n
    # lock + read + insert votes + close tasks / lock + read + history + update votes
    assert len(first) <= 5, first
    assert len(second) <= 5, second
    assert elapsed < 3.0


def test_a_ballot_over_the_wire(client, settings, session: Session):
    scene = make_scene(session, method="ranking", entries=200, display={"show_filename": False})
    session.commit()
    csrf = login(client, settings, scene.juror)
    url = f"/api/rounds/{scene.round.id}/ranking"
    empty = client.get(url).json()
    assert not empty["complete"]
    assert len(empty["entries"]) == 200
    assert "title" not in empty["entries"][0]["entry"]
    assert "uploader" not in empty["entries"][0]["entry"]

    ranks = [{"round_entry_id": e.id, "rank": i // 2 + 1} for i, e in enumerate(scene.entries)]
    stored_ballot = client.put(url, json={"ranks": ranks}, headers=csrf)
    assert stored_ballot.status_code == 200, stored_ballot.text
    body = stored_ballot.json()
    assert body["complete"]
    assert [e["rank"] for e in body["entries"]][:4] == [1, 1, 2, 2]
    assert client.get(url).json() == body

    missing = client.put(url, json={"ranks": ranks[1:]}, headers=csrf)
    assert missing.status_code == 422
    assert missing.json()["error"] == "invalid_ballot"
    assert str(scene.entries[0].id) in missing.json()["detail"]
    zero = client.put(url, json={"ranks": [{**ranks[0], "rank": 0}, *ranks[1:]]}, headers=csrf)
    assert zero.status_code == 422
