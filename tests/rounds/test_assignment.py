"""Rules of task assignment and rebalancing, checked on plain ids."""

import itertools
import random
from collections import Counter, defaultdict

import pytest

from app.core.errors import InvalidInput
from app.rounds.assignment import (
    Move,
    assign,
    change_quorum,
    reassign_removed,
    replace_juror,
    take_over_for_new_juror,
)

NONE: frozenset[int] = frozenset()


def plain(count: int, start: int = 1) -> list[tuple[int, frozenset[int]]]:
    return [(e, NONE) for e in range(start, start + count)]


def loads_of(tasks, jurors) -> Counter:
    """Tasks per juror listed: the votes of a juror who left count for nobody."""
    loads = Counter(dict.fromkeys(jurors, 0))
    loads.update(j for _, j in tasks if j in loads)
    return loads


def spread(tasks, jurors) -> int:
    loads = loads_of(tasks, jurors)
    return max(loads.values()) - min(loads.values())


def random_conflicts(rng: random.Random, entries: int, jurors: list[int], rate: float):
    """Entries where, with probability ``rate``, one juror is the uploader."""
    return [
        (e, frozenset({rng.choice(jurors)}) if rng.random() < rate else NONE)
        for e in range(1, entries + 1)
    ]


def check_valid(tasks, entries, jurors, quorum) -> None:
    excluded = dict(entries)
    by_entry: dict[int, list[int]] = {}
    for e, j in tasks:
        by_entry.setdefault(e, []).append(j)
    assert set(by_entry) == set(excluded)
    for e, holders in by_entry.items():
        assert len(holders) == quorum
        assert len(set(holders)) == quorum
        assert set(holders) <= set(jurors)
        assert not set(holders) & excluded[e]


SIZES = [
    # entries, jurors, quorum, seed
    (1, 1, 1, 0),
    (1, 5, 5, 1),
    (7, 3, 2, 2),
    (10, 4, 3, 3),
    (100, 7, 3, 4),
    (101, 12, 5, 5),
    (1000, 10, 3, 6),
    (999, 13, 4, 7),
    (500, 3, 3, 8),
    (2000, 12, 3, 9),
]


@pytest.mark.parametrize(("entries", "jurors", "quorum", "seed"), SIZES)
def test_every_entry_gets_quorum_distinct_jurors(entries, jurors, quorum, seed):
    entry_list = plain(entries)
    juror_ids = list(range(100, 100 + jurors))
    tasks = assign(entries=entry_list, jurors=juror_ids, quorum=quorum, seed=seed)
    check_valid(tasks, entry_list, juror_ids, quorum)


@pytest.mark.parametrize(("entries", "jurors", "quorum", "seed"), SIZES)
def test_loads_differ_by_at_most_one(entries, jurors, quorum, seed):
    juror_ids = list(range(100, 100 + jurors))
    tasks = assign(entries=plain(entries), jurors=juror_ids, quorum=quorum, seed=seed)
    assert spread(tasks, juror_ids) <= 1


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("entries", "jurors", "quorum", "rate", "even"), [
    (300, 5, 3, 0.05, True),
    (300, 5, 4, 0.3, True),
    (1000, 12, 3, 0.1, True),
    # Every conflicted entry needs all its eligible jurors: the uploads decide the loads.
    (200, 4, 3, 0.9, False),
    (50, 3, 2, 1.0, False),
])  # fmt: skip
def test_never_assigns_own_upload(seed, entries, jurors, quorum, rate, even):
    rng = random.Random(seed)
    juror_ids = list(range(1, jurors + 1))
    entry_list = random_conflicts(rng, entries, juror_ids, rate)
    tasks = assign(entries=entry_list, jurors=juror_ids, quorum=quorum, seed=seed)
    check_valid(tasks, entry_list, juror_ids, quorum)
    if even:
        assert spread(tasks, juror_ids) <= 1


def test_levels_loads_where_a_greedy_choice_would_not():
    # Only e1 -> A, e2 -> C, e3 -> B is even; a greedy pass can give A or B two entries.
    a, b, c = 1, 2, 3
    entries = [(11, frozenset({c})), (12, frozenset({a})), (13, frozenset({c}))]
    for seed in range(30):
        tasks = assign(entries=entries, jurors=[a, b, c], quorum=1, seed=seed)
        check_valid(tasks, entries, [a, b, c], 1)
        assert loads_of(tasks, [a, b, c]) == {a: 1, b: 1, c: 1}


