"""The Schulze method: published examples, ties, the tie-break, and ballot validation."""

import random

import pytest

from app.core.errors import InvalidInput
from app.results.schulze import TIE_BREAK_RULE, schulze, validate_ballot

A, B, C, D, E = 1, 2, 3, 4, 5
NAMES = {"A": A, "B": B, "C": C, "D": D, "E": E}


def ballots_from(groups: list[tuple[int, str]]) -> list[dict[int, int]]:
    """``(count, "A>B=C>D")`` groups as ballots; ``=`` marks a tie."""
    ballots = []
    for count, text in groups:
        ballot = {}
        for rank, tier in enumerate(text.split(">"), start=1):
            for name in tier.split("="):
                ballot[NAMES[name]] = rank
        ballots += [ballot] * count
    return ballots


# en.wikipedia.org/wiki/Schulze_method, the 45-voter example.
WIKIPEDIA = [
    (5, "A>C>B>E>D"),
    (5, "A>D>E>C>B"),
    (8, "B>E>D>A>C"),
    (3, "C>A>B>E>D"),
    (7, "C>A>E>B>D"),
    (2, "C>B>A>D>E"),
    (7, "D>C>E>B>A"),
    (8, "E>B>A>D>C"),
]


def test_wikipedia_example_ranks_e_a_c_b_d():
    result = schulze(entries=[A, B, C, D, E], ballots=ballots_from(WIKIPEDIA))
    assert result.order == (E, A, C, B, D)
    assert result.places == ((E,), (A,), (C,), (B,), (D,))
    assert not result.tie_break_used


def test_wikipedia_example_pairwise_and_strongest_paths():
    result = schulze(entries=[A, B, C, D, E], ballots=ballots_from(WIKIPEDIA))
    assert result.entries == (A, B, C, D, E)
    assert result.d == (
        (0, 20, 26, 30, 22),
        (25, 0, 16, 33, 18),
        (19, 29, 0, 17, 24),
        (15, 12, 28, 0, 14),
        (23, 27, 21, 31, 0),
    )
    assert result.p == (
        (0, 28, 28, 30, 24),
        (25, 0, 28, 33, 24),
        (25, 29, 0, 29, 24),
        (25, 28, 28, 0, 24),
        (25, 28, 28, 31, 0),
    )


@pytest.mark.parametrize(("groups", "places", "order"), [
    # A Condorcet cycle: nobody can be separated; all tie, broken by entry id.
    ([(1, "A>B>C"), (1, "B>C>A"), (1, "C>A>B")], ((A, B, C),), (A, B, C)),
    # Two opposite ballots cancel out.
    ([(1, "A>B"), (1, "B>A")], ((A, B),), (A, B)),
    # A and B tie and both beat C; C stays last.
    ([(1, "A>B>C"), (1, "B>A>C")], ((A, B), (C,)), (A, B, C)),
])  # fmt: skip
def test_schulze_ties_are_reported_as_shared_places(groups, places, order):
    entries = sorted({e for ballot in ballots_from(groups) for e in ballot})
    result = schulze(entries=entries, ballots=ballots_from(groups))
    assert result.places == places
    assert result.order == order
    assert result.tie_break_used
    assert result.tie_break_rule == TIE_BREAK_RULE


def test_tie_break_prefers_the_better_mean_position_over_entry_id():
    # A and B tie under Schulze (1 vote each way) and both beat C; A has the better
    # mean position (1 and 2, against 2.5 and 1), but B has the lower entry id.
    a, b, c = 20, 10, 30
    ballots = [{a: 1, b: 2, c: 2}, {b: 1, a: 2, c: 3}]
    result = schulze(entries=[a, b, c], ballots=ballots)
    assert result.places == ((a, b), (c,))
    assert result.order == (a, b, c)
    assert result.mean_positions == {a: 1.5, b: 1.75, c: 2.75}


@pytest.mark.parametrize(("competition", "dense"), [
    ({A: 1, B: 2, C: 2, D: 4}, {A: 1, B: 2, C: 2, D: 3}),
    ({A: 3, B: 3, C: 3, D: 10}, {A: 1, B: 1, C: 1, D: 2}),
    ({A: 5, B: 1, C: 9, D: 9}, {A: 2, B: 1, C: 3, D: 3}),
])  # fmt: skip
def test_ballot_with_ties_counts_by_order_not_rank_numbers(competition, dense):
    other = {A: 2, B: 1, C: 4, D: 3}
    first = schulze(entries=[A, B, C, D], ballots=[competition, other, competition])
    second = schulze(entries=[A, B, C, D], ballots=[dense, other, dense])
    assert first == second


def test_ballot_ties_count_for_neither_side():
    result = schulze(entries=[A, B, C], ballots=[{A: 1, B: 1, C: 2}, {A: 1, B: 2, C: 3}])
    assert result.d == ((0, 1, 2), (0, 0, 2), (0, 0, 0))
    assert result.order == (A, B, C)
    assert not result.tie_break_used


def test_an_entry_left_off_a_ballot_counts_neither_for_nor_against_it():
    # The second juror never held A (their own upload, say).
    result = schulze(entries=[A, B, C], ballots=[{A: 1, B: 2, C: 3}, {B: 1, C: 2}])
    assert result.d == ((0, 1, 1), (0, 0, 2), (0, 0, 0))
    assert result.order == (A, B, C)
    # Positions among the entries each ballot ranks, averaged over the ballots ranking it.
    assert result.mean_positions == {A: 1.0, B: 1.5, C: 2.5}


