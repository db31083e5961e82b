"""Scores of yes/no and rating rounds, the threshold table, and who advances.

Votes are normalized to 0-1 (yes = 1, no = 0; stars s → (s - 1)/4) and an entry's score is
the mean of its normalized votes. Normalized values are multiples of 1/4, which floats hold
exactly, so sums are exact and two entries with the same mean get the very same float:
comparing scores with ``==`` (ties at a boundary, rows of the threshold table) is safe.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.core.errors import InvalidInput

_NORMALIZED = {
    "yes_no": {0: 0.0, 1: 1.0},
    "rating": {1: 0.0, 2: 0.25, 3: 0.5, 4: 0.75, 5: 1.0},
}


@dataclass(frozen=True, slots=True)
class EntryScore:
    score: float
    count: int


@dataclass(frozen=True, slots=True)
class ThresholdRow:
    """``passing`` entries have a score of at least ``cutoff``."""

    cutoff: float
    passing: int


@dataclass(frozen=True, slots=True)
class Advancing:
    """Who advances under a minimum score or a top N.

    ``advancing`` are certain to advance. For a top N whose boundary falls inside a group of
    equal scores, that whole group is in ``tied_at_boundary`` (with ``boundary_score``) and
    the coordinator picks ``open_slots`` of them, or takes them all. Lists are ordered by
    score (highest first), then entry id.
    """

    advancing: tuple[int, ...]
    tied_at_boundary: tuple[int, ...] = ()
    boundary_score: float | None = None
    open_slots: int = 0


def normalize(*, method: str, value: int) -> float:
    """A stored vote value on the 0-1 scale used for scores."""
    table = _NORMALIZED.get(method)
    if table is None:
        raise InvalidInput(
            f"Votes of method {method!r} have no score; only yes_no and rating do.",
            code="invalid_vote",
        )
    if not isinstance(value, int) or value not in table:
        allowed = ", ".join(str(v) for v in table)
        raise InvalidInput(
            f"A {method} vote must be one of {allowed}, got {value!r}.", code="invalid_vote"
        )
    return table[value]


def entry_scores(votes: Iterable[tuple[int, float]]) -> dict[int, EntryScore]:
    """Each entry's mean normalized vote and vote count, from ``(entry_id, value)`` pairs."""
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    sum_of, count_of = sums.get, counts.get
    for entry_id, value in votes:
        sums[entry_id] = sum_of(entry_id, 0.0) + value
        counts[entry_id] = count_of(entry_id, 0) + 1
    return {e: EntryScore(total / counts[e], counts[e]) for e, total in sums.items()}


def threshold_table(scores: Iterable[float]) -> list[ThresholdRow]:
    """For each distinct score, highest first, how many entries score at least that much."""
    passing = 0
    rows = []
    for cutoff, count in sorted(Counter(scores).items(), reverse=True):
        passing += count
        rows.append(ThresholdRow(cutoff, passing))
    return rows


def select_advancing(
    *,
    scores: Mapping[int, float],
    min_score: float | None = None,
    top_n: int | None = None,
) -> Advancing:
    """The entries advancing under exactly one of ``min_score`` or ``top_n``."""
    if (min_score is None) == (top_n is None):
        raise InvalidInput(
            "Choose either a minimum score or a top N to advance, not both or neither.",
            code="invalid_advance_rule",
        )
    ranked = sorted(scores.items(), key=_rank_key)
    if min_score is not None:
        if math.isnan(min_score):
            raise InvalidInput("The minimum score must be a number.", code="invalid_advance_rule")
        return Advancing(advancing=tuple(e for e, s in ranked if s >= min_score))

    assert top_n is not None
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
        raise InvalidInput(
            f"Top N must be a whole number of at least 1, got {top_n!r}.",
            code="invalid_advance_rule",
        )
    if top_n >= len(ranked) or ranked[top_n - 1][1] != ranked[top_n][1]:
        return Advancing(advancing=tuple(e for e, _ in ranked[:top_n]))
    boundary = ranked[top_n - 1][1]
    certain = tuple(e for e, s in ranked if s > boundary)
    return Advancing(
        advancing=certain,
        tied_at_boundary=tuple(e for e, s in ranked if s == boundary),
        boundary_score=boundary,
        open_slots=top_n - len(certain),
    )


def _rank_key(item: tuple[int, float]) -> tuple[float, int]:
    return (-item[1], item[0])