def best_spread(entries, jurors, quorum) -> int:
    """The most even spread any valid assignment reaches, by brute force."""
    choices = [
        list(itertools.combinations([j for j in jurors if j not in excluded], quorum))
        for _, excluded in entries
    ]
    best = None
    for combo in itertools.product(*choices):
        loads = Counter(dict.fromkeys(jurors, 0))
        for picked in combo:
            loads.update(picked)
        value = max(loads.values()) - min(loads.values())
        best = value if best is None else min(best, value)
    return best


@pytest.mark.parametrize("seed", range(60))
def test_loads_as_even_as_conflicts_allow(seed):
    rng = random.Random(seed)
    juror_ids = list(range(1, rng.randint(2, 4) + 1))
    quorum = rng.randint(1, len(juror_ids) - 1)
    entries = []
    for e in range(1, rng.randint(2, 5) + 1):
        excluded = frozenset(j for j in juror_ids if rng.random() < 0.5)
        if len(juror_ids) - len(excluded) < quorum:
            excluded = NONE
        entries.append((e, excluded))
    tasks = assign(entries=entries, jurors=juror_ids, quorum=quorum, seed=seed)
    check_valid(tasks, entries, juror_ids, quorum)
    assert spread(tasks, juror_ids) == best_spread(entries, juror_ids, quorum)


@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_same_seed_gives_same_tasks_whatever_input_order(seed):
    rng = random.Random(99)
    juror_ids = list(range(1, 9))
    entries = random_conflicts(rng, 400, juror_ids, 0.1)
    first = assign(entries=entries, jurors=juror_ids, quorum=3, seed=seed)
    shuffled_entries = entries[:]
    rng.shuffle(shuffled_entries)
    again = assign(entries=shuffled_entries, jurors=list(reversed(juror_ids)), quorum=3, seed=seed)
    assert again == first


def test_different_seeds_give_different_tasks():
    juror_ids = list(range(1, 11))
    first = assign(entries=plain(200), jurors=juror_ids, quorum=3, seed=1)
    second = assign(entries=plain(200), jurors=juror_ids, quorum=3, seed=2)
    assert first != second


def test_jury_panels_are_mixed_not_fixed_groups():
    # 12 jurors in threes: a round-robin over a fixed order would only ever form 4 panels.
    tasks = assign(entries=plain(600), jurors=range(1, 13), quorum=3, seed=5)
    panels = {}
    for e, j in tasks:
        panels.setdefault(e, set()).add(j)
    assert len({frozenset(p) for p in panels.values()}) > 50


def test_no_entries_give_no_tasks():
    assert assign(entries=[], jurors=[1, 2], quorum=2, seed=0) == []


@pytest.mark.parametrize(("entries", "jurors", "quorum", "message"), [
    (plain(3), [1, 2, 3], 0, "Quorum must be at least 1"),
    (plain(3), [1, 2, 3], 4, "above the number of jurors (3)"),
    (plain(3), [], 1, "no jurors"),
    (plain(3), [1, 2, 2], 1, "Juror ids are listed more than once: [2]"),
    ([(1, NONE), (1, NONE)], [1, 2], 1, "Entry ids are listed more than once: [1]"),
    ([(1, NONE), (7, frozenset({1}))], [1, 2], 2, "entry 7 has 1"),
])  # fmt: skip
def test_impossible_settings_are_refused(entries, jurors, quorum, message):
    with pytest.raises(InvalidInput) as error:
        assign(entries=entries, jurors=jurors, quorum=quorum, seed=0)
    assert message in error.value.detail


def split_done(tasks, rng: random.Random, done_rate: float):
    done = [t for t in tasks if rng.random() < done_rate]
    done_set = set(done)
    return [t for t in tasks if t not in done_set], done


def apply_moves(open_tasks, moves):
    moved = {(m.entry_id, m.from_juror): m.to_juror for m in moves}
    assert len(moved) == len(moves) and moved.keys() <= set(open_tasks)
    return [(e, moved.get((e, j), j)) for e, j in open_tasks]


def apply_change(open_tasks, change):
    """The open tasks after a quorum change."""
    cancelled = set(change.cancel)
    assert cancelled <= set(open_tasks)
    kept = [t for t in open_tasks if t not in cancelled]
    return apply_moves(kept, change.move) + list(change.add)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("done_rate", [0.0, 0.4, 0.9])
