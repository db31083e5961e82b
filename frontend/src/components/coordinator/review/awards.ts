/**
 * The awards form: rows of places and special prizes, each given to an entry of the final
 * round, turned into the PUT /awards payload, with the problems the server would refuse
 * found first so they show on the row that has them.
 */
import type { Award, AwardInput, AwardKind } from '../../../api/publishing'

export interface AwardRow {
  /** Stable key for the list (rows get added and removed). */
  key: number
  kind: AwardKind
  name: string
  /** The entry's round entry id in the final round; null until one is chosen. */
  roundEntryId: number | null
}

export type AwardProblem = 'name-missing' | 'name-repeated' | 'entry-missing'

export interface RowProblem {
  key: number
  problem: AwardProblem
}

let nextKey = 1
const newKey = () => nextKey++

export function emptyRow(kind: AwardKind, name: string): AwardRow {
  return { key: newKey(), kind, name, roundEntryId: null }
}

/** The saved awards as form rows: places first, in order, then the special prizes. */
export function rowsFromAwards(awards: readonly Award[]): AwardRow[] {
  const places = awards.filter((award) => award.kind === 'place').sort((a, b) => (a.place ?? 0) - (b.place ?? 0))
  const specials = awards.filter((award) => award.kind === 'special')
  return [...places, ...specials].map((award) => ({
    key: newKey(),
    kind: award.kind,
    name: award.name,
    roundEntryId: award.round_entry_id,
  }))
}

/** Places are numbered by their order among the place rows: 1, 2, 3… */
export function placeOf(rows: readonly AwardRow[], row: AwardRow): number | null {
  if (row.kind !== 'place') return null
  return rows.filter((candidate) => candidate.kind === 'place').indexOf(row) + 1
}

export function problemsOf(rows: readonly AwardRow[]): RowProblem[] {
  const problems: RowProblem[] = []
  const seen = new Set<string>()
  for (const row of rows) {
    const name = row.name.trim()
    if (!name) problems.push({ key: row.key, problem: 'name-missing' })
    else if (seen.has(name)) problems.push({ key: row.key, problem: 'name-repeated' })
    seen.add(name)
    if (row.roundEntryId === null) problems.push({ key: row.key, problem: 'entry-missing' })
  }
  return problems
}

/** The payload for PUT /awards, or the rows' problems when there are any. */
export function awardsPayload(rows: readonly AwardRow[]): { awards: AwardInput[] } | { problems: RowProblem[] } {
  const problems = problemsOf(rows)
  if (problems.length) return { problems }
  return {
    awards: rows.map((row) => ({
      name: row.name.trim(),
      kind: row.kind,
      place: placeOf(rows, row),
      round_entry_id: row.roundEntryId as number,
    })),
  }
}
