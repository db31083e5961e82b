import { describe, expect, it } from 'vitest'
import type { BallotEntry, Entry } from '../../src/api/voting'
import {
  fromBallot,
  groupOf,
  hasChanges,
  moveDown,
  moveItem,
  moveToBottom,
  moveToRank,
  moveToTop,
  moveUp,
  ranksOf,
  setTied,
  toRanks,
  validateBallot,
  type Tieable,
} from '../../src/juror/ranking'

interface Row extends Tieable {
  id: string
}

/**
 * Rows written as text: "A B=C D" is A first, then B and C tied, then D.
 * ("=X" ties X with the row before it.)
 */
function rows(text: string): Row[] {
  return text
    .replace(/=\s*/g, ' =')
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => ({ id: token.replace('=', ''), tied: token.startsWith('=') }))
}

function text(list: readonly Row[]): string {
  return list.map((row, index) => (index > 0 && row.tied ? '=' : index > 0 ? ' ' : '') + row.id).join('')
}

describe('ranksOf', () => {
  it.each([
    ['A B C D', [1, 2, 3, 4]],
    ['A B=C D', [1, 2, 2, 4]],
    ['A=B=C D', [1, 1, 1, 4]],
    ['A B C=D', [1, 2, 3, 3]],
    ['A', [1]],
    ['', []],
  ])('%s ranks %j (tied rows share a rank, the next rank skips)', (list, expected) => {
    expect(ranksOf(rows(list))).toEqual(expected)
  })

  it('never ties the first row, whatever its flag says', () => {
    expect(ranksOf([{ tied: true }, { tied: false }])).toEqual([1, 2])
  })
})

describe('groupOf', () => {
  it('finds the rows sharing a rank', () => {
    const list = rows('A B=C=D E')
    expect(groupOf(list, 0)).toEqual([0, 1])
    expect(groupOf(list, 2)).toEqual([1, 4])
    expect(groupOf(list, 3)).toEqual([1, 4])
    expect(groupOf(list, 4)).toEqual([4, 5])
  })
})

describe('moveItem (drag and drop: move row `from` before row `before`)', () => {
  it.each([
    // list, from, before, expected, where the row landed
    ['A B C D', 0, 2, 'B A C D', 1],
    ['A B C D', 3, 0, 'D A B C', 0],
    ['A B C D', 1, 4, 'A C D B', 3],
    ['A B C D', 1, 1, 'A B C D', 1], // onto itself
    ['A B C D', 1, 2, 'A B C D', 1], // just below itself: same place
    // A tied row dragged away leaves its tie; the tie it headed stays with the others.
    ['A B=C D', 1, 4, 'A C D B', 3],
    ['A B=C=D E', 1, 0, 'B A C=D E', 0],
    ['A B=C=D E', 2, 5, 'A B=D E C', 4],
    // Dropped inside a tie: placed at the tie's edge, on the side it came from.
    ['A B=C D', 0, 2, 'B=C A D', 2],
    ['A B=C D', 3, 2, 'A D B=C', 1],
  ])('%s: row %i before %i → %s', (list, from, before, expected, index) => {
    const moved = moveItem(rows(list), from, before)
    expect(text(moved.rows)).toBe(expected)
    expect(moved.index).toBe(index)
  })

  it('ignores a row that is not there', () => {
    expect(text(moveItem(rows('A B'), 5, 0).rows)).toBe('A B')
  })
})

describe('moveUp / moveDown (keyboard and buttons: one rank at a time)', () => {
  it.each([
    ['A B C', 1, 'B A C', 0],
    ['A B C', 0, 'A B C', 0], // already first
    // Past a whole tie at once.
    ['A=B C', 2, 'C A=B', 0],
    // A tied row first leaves its tie, just above it.
    ['A B=C D', 2, 'A C B D', 1],
    ['A B=C D', 1, 'A B C D', 1],
    ['A=B=C', 0, 'A B=C', 0],
  ])('up: %s, row %i → %s', (list, index, expected, landed) => {
    const moved = moveUp(rows(list), index)
    expect(text(moved.rows)).toBe(expected)
    expect(moved.index).toBe(landed)
  })

  it.each([
    ['A B C', 1, 'A C B', 2],
    ['A B C', 2, 'A B C', 2], // already last
    ['A B=C D', 0, 'B=C A D', 2],
    // A tied row first leaves its tie, just below it.
    ['A B=C D', 1, 'A C B D', 2],
    ['A B=C D', 2, 'A B C D', 2],
  ])('down: %s, row %i → %s', (list, index, expected, landed) => {
    const moved = moveDown(rows(list), index)
    expect(text(moved.rows)).toBe(expected)
    expect(moved.index).toBe(landed)
  })

  it('walks a row from top to bottom and back, one rank per step, without making ties', () => {
    let list = rows('A B=C D')
    let index = 0
    const seen: string[] = []
    for (let step = 0; step < 3; step += 1) {
      ;({ rows: list, index } = moveDown(list, index))
      seen.push(text(list))
    }
    expect(seen).toEqual(['B=C A D', 'B=C D A', 'B=C D A'])
    for (let step = 0; step < 3; step += 1) ({ rows: list, index } = moveUp(list, index))
    expect(text(list)).toBe('A B=C D')
  })
})