def test_removed_jurors_open_tasks_go_to_others_not_holding_the_entry(seed, done_rate):
    rng = random.Random(seed)
    juror_ids = list(range(1, 9))
    entries = random_conflicts(rng, 300, juror_ids, 0.1)
    tasks = assign(entries=entries, jurors=juror_ids, quorum=3, seed=seed)
    open_tasks, done_tasks = split_done(tasks, rng, done_rate)
    removed = 3
    stay = [j for j in juror_ids if j != removed]
    moves = reassign_removed(
        open_tasks=open_tasks,
        done_tasks=done_tasks,
        removed_juror=removed,
        jurors=stay,
        excluded=dict(entries),
        seed=seed,
    )
    theirs = sorted(e for e, j in open_tasks if j == removed)
    assert sorted(m.entry_id for m in moves if m.from_juror == removed) == theirs
    assert all(m.to_juror in stay for m in moves)
    after = apply_moves(open_tasks, moves) + done_tasks
    assert len(set(after)) == len(after)  # nobody holds an entry twice
    excluded = dict(entries)
    assert not any(j in excluded[e] for e, j in after)
    remaining = [(e, j) for e, j in after if j != removed]
    # Done tasks of the removed juror count for nobody; the rest stay even.
    assert spread(remaining, stay) <= 1


def test_removed_jurors_done_tasks_never_move():
    moves = reassign_removed(
        open_tasks=[(1, 2)],
        done_tasks=[(2, 9), (3, 9)],
        removed_juror=9,
        jurors=[1, 2],
        excluded={},
        seed=0,
    )
    assert moves == []


def test_removed_tasks_go_to_least_loaded_first():
    # Juror 1 holds ten tasks, jurors 2 and 3 one each; juror 9 leaves with two open tasks.
    busy = [(e, 1) for e in range(100, 110)]
    moves = reassign_removed(
        open_tasks=[*busy, (1, 9), (2, 9)],
        done_tasks=[(3, 2), (4, 3)],
        removed_juror=9,
        jurors=[1, 2, 3],
        excluded={},
        seed=0,
    )
    assert sorted(m.to_juror for m in moves if m.from_juror == 9) == [2, 3]


def test_removal_moves_other_open_tasks_when_the_hand_over_alone_leaves_loads_uneven():
    # Only juror 2 may take entry 10 (juror 1 uploaded it, juror 3 voted on it): juror 2
    # ends with three tasks and juror 1 with one, unless juror 2 passes another task on.
    open_tasks = [(10, 9), (11, 2), (13, 3), (14, 2)]
    done = [(10, 3), (12, 1)]
    moves = reassign_removed(
        open_tasks=open_tasks, done_tasks=done, removed_juror=9, jurors=[1, 2, 3],
        excluded={10: frozenset({1})}, seed=0,
    )  # fmt: skip
    assert Move(10, 9, 2) in moves
    assert loads_of(apply_moves(open_tasks, moves) + done, [1, 2, 3]) == {1: 2, 2: 2, 3: 2}


def test_removal_refused_when_nobody_can_take_an_entry():
    with pytest.raises(InvalidInput) as error:
        reassign_removed(
            open_tasks=[(5, 9), (6, 9)],
            done_tasks=[(5, 1)],
            removed_juror=9,
            jurors=[1, 2, 9],
            excluded={5: frozenset({2})},
            seed=0,
        )
    assert "entry 5" in error.value.detail


def test_removal_refused_when_no_juror_remains():
    with pytest.raises(InvalidInput, match="no other juror"):
        reassign_removed(
            open_tasks=[(5, 9)], done_tasks=[], removed_juror=9, jurors=[9], excluded={}, seed=0
        )


def test_reassignment_is_reproducible():
    rng = random.Random(4)
    tasks = assign(entries=plain(200), jurors=range(1, 7), quorum=2, seed=4)
    open_tasks, done_tasks = split_done(tasks, rng, 0.5)
    runs = [
        reassign_removed(open_tasks=o, done_tasks=d, removed_juror=2, jurors=j, excluded={}, seed=8)
        for o, d, j in [
            (open_tasks, done_tasks, [1, 3, 4, 5, 6]),
            (open_tasks[::-1], done_tasks[::-1], [6, 5, 4, 3, 1]),
        ]
    ]
    assert runs[0] == runs[1]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("jurors", "done_rate"), [(4, 0.0), (8, 0.3), (12, 0.5)])
