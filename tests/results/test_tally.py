"""Scoring rules: normalization, entry scores, the threshold table and who advances."""

import random

import pytest

from app.core.errors import InvalidInput
from app.results.tally import (
    Advancing,
    EntryScore,
    ThresholdRow,
    entry_scores,
    normalize,
    select_advancing,
    threshold_table,
)


@pytest.mark.parametrize(("method", "value", "expected"), [
    ("yes_no", 1, 1.0),
    ("yes_no", 0, 0.0),
    ("rating", 1, 0.0),
    ("rating", 2, 0.25),
    ("rating", 3, 0.5),
    ("rating", 4, 0.75),
    ("rating", 5, 1.0),
])  # fmt: skip
def test_votes_normalize_to_zero_one(method, value, expected):
    assert normalize(method=method, value=value) == expected


@pytest.mark.parametrize(("method", "value", "message"), [
    ("yes_no", 2, "must be one of 0, 1"),
    ("yes_no", -1, "must be one of 0, 1"),
    ("rating", 0, "must be one of 1, 2, 3, 4, 5"),
    ("rating", 6, "must be one of 1, 2, 3, 4, 5"),
    ("rating", 3.0, "got 3.0"),
    ("rating", "3", "got '3'"),
    ("ranking", 1, "have no score"),
    ("stars", 1, "have no score"),
])  # fmt: skip
def test_invalid_votes_are_refused(method, value, message):
    with pytest.raises(InvalidInput) as error:
        normalize(method=method, value=value)
    assert message in error.value.detail


@pytest.mark.parametrize(("votes", "expected"), [
    ([], {}),
    ([(1, 1.0)], {1: EntryScore(1.0, 1)}),
    ([(1, 1.0), (1, 0.0), (2, 0.25)], {1: EntryScore(0.5, 2), 2: EntryScore(0.25, 1)}),
    ([(7, 0.25), (7, 0.5), (7, 0.75), (7, 1.0)], {7: EntryScore(0.625, 4)}),
    ([(3, 1.0), (3, 1.0), (3, 0.0)], {3: EntryScore(2 / 3, 3)}),
])  # fmt: skip
def test_entry_score_is_mean_of_votes(votes, expected):
    assert entry_scores(votes) == expected


@pytest.mark.parametrize("seed", range(5))
def test_equal_means_are_equal_scores_whatever_the_vote_order(seed):
    rng = random.Random(seed)
    values = [rng.choice([0.0, 0.25, 0.5, 0.75, 1.0]) for _ in range(rng.randint(2, 15))]
    shuffled = values[:]
    rng.shuffle(shuffled)
    doubled = values * 2  # same mean, different sum and count
    scores = entry_scores(
        [(1, v) for v in values] + [(2, v) for v in shuffled] + [(3, v) for v in doubled]
    )
    assert scores[1].score == scores[2].score == scores[3].score


@pytest.mark.parametrize(("scores", "expected"), [
    ([], []),
    ([0.5], [(0.5, 1)]),
    ([0.0, 1.0, 0.5, 0.5, 1.0], [(1.0, 2), (0.5, 4), (0.0, 5)]),
    ([0.25, 0.25, 0.25], [(0.25, 3)]),
])  # fmt: skip
def test_threshold_table_counts_entries_at_or_above_each_score(scores, expected):
    assert threshold_table(scores) == [ThresholdRow(c, n) for c, n in expected]


@pytest.mark.parametrize("seed", range(5))
def test_threshold_table_agrees_with_minimum_score_selection(seed):
    rng = random.Random(seed)
    scores = {e: rng.randint(0, 12) / 12 for e in range(1, 300)}
    for row in threshold_table(scores.values()):
        assert len(select_advancing(scores=scores, min_score=row.cutoff).advancing) == row.passing


SCORES = {10: 0.9, 11: 0.75, 12: 0.75, 13: 0.75, 14: 0.5, 15: 1.0, 16: 0.5}


@pytest.mark.parametrize(("rule", "expected"), [
    ({"min_score": 0.75}, Advancing(advancing=(15, 10, 11, 12, 13))),
    ({"min_score": 0.95}, Advancing(advancing=(15,))),
    ({"min_score": 1.5}, Advancing(advancing=())),
    ({"min_score": 0.0}, Advancing(advancing=(15, 10, 11, 12, 13, 14, 16))),
    ({"top_n": 1}, Advancing(advancing=(15,))),
    ({"top_n": 2}, Advancing(advancing=(15, 10))),
    ({"top_n": 5}, Advancing(advancing=(15, 10, 11, 12, 13))),
    ({"top_n": 7}, Advancing(advancing=(15, 10, 11, 12, 13, 14, 16))),
    ({"top_n": 50}, Advancing(advancing=(15, 10, 11, 12, 13, 14, 16))),
    # The boundary falls inside the group at 0.75: the coordinator decides.
    ({"top_n": 3}, Advancing(
        advancing=(15, 10), tied_at_boundary=(11, 12, 13), boundary_score=0.75, open_slots=1
    )),
    ({"top_n": 4}, Advancing(
        advancing=(15, 10), tied_at_boundary=(11, 12, 13), boundary_score=0.75, open_slots=2
    )),
    ({"top_n": 6}, Advancing(
        advancing=(15, 10, 11, 12, 13), tied_at_boundary=(14, 16), boundary_score=0.5,
        open_slots=1,
    )),
])  # fmt: skip
def test_advancing_entries_and_boundary_ties(rule, expected):
    assert select_advancing(scores=SCORES, **rule) == expected


def test_top_n_never_advances_more_than_n_for_certain():
    rng = random.Random(1)
    scores = {e: rng.randint(0, 8) / 8 for e in range(1, 500)}
    for n in range(1, 500, 7):
        result = select_advancing(scores=scores, top_n=n)
        assert len(result.advancing) + result.open_slots == n
        if result.tied_at_boundary:
            assert 0 < result.open_slots < len(result.tied_at_boundary)
            assert all(scores[e] > result.boundary_score for e in result.advancing)
            assert all(scores[e] == result.boundary_score for e in result.tied_at_boundary)
        else:
            assert result.open_slots == 0


def test_no_entries_advance_from_no_scores():
    assert select_advancing(scores={}, top_n=3) == Advancing(advancing=())


@pytest.mark.parametrize(("rule", "message"), [
    ({}, "not both or neither"),
    ({"min_score": 0.5, "top_n": 3}, "not both or neither"),
    ({"top_n": 0}, "at least 1"),
    ({"top_n": -2}, "at least 1"),
    ({"top_n": 2.5}, "at least 1"),
    ({"min_score": float("nan")}, "must be a number"),
])  # fmt: skip
def test_invalid_advancing_rule_is_refused(rule, message):
    with pytest.raises(InvalidInput) as error:
        select_advancing(scores=SCORES, **rule)
    assert message in error.value.detail
