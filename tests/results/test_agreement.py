"""Juror quality: leave-one-out agreement, Krippendorff's alpha, and divisive entries."""

import math
import random
from collections import defaultdict
from itertools import permutations

import pytest

from app.core.errors import InvalidInput
from app.results.agreement import (
    Divisive,
    ballot_standings,
    juror_agreement,
    krippendorff_alpha,
    most_divisive,
)

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), the example with
# missing data: 4 observers, 12 units, values 1-5, None where an observer gave none.
# Published: nominal alpha = 0.743, interval alpha = 0.849.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def reliability_votes(data=KRIPPENDORFF_2011, scale=lambda v: v):
    return [
        (unit, coder, scale(value))
        for coder, values in enumerate(data.values())
        for unit, value in enumerate(values, start=1)
        if value is not None
    ]


def coincidence_alpha(votes, delta) -> float | None:
    """Alpha straight from the definition: coincidence matrix, observed and expected
    disagreement. Slow and independent of the closed forms under test."""
    units = defaultdict(list)
    for unit, _, value in votes:
        units[unit].append(value)
    o = defaultdict(float)
    for values in units.values():
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(range(m), 2):
            o[values[a], values[b]] += 1 / (m - 1)
    labels = sorted({c for c, _ in o})
    n_c = {c: sum(o[c, k] for k in labels) for c in labels}
    n = sum(n_c.values())
    if n < 2:
        return None
    observed = sum(o[c, k] * delta(c, k) for c in labels for k in labels) / n
    expected = sum(n_c[c] * n_c[k] * delta(c, k) for c in labels for k in labels) / (n * (n - 1))
    return None if expected == 0 else 1 - observed / expected


def nominal(a, b):
    return float(a != b)


def interval(a, b):
    return (a - b) ** 2


@pytest.mark.parametrize(("metric", "published", "exact"), [
    ("nominal", 0.743, 0.743421052631579),
    ("interval", 0.849, 0.8491071428571428),
])  # fmt: skip
def test_alpha_matches_krippendorffs_published_example(metric, published, exact):
    alpha = krippendorff_alpha(reliability_votes(), metric=metric)
    assert round(alpha, 3) == published
    assert alpha == pytest.approx(exact, abs=1e-12)


@pytest.mark.parametrize(("metric", "delta"), [("nominal", nominal), ("interval", interval)])
def test_alpha_matches_the_coincidence_matrix_definition(metric, delta):
    votes = reliability_votes()
    assert krippendorff_alpha(votes, metric=metric) == pytest.approx(
        coincidence_alpha(votes, delta), abs=1e-12
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("metric", "delta", "values"), [
    ("nominal", nominal, [0.0, 1.0]),
    ("interval", interval, [0.0, 0.25, 0.5, 0.75, 1.0]),
])  # fmt: skip
def test_alpha_matches_the_definition_on_random_juries(seed, metric, delta, values):
    rng = random.Random(seed)
    votes = []
    for unit in range(rng.randint(5, 60)):
        truth = rng.choice(values)
        for juror in rng.sample(range(10), rng.randint(1, 4)):
            value = truth if rng.random() < 0.6 else rng.choice(values)
            votes.append((unit, juror, value))
    expected = coincidence_alpha(votes, delta)
    alpha = krippendorff_alpha(votes, metric=metric)
    if expected is None:
        assert alpha is None
    else:
        assert alpha == pytest.approx(expected, abs=1e-9)


def test_interval_alpha_is_the_same_on_the_normalized_scale():
    raw = krippendorff_alpha(reliability_votes(), metric="interval")
    normalized = krippendorff_alpha(
        reliability_votes(scale=lambda v: (v - 1) / 4), metric="interval"
    )
    assert normalized == pytest.approx(raw, abs=1e-12)


def test_entries_with_one_vote_do_not_change_alpha():
    votes = reliability_votes()
    with_singles = [*votes, (100, 0, 1.0), (101, 2, 5.0)]
    for metric in ("nominal", "interval"):
        assert krippendorff_alpha(with_singles, metric=metric) == krippendorff_alpha(
            votes, metric=metric
        )


@pytest.mark.parametrize(("votes", "metric", "expected"), [
    # Perfect agreement with some variety across entries.
    ([(1, 1, 1.0), (1, 2, 1.0), (2, 1, 0.0), (2, 2, 0.0)], "nominal", 1.0),
    ([(1, 1, 0.75), (1, 2, 0.75), (2, 1, 0.25), (2, 2, 0.25)], "interval", 1.0),
    # Every vote the same: no variation to agree on.
    ([(1, 1, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 2, 1.0)], "nominal", None),
    # No entry with two votes.
    ([(1, 1, 1.0), (2, 2, 0.0)], "interval", None),
    ([], "nominal", None),
])  # fmt: skip
def test_alpha_edge_cases(votes, metric, expected):
    assert krippendorff_alpha(votes, metric=metric) == expected


def test_unknown_metric_is_refused():
    with pytest.raises(InvalidInput, match="nominal or interval"):
        krippendorff_alpha([(1, 1, 1.0), (1, 2, 0.0)], metric="ordinal")


def test_juror_agreeing_with_the_jury_scores_one_and_a_contrarian_minus_one():
    votes = []
    for entry, value in enumerate([0.0, 0.25, 0.5, 0.75, 1.0, 0.5], start=1):
        votes += [(entry, juror, value) for juror in (1, 2, 3)] + [(entry, 4, 1.0 - value)]
    result = juror_agreement(votes)
    assert result[1].agreement == pytest.approx(1.0)
    assert result[4].agreement == pytest.approx(-1.0)
    assert result[4].shared_entries == 6