def test_new_juror_takes_over_until_loads_are_even(seed, jurors, done_rate):
    rng = random.Random(seed)
    juror_ids = list(range(1, jurors + 1))
    entries = random_conflicts(rng, 600, [*juror_ids, 99], 0.1)
    tasks = assign(
        entries=[(e, ex - {99}) for e, ex in entries], jurors=juror_ids, quorum=3, seed=seed
    )
    open_tasks, done_tasks = split_done(tasks, rng, done_rate)
    moves = take_over_for_new_juror(
        open_tasks=open_tasks,
        done_tasks=done_tasks,
        new_juror=99,
        jurors=juror_ids,
        excluded=dict(entries),
        seed=seed,
    )
    assert any(m.to_juror == 99 for m in moves)
    excluded = dict(entries)
    assert not any(m.to_juror in excluded[m.entry_id] for m in moves)
    after = apply_moves(open_tasks, moves) + done_tasks
    assert len(set(after)) == len(after)
    assert spread(after, [*juror_ids, 99]) <= 1


def test_new_juror_takes_from_the_most_loaded():
    open_tasks = [(e, 1) for e in range(1, 6)] + [(e, 2) for e in range(11, 14)]
    moves = take_over_for_new_juror(
        open_tasks=open_tasks, done_tasks=[], new_juror=3, jurors=[1, 2], excluded={}, seed=0
    )
    # 5, 3, 0 becomes 3, 3, 2: both tasks come from juror 1.
    assert [m.from_juror for m in moves] == [1, 1]


def test_new_juror_never_takes_an_entry_they_hold_or_uploaded():
    moves = take_over_for_new_juror(
        open_tasks=[(1, 1), (2, 1), (3, 1), (4, 1)],
        done_tasks=[(1, 3)],
        new_juror=3,
        jurors=[1, 3],
        excluded={2: frozenset({3}), 3: frozenset({3})},
        seed=0,
    )
    assert moves == [Move(4, 1, 3)]


def test_new_juror_gets_work_along_a_chain_when_the_most_loaded_has_none_to_give():
    # Juror 4 uploaded all of juror 2's entries: juror 2 passes work to juror 1 or 3, who
    # pass other work on to the newcomer.
    open_tasks = [(e, 2) for e in range(1, 5)] + [(11, 1), (12, 1), (21, 3), (22, 3)]
    moves = take_over_for_new_juror(
        open_tasks=open_tasks, done_tasks=[], new_juror=4, jurors=[1, 2, 3],
        excluded={e: frozenset({4}) for e in range(1, 5)}, seed=0,
    )  # fmt: skip
    after = apply_moves(open_tasks, moves)
    assert loads_of(after, [1, 2, 3, 4]) == {1: 2, 2: 2, 3: 2, 4: 2}
    assert not any(j == 4 and e < 5 for e, j in after)


def test_new_juror_gets_what_is_left_when_most_work_is_done():
    # Loads 10 and 10 (all but two done): the newcomer can only take the two open tasks.
    done = [(e, 1) for e in range(1, 10)] + [(e, 2) for e in range(1, 10)]
    moves = take_over_for_new_juror(
        open_tasks=[(10, 1), (10, 2)], done_tasks=done, new_juror=3, jurors=[1, 2], excluded={},
        seed=0,
    )  # fmt: skip
    # Both hold entry 10; the newcomer takes it once.
    assert len(moves) == 1
    assert moves[0].entry_id == 10


