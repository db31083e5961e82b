"""Task assignment: which jurors vote on which entries, and how that changes mid-round.

Pure functions over ids; the rounds service loads the state, calls these and stores the result.

Rules kept here:

- every entry gets ``quorum`` distinct jurors, never one excluded from it (its uploader);
- jurors' loads differ by at most one, or are as even as the conflicts allow;
- the outcome is random but reproducible: inputs are sorted before any random draw, so the
  same inputs and seed give the same tasks whatever order the database returned them in.

A juror's *load* is every task they hold in the round, open and done. Balancing the total
assignment keeps the work fair over the whole round: a juror who has already voted a lot is
not handed more than the others because their queue happens to be short. Among jurors with
the same total, the one with the most open tasks gives work away first, which also helps the
round finish. Cancelled tasks are not passed in and count for nobody, nor do tasks of
disqualified entries: jurors never see those, so callers leave them out.

Done tasks never move. When a change cannot keep the loads even by itself (a removed juror's
tasks, a newcomer or a new quorum meet votes already cast or uploads), other open tasks move
between jurors as well, until the loads are as even as the done tasks and uploads allow.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from heapq import heapify, heappop, heappush
from itertools import pairwise
from random import Random

from app.core.errors import InvalidInput

Task = tuple[int, int]
"""(entry_id, juror_id)"""

_NO_CONFLICTS: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True, order=True)
class Move:
    """An open task handed from one juror to another."""

    entry_id: int
    from_juror: int
    to_juror: int


@dataclass(frozen=True, slots=True)
class QuorumChange:
    """Tasks to create, open tasks to cancel and open tasks to move, each sorted."""

    add: tuple[Task, ...]
    cancel: tuple[Task, ...]
    move: tuple[Move, ...]


def assign(
    *,
    entries: Iterable[tuple[int, frozenset[int]]],
    jurors: Iterable[int],
    quorum: int,
    seed: int,
) -> list[Task]:
    """Give every entry ``quorum`` distinct eligible jurors, balancing the jurors' loads.

    ``entries`` are ``(entry_id, excluded_juror_ids)``. Returns ``(entry_id, juror_id)`` pairs
    sorted by entry, then juror.
    """
    juror_ids = _unique_jurors(jurors)
    entry_list = sorted(entries, key=_first)
    _check_unique_entries(entry_list)
    _check_quorum(quorum, len(juror_ids))
    juror_set = set(juror_ids)
    conflicts: dict[int, frozenset[int]] = {}
    for entry_id, excluded in entry_list:
        if excluded and not juror_set.isdisjoint(excluded):
            conflicts[entry_id] = frozenset(juror_set.intersection(excluded))
    _check_enough_eligible(
        {e: len(juror_ids) - len(c) for e, c in conflicts.items()}, quorum, conflicts
    )

    rng = Random(seed)
    # Entries with conflicts go first, most constrained first, while every juror is still
    # free to take them; the stable sort keeps the shuffled order among equals.
    constrained = sorted(conflicts)
    rng.shuffle(constrained)
    constrained.sort(key=lambda e: -len(conflicts[e]))
    pool = _LeastLoaded(dict.fromkeys(juror_ids, 0), rng)
    tasks: list[Task] = []
    append = tasks.append
    for entry_id in constrained:
        for juror_id in pool.take(quorum, conflicts[entry_id]):
            append((entry_id, juror_id))

    free = [entry_id for entry_id, _ in entry_list if entry_id not in conflicts]
    loads = pool.loads()
    if _spread(loads) <= 1:
        picks = _layered_picks(loads, len(free), quorum, rng)
        tasks.extend(zip(_repeat_each(free, quorum), picks, strict=True))
    else:
        for entry_id in free:
            for juror_id in pool.take(quorum, _NO_CONFLICTS):
                append((entry_id, juror_id))
        if _spread(pool.loads()) > 1:
            # Greedy choices around conflicts can leave the loads uneven when a better
            # assignment exists; moving tasks along chains of jurors evens them out.
            tasks = _level(tasks, juror_ids, conflicts, rng)
    tasks.sort()
    return tasks


def reassign_removed(
    *,
    open_tasks: Iterable[Task],
    done_tasks: Iterable[Task],
    removed_juror: int,
    jurors: Iterable[int],
    excluded: Mapping[int, frozenset[int]],
    seed: int,
    change: str = "removed",
) -> list[Move]:
    """Hand a removed juror's open tasks to the least loaded jurors who can take them.

    ``jurors`` are the jurors who stay (``removed_juror`` is ignored if listed);
    ``excluded`` maps entry ids to the jurors who may not vote on them. A taker never
    already holds the entry, open or done. Done tasks never move. If the loads are still
    uneven after the hand-over, other open tasks move too, so the moves may include tasks of
    jurors who stay.
    ``change`` names the operation in a refusal ("removed", or "replaced").
    """
    stay = [j for j in _unique_jurors(jurors) if j != removed_juror]
    if not stay:
        raise InvalidInput(
            f"Juror {removed_juror} cannot be {change}: no other juror is left to take over"
            " their open tasks.",
            code="no_jurors",
        )
    open_list = sorted(open_tasks)
    done_list = sorted(done_tasks)
    loads = dict.fromkeys(stay, 0)
    holders = _holders(open_list, done_list, loads)
    to_move = [e for e, j in open_list if j == removed_juror]

    stay_set = set(stay)
    blocked = {
        e: frozenset(stay_set & (holders[e] | excluded.get(e, _NO_CONFLICTS))) for e in to_move
    }
    eligible = {e: len(stay) - len(b) for e, b in blocked.items()}
    stuck = sorted(e for e, n in eligible.items() if n < 1)
    if stuck:
        raise InvalidInput(
            f"Juror {removed_juror} cannot be {change}: no other juror can take over "
            f"{_list_entries(stuck)}, because every remaining juror already holds it or"
            " uploaded it.",
            code="no_eligible_juror",
        )

    rng = Random(seed)
    rng.shuffle(to_move)
    to_move.sort(key=eligible.__getitem__)
    pool = _LeastLoaded(loads, rng)
    taken = [(e, pool.take(1, blocked[e])[0]) for e in to_move]
    before = [t for t in open_list if t[1] in stay_set or t[1] == removed_juror]
    after = taken + [t for t in open_list if t[1] in stay_set]
    if _spread(pool.loads()) > 1:
        # The hand-over alone cannot always even the loads; moving the other jurors' open
        # tasks as well can. Handed-over tasks come first, so chains move them when they can.
        settled, done_loads = _settled(done_list, excluded, stay)
        after = _level(after, stay, settled, rng, fixed_loads=done_loads)
    _, moves, _ = _changes(before, after)
    return moves


def replace_juror(
    *,
    open_tasks: Iterable[Task],
    done_tasks: Iterable[Task],
    old_juror: int,
    new_juror: int,
    jurors: Iterable[int],
    excluded: Mapping[int, frozenset[int]],
    seed: int,
) -> list[Move]:
    """Give a leaving juror's open tasks to the juror who replaces them.

    ``jurors`` are the jurors who stay, ``new_juror`` among them. The newcomer takes every
    open task of ``old_juror`` they may take: not their own upload, nor an entry they already
    hold (a returning juror may have voted on some). The rest are handed over as a removal
    hands them, so the other jurors' queues change only where that is needed to take those
    tasks or to keep the loads within one.
    """
    open_list = sorted(open_tasks)
    done_list = sorted(done_tasks)
    held = {e for e, j in (*open_list, *done_list) if j == new_juror}
    shifted = [
        (e, new_juror)
        if j == old_juror and e not in held and new_juror not in excluded.get(e, _NO_CONFLICTS)
        else (e, j)
        for e, j in open_list
    ]
    stay = [j for j in _unique_jurors(jurors) if j != old_juror]
    if new_juror not in stay:
        stay.append(new_juror)
    # The votes the leaving juror cast now count for nobody, so the newcomer is that many
    # tasks short: they take them from the most loaded, as a new juror does. (Leveling
    # chains would get there too, but one task at a time, which is slow on a long round.)
    topped = take_over_for_new_juror(
        open_tasks=[t for t in shifted if t[1] != old_juror],
        done_tasks=done_list,
        new_juror=new_juror,
        jurors=stay,
        excluded=excluded,
        seed=seed,
    )
    after = _applied(shifted, topped)
    # What the newcomer may not take goes as a removal hands it over.
    rest = reassign_removed(
        open_tasks=after,
        done_tasks=done_list,
        removed_juror=old_juror,
        jurors=stay,
        excluded=excluded,
        seed=seed,
        change="replaced",
    )
    _, moves, _ = _changes(open_list, _applied(after, rest))
    return moves


def _applied(tasks: Iterable[Task], moves: Iterable[Move]) -> list[Task]:
    moved = {(m.entry_id, m.from_juror): m.to_juror for m in moves}
    return [(e, moved.get((e, j), j)) for e, j in tasks]


def take_over_for_new_juror(
    *,
    open_tasks: Iterable[Task],
    done_tasks: Iterable[Task],
    new_juror: int,
    jurors: Iterable[int],
    excluded: Mapping[int, frozenset[int]],
    seed: int,
) -> list[Move]:
    """Let a new juror take open tasks over from the most loaded jurors until loads are even.

    ``jurors`` are the round's jurors (the new one is added if missing). The new juror never
    takes an entry they are excluded from or already hold. If that leaves the loads uneven,
    other open tasks move too, until the loads are as even as the open tasks allow.
    """
    juror_list = list(jurors)
    if new_juror not in juror_list:
        juror_list.append(new_juror)
    juror_ids = _unique_jurors(juror_list)
    open_list = sorted(open_tasks)
    done_list = sorted(done_tasks)
    loads = dict.fromkeys(juror_ids, 0)
    holders = _holders(open_list, done_list, loads)

    rng = Random(seed)
    takeable: dict[int, list[int]] = {j: [] for j in juror_ids if j != new_juror}
    for entry_id, juror_id in open_list:
        if (
            juror_id in takeable
            and new_juror not in holders[entry_id]
            and new_juror not in excluded.get(entry_id, _NO_CONFLICTS)
        ):
            takeable[juror_id].append(entry_id)
    for entry_ids in takeable.values():
        rng.shuffle(entry_ids)

    # Most loaded first; among equals, the one with the longest queue of takeable tasks.
    donors = [(-loads[j], -len(t), rng.random(), j) for j, t in takeable.items()]
    heapify(donors)
    new_load = loads[new_juror]
    taken: set[int] = set()
    moves: list[Move] = []
    while donors:
        neg_load, _, _, donor = heappop(donors)
        load = -neg_load
        if load - new_load <= 1:
            break
        queue = takeable[donor]
        # Another donor may have held the same entry; the new juror takes it only once.
        while queue and queue[-1] in taken:
            queue.pop()
        if not queue:
            continue
        entry_id = queue.pop()
        taken.add(entry_id)
        moves.append(Move(entry_id, donor, new_juror))
        new_load += 1
        loads[donor] = load - 1
        heappush(donors, (-(load - 1), -len(queue), rng.random(), donor))
    loads[new_juror] = new_load
    if _spread(loads) > 1:
        # The most loaded had too few tasks the newcomer may take (done, or their upload);
        # moving other open tasks along chains evens the loads where possible.
        moved = {(m.entry_id, m.from_juror) for m in moves}
        before = [t for t in open_list if t[1] in loads]
        after = [(m.entry_id, new_juror) for m in moves] + [t for t in before if t not in moved]
        settled, done_loads = _settled(done_list, excluded, juror_ids)
        after = _level(after, juror_ids, settled, rng, fixed_loads=done_loads)
        _, moves, _ = _changes(before, after)
    moves.sort()
    return moves


def change_quorum(
    *,
    entries: Iterable[tuple[int, frozenset[int]]],
    open_tasks: Iterable[Task],
    done_tasks: Iterable[Task],
    jurors: Iterable[int],
    quorum: int,
    seed: int,
) -> QuorumChange:
    """Bring every entry to ``quorum`` tasks (open + done) after the quorum changed.

    Works from the tasks as they are rather than from the old quorum, so it also gives
    entries added to an active round their tasks. Going up, new tasks go to the least
    loaded eligible jurors not holding the entry. Going down, only open tasks are cancelled,
    chosen so the loads kept are as even as possible (from the most loaded jurors first);
    an entry with more done votes than the quorum keeps them all. If the done tasks leave
    the loads uneven all the same, open tasks also move between jurors. Tasks of entries
    not in ``entries`` (disqualified ones) are ignored.
    """
    juror_ids = _unique_jurors(jurors)
    entry_list = sorted(entries, key=_first)
    _check_unique_entries(entry_list)
    _check_quorum(quorum, len(juror_ids))
    listed = {entry_id for entry_id, _ in entry_list}
    open_list = sorted(t for t in open_tasks if t[0] in listed)
    done_list = sorted(t for t in done_tasks if t[0] in listed)
    loads = dict.fromkeys(juror_ids, 0)
    holders = _holders(open_list, done_list, loads)
    open_holders: dict[int, list[int]] = defaultdict(list)
    for entry_id, juror_id in open_list:
        open_holders[entry_id].append(juror_id)

    juror_set = set(juror_ids)
    blocked: dict[int, AbstractSet[int]] = {}
    available: dict[int, int] = {}
    for entry_id, excluded in entry_list:
        held = holders.get(entry_id, _NO_CONFLICTS)
        if len(held) < quorum:
            b = held | excluded if excluded else held
            blocked[entry_id] = b
            available[entry_id] = len(juror_ids) - len(juror_set.intersection(b))
    short = sorted(
        (e, available[e], quorum - len(holders.get(e, _NO_CONFLICTS)))
        for e in blocked
        if available[e] < quorum - len(holders.get(e, _NO_CONFLICTS))
    )
    if short:
        shown = "; ".join(
            f"entry {e} needs {need} more but {n} eligible juror(s) do not hold it yet"
            for e, n, need in short[:5]
        )
        more = f" (and {len(short) - 5} more entries)" if len(short) > 5 else ""
        raise InvalidInput(
            f"Quorum {quorum} cannot be reached: {shown}{more}.", code="quorum_too_high"
        )

    rng = Random(seed)
    order = [entry_id for entry_id, _ in entry_list]
    rng.shuffle(order)

    cancel: list[Task] = []
    for entry_id in order:
        held = holders.get(entry_id, _NO_CONFLICTS)
        excess = len(held) - quorum
        if excess <= 0 or entry_id not in open_holders:
            continue
        # Jurors no longer in the round weigh most, so their stray open tasks go first.
        ranked = sorted(
            open_holders[entry_id],
            key=lambda j: (-loads.get(j, 1 << 62), rng.random()),
        )
        for juror_id in ranked[:excess]:
            cancel.append((entry_id, juror_id))
            if juror_id in loads:
                loads[juror_id] -= 1
    if cancel and _spread(loads) > 1:
        cancel = _even_cancels(cancel, open_holders, loads, rng)

    add: list[Task] = []
    to_fill = [e for e in order if e in blocked]
    to_fill.sort(key=available.__getitem__)
    pool = _LeastLoaded(loads, rng)
    for entry_id in to_fill:
        need = quorum - len(holders.get(entry_id, _NO_CONFLICTS))
        for juror_id in pool.take(need, blocked[entry_id]):
            add.append((entry_id, juror_id))
    moves: list[Move] = []
    if _spread(pool.loads()) > 1:
        # Cancelling and adding cannot always even the loads (done tasks stay where they
        # are); moving open tasks as well can. New tasks come first, so chains move them first.
        cancelled = set(cancel)
        kept = [t for t in open_list if t not in cancelled]
        plan = add + [t for t in kept if t[1] in juror_set]
        settled, done_loads = _settled(done_list, dict(entry_list), juror_ids)
        plan = _level(plan, juror_ids, settled, rng, fixed_loads=done_loads)
        strays = [t for t in kept if t[1] not in juror_set]
        cancel, moves, add = _changes(open_list, plan + strays)
    add.sort()
    cancel.sort()
    return QuorumChange(add=tuple(add), cancel=tuple(cancel), move=tuple(moves))


def _even_cancels(
    cancel: list[Task], open_holders: Mapping[int, list[int]], loads: dict[int, int], rng: Random
) -> list[Task]:
    """Re-choose which open tasks of each entry to cancel so that the kept loads are as even
    as cancelling allows; ``loads`` are those after ``cancel`` and are updated.

    A cancel takes one task off its juror, so this levels the cancels themselves against the
    negated loads, each to a juror holding its entry open. The stray tasks of jurors no
    longer in the round stay cancelled.
    """
    ours = [t for t in cancel if t[1] in loads]
    for _, juror_id in ours:
        loads[juror_id] += 1
    not_open = {e: loads.keys() - open_holders[e] for e, _ in ours}
    negated = {j: -n for j, n in loads.items()}
    ours = _level(ours, list(loads), not_open, rng, fixed_loads=negated)
    for _, juror_id in ours:
        loads[juror_id] -= 1
    return [t for t in cancel if t[1] not in loads] + ours


class _LeastLoaded:
    """Jurors in a heap keyed by (load, random rank): least loaded first, ties at random."""

    __slots__ = ("_heap", "_random")

    def __init__(self, loads: Mapping[int, int], rng: Random) -> None:
        self._random = rng.random
        self._heap = [(load, self._random(), j) for j, load in loads.items()]
        heapify(self._heap)

    def take(self, count: int, blocked: AbstractSet[int]) -> list[int]:
        """The ``count`` least loaded jurors not in ``blocked``; each one's load goes up by 1.

        The caller has checked that enough jurors are eligible.
        """
        heap = self._heap
        picked = []
        if blocked:
            skipped = []
            while len(picked) < count:
                item = heappop(heap)
                (skipped if item[2] in blocked else picked).append(item)
            for item in skipped:
                heappush(heap, item)
        else:
            picked = [heappop(heap) for _ in range(count)]
        rand = self._random
        for load, _, juror_id in picked:
            heappush(heap, (load + 1, rand(), juror_id))
        return [item[2] for item in picked]

    def loads(self) -> dict[int, int]:
        return {j: load for load, _, j in self._heap}


def _layered_picks(loads: Mapping[int, int], count: int, quorum: int, rng: Random) -> list[int]:
    """``count * quorum`` juror ids to deal out in runs of ``quorum`` distinct jurors.

    ``loads`` must differ by at most one. The jurors one task behind come first, then
    whole random permutations of all jurors, so the loads still differ by at most one after
    any prefix; this is the fast path for entries without conflicts.
    """
    need = count * quorum
    top = max(loads.values())
    picks = [j for j, load in loads.items() if load < top]
    rng.shuffle(picks)
    shuffle = rng.shuffle
    juror_ids = list(loads)
    while len(picks) < need:
        layer = juror_ids[:]
        shuffle(layer)
        started = len(picks) % quorum
        if started:
            # A run straddles two permutations: its second part must avoid its first.
            tail = set(picks[-started:])
            head = [j for j in layer if j not in tail][: quorum - started]
            if head != layer[: quorum - started]:
                chosen = set(head)
                layer = head + [j for j in layer if j not in chosen]
        picks.extend(layer)
    del picks[need:]
    return picks


def _repeat_each(items: Sequence[int], times: int) -> list[int]:
    return [item for item in items for _ in range(times)]


def _level(
    tasks: list[Task],
    juror_ids: Sequence[int],
    blocked: Mapping[int, AbstractSet[int]],
    rng: Random,
    fixed_loads: Mapping[int, int] | None = None,
) -> list[Task]:
    """Even out loads by moving ``tasks`` along chains of jurors until no chain helps.

    Only ``tasks`` move; ``fixed_loads`` counts the tasks that stay put, and an entry's task
    never goes to a juror in ``blocked[entry]`` or to one already holding it. A chain
    s → … → t moves one task from each juror to the next, so only s loses one and only t
    gains one. Applying it whenever load(s) ≥ load(t) + 2 reaches an assignment where no
    such chain exists; for this kind of problem (each entry's tasks may go to a fixed set of
    jurors) that is known to minimise the largest load and maximise the smallest at once, so
    loads are as even as the constraints allow.
    """
    held: dict[int, dict[int, None]] = {j: {} for j in juror_ids}
    holders: dict[int, set[int]] = defaultdict(set)
    for entry_id, juror_id in tasks:
        held[juror_id][entry_id] = None
        holders[entry_id].add(juror_id)
    loads = {j: (fixed_loads or {}).get(j, 0) + len(held[j]) for j in juror_ids}
    order = list(juror_ids)
    rng.shuffle(order)

    while True:
        path = _find_chain(held, holders, blocked, loads, order)
        if path is None:
            break
        for entry_id, giver, taker in path:
            del held[giver][entry_id]
            held[taker][entry_id] = None
            holders[entry_id].remove(giver)
            holders[entry_id].add(taker)
        loads[path[-1][1]] -= 1
        loads[path[0][2]] += 1
    return [(e, j) for j, entry_ids in held.items() for e in entry_ids]


def _find_chain(
    held: Mapping[int, dict[int, None]],
    holders: Mapping[int, set[int]],
    blocked: Mapping[int, AbstractSet[int]],
    loads: Mapping[int, int],
    order: Sequence[int],
) -> list[tuple[int, int, int]] | None:
    """A chain of moves from a juror to one at least two tasks lighter, taker end first."""
    witnesses: dict[tuple[int, int], int | None] = {}

    def witness(giver: int, taker: int) -> int | None:
        """An entry ``giver`` holds that ``taker`` could take over, if any."""
        key = (giver, taker)
        if key not in witnesses:
            witnesses[key] = next(
                (
                    e
                    for e in held[giver]
                    if taker not in holders[e] and taker not in blocked.get(e, _NO_CONFLICTS)
                ),
                None,
            )
        return witnesses[key]

    # Lightest takers first, so a task goes straight to where it evens the loads most.
    takers = sorted(order, key=loads.__getitem__)
    lightest = loads[takers[0]]
    for source in sorted(order, key=lambda j: -loads[j]):
        source_load = loads[source]
        if source_load < lightest + 2:
            break  # nobody is two tasks lighter than this source or the ones after it
        parent: dict[int, tuple[int, int]] = {}
        queue = [source]
        seen = {source}
        for giver in queue:
            for taker in takers:
                if taker in seen:
                    continue
                entry_id = witness(giver, taker)
                if entry_id is None:
                    continue
                seen.add(taker)
                parent[taker] = (giver, entry_id)
                if loads[taker] <= source_load - 2:
                    path = []
                    node = taker
                    while node != source:
                        prev, e = parent[node]
                        path.append((e, prev, node))
                        node = prev
                    return path
                queue.append(taker)
    return None


def _holders(
    open_list: Iterable[Task], done_list: Iterable[Task], loads: dict[int, int]
) -> dict[int, set[int]]:
    """Who holds each entry (open or done); counts the loads of the jurors in ``loads``."""
    holders: dict[int, set[int]] = defaultdict(set)
    for tasks in (open_list, done_list):
        for entry_id, juror_id in tasks:
            holders[entry_id].add(juror_id)
            if juror_id in loads:
                loads[juror_id] += 1
    return holders


def _settled(
    done_list: Iterable[Task], excluded: Mapping[int, AbstractSet[int]], juror_ids: Iterable[int]
) -> tuple[dict[int, set[int]], dict[int, int]]:
    """What leveling open tasks must respect: per entry, the jurors who may not take it (its
    uploaders and those who voted on it), and each juror's count of done tasks."""
    blocked: dict[int, set[int]] = defaultdict(set)
    for entry_id, jurors in excluded.items():
        blocked[entry_id].update(jurors)
    done_loads = dict.fromkeys(juror_ids, 0)
    for entry_id, juror_id in done_list:
        blocked[entry_id].add(juror_id)
        if juror_id in done_loads:
            done_loads[juror_id] += 1
    return blocked, done_loads