describe('moveToRank (a typed rank)', () => {
  it.each([
    ['A B C D', 3, 1, 'D A B C', 0],
    ['A B C D', 0, 3, 'B C A D', 2],
    ['A B C D', 0, 99, 'B C D A', 3], // clamped to the end
    ['A B C D', 2, 0, 'C A B D', 0], // clamped to the start
    ['A B C D', 1, 2, 'A B C D', 1], // its own rank: nothing changes
    ['A B=C D', 2, 2, 'A B=C D', 2], // tied at that rank already
    // A rank inside a tie: the edge of the tie, on the side the row came from.
    ['A B=C D', 3, 3, 'A D B=C', 1],
    ['A B=C D', 0, 3, 'B=C A D', 2],
  ])('%s: row %i to rank %i → %s', (list, index, rank, expected, landed) => {
    const moved = moveToRank(rows(list), index, rank)
    expect(text(moved.rows)).toBe(expected)
    expect(moved.index).toBe(landed)
  })

  it('refuses a rank that is not a whole number', () => {
    expect(text(moveToRank(rows('A B C'), 0, 1.5).rows)).toBe('A B C')
    expect(text(moveToRank(rows('A B C'), 0, Number.NaN).rows)).toBe('A B C')
  })

  it('moves to the top and the bottom', () => {
    expect(text(moveToTop(rows('A B C'), 2).rows)).toBe('C A B')
    expect(text(moveToBottom(rows('A B=C'), 0).rows)).toBe('B=C A')
    expect(text(moveToBottom(rows('A B C'), 2).rows)).toBe('A B C')
  })
})

describe('setTied', () => {
  it('ties a row with the one before it and unties it', () => {
    const tied = setTied(rows('A B C'), 2, true)
    expect(text(tied)).toBe('A B=C')
    expect(ranksOf(tied)).toEqual([1, 2, 2])
    expect(text(setTied(tied, 2, false))).toBe('A B C')
  })

  it('chains ties: three photos sharing one rank', () => {
    const list = setTied(setTied(rows('A B C D'), 2, true), 3, true)
    expect(ranksOf(list)).toEqual([1, 2, 2, 2])
  })

  it('splits a tie where it is untied', () => {
    expect(ranksOf(setTied(rows('A=B=C=D'), 2, false))).toEqual([1, 1, 3, 3])
  })

  it('cannot tie the first row', () => {
    expect(text(setTied(rows('A B'), 0, true))).toBe('A B')
  })

  it('returns new rows and leaves its input alone', () => {
    const list = rows('A B')
    setTied(list, 1, true)
    expect(list[1]!.tied).toBe(false)
  })
})

const entry: Entry = { width: 1, height: 1, mime: 'image/jpeg', url: 'u', thumb_url: 't', srcset: '' }
const ballotEntry = (id: number, rank: number | null): BallotEntry => ({ task_id: id * 10, round_entry_id: id, rank, entry })

describe('ballots', () => {
  it('reads a saved ballot with its ties, unranked entries last', () => {
    const list = fromBallot([ballotEntry(7, 2), ballotEntry(8, null), ballotEntry(5, 1), ballotEntry(6, 2)])
    expect(list.map((row) => row.round_entry_id)).toEqual([5, 7, 6, 8])
    expect(list.map((row) => row.tied)).toEqual([false, false, true, false])
    expect(ranksOf(list)).toEqual([1, 2, 2, 4])
  })

  it('turns rows into the ranks to send, ties sharing a rank', () => {
    const list = fromBallot([ballotEntry(1, null), ballotEntry(2, null), ballotEntry(3, null)])
    expect(toRanks(setTied(list, 2, true))).toEqual([
      { round_entry_id: 1, rank: 1 },
      { round_entry_id: 2, rank: 2 },
      { round_entry_id: 3, rank: 2 },
    ])
  })

  it('knows when the shown order differs from the saved ballot', () => {
    const saved = fromBallot([ballotEntry(1, 1), ballotEntry(2, 2)])
    expect(hasChanges(saved)).toBe(false)
    expect(hasChanges(moveDown(saved, 0).rows)).toBe(true)
    expect(hasChanges(fromBallot([ballotEntry(1, null)]))).toBe(true)
  })

  it.each([
    [[{ round_entry_id: 1, rank: 1 }, { round_entry_id: 2, rank: 1 }], [1, 2], []],
    [[], [1], [{ kind: 'empty' }]],
    [[{ round_entry_id: 1, rank: 1 }, { round_entry_id: 1, rank: 2 }, { round_entry_id: 2, rank: 3 }], [1, 2], [{ kind: 'duplicate', ids: [1] }]],
    [[{ round_entry_id: 1, rank: 1 }], [1, 2, 3], [{ kind: 'missing', ids: [2, 3] }]],
    [[{ round_entry_id: 1, rank: 1 }, { round_entry_id: 9, rank: 2 }], [1], [{ kind: 'unknown', ids: [9] }]],
    [[{ round_entry_id: 1, rank: 0 }, { round_entry_id: 2, rank: 1.5 }], [1, 2], [{ kind: 'bad_rank', ids: [1, 2] }]],
  ])('validates %j against entries %j', (ranks, expected, issues) => {
    expect(validateBallot(ranks, expected)).toEqual(issues)
  })
})