def quorum_state(seed: int, quorum: int, done_rate: float, jurors: int = 8, entries: int = 300):
    rng = random.Random(seed)
    juror_ids = list(range(1, jurors + 1))
    entry_list = random_conflicts(rng, entries, juror_ids, 0.1)
    tasks = assign(entries=entry_list, jurors=juror_ids, quorum=quorum, seed=seed)
    open_tasks, done_tasks = split_done(tasks, rng, done_rate)
    return entry_list, juror_ids, open_tasks, done_tasks


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(("old", "new", "done_rate"), [
    (2, 3, 0.0), (2, 5, 0.5), (1, 7, 0.2), (3, 4, 0.9),
])  # fmt: skip
def test_raising_quorum_adds_tasks_to_least_loaded_eligible_jurors(seed, old, new, done_rate):
    entries, juror_ids, open_tasks, done_tasks = quorum_state(seed, old, done_rate)
    change = change_quorum(
        entries=entries,
        open_tasks=open_tasks,
        done_tasks=done_tasks,
        jurors=juror_ids,
        quorum=new,
        seed=seed,
    )
    assert change.cancel == ()
    after = apply_change(open_tasks, change) + done_tasks
    check_valid(after, entries, juror_ids, new)
    assert spread(after, juror_ids) <= 1


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(("old", "new", "done_rate"), [
    (3, 2, 0.0), (5, 2, 0.5), (7, 1, 0.3), (4, 3, 0.9),
])  # fmt: skip
def test_lowering_quorum_cancels_open_tasks_only(seed, old, new, done_rate):
    entries, juror_ids, open_tasks, done_tasks = quorum_state(seed, old, done_rate)
    change = change_quorum(
        entries=entries,
        open_tasks=open_tasks,
        done_tasks=done_tasks,
        jurors=juror_ids,
        quorum=new,
        seed=seed,
    )
    assert change.add == ()
    assert set(change.cancel) <= set(open_tasks)
    cancelled = set(change.cancel)
    kept = [t for t in open_tasks if t not in cancelled] + done_tasks
    done_count = Counter(e for e, _ in done_tasks)
    kept_count = Counter(e for e, _ in kept)
    for e, _ in entries:
        # An entry keeps all its done votes, even above the new quorum.
        assert kept_count[e] == max(new, done_count[e])


@pytest.mark.parametrize("seed", range(40))
def test_raised_quorum_loads_as_even_as_constraints_allow(seed):
    rng = random.Random(seed)
    juror_ids = list(range(1, rng.randint(3, 5) + 1))
    entries = []
    held = []
    for e in range(1, rng.randint(2, 5) + 1):
        excluded = frozenset(j for j in juror_ids if rng.random() < 0.3)
        eligible = [j for j in juror_ids if j not in excluded]
        if len(eligible) < len(juror_ids) - 1:
            excluded, eligible = NONE, juror_ids
        entries.append((e, excluded))
        held += [(e, j) for j in rng.sample(eligible, 1)]
    quorum = len(juror_ids) - 1
    done = [t for t in held if rng.random() < 0.5]
    open_tasks = [t for t in held if t not in done]
    change = change_quorum(
        entries=entries,
        open_tasks=open_tasks,
        done_tasks=done,
        jurors=juror_ids,
        quorum=quorum,
        seed=seed,
    )
    after = apply_change(open_tasks, change) + done
    check_valid(after, entries, juror_ids, quorum)
    assert spread(after, juror_ids) == best_spread_keeping(entries, juror_ids, done, quorum)


def test_lowering_quorum_cancels_from_the_most_loaded():
    # Entry 1 drops from three tasks to two; juror 1 holds five tasks, jurors 2 and 3 one.
    change = change_quorum(
        entries=[(e, NONE) for e in range(1, 6)],
        open_tasks=[(1, 1), (1, 2), (1, 3)] + [(e, 1) for e in range(2, 6)],
        done_tasks=[(e, 4) for e in range(2, 6)],
        jurors=[1, 2, 3, 4],
        quorum=2,
        seed=0,
    )
    assert change.cancel == ((1, 1),)


def test_new_entries_in_an_active_round_get_their_tasks():
    entries, juror_ids, open_tasks, done_tasks = quorum_state(3, 3, 0.5, entries=100)
    late = [(e, NONE) for e in range(1000, 1020)]
    change = change_quorum(
        entries=entries + late,
        open_tasks=open_tasks,
        done_tasks=done_tasks,
        jurors=juror_ids,
        quorum=3,
        seed=3,
    )
    assert {e for e, _ in change.add} == {e for e, _ in late}
    after = apply_change(open_tasks, change) + done_tasks
    check_valid(after, entries + late, juror_ids, 3)
    assert spread(after, juror_ids) <= 1


def test_quorum_change_is_reproducible():
    entries, juror_ids, open_tasks, done_tasks = quorum_state(7, 2, 0.3)
    first = change_quorum(
        entries=entries, open_tasks=open_tasks, done_tasks=done_tasks, jurors=juror_ids,
        quorum=4, seed=1,
    )  # fmt: skip
    again = change_quorum(
        entries=entries[::-1], open_tasks=open_tasks[::-1], done_tasks=done_tasks[::-1],
        jurors=juror_ids[::-1], quorum=4, seed=1,
    )  # fmt: skip
    assert first == again