def test_agreement_is_correlation_with_the_leave_one_out_mean():
    votes = [
        (1, 1, 1.0), (1, 2, 1.0), (1, 3, 0.75),
        (2, 1, 0.0), (2, 2, 0.25), (2, 3, 0.0),
        (3, 1, 0.5), (3, 2, 1.0),
        (4, 1, 0.75), (4, 3, 0.5),
        (5, 2, 0.5),
    ]  # fmt: skip
    result = juror_agreement(votes)
    # Juror 1's votes on entries 1-4 against the others' means there.
    own = [1.0, 0.0, 0.5, 0.75]
    others = [0.875, 0.125, 1.0, 0.5]
    mx, my = sum(own) / 4, sum(others) / 4
    sxy = sum((x - mx) * (y - my) for x, y in zip(own, others, strict=True))
    sxx = sum((x - mx) ** 2 for x in own)
    syy = sum((y - my) ** 2 for y in others)
    assert result[1].agreement == pytest.approx(sxy / math.sqrt(sxx * syy))
    assert result[1].shared_entries == 4
    assert result[1].votes == 4
    assert result[1].mean_score == pytest.approx(2.25 / 4)
    # Juror 2 voted alone on entry 5: it counts for the mean, not the agreement.
    assert result[2].votes == 4
    assert result[2].shared_entries == 3
    assert result[2].mean_score == pytest.approx(2.75 / 4)


@pytest.mark.parametrize(("votes", "juror"), [
    # Only two entries shared with anyone.
    ([(1, 1, 1.0), (1, 2, 1.0), (2, 1, 0.0), (2, 2, 0.0), (3, 1, 0.5)], 1),
    # The juror always votes the same.
    ([(e, 1, 1.0) for e in range(5)] + [(e, 2, e / 4) for e in range(5)], 1),
    # The others always vote the same.
    ([(e, 1, e / 4) for e in range(5)] + [(e, 2, 0.5) for e in range(5)], 1),
])  # fmt: skip
def test_agreement_undefined_with_few_shared_entries_or_no_variation(votes, juror):
    assert juror_agreement(votes)[juror].agreement is None


def test_duplicate_votes_are_refused():
    with pytest.raises(InvalidInput, match="Juror 2 has more than one vote on entry 1"):
        juror_agreement([(1, 2, 1.0), (1, 3, 0.0), (1, 2, 0.0)])


def test_most_divisive_entries_come_first():
    votes = [
        (1, 1, 1.0), (1, 2, 1.0), (1, 3, 1.0),  # unanimous
        (2, 1, 1.0), (2, 2, 0.0),  # an even split, 2 votes
        (3, 1, 1.0), (3, 2, 0.0), (3, 3, 1.0), (3, 4, 0.0),  # an even split, 4 votes
        (4, 1, 0.0), (4, 2, 1.0),  # an even split, 2 votes, higher id
        (5, 1, 1.0), (5, 2, 1.0), (5, 3, 0.0),  # 2 to 1
        (6, 1, 0.0),  # a single vote: no split to measure
    ]  # fmt: skip
    result = most_divisive(votes, limit=10)
    assert [r.entry_id for r in result] == [3, 2, 4, 5, 1]
    assert result[0] == Divisive(entry_id=3, spread=0.25, mean=0.5, votes=4)
    assert result[3].spread == pytest.approx(2 / 9)
    assert result[4].spread == 0.0


@pytest.mark.parametrize(("limit", "count"), [(0, 0), (1, 1), (2, 2), (50, 3)])
def test_most_divisive_respects_the_limit(limit, count):
    votes = [(e, j, (e * j % 5) / 4) for e in range(1, 4) for j in range(1, 4)]
    assert len(most_divisive(votes, limit=limit)) == count


def test_most_divisive_refuses_a_negative_limit():
    with pytest.raises(InvalidInput):
        most_divisive([], limit=-1)


@pytest.mark.parametrize(("ranks", "expected"), [
    # (entry, rank) of one juror -> standings, 1 first and 0 last.
    ([(10, 1), (11, 2), (12, 3)], {10: 1.0, 11: 0.5, 12: 0.0}),
    ([(10, 1), (11, 1), (12, 2)], {10: 0.75, 11: 0.75, 12: 0.0}),
    # Rank numbers only order: gaps change nothing.
    ([(10, 2), (11, 7), (12, 9), (13, 40)], {10: 1.0, 11: 2 / 3, 12: 1 / 3, 13: 0.0}),
    ([(10, 1), (11, 1)], {10: 0.5, 11: 0.5}),
    ([(10, 1)], {}),  # one entry: no standing
])  # fmt: skip
def test_ballot_standings(ranks, expected):
    standings = ballot_standings([(entry, 7, rank) for entry, rank in ranks])
    assert {entry: value for entry, juror, value in standings if juror == 7} == pytest.approx(
        expected
    )
    assert len(standings) == len(expected)


def test_standings_keep_each_ballot_apart():
    standings = ballot_standings([(1, 7, 1), (2, 7, 2), (1, 8, 2), (2, 8, 1), (3, 8, 3)])
    assert sorted(standings) == [(1, 7, 1.0), (1, 8, 0.5), (2, 7, 0.0), (2, 8, 1.0), (3, 8, 0.0)]