def _changes(
    before: Iterable[Task], after: Iterable[Task]
) -> tuple[list[Task], list[Move], list[Task]]:
    """The cancels, moves and adds that turn open tasks ``before`` into ``after``.

    Per entry, a juror who loses it hands it to one who gains it where possible, so a task
    that only changes hands is moved rather than cancelled and created again.
    """
    lost: dict[int, set[int]] = defaultdict(set)
    gained: dict[int, set[int]] = defaultdict(set)
    for entry_id, juror_id in before:
        lost[entry_id].add(juror_id)
    for entry_id, juror_id in after:
        if juror_id in lost[entry_id]:
            lost[entry_id].remove(juror_id)
        else:
            gained[entry_id].add(juror_id)
    cancel: list[Task] = []
    moves: list[Move] = []
    add: list[Task] = []
    for entry_id in sorted(lost.keys() | gained.keys()):
        givers = sorted(lost[entry_id])
        takers = sorted(gained[entry_id])
        moves.extend(Move(entry_id, f, t) for f, t in zip(givers, takers, strict=False))
        cancel.extend((entry_id, j) for j in givers[len(takers) :])
        add.extend((entry_id, j) for j in takers[len(givers) :])
    return cancel, moves, add


def _unique_jurors(jurors: Iterable[int]) -> list[int]:
    juror_ids = sorted(jurors)
    if not juror_ids:
        raise InvalidInput("The round has no jurors.", code="no_jurors")
    dupes = sorted({a for a, b in pairwise(juror_ids) if a == b})
    if dupes:
        raise InvalidInput(f"Juror ids are listed more than once: {dupes}.", code="duplicate_ids")
    return juror_ids