@pytest.mark.parametrize(("quorum", "message"), [
    (0, "Quorum must be at least 1"),
    (3, "entry 2 needs 1 more but 0 eligible juror(s)"),
    (4, "above the number of jurors (3)"),
])  # fmt: skip
def test_impossible_quorum_change_is_refused(quorum, message):
    with pytest.raises(InvalidInput) as error:
        change_quorum(
            entries=[(1, NONE), (2, frozenset({3}))],
            open_tasks=[(1, 1), (2, 1)],
            done_tasks=[(2, 2)],
            jurors=[1, 2, 3],
            quorum=quorum,
            seed=0,
        )
    assert message in error.value.detail


def plan_fits(entries, jurors, done, quorum, low, high) -> bool:
    """Whether some plan keeping the ``done`` tasks gives every juror a load in [low, high].

    Every entry needs ``quorum`` tasks (or keeps its done ones, if more) for distinct jurors
    who did not upload it. A max flow by augmenting chains: new task to a juror, who hands
    an entry on to another, and so on, up to the lower bounds first, then up to the upper
    ones; a chain never takes a task away from a juror, so the lower bounds stay met.
    """
    voted = defaultdict(set)
    for e, j in done:
        voted[e].add(j)
    base = Counter(j for _, j in done if j in jurors)
    options = {e: [j for j in jurors if j not in excluded | voted[e]] for e, excluded in entries}
    need = {e: max(0, quorum - len(voted[e])) for e in options}
    got = {e: set() for e in options}
    held = {j: set() for j in jurors}

    def augment(entry, room) -> bool:
        parent = {j: None for j in options[entry] if j not in got[entry]}
        queue = list(parent)
        for juror in queue:
            if len(held[juror]) < room[juror]:
                while parent[juror] is not None:
                    e, giver = parent[juror]
                    got[e] ^= {giver, juror}
                    held[giver].remove(e)
                    held[juror].add(e)
                    juror = giver
                got[entry].add(juror)
                held[juror].add(entry)
                return True
            for e in held[juror]:
                for taker in options[e]:
                    if taker not in got[e] and taker not in parent:
                        parent[taker] = (e, juror)
                        queue.append(taker)
        return False

    for room in ({j: low - base[j] for j in jurors}, {j: high - base[j] for j in jurors}):
        while any(len(got[e]) < need[e] and augment(e, room) for e in options):
            pass
    return all(len(got[e]) == need[e] for e in options) and all(
        low <= len(held[j]) + base[j] <= high for j in jurors
    )


def total_load(entries, jurors, done, quorum) -> int:
    voted = Counter(e for e, _ in done)
    return sum(1 for _, j in done if j in jurors) + sum(
        max(0, quorum - voted[e]) for e, _ in entries
    )


