"""The Schulze method for ranking rounds, with ties reported and a documented tie-break.

A ballot ranks entries of the round: ``{entry_id: rank}``, lower is better, equal ranks are
ties. It may leave entries out, and then says nothing about them: a juror never ranks an
entry they could not hold (their own upload), and that must count neither for nor against
it. ``d[i][j]`` counts the ballots preferring entry i to entry j (both ranked); ``p[i][j]`` is the
strength of the strongest path from i to j (widest path over the links where d[i][j] >
d[j][i], weighted by d[i][j], "winning votes"). Entry i beats j when p[i][j] > p[j][i];
Schulze proved this relation transitive.

Places: the entries no remaining entry beats take the next place together, so entries the
method cannot separate share a place and are reported as a tie. Entries no ballot ranks have
no place; they come last (``unranked``), since nothing is known of them.

Tie-break (:data:`TIE_BREAK_RULE`), applied only inside a shared place: the better mean
position over the ballots that rank the entry first, where a ballot's tied entries share the
mean of the positions they cover (so 1, 2, 2, 4 and 1, 2, 2, 3 mean the same); then the lower
entry id. It is deterministic, needs no seed, and never puts an entry above one that beats it.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.core.errors import InvalidInput

TIE_BREAK_RULE = "mean_position_then_entry_id"
TIE_BREAK_DESCRIPTION = (
    "Entries the Schulze method ranks equal are ordered by their mean position over the"
    " ballots that rank them (tied entries on a ballot share the mean of the positions they"
    " cover), then by the lower entry id."
)

Ballot = Mapping[int, int]


@dataclass(frozen=True, slots=True)
class SchulzeResult:
    """``entries`` is the index order of ``d`` and ``p`` (ascending ids).

    ``places`` lists the entries sharing each place, best first, each place in tie-break
    order; ``order`` is the strict order after the tie-break (``places`` flattened, then
    ``unranked``, the entries no ballot ranks). ``mean_positions`` holds the ranked entries.
    ``tie_break_used`` says whether any place is shared.
    """

    entries: tuple[int, ...]
    d: tuple[tuple[int, ...], ...]
    p: tuple[tuple[int, ...], ...]
    places: tuple[tuple[int, ...], ...]
    order: tuple[int, ...]
    mean_positions: Mapping[int, float]
    tie_break_used: bool
    unranked: tuple[int, ...] = ()
    tie_break_rule: str = TIE_BREAK_RULE


def validate_ballot(
    *,
    entries: Collection[int],
    ballot: Ballot | Iterable[tuple[int, int]],
    complete: bool = True,
) -> dict[int, int]:
    """Check that a ballot ranks each of ``entries`` exactly once (or, unless ``complete``,
    at most once) with a positive whole rank, and nothing else.

    Accepts a mapping or ``(entry_id, rank)`` pairs (so that an entry ranked twice can be
    reported) and returns the ballot as a dict.
    """
    pairs = ballot.items() if isinstance(ballot, Mapping) else ballot
    ranks: dict[int, int] = {}
    duplicates: set[int] = set()
    for entry_id, rank in pairs:
        if entry_id in ranks:
            duplicates.add(entry_id)
        if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
            raise InvalidInput(
                f"The rank of entry {entry_id} must be a whole number of at least 1, got {rank!r}.",
                code="invalid_ballot",
            )
        ranks[entry_id] = rank
    if duplicates:
        raise InvalidInput(
            f"The ballot ranks {_entries_text(duplicates)} more than once.", code="invalid_ballot"
        )
    expected = entries if isinstance(entries, set | frozenset) else set(entries)
    unknown = ranks.keys() - expected
    if unknown:
        raise InvalidInput(
            f"The ballot ranks {_entries_text(unknown)}, which the round does not hold.",
            code="invalid_ballot",
        )
    if complete and len(ranks) != len(expected):
        missing = expected - ranks.keys()
        raise InvalidInput(
            f"The ballot does not rank {_entries_text(missing)}; it must rank every entry.",
            code="invalid_ballot",
        )
    return ranks


def schulze(*, entries: Iterable[int], ballots: Sequence[Ballot]) -> SchulzeResult:
    """Rank ``entries`` from ``ballots`` by the Schulze method; a ballot leaving an entry
    out says nothing about it."""
    ids = sorted(entries)
    if len(set(ids)) != len(ids):
        raise InvalidInput("Entry ids are listed more than once.", code="duplicate_ids")
    if not ids:
        raise InvalidInput("There are no entries to rank.", code="invalid_ballot")
    if not ballots:
        raise InvalidInput("There are no ballots to count.", code="invalid_ballot")
    id_set = frozenset(ids)
    rank_rows: list[list[int | None]] = []
    for number, ballot in enumerate(ballots, start=1):
        try:
            checked = validate_ballot(entries=id_set, ballot=ballot, complete=False)
        except InvalidInput as error:
            raise InvalidInput(f"Ballot {number}: {error.detail}", code=error.code) from None
        rank_rows.append([checked.get(e) for e in ids])

    n = len(ids)
    d = _pairwise(rank_rows, n)
    p = _strongest_paths(d)
    mean_positions = _mean_positions(rank_rows, ids)
    # An entry no ballot ranks would be beaten by none: it must not take a place.
    ranked = [i for i, e in enumerate(ids) if e in mean_positions]
    places = (
        _places(
            [[p[i][j] for j in ranked] for i in ranked], [ids[i] for i in ranked], mean_positions
        )
        if ranked
        else ()
    )
    unranked = tuple(e for e in ids if e not in mean_positions)
    return SchulzeResult(
        entries=tuple(ids),
        d=tuple(tuple(row) for row in d),
        p=tuple(tuple(row) for row in p),
        places=places,
        order=tuple(e for place in places for e in place) + unranked,
        mean_positions=mean_positions,
        tie_break_used=any(len(place) > 1 for place in places),
        unranked=unranked,
    )


def _pairwise(rank_rows: list[list[int | None]], n: int) -> list[list[int]]:
    d = [[0] * n for _ in range(n)]
    for ranks in rank_rows:
        for i, rank_i in enumerate(ranks):
            if rank_i is None:
                continue
            # bool adds as 0/1: one comprehension per row beats an explicit inner loop.
            d[i] = [c + (r is not None and rank_i < r) for c, r in zip(d[i], ranks, strict=True)]
    return d


def _strongest_paths(d: list[list[int]]) -> list[list[int]]:
    """p[i][j]: the widest path from i to j over the links where d[i][j] > d[j][i]."""
    n = len(d)
    columns = list(zip(*d, strict=True))
    links = [[a if a > b else 0 for a, b in zip(d[i], columns[i], strict=True)] for i in range(n)]
    weights = sorted({w for row in links for w in row if w})
    # Link strengths are ballot counts, so a jury of 3-15 has at most 15 of them; a
    # reachability pass per strength then beats the n³ Floyd-Warshall by far.
    if len(weights) * 3 < n:
        p = _widest_by_reachability(links, weights)
    else:
        p = _widest_by_floyd_warshall(links)
    # Both passes may fill the diagonal, which the method leaves undefined.
    for i in range(n):
        p[i][i] = 0
    return p


def _widest_by_reachability(links: list[list[int]], weights: list[int]) -> list[list[int]]:
    """For each strength w, ascending: every pair joined by links of strength >= w gets w.

    Reachability is a Floyd-Warshall transitive closure over rows held as int bitsets.
    """
    n = len(links)
    p = [[0] * n for _ in range(n)]
    for w in weights:
        reach = [int("".join(["1" if x >= w else "0" for x in reversed(row)]), 2) for row in links]
        for k in range(n):
            bit = 1 << k
            row_k = reach[k]
            reach = [r | row_k if r & bit else r for r in reach]
        for i in range(n):
            bits = format(reach[i], f"0{n}b")[::-1]
            p[i] = [w if c == "1" else x for c, x in zip(bits, p[i], strict=True)]
    return p


def _widest_by_floyd_warshall(links: list[list[int]]) -> list[list[int]]:
    """p[i][j] = max(p[i][j], min(p[i][k], p[k][j])), one row comprehension per (k, i).

    Written as a conditional expression because calling min() and max() n³ times costs
    several times more. Rows with p[i][k] = 0 cannot improve and are skipped.
    """
    n = len(links)
    p = [row[:] for row in links]
    for k in range(n):
        row_k = p[k]
        for i in range(n):
            if i == k:
                continue
            row_i = p[i]
            via = row_i[k]
            if not via:
                continue
            p[i] = [
                a if a >= via or a >= b else (b if b < via else via)
                for a, b in zip(row_i, row_k, strict=True)
            ]
    return p


def _mean_positions(rank_rows: list[list[int | None]], ids: list[int]) -> dict[int, float]:
    """Each ranked entry's mean position over the ballots that rank it (positions among the
    entries each ballot ranks)."""
    totals = [0.0] * len(ids)
    counts = [0] * len(ids)
    for ranks in rank_rows:
        by_rank = sorted((i for i, r in enumerate(ranks) if r is not None), key=ranks.__getitem__)
        n = len(by_rank)
        start = 0
        while start < n:
            end = start
            rank = ranks[by_rank[start]]
            while end < n and ranks[by_rank[end]] == rank:
                end += 1
            # Positions start..end-1 (0-based) are shared; their mean, 1-based.
            shared = (start + end + 1) / 2
            for index in by_rank[start:end]:
                totals[index] += shared
                counts[index] += 1
            start = end
    return {e: totals[i] / counts[i] for i, e in enumerate(ids) if counts[i]}


def _places(
    p: list[list[int]], ids: list[int], mean_positions: Mapping[int, float]
) -> tuple[tuple[int, ...], ...]:
    """Group entries into places: a place is one more than the deepest place of a beater.

    Because "beats" is transitive, an entry's beaters all have fewer beaters than it, so
    visiting entries by their number of beaters sees every beater first.
    """
    n = len(ids)
    columns = list(zip(*p, strict=True))
    beaters = [
        [j for j, (a, b) in enumerate(zip(columns[i], p[i], strict=True)) if a > b]
        for i in range(n)
    ]
    level = [0] * n
    for i in sorted(range(n), key=lambda i: len(beaters[i])):
        level[i] = 1 + max((level[j] for j in beaters[i]), default=-1)
    groups: list[list[int]] = [[] for _ in range(max(level) + 1)]
    for i, place in enumerate(level):
        groups[place].append(ids[i])
    return tuple(tuple(sorted(group, key=lambda e: (mean_positions[e], e))) for group in groups)


def _entries_text(entry_ids: Iterable[int]) -> str:
    ordered = sorted(entry_ids)
    shown = ", ".join(str(e) for e in ordered[:10])
    more = f" and {len(ordered) - 10} more" if len(ordered) > 10 else ""
    noun = "entry" if len(ordered) == 1 else "entries"
    return f"{noun} {shown}{more}"
