import pytest
from sqlmodel import Session, select, update

from app.core.errors import Conflict, InvalidInput, NotFound
from app.models import (
    AuditEvent,
    Flag,
    Round,
    RoundEntry,
    RoundResult,
    Task,
    Vote,
)
from app.results import service
from app.results.schemas import AdvanceRequest
from app.results.schulze import TIE_BREAK_DESCRIPTION, TIE_BREAK_RULE
from app.rounds.schemas import RoundCreate
from tests.factories import make_flag, make_task
from tests.results.scene import make_scene


def actions(session: Session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def next_round(name: str = "Round 2", **fields) -> RoundCreate:
    return RoundCreate(name=name, **fields)


def advance(session, scene, **fields):
    data = AdvanceRequest(next_round=fields.pop("next_round", next_round()), **fields)
    return service.advance(session, round_=scene.round, data=data, actor=scene.coordinator)


# -- scores ---------------------------------------------------------------------------------


def test_a_score_is_the_mean_of_normalized_votes_best_first(session):
    scene = make_scene(session, method="rating", entries=4)
    scene.votes(
        session,
        [
            [3, 4, None],  # 0.5, 0.75 -> 0.625
            [5, 5, 4],  # 1, 1, 0.75 -> 0.9166
            [None, None, None],  # no votes
            [1, 2, 1],  # 0, 0.25, 0 -> 0.0833
        ],
    )
    page = service.results(session, round_=scene.round)
    assert page.total == 4 and page.frozen is False and page.ranking is None
    ids = [r.round_entry_id for r in page.rows]
    assert ids == [scene.entries[i].id for i in (1, 0, 3, 2)]
    assert [r.score for r in page.rows] == [pytest.approx(11 / 12), 0.625, 1 / 12, None]
    assert [r.vote_count for r in page.rows] == [3, 2, 3, 0]
    top = page.rows[0]
    assert [(v.username, v.value, v.normalized) for v in top.votes] == [
        ("Juror A", 5, 1.0),
        ("Juror B", 5, 1.0),
        ("Juror C", 4, 0.75),
    ]
    assert top.entry.title.startswith("File:")
    assert top.entry.uploader.startswith("Uploader")


def test_yes_no_votes_score_one_and_zero(session):
    scene = make_scene(session, method="yes_no", entries=2)
    scene.votes(session, [[1, 0, 1], [0, 0, 0]])
    rows = service.results(session, round_=scene.round).rows
    assert [r.score for r in rows] == [pytest.approx(2 / 3), 0.0]


def test_disqualified_entries_and_their_votes_are_left_out(session):
    scene = make_scene(session, entries=3)
    scene.votes(session, [[5, 5, 5], [3, 3, 3], [1, 1, 1]])
    scene.entries[0].dq_code = "manual"
    session.flush()
    page = service.results(session, round_=scene.round)
    assert page.total == 2
    assert [r.round_entry_id for r in page.rows] == [scene.entries[1].id, scene.entries[2].id]


def test_equal_scores_keep_the_round_entry_order_and_pages_slice_the_table(session):
    scene = make_scene(session, entries=5)
    scene.votes(session, [[4], [4], [5], [4], [2]])
    page = service.results(session, round_=scene.round, offset=1, limit=2)
    assert page.total == 5 and page.offset == 1 and page.limit == 2
    assert [r.round_entry_id for r in page.rows] == [scene.entries[0].id, scene.entries[1].id]
    with pytest.raises(InvalidInput):
        service.results(session, round_=scene.round, limit=service.MAX_PAGE + 1)


def test_ranking_rounds_are_placed_by_schulze_with_ties_and_the_tie_break_shown(session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    # Juror A: e0 > e1 > e2; juror B: e1 > e0 > e2. e0 and e1 split 1:1, both beat e2.
    scene.ballot(session, 0, [1, 2, 3])
    scene.ballot(session, 1, [2, 1, 3])
    page = service.results(session, round_=scene.round)
    assert page.ranking.ballots == 2
    assert page.ranking.tie_break_used is True
    assert page.ranking.tie_break_rule == TIE_BREAK_RULE
    assert page.ranking.tie_break_description == TIE_BREAK_DESCRIPTION
    e0, e1, e2 = (e.id for e in scene.entries)
    by_id = {r.round_entry_id: r for r in page.rows}
    assert (by_id[e0].place, by_id[e1].place, by_id[e2].place) == (1, 1, 3)
    # Equal mean positions (1.5 each): the lower id goes first.
    assert [r.round_entry_id for r in page.rows] == [e0, e1, e2]
    assert [r.rank for r in page.rows] == [1, 2, 3]
    assert by_id[e2].mean_position == 3.0
    assert all(r.score is None for r in page.rows)
    assert [v.value for v in by_id[e2].votes] == [3, 3]


def test_a_shared_place_is_marked_tied_on_pages_without_its_partner(session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    scene.ballot(session, 0, [1, 2, 3])
    scene.ballot(session, 1, [2, 1, 3])  # e0 and e1 share place 1
    pages = [service.results(session, round_=scene.round, offset=i, limit=1) for i in range(3)]
    assert [(p.rows[0].place, p.rows[0].tied) for p in pages] == [(1, True), (1, True), (3, False)]


def test_a_ranking_ballot_missing_entries_it_holds_ranks_them_tied_last(session):
    scene = make_scene(session, method="ranking", entries=3, jurors=3)
    scene.ballot(session, 0, [3, 2, 1])
    scene.ballot(session, 1, [3, 2, 1])
    scene.vote(session, 2, 0, 1)  # juror C ranked only e0 of the three it holds
    scene.hold(session, 2, 1)
    scene.hold(session, 2, 2)
    page = service.results(session, round_=scene.round)
    assert page.ranking.ballots == 3 and page.ranking.incomplete_ballots == 1
    assert page.ranking.tie_break_used is False
    assert [r.round_entry_id for r in page.rows] == [e.id for e in reversed(scene.entries)]
    assert [r.place for r in page.rows] == [1, 2, 3]


def test_a_ranking_ballot_says_nothing_about_an_entry_its_juror_never_held(session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    # Juror A uploaded e0, so was never given it: A ranks e1 > e2; juror B ranks e0 > e1 > e2.
    scene.vote(session, 0, 1, 1)
    scene.vote(session, 0, 2, 2)
    scene.ballot(session, 1, [1, 2, 3])
    page = service.results(session, round_=scene.round)
    # Ranked last on A's ballot, e0 would only tie e1 (1:1); A's ballot is complete as held.
    assert [(r.round_entry_id, r.place) for r in page.rows] == [
        (scene.entries[0].id, 1),
        (scene.entries[1].id, 2),
        (scene.entries[2].id, 3),
    ]
    assert page.ranking.incomplete_ballots == 0


def test_a_ranking_round_without_ballots_has_no_places(session):
    scene = make_scene(session, method="ranking", entries=2)
    page = service.results(session, round_=scene.round)
    assert page.ranking.ballots == 0
    assert [r.place for r in page.rows] == [None, None]


# -- thresholds and preview -----------------------------------------------------------------


def test_the_threshold_table_counts_entries_at_or_above_each_score(session):
    scene = make_scene(session, entries=5)
    scene.votes(session, [[5], [4], [4], [2], [None]])
    table = service.thresholds(session, round_=scene.round)
    assert table.basis == "score" and table.entries == 5 and table.scored == 4
    assert [(r.cutoff, r.passing) for r in table.rows] == [(1.0, 1), (0.75, 3), (0.25, 4)]


@pytest.mark.parametrize(("method", "values"), [("rating", (1, 2, 3, 4, 5)), ("yes_no", (0, 1))])
def test_the_threshold_table_summed_by_the_database_matches_the_full_tally(session, method, values):
    import random

    from app.results.tally import threshold_table

    rng = random.Random(7)
    scene = make_scene(session, method=method, entries=40, jurors=5)
    scene.votes(
        session,
        [[rng.choice((None, *values)) for _ in range(5)] for _ in range(40)],
    )
    table = service.results_table(session, round_=scene.round)
    expected = threshold_table(r.score for r in table.rows if r.score is not None)
    got = service.thresholds(session, round_=scene.round)
    assert [(r.cutoff, r.passing) for r in got.rows] == [(r.cutoff, r.passing) for r in expected]
    assert got.scored == sum(1 for r in table.rows if r.score is not None)


def test_a_vote_off_the_scale_is_refused_by_every_tally(session):
    scene = make_scene(session, entries=1)
    scene.vote(session, 0, 0, 9)
    with pytest.raises(InvalidInput):
        service.thresholds(session, round_=scene.round)
    with pytest.raises(InvalidInput):
        service.results(session, round_=scene.round)


def test_the_threshold_table_of_a_ranking_round_counts_places(session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    scene.ballot(session, 0, [1, 2, 3])
    scene.ballot(session, 1, [2, 1, 3])
    table = service.thresholds(session, round_=scene.round)
    assert table.basis == "place"
    assert [(r.cutoff, r.passing) for r in table.rows] == [(1, 2), (3, 3)]


def test_preview_shows_the_group_tied_at_a_top_n_boundary(session):
    scene = make_scene(session, entries=5)
    scene.votes(session, [[5], [4], [4], [4], [1]])
    preview = service.preview_advance(session, round_=scene.round, top_n=2)
    assert [c.round_entry_id for c in preview.advancing] == [scene.entries[0].id]
    assert [c.round_entry_id for c in preview.tied_at_boundary] == [
        scene.entries[i].id for i in (1, 2, 3)
    ]
    assert preview.boundary_score == 0.75 and preview.open_slots == 1
    assert preview.tied_at_boundary[0].title.startswith("File:")

    by_score = service.preview_advance(session, round_=scene.round, min_score=0.75)
    assert len(by_score.advancing) == 4 and by_score.tied_at_boundary == []
    with pytest.raises(InvalidInput):
        service.preview_advance(session, round_=scene.round, min_score=0.5, top_n=2)
    with pytest.raises(InvalidInput):
        service.preview_advance(session, round_=scene.round)


# -- finalizing -----------------------------------------------------------------------------


def test_finalizing_freezes_results_cancels_open_tasks_and_records_the_outcome(session):
    scene = make_scene(session, entries=3)
    scene.votes(session, [[5, 3], [2, None], [None, None]])
    open_task = make_task(
        session, round=scene.round, juror=scene.jurors[1], round_entry=scene.entries[1]
    )
    service.finalize(session, round_=scene.round, actor=scene.coordinator)

    assert scene.round.status == "finalized" and scene.round.finalized_at is not None
    assert session.get(Task, open_task.id).status == "cancelled"
    done = session.exec(select(Task).where(Task.status == "done")).all()
    assert len(done) == 3
    results = {
        r.round_entry_id: r
        for r in session.exec(select(RoundResult).where(RoundResult.round_id == scene.round.id))
    }
    assert len(results) == 3
    first = results[scene.entries[0].id]
    assert (first.score, first.vote_count, first.place, first.advanced) == (0.75, 2, None, False)
    assert [v["value"] for v in first.details["votes"]] == [5, 3]
    assert first.details["votes"][0]["username"] == "Juror A"
    assert results[scene.entries[2].id].score is None
    outcome = scene.round.outcome
    assert outcome["method"] == "rating"
    assert outcome["counts"] == {
        "entries": 3,
        "scored": 2,
        "votes": 3,
        "jurors": 2,
        "cancelled_tasks": 1,
    }
    assert "round.finalize" in actions(session)


def test_frozen_results_ignore_later_changes_to_votes_and_entries(session):
    scene = make_scene(session, entries=2)
    scene.votes(session, [[5, 5], [1, 1]])
    service.finalize(session, round_=scene.round, actor=scene.coordinator)
    before = service.results(session, round_=scene.round)
    session.exec(update(Vote).values(value=3))
    scene.entries[0].dq_code = "manual"
    session.flush()
    after = service.results(session, round_=scene.round)
    assert after.frozen is True
    assert after.model_dump() == before.model_dump()
    assert [r.score for r in after.rows] == [1.0, 0.0]
    assert all(r.advanced is False for r in after.rows)
    thresholds = service.thresholds(session, round_=scene.round)
    assert thresholds.frozen and [(r.cutoff, r.passing) for r in thresholds.rows] == [
        (1.0, 1),
        (0.0, 2),
    ]


def test_finalizing_a_ranking_round_stores_places_and_the_tie_break(session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    scene.ballot(session, 0, [1, 2, 3])
    scene.ballot(session, 1, [2, 1, 3])
    live = service.results(session, round_=scene.round)
    service.finalize(session, round_=scene.round, actor=scene.coordinator)
    frozen = service.results(session, round_=scene.round)
    assert frozen.frozen is True
    assert [(r.round_entry_id, r.place, r.rank) for r in frozen.rows] == [
        (r.round_entry_id, r.place, r.rank) for r in live.rows
    ]
    assert frozen.ranking == live.ranking
    assert scene.round.outcome["ranking"]["tie_break_used"] is True
    assert scene.round.outcome["ranking"]["tie_break_rule"] == TIE_BREAK_RULE


def test_finalizing_twice_or_a_draft_round_is_a_conflict(session):
    scene = make_scene(session, entries=1)
    service.finalize(session, round_=scene.round, actor=scene.coordinator)
    with pytest.raises(Conflict):
        service.finalize(session, round_=scene.round, actor=scene.coordinator)
    draft = make_scene(session, status="draft")
    with pytest.raises(Conflict):
        service.finalize(session, round_=draft.round, actor=draft.coordinator)
    count = session.exec(select(RoundResult)).all()
    assert len(count) == 1


def test_a_paused_round_can_be_finalized(session):
    scene = make_scene(session, status="paused", entries=1)
    service.finalize(session, round_=scene.round, actor=scene.coordinator)
    assert scene.round.status == "finalized"


# -- advancing ------------------------------------------------------------------------------


def round_entries_of(session, round_id):
    return session.exec(select(RoundEntry).where(RoundEntry.round_id == round_id)).all()


def test_advancing_by_minimum_score_creates_a_draft_round_of_exactly_those_entries(session):
    scene = make_scene(session, entries=4)
    scene.votes(session, [[5, 4], [2, 2], [4, 4], [None, None]])
    juror_ids = [j.id for j in scene.jurors]
    new = advance(
        session,
        scene,
        min_score=0.75,
        next_round=next_round("Final", vote_method="ranking", juror_ids=juror_ids),
    )
    assert scene.round.status == "finalized"  # finalized on the way
    assert new.status == "draft" and new.campaign_id == scene.campaign.id
    assert new.name == "Final" and new.vote_method == "ranking"
    carried = round_entries_of(session, new.id)
    assert sorted(e.entry_id for e in carried) == sorted(scene.entries[i].entry_id for i in (0, 2))
    assert {e.source for e in carried} == {f"round:{scene.round.id}"}
    assert all(e.dq_code is None for e in carried)
    advanced = {
        r.round_entry_id: r.advanced
        for r in session.exec(select(RoundResult).where(RoundResult.round_id == scene.round.id))
    }
    assert advanced == {
        scene.entries[0].id: True,
        scene.entries[1].id: False,
        scene.entries[2].id: True,
        scene.entries[3].id: False,
    }
    summary = scene.round.outcome["advance"]
    assert summary["rule"] == "min_score" and summary["value"] == 0.75
    assert summary["advanced"] == 2 and summary["next_round_id"] == new.id
    assert summary["included_tied"] == []
    assert actions(session)[-3:] == ["round.finalize", "round.create", "round.advance"]


def test_advancing_the_top_n_lets_through_the_chosen_entries_tied_at_the_boundary(session):
    scene = make_scene(session, entries=5)
    scene.votes(session, [[5], [4], [4], [4], [1]])
    service.finalize(session, round_=scene.round, actor=scene.coordinator)
    e = [x.id for x in scene.entries]
    with pytest.raises(InvalidInput):
        advance(session, scene, top_n=2, include_tied=[e[4]])  # not in the tied group
    new = advance(session, scene, top_n=2, include_tied=[e[2]])
    carried = {r.entry_id for r in round_entries_of(session, new.id)}
    assert carried == {scene.entries[0].entry_id, scene.entries[2].entry_id}
    summary = scene.round.outcome["advance"]
    assert summary["rule"] == "top_n" and summary["value"] == 2
    assert summary["included_tied"] == [e[2]]
    assert summary["tied_at_boundary"] == [e[1], e[2], e[3]]
    assert summary["boundary_score"] == 0.75


def test_without_the_tied_group_only_the_certain_entries_advance(session):
    scene = make_scene(session, entries=3)
    scene.votes(session, [[5], [4], [4]])
    new = advance(session, scene, top_n=2)
    assert {r.entry_id for r in round_entries_of(session, new.id)} == {scene.entries[0].entry_id}


def test_a_ranking_round_advances_its_top_n_by_place(session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    scene.ballot(session, 0, [1, 2, 3])
    scene.ballot(session, 1, [2, 1, 3])
    e0, e1, _ = (x.id for x in scene.entries)
    preview = service.preview_advance(session, round_=scene.round, top_n=1)
    assert preview.basis == "place" and preview.boundary_place == 1
    assert [c.round_entry_id for c in preview.tied_at_boundary] == [e0, e1]
    with pytest.raises(InvalidInput):
        advance(session, scene, min_score=0.5)
    new = advance(session, scene, top_n=1, include_tied=[e0, e1])
    assert len(round_entries_of(session, new.id)) == 2


def test_advancing_is_refused_twice_for_cancelled_rounds_and_when_nothing_advances(session):
    scene = make_scene(session, entries=2)
    scene.votes(session, [[5], [1]])
    with pytest.raises(InvalidInput):  # a minimum score has no tied group
        advance(session, scene, min_score=1.0, include_tied=[scene.entries[1].id])
    advance(session, scene, min_score=0.5)
    with pytest.raises(Conflict):
        advance(session, scene, min_score=0.5)

    empty = make_scene(session, entries=1)
    with pytest.raises(InvalidInput):
        advance(session, empty, top_n=1)  # no votes: nothing to advance

    cancelled = make_scene(session, entries=1, status="cancelled")
    with pytest.raises(Conflict):
        advance(session, cancelled, top_n=1)
    draft = make_scene(session, entries=1, status="draft")
    with pytest.raises(Conflict):
        advance(session, draft, top_n=1)


# -- juror quality --------------------------------------------------------------------------


def test_quality_reports_agreement_alpha_and_the_most_divisive_entries(session):
    scene = make_scene(session, entries=4, jurors=4)
    scene.votes(session, [[5, 5, 1, 4], [4, 4, 2, 5], [2, 2, 4, 1], [1, 1, 5, 2]])
    quality = service.quality(session, round_=scene.round, limit=2)
    assert quality.alpha_metric == "interval" and quality.alpha is not None
    assert quality.alpha < 0.2
    jurors = {j.username: j for j in quality.jurors}
    assert jurors["Juror A"].votes == 4 and jurors["Juror A"].agreement > 0.5
    assert jurors["Juror C"].agreement < -0.5
    assert jurors["Juror C"].mean_score == pytest.approx(0.5)
    assert [d.round_entry_id for d in quality.divisive] == [
        scene.entries[0].id,
        scene.entries[3].id,
    ]
    assert quality.divisive[0].title.startswith("File:")


def test_quality_of_a_yes_no_round_uses_nominal_alpha_and_lists_idle_jurors(session):
    scene = make_scene(session, method="yes_no", entries=3, jurors=3)
    scene.votes(session, [[1, 1], [0, 0], [1, 1]])
    quality = service.quality(session, round_=scene.round)
    assert quality.alpha_metric == "nominal" and quality.alpha == 1.0
    idle = next(j for j in quality.jurors if j.username == "Juror C")
    assert idle.votes == 0 and idle.agreement is None and idle.mean_score is None


def test_quality_of_a_ranking_round_compares_the_ballots_standings(session):
    scene = make_scene(session, method="ranking", entries=4, jurors=4)
    scene.ballot(session, 0, [1, 2, 3, 4])
    scene.ballot(session, 1, [1, 2, 4, 3])
    scene.ballot(session, 2, [4, 3, 2, 1])  # the reverse of the others
    scene.ballot(session, 3, [1, 2, 3, 4])
    quality = service.quality(session, round_=scene.round, limit=1)
    assert quality.alpha_metric == "interval" and 0 < quality.alpha < 0.67
    jurors = {j.username: j for j in quality.jurors}
    assert jurors["Juror A"].agreement > 0.5 and jurors["Juror C"].agreement < -0.5
    assert [j.votes for j in quality.jurors] == [4, 4, 4, 4]
    assert all(j.mean_score is None for j in quality.jurors)
    # e0 is first on three ballots and last on one: it splits the jury most.
    assert [d.round_entry_id for d in quality.divisive] == [scene.entries[0].id]

    unanimous = make_scene(session, method="ranking", entries=3, jurors=3)
    for juror in range(3):
        unanimous.ballot(session, juror, [1, 2, 3])
    assert service.quality(session, round_=unanimous.round).alpha == 1.0


def test_quality_of_a_ranking_round_with_one_ballot_has_no_alpha_yet(session):
    scene = make_scene(session, method="ranking", entries=2, jurors=2)
    scene.ballot(session, 0, [1, 2])
    quality = service.quality(session, round_=scene.round)
    assert quality.alpha is None and quality.alpha_note
    assert [j.votes for j in quality.jurors] == [2, 0]


# -- flags ----------------------------------------------------------------------------------


def test_the_flag_queue_lists_open_flags_with_how_many_jurors_flagged_the_entry(session):
    scene = make_scene(session, entries=2)
    make_flag(session, round_entry=scene.entries[1], juror=scene.jurors[0], note="not mine")
    make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[0], reason="duplicate")
    make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[1], reason="other")
    make_flag(session, round_entry=scene.entries[1], juror=scene.jurors[2], status="dismissed")
    queue = service.flag_queue(session, round_=scene.round)
    assert [(f.round_entry_id, f.flag_count) for f in queue] == [
        (scene.entries[0].id, 2),
        (scene.entries[0].id, 2),
        (scene.entries[1].id, 2),
    ]
    assert queue[2].note == "not mine" and queue[2].juror.username == "Juror A"
    assert len(service.flag_queue(session, round_=scene.round, status="dismissed")) == 1
    with pytest.raises(InvalidInput):
        service.flag_queue(session, round_=scene.round, status="closed")


def test_dismissing_a_flag_closes_only_that_flag(session):
    scene = make_scene(session, entries=1)
    flag = make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[0])
    other = make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[1])
    review = service.dismiss_flag(
        session, round_=scene.round, flag_id=flag.id, actor=scene.coordinator
    )
    assert review.status == "dismissed"
    assert review.resolved_by.id == scene.coordinator.id and review.resolved_at is not None
    assert session.get(Flag, other.id).status == "open"
    assert session.get(RoundEntry, scene.entries[0].id).dq_code is None
    with pytest.raises(Conflict):
        service.dismiss_flag(session, round_=scene.round, flag_id=flag.id, actor=scene.coordinator)
    assert actions(session) == ["flag.dismiss"]


def test_disqualifying_a_flagged_entry_upholds_every_open_flag_on_it(session):
    scene = make_scene(session, entries=2)
    flag = make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[0])
    second = make_flag(
        session, round_entry=scene.entries[0], juror=scene.jurors[1], reason="duplicate"
    )
    elsewhere = make_flag(session, round_entry=scene.entries[1], juror=scene.jurors[0])
    review = service.disqualify_flagged(
        session, round_=scene.round, flag_id=flag.id, reason=None, actor=scene.coordinator
    )
    assert review.status == "upheld" and review.entry_dq_code == "flag"
    entry = session.get(RoundEntry, scene.entries[0].id)
    assert entry.dq_code == "flag" and entry.dq_by == scene.coordinator.id
    assert entry.dq_reason == "Flagged by jurors: copyright, duplicate"
    session.refresh(second)
    assert second.status == "upheld" and second.resolved_by == scene.coordinator.id
    assert session.get(Flag, elsewhere.id).status == "open"
    assert actions(session) == ["entry.disqualify", "flag.uphold"]
    with pytest.raises(Conflict):
        service.disqualify_flagged(
            session, round_=scene.round, flag_id=second.id, reason="x", actor=scene.coordinator
        )


def test_flags_of_another_round_are_not_found(session):
    scene = make_scene(session, entries=1)
    other = make_scene(session, entries=1)
    flag = make_flag(session, round_entry=other.entries[0], juror=other.jurors[0])
    with pytest.raises(NotFound):
        service.dismiss_flag(session, round_=scene.round, flag_id=flag.id, actor=scene.coordinator)


def test_a_flag_on_a_finalized_round_cannot_disqualify(session):
    scene = make_scene(session, entries=1)
    flag = make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[0])
    service.finalize(session, round_=scene.round, actor=scene.coordinator)
    with pytest.raises(Conflict):
        service.disqualify_flagged(
            session, round_=scene.round, flag_id=flag.id, reason="x", actor=scene.coordinator
        )


@pytest.mark.parametrize("entries", [30, 90])
def test_results_take_the_same_few_queries_whatever_the_round_size(session, entries):
    from tests.voting.scene import statements

    scene = make_scene(session, entries=entries, jurors=3)
    scene.votes(session, [[(i % 5) + 1, ((i + 1) % 5) + 1, None] for i in range(entries)])
    session.flush()
    with statements(session) as seen:
        service.results(session, round_=scene.round, limit=entries)
    # entries, scores, the page's entries, its votes, the jurors' names
    assert len(seen) == 5
    with statements(session) as seen:
        service.thresholds(session, round_=scene.round)
    assert len(seen) == 2


def test_finalizing_twice_at_once_freezes_one_set_of_results(db):
    """Two coordinators press "finalize" together: one wins, the other gets a conflict.
    (A real race on PostgreSQL; SQLite runs the two transactions one after the other.)"""
    import threading

    from sqlalchemy import func

    from app.models import User

    with Session(db) as session:
        scene = make_scene(session, entries=50, jurors=3)
        scene.votes(session, [[(i % 5) + 1, 3, None] for i in range(50)])
        session.commit()
        round_id, coordinator_id = scene.round.id, scene.coordinator.id

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def finalize() -> None:
        with Session(db, expire_on_commit=False) as session:
            target = session.get(Round, round_id)
            actor = session.get(User, coordinator_id)
            session.commit()  # start the race from a fresh transaction
            barrier.wait(timeout=10)
            try:
                service.finalize(session, round_=target, actor=actor)
                session.commit()
                outcomes.append("finalized")
            except Conflict:
                session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=finalize) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "finalized"]
    with Session(db) as session:
        count = session.scalar(
            select(func.count()).select_from(RoundResult).where(RoundResult.round_id == round_id)
        )
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "round.finalize")).all()
    assert count == 50
    assert len(events) == 1