def balanced_plan_exists(entries, jurors, done, quorum) -> bool:
    total = total_load(entries, jurors, done, quorum)
    return plan_fits(entries, jurors, done, quorum, total // len(jurors), -(-total // len(jurors)))


def best_spread_keeping(entries, jurors, done, quorum) -> int:
    """The most even spread any plan keeping the done tasks reaches."""
    top = total_load(entries, jurors, done, quorum) // len(jurors)
    return next(
        width
        for width in itertools.count()
        if any(plan_fits(entries, jurors, done, quorum, low, low + width) for low in range(top + 1))
    )


def check_plan(open_tasks, done, entries, jurors, quorum) -> None:
    """Every entry has ``quorum`` tasks (or all its done ones, if more) for distinct jurors
    who did not upload it, open tasks only for the jurors given."""
    excluded = dict(entries)
    voted = Counter(e for e, _ in done)
    every = open_tasks + done
    assert len(set(every)) == len(every)
    assert Counter(e for e, _ in every) == {e: max(quorum, voted[e]) for e in excluded}
    assert all(j in jurors and j not in excluded[e] for e, j in open_tasks)


# entries, jurors, quorum, lowered to, share of entries a juror uploaded, share of tasks done
REBALANCING = [
    (30, 3, 2, 1, 0.0, 0.0),
    (120, 5, 3, 2, 0.1, 0.0),
    (200, 7, 4, 1, 0.3, 0.0),
    (301, 9, 3, 2, 0.05, 0.0),
    (300, 8, 3, 2, 0.1, 0.3),
    (97, 11, 5, 3, 0.05, 0.5),
    (400, 12, 2, 1, 0.2, 0.1),
    (150, 6, 4, 2, 0.5, 0.7),
]
SHAPE = ("entries", "jurors", "quorum", "lowered", "uploads", "done_rate")


def rebalancing_state(seed, entries, jurors, quorum, uploads, done_rate):
    """A round some way into voting; juror 99, who may join later, uploaded some entries."""
    rng = random.Random(seed)
    juror_ids = list(range(1, jurors + 1))
    entry_list = random_conflicts(rng, entries, [*juror_ids, 99], uploads)
    tasks = assign(entries=entry_list, jurors=juror_ids, quorum=quorum, seed=seed)
    open_tasks, done_tasks = split_done(tasks, rng, done_rate)
    return rng, entry_list, juror_ids, open_tasks, done_tasks


def check_rebalanced(open_tasks, done, entries, jurors, quorum) -> None:
    check_plan(open_tasks, done, entries, jurors, quorum)
    if balanced_plan_exists(entries, jurors, done, quorum):
        assert spread(open_tasks + done, jurors) <= 1
    else:
        assert done, "without votes cast, these shapes all have a balanced plan"


def order_free(function, entry_list, **inputs) -> list[Move]:
    """``function``'s moves, checked to be the same whatever the order of its inputs."""
    moves = function(excluded=dict(entry_list), **inputs)
    flipped = {name: v[::-1] if isinstance(v, list) else v for name, v in inputs.items()}
    assert function(excluded=dict(entry_list[::-1]), **flipped) == moves
    return moves


def removal(open_tasks, done_tasks, entry_list, stay, removed, seed) -> list[Move]:
    return order_free(
        reassign_removed, entry_list, open_tasks=open_tasks, done_tasks=done_tasks,
        removed_juror=removed, jurors=stay, seed=seed,
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(SHAPE, REBALANCING)
def test_lowering_quorum_keeps_loads_even(
    seed, entries, jurors, quorum, lowered, uploads, done_rate
):
    _, entry_list, juror_ids, open_tasks, done_tasks = rebalancing_state(
        seed, entries, jurors, quorum, uploads, done_rate
    )
    change = change_quorum(
        entries=entry_list, open_tasks=open_tasks, done_tasks=done_tasks, jurors=juror_ids,
        quorum=lowered, seed=seed,
    )  # fmt: skip
    check_rebalanced(apply_change(open_tasks, change), done_tasks, entry_list, juror_ids, lowered)
    again = change_quorum(
        entries=entry_list[::-1], open_tasks=open_tasks[::-1], done_tasks=done_tasks[::-1],
        jurors=juror_ids[::-1], quorum=lowered, seed=seed,
    )  # fmt: skip
    assert again == change


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(SHAPE, REBALANCING)
def test_removing_a_juror_keeps_loads_even(
    seed, entries, jurors, quorum, lowered, uploads, done_rate
):
    rng, entry_list, juror_ids, open_tasks, done_tasks = rebalancing_state(
        seed, entries, jurors, quorum, uploads, done_rate
    )
    removed = rng.choice(juror_ids)
    stay = [j for j in juror_ids if j != removed]
    moves = removal(open_tasks, done_tasks, entry_list, stay, removed, seed)
    check_rebalanced(apply_moves(open_tasks, moves), done_tasks, entry_list, stay, quorum)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(SHAPE, REBALANCING)
def test_swapping_a_juror_keeps_loads_even(
    seed, entries, jurors, quorum, lowered, uploads, done_rate
):
    rng, entry_list, juror_ids, open_tasks, done_tasks = rebalancing_state(
        seed, entries, jurors, quorum, uploads, done_rate
    )
    moves = take_over_for_new_juror(
        open_tasks=open_tasks, done_tasks=done_tasks, new_juror=99, jurors=juror_ids,
        excluded=dict(entry_list), seed=seed,
    )  # fmt: skip
    open_tasks = apply_moves(open_tasks, moves)
    removed = rng.choice(juror_ids)
    stay = [j for j in [*juror_ids, 99] if j != removed]
    moves = removal(open_tasks, done_tasks, entry_list, stay, removed, seed)
    check_rebalanced(apply_moves(open_tasks, moves), done_tasks, entry_list, stay, quorum)


def replacement(open_tasks, done_tasks, entry_list, stay, old, new, seed) -> list[Move]:
    return order_free(
        replace_juror, entry_list, open_tasks=open_tasks, done_tasks=done_tasks,
        old_juror=old, new_juror=new, jurors=stay, seed=seed,
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(SHAPE, REBALANCING)
def test_replacing_a_juror_hands_their_queue_to_the_newcomer_and_keeps_loads_even(
    seed, entries, jurors, quorum, lowered, uploads, done_rate
):
    rng, entry_list, juror_ids, open_tasks, done_tasks = rebalancing_state(
        seed, entries, jurors, quorum, uploads, done_rate
    )
    old = rng.choice(juror_ids)
    stay = [*(j for j in juror_ids if j != old), 99]  # 99 uploaded some entries
    moves = replacement(open_tasks, done_tasks, entry_list, stay, old, 99, seed)
    after = apply_moves(open_tasks, moves)
    check_rebalanced(after, done_tasks, entry_list, stay, quorum)
    if uploads == 0 and done_rate == 0:
        # Nothing stands in the way: the newcomer takes the queue as it is, nobody else moves.
        assert moves == [Move(e, old, 99) for e, j in sorted(open_tasks) if j == old]


def test_a_returning_juror_does_not_get_back_an_entry_they_voted_on():
    # Juror 4 voted on entry 1 before leaving; juror 1, now leaving, still holds it open.
    open_tasks = [(1, 1), (1, 2), (2, 1), (2, 3)]
    done_tasks = [(1, 4), (2, 2)]
    moves = replace_juror(
        open_tasks=open_tasks, done_tasks=done_tasks, old_juror=1, new_juror=4,
        jurors=[2, 3, 4], excluded={1: NONE, 2: NONE}, seed=0,
    )  # fmt: skip
    after = apply_moves(open_tasks, moves)
    assert (2, 4) in after and (1, 4) not in after
    assert sorted(after + done_tasks) == [(1, 2), (1, 3), (1, 4), (2, 2), (2, 3), (2, 4)]


def test_a_replacement_nobody_can_complete_is_refused_as_a_replacement():
    # Entry 1's other holder is juror 2, and the newcomer uploaded it.
    with pytest.raises(InvalidInput, match="Juror 1 cannot be replaced: no other juror"):
        replace_juror(
            open_tasks=[(1, 1), (1, 2)], done_tasks=[], old_juror=1, new_juror=3,
            jurors=[2, 3], excluded={1: frozenset({3})}, seed=0,
        )  # fmt: skip


@pytest.mark.parametrize("seed", range(80))
def test_rebalancing_is_as_even_as_the_votes_cast_allow(seed):
    rng = random.Random(seed)
    juror_ids = list(range(1, rng.randint(4, 5) + 1))
    quorum = rng.randint(2, len(juror_ids) - 2)
    entries = random_conflicts(rng, rng.randint(2, 6), [*juror_ids, 99], 0.4)
    tasks = assign(entries=entries, jurors=juror_ids, quorum=quorum, seed=seed)
    open_tasks, done = split_done(tasks, rng, 0.5)

    change = change_quorum(
        entries=entries, open_tasks=open_tasks, done_tasks=done, jurors=juror_ids,
        quorum=quorum - 1, seed=seed,
    )  # fmt: skip
    after = apply_change(open_tasks, change)
    check_plan(after, done, entries, juror_ids, quorum - 1)
    best = best_spread_keeping(entries, juror_ids, done, quorum - 1)
    assert spread(after + done, juror_ids) == best

    removed = rng.choice(juror_ids)
    stay = [j for j in juror_ids if j != removed]
    after = apply_moves(open_tasks, removal(open_tasks, done, entries, stay, removed, seed))
    check_plan(after, done, entries, stay, quorum)
    assert spread(after + done, stay) == best_spread_keeping(entries, stay, done, quorum)

    moves = take_over_for_new_juror(
        open_tasks=open_tasks, done_tasks=done, new_juror=99, jurors=juror_ids,
        excluded=dict(entries), seed=seed,
    )  # fmt: skip
    after = apply_moves(open_tasks, moves)
    everyone = [*juror_ids, 99]
    check_plan(after, done, entries, everyone, quorum)
    assert spread(after + done, everyone) == best_spread_keeping(entries, everyone, done, quorum)