def test_an_entry_no_ballot_ranks_has_no_place_and_comes_last():
    result = schulze(entries=[A, B, C], ballots=[{B: 1, C: 2}, {B: 1}])
    assert result.places == ((B,), (C,))
    assert result.unranked == (A,)
    assert result.order == (B, C, A)
    assert A not in result.mean_positions


def test_unanimous_ballots_give_their_order():
    ballot = {e: rank for rank, e in enumerate([7, 3, 9, 1, 5], start=1)}
    result = schulze(entries=[1, 3, 5, 7, 9], ballots=[ballot] * 4)
    assert result.order == (7, 3, 9, 1, 5)
    assert not result.tie_break_used


def test_single_entry_takes_first_place():
    result = schulze(entries=[42], ballots=[{42: 1}])
    assert result.places == ((42,),)
    assert result.p == ((0,),)


def reference_strongest_paths(d: tuple[tuple[int, ...], ...]) -> list[list[int]]:
    """The textbook triple loop, as on Wikipedia, to check the fast versions against."""
    n = len(d)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for k in range(n):
                if k not in (i, j):
                    p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    return p


def random_ballots(rng: random.Random, n: int, count: int, noise: float, tie_rate: float):
    entries = list(range(100, 100 + n))
    quality = {e: rng.random() for e in entries}
    ballots = []
    for _ in range(count):
        order = sorted(entries, key=lambda e: quality[e] + rng.gauss(0, noise))
        ballot, rank = {}, 0
        for position, e in enumerate(order):
            if position == 0 or rng.random() >= tie_rate:
                rank += 1
            ballot[e] = rank
        ballots.append(ballot)
    return entries, ballots


# Few ballots against many entries take the reachability path, the others Floyd-Warshall.
@pytest.mark.parametrize(("n", "count", "noise", "tie_rate", "seed"), [
    (2, 1, 0.1, 0.0, 0),
    (6, 3, 0.5, 0.2, 1),
    (12, 5, 0.3, 0.0, 2),
    (30, 3, 0.2, 0.1, 3),
    (40, 7, 1.0, 0.3, 4),
    (25, 40, 0.5, 0.1, 5),
    (15, 100, 5.0, 0.0, 6),
    (60, 15, 0.3, 0.05, 7),
])  # fmt: skip
def test_strongest_paths_match_the_textbook_algorithm(n, count, noise, tie_rate, seed):
    entries, ballots = random_ballots(random.Random(seed), n, count, noise, tie_rate)
    result = schulze(entries=entries, ballots=ballots)
    assert [list(row) for row in result.p] == reference_strongest_paths(result.d)


@pytest.mark.parametrize("seed", range(10))
def test_no_entry_is_placed_below_one_it_beats(seed):
    rng = random.Random(seed)
    entries, ballots = random_ballots(rng, rng.randint(3, 40), rng.randint(1, 12), 2.0, 0.3)
    result = schulze(entries=entries, ballots=ballots)
    place_of = {e: i for i, place in enumerate(result.places) for e in place}
    position_of = {e: i for i, e in enumerate(result.order)}
    index = {e: i for i, e in enumerate(result.entries)}
    for x in entries:
        for y in entries:
            if result.p[index[x]][index[y]] > result.p[index[y]][index[x]]:
                assert place_of[x] < place_of[y]
                assert position_of[x] < position_of[y]
    assert sorted(result.order) == sorted(entries)


def test_result_does_not_depend_on_ballot_or_entry_order():
    entries, ballots = random_ballots(random.Random(3), 20, 6, 1.0, 0.2)
    first = schulze(entries=entries, ballots=ballots)
    again = schulze(entries=entries[::-1], ballots=ballots[::-1])
    assert first == again


def test_a_partial_ballot_is_valid_when_completeness_is_not_asked():
    assert validate_ballot(entries=[A, B, C], ballot={B: 2}, complete=False) == {B: 2}


@pytest.mark.parametrize(("ballot", "message"), [
    ({A: 1, B: 2}, "does not rank entry 3"),
    ({A: 1}, "does not rank entries 2, 3"),
    ({A: 1, B: 2, C: 3, 99: 4}, "ranks entry 99, which the round does not hold"),
    ([(A, 1), (B, 2), (C, 3), (A, 4)], "ranks entry 1 more than once"),
    ({A: 0, B: 1, C: 2}, "rank of entry 1 must be a whole number of at least 1, got 0"),
    ({A: 1, B: -3, C: 2}, "got -3"),
    ({A: 1, B: 1.5, C: 2}, "got 1.5"),
    ({A: 1, B: True, C: 2}, "got True"),
])  # fmt: skip
def test_invalid_ballots_are_refused(ballot, message):
    with pytest.raises(InvalidInput) as error:
        validate_ballot(entries=[A, B, C], ballot=ballot)
    assert message in error.value.detail


@pytest.mark.parametrize(("ballot", "expected"), [
    ({A: 1, B: 2, C: 3}, {A: 1, B: 2, C: 3}),
    ([(C, 1), (A, 1), (B, 7)], {A: 1, B: 7, C: 1}),
])  # fmt: skip
def test_valid_ballot_is_returned_as_dict(ballot, expected):
    assert validate_ballot(entries={A, B, C}, ballot=ballot) == expected


@pytest.mark.parametrize(("entries", "ballots", "message"), [
    ([A, B], [{A: 1, B: 2}, {A: 1, 99: 2}], "Ballot 2: The ballot ranks entry 99, which"),
    ([A, B], [], "no ballots"),
    ([], [{}], "no entries"),
    ([A, A, B], [{A: 1, B: 2}], "more than once"),
])  # fmt: skip
def test_schulze_refuses_invalid_input(entries, ballots, message):
    with pytest.raises(InvalidInput) as error:
        schulze(entries=entries, ballots=ballots)
    assert message in error.value.detail