def _check_unique_entries(entry_list: Sequence[tuple[int, frozenset[int]]]) -> None:
    dupes = sorted({a[0] for a, b in pairwise(entry_list) if a[0] == b[0]})
    if dupes:
        raise InvalidInput(f"Entry ids are listed more than once: {dupes}.", code="duplicate_ids")


def _check_quorum(quorum: int, juror_count: int) -> None:
    if quorum < 1:
        raise InvalidInput(f"Quorum must be at least 1, got {quorum}.", code="invalid_quorum")
    if quorum > juror_count:
        raise InvalidInput(
            f"Quorum {quorum} is above the number of jurors ({juror_count}).",
            code="quorum_too_high",
        )


def _check_enough_eligible(
    eligible: Mapping[int, int], quorum: int, conflicts: Mapping[int, frozenset[int]]
) -> None:
    short = sorted(e for e, n in eligible.items() if n < quorum)
    if not short:
        return
    shown = "; ".join(
        f"entry {e} has {eligible[e]} (jurors {sorted(conflicts[e])} uploaded it)"
        for e in short[:5]
    )
    more = f" (and {len(short) - 5} more entries)" if len(short) > 5 else ""
    raise InvalidInput(
        f"Quorum {quorum} is above the number of eligible jurors: {shown}{more}.",
        code="quorum_too_high",
    )


def _list_entries(entry_ids: Sequence[int]) -> str:
    shown = ", ".join(str(e) for e in entry_ids[:10])
    more = f" and {len(entry_ids) - 10} more" if len(entry_ids) > 10 else ""
    return f"entr{'y' if len(entry_ids) == 1 else 'ies'} {shown}{more}"


def _spread(loads: Mapping[int, int]) -> int:
    return max(loads.values()) - min(loads.values())


def _first(item: tuple[int, frozenset[int]]) -> int:
    return item[0]
