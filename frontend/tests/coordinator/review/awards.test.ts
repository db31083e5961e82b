import { describe, expect, it } from 'vitest'
import type { Award } from '../../../src/api/publishing'
import { awardsPayload, emptyRow, placeOf, problemsOf, rowsFromAwards } from '../../../src/components/coordinator/review/awards'

function award(overrides: Partial<Award>): Award {
  return { id: 1, name: 'First place', kind: 'place', place: 1, round_entry_id: 10, entry: null, ...overrides }
}

describe('awards form', () => {
  it('numbers places by their order among the place rows, specials have none', () => {
    const first = { ...emptyRow('place', 'Gold'), roundEntryId: 1 }
    const special = { ...emptyRow('special', 'Jury prize'), roundEntryId: 2 }
    const second = { ...emptyRow('place', 'Silver'), roundEntryId: 3 }
    const rows = [first, special, second]
    expect(placeOf(rows, first)).toBe(1)
    expect(placeOf(rows, second)).toBe(2)
    expect(placeOf(rows, special)).toBeNull()
  })

  it('turns rows into the PUT /awards payload with trimmed names', () => {
    const rows = [
      { ...emptyRow('place', ' First place '), roundEntryId: 21 },
      { ...emptyRow('place', 'Second place'), roundEntryId: 29 },
      { ...emptyRow('special', 'Best night photo'), roundEntryId: 24 },
    ]
    expect(awardsPayload(rows)).toEqual({
      awards: [
        { name: 'First place', kind: 'place', place: 1, round_entry_id: 21 },
        { name: 'Second place', kind: 'place', place: 2, round_entry_id: 29 },
        { name: 'Best night photo', kind: 'special', place: null, round_entry_id: 24 },
      ],
    })
  })

  it('renumbers the places when one is removed', () => {
    const rows = [
      { ...emptyRow('place', 'A'), roundEntryId: 1 },
      { ...emptyRow('place', 'B'), roundEntryId: 2 },
      { ...emptyRow('place', 'C'), roundEntryId: 3 },
    ]
    const payload = awardsPayload([rows[0]!, rows[2]!])
    expect('awards' in payload && payload.awards.map((a) => [a.name, a.place])).toEqual([
      ['A', 1],
      ['C', 2],
    ])
  })

  it('reports a missing name, a repeated name and a missing entry on the row that has them', () => {
    const ok = { ...emptyRow('place', 'Gold'), roundEntryId: 1 }
    const unnamed = { ...emptyRow('place', '   '), roundEntryId: 2 }
    const repeated = { ...emptyRow('special', 'Gold '), roundEntryId: 3 }
    const noEntry = emptyRow('special', 'Jury prize')
    const rows = [ok, unnamed, repeated, noEntry]
    expect(problemsOf(rows)).toEqual([
      { key: unnamed.key, problem: 'name-missing' },
      { key: repeated.key, problem: 'name-repeated' },
      { key: noEntry.key, problem: 'entry-missing' },
    ])
    expect(awardsPayload(rows)).toEqual({ problems: problemsOf(rows) })
  })

  it('allows saving no awards at all', () => {
    expect(awardsPayload([])).toEqual({ awards: [] })
  })

  it('loads saved awards with places in order before the special prizes', () => {
    const rows = rowsFromAwards([
      award({ id: 3, name: 'Jury prize', kind: 'special', place: null, round_entry_id: 7 }),
      award({ id: 2, name: 'Second', place: 2, round_entry_id: 5 }),
      award({ id: 1, name: 'First', place: 1, round_entry_id: 4 }),
    ])
    expect(rows.map((row) => [row.kind, row.name, row.roundEntryId])).toEqual([
      ['place', 'First', 4],
      ['place', 'Second', 5],
      ['special', 'Jury prize', 7],
    ])
    expect(new Set(rows.map((row) => row.key)).size).toBe(3)
  })
})
