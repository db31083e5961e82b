"""Juror quality: each juror's agreement with the rest of the jury, the round's
inter-rater reliability (Krippendorff's alpha), and the entries that split the jury most.

Votes come as ``(entry_id, juror_id, value)`` with values normalized to 0-1
(see :mod:`app.results.tally`); a juror votes at most once per entry. Ranking rounds have no
scores: their ballots become standings on the same scale first (:func:`ballot_standings`).
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from app.core.errors import InvalidInput

Vote = tuple[int, int, float]
"""(entry_id, juror_id, normalized value)"""

MIN_SHARED_ENTRIES = 3


@dataclass(frozen=True, slots=True)
class JurorAgreement:
    """``agreement`` is the Pearson correlation between the juror's votes and the mean of
    the other jurors' votes on the same entries, over the ``shared_entries`` that others
    voted on too; None with fewer than 3 such entries or when either side never varies.
    """

    juror_id: int
    votes: int
    mean_score: float
    shared_entries: int
    agreement: float | None


@dataclass(frozen=True, slots=True)
class Divisive:
    """``spread`` is the population variance of the entry's votes (0.25 is an even yes/no
    split, the most a 0-1 scale allows)."""

    entry_id: int
    spread: float
    mean: float
    votes: int


def ballot_standings(ranks: Iterable[tuple[int, int, int]]) -> list[Vote]:
    """Ranking votes ``(entry_id, juror_id, rank)`` as each entry's standing on its juror's
    ballot: 1 for first, 0 for last, evenly between, tied entries sharing the mean of the
    positions they cover. Agreement between ballots is then agreement between standings (a
    rank correlation). Ballots ranking fewer than two entries say nothing and are left out.
    """
    ballots: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for entry_id, juror_id, rank in ranks:
        ballots[juror_id].append((rank, entry_id))
    standings: list[Vote] = []
    for juror_id, ballot in ballots.items():
        ballot.sort()
        last = len(ballot) - 1
        if last < 1:
            continue
        start = 0
        while start <= last:
            end = start
            while end <= last and ballot[end][0] == ballot[start][0]:
                end += 1
            # Positions start..end-1 (0-based) are shared: their mean, as a standing.
            standing = 1.0 - (start + end - 1) / 2 / last
            standings += [(entry_id, juror_id, standing) for _, entry_id in ballot[start:end]]
            start = end
    return standings


def juror_agreement(votes: Iterable[Vote]) -> dict[int, JurorAgreement]:
    """Per juror: vote count, mean score given, and agreement with the rest of the jury."""
    by_entry = _by_entry(votes)
    totals = {e: (sum(v for _, v in vs), len(vs)) for e, vs in by_entry.items()}
    given: dict[int, list[float]] = defaultdict(list)
    # Pairs (own vote, mean of the others' votes) for entries someone else voted on too.
    paired: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for entry_id, entry_votes in by_entry.items():
        total, count = totals[entry_id]
        for juror_id, value in entry_votes:
            given[juror_id].append(value)
            if count > 1:
                own, others = paired[juror_id]
                own.append(value)
                others.append((total - value) / (count - 1))
    result = {}
    for juror_id in sorted(given):
        values = given[juror_id]
        own, others = paired.get(juror_id, ((), ()))
        result[juror_id] = JurorAgreement(
            juror_id=juror_id,
            votes=len(values),
            mean_score=math.fsum(values) / len(values),
            shared_entries=len(own),
            agreement=_pearson(own, others) if len(own) >= MIN_SHARED_ENTRIES else None,
        )
    return result


def krippendorff_alpha(
    votes: Iterable[Vote], *, metric: Literal["nominal", "interval"]
) -> float | None:
    """Krippendorff's alpha over entries (units) and jurors (coders), missing votes allowed.

    ``interval`` suits ratings, ``nominal`` yes/no. Entries with fewer than two votes carry
    no information on agreement and are left out. None when undefined: fewer than two
    pairable votes, or every pairable vote has the same value.
    """
    if metric not in ("nominal", "interval"):
        raise InvalidInput(
            f"Unknown agreement metric {metric!r}; use nominal or interval.", code="invalid_metric"
        )
    units = [vs for vs in _by_entry(votes).values() if len(vs) >= 2]
    n = sum(len(vs) for vs in units)
    if n < 2:
        return None
    # Sums over ordered pairs of values within a unit (observed) and across all pairable
    # values (expected), with the squared difference (interval) or inequality (nominal).
    observed = 0.0
    if metric == "interval":
        all_values = [v for vs in units for _, v in vs]
        for vs in units:
            values = [v for _, v in vs]
            m = len(values)
            observed += (
                2 * (m * math.fsum(x * x for x in values) - math.fsum(values) ** 2) / (m - 1)
            )
        expected = 2 * (n * math.fsum(x * x for x in all_values) - math.fsum(all_values) ** 2)
    else:
        overall: dict[float, int] = defaultdict(int)
        for vs in units:
            counts: dict[float, int] = defaultdict(int)
            for _, v in vs:
                counts[v] += 1
                overall[v] += 1
            m = len(vs)
            observed += (m * m - sum(c * c for c in counts.values())) / (m - 1)
        expected = n * n - sum(c * c for c in overall.values())
    # D_o = observed / n and D_e = expected / (n (n - 1)); alpha = 1 - D_o / D_e.
    if expected <= 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def most_divisive(votes: Iterable[Vote], *, limit: int) -> list[Divisive]:
    """The ``limit`` entries whose votes vary most (at least two votes each).

    Ordered by spread (highest first), then more votes, then entry id.
    """
    if limit < 0:
        raise InvalidInput(f"The limit must not be negative, got {limit}.", code="invalid_limit")
    rows = []
    for entry_id, entry_votes in _by_entry(votes).items():
        m = len(entry_votes)
        if m < 2:
            continue
        s1 = math.fsum(v for _, v in entry_votes)
        s2 = math.fsum(v * v for _, v in entry_votes)
        # One division of exact sums: equal spreads compare equal, whatever the vote order.
        rows.append(Divisive(entry_id, max(0.0, (m * s2 - s1 * s1) / (m * m)), s1 / m, m))
    rows.sort(key=lambda r: (-r.spread, -r.votes, r.entry_id))
    return rows[:limit]


def _by_entry(votes: Iterable[Vote]) -> dict[int, list[tuple[int, float]]]:
    by_entry: dict[int, list[tuple[int, float]]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for entry_id, juror_id, value in votes:
        key = (entry_id, juror_id)
        if key in seen:
            raise InvalidInput(
                f"Juror {juror_id} has more than one vote on entry {entry_id}.",
                code="duplicate_vote",
            )
        seen.add(key)
        by_entry[entry_id].append((juror_id, value))
    return by_entry


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    # Constant input makes the correlation undefined; checked exactly, because rounding in
    # the variance could otherwise turn a constant series into noise.
    if min(xs) == max(xs) or min(ys) == max(ys):
        return None
    n = len(xs)
    mx = math.fsum(xs) / n
    my = math.fsum(ys) / n
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
