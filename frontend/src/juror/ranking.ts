/**
 * A ranking ballot as the juror edits it: an ordered list of rows, each either starting a
 * new rank or tied with the row before it. Ranks follow from the order ("1, 2, 2, 4":
 * tied rows share a rank and the next rank skips as many places).
 *
 * Every function here is pure: it takes rows and returns new rows (and where the moved row
 * ended up), so that drag and drop, arrow keys, typed ranks and buttons all go through the
 * same tested rules:
 *
 * - Moving a row takes it out of its tie. A row can't land inside a tie (tied photos have
 *   no order between them): it goes before or after the whole tied group, on the side it
 *   came from.
 * - One step up or down moves a row past one whole rank: a tied row first leaves its tie
 *   (just above or below it), a row on its own swaps with the neighbouring rank.
 * - Ties are made only by "tied with the previous photo".
 */
import type { BallotEntry, RankInput } from '../api/voting'

export interface Tieable {
  /** Shares the rank of the row before it. Never true for the first row. */
  tied: boolean
}

export interface Moved<T> {
  rows: T[]
  /** Where the moved row is now. */
  index: number
}

function withTie<T extends Tieable>(row: T, tied: boolean): T {
  return row.tied === tied ? row : { ...row, tied }
}

/** The rank of each row: 1 for the first, the previous rank for a tied row, else its place. */
export function ranksOf(rows: readonly Tieable[]): number[] {
  const ranks: number[] = []
  rows.forEach((row, index) => {
    ranks.push(index > 0 && row.tied ? ranks[index - 1]! : index + 1)
  })
  return ranks
}

/** The rows [start, end) sharing the rank of the row at `index`. */
export function groupOf(rows: readonly Tieable[], index: number): [number, number] {
  let start = index
  while (start > 0 && rows[start]!.tied) start -= 1
  let end = index + 1
  while (end < rows.length && rows[end]!.tied) end += 1
  return [start, end]
}

/** How many rows share the rank of the row at `index` (1 when it is not tied). */
export function groupSize(rows: readonly Tieable[], index: number): number {
  const [start, end] = groupOf(rows, index)
  return end - start
}

/** The row at `index` and the rows without it; a tie it headed is kept by the next row. */
function removeAt<T extends Tieable>(rows: readonly T[], index: number): { row: T; rest: T[] } {
  const rest = [...rows]
  const [row] = rest.splice(index, 1)
  const next = rest[index]
  if (!row!.tied && next?.tied) rest[index] = withTie(next, false)
  return { row: row!, rest }
}

/** Insert `row`, on its own, at `index` of `rows`, moved to the edge of a tie it would split. */
function insertAt<T extends Tieable>(rows: readonly T[], row: T, index: number, from: 'above' | 'below'): Moved<T> {
  let at = Math.min(Math.max(index, 0), rows.length)
  if (from === 'above') {
    while (at < rows.length && rows[at]!.tied) at += 1
  } else {
    while (at > 0 && at < rows.length && rows[at]!.tied) at -= 1
  }
  const result = [...rows]
  result.splice(at, 0, withTie(row, false))
  return { rows: result, index: at }
}

/**
 * Drag and drop: move the row at `from` to just before the row now at `before`
 * (`rows.length` for the end). Dropping a row on its own place changes nothing.
 */
export function moveItem<T extends Tieable>(rows: readonly T[], from: number, before: number): Moved<T> {
  if (from < 0 || from >= rows.length || before === from || before === from + 1) return { rows: [...rows], index: from }
  const { row, rest } = removeAt(rows, from)
  const target = before > from ? before - 1 : before
  return insertAt(rest, row, target, before > from ? 'above' : 'below')
}

/** One rank down (worse): out of its tie, or past the next rank. */
export function moveDown<T extends Tieable>(rows: readonly T[], index: number): Moved<T> {
  const [start, end] = groupOf(rows, index)
  if (end - start > 1) {
    const { row, rest } = removeAt(rows, index)
    return insertAt(rest, row, end - 1, 'above')
  }
  if (end >= rows.length) return { rows: [...rows], index }
  const [, nextEnd] = groupOf(rows, end)
  const { row, rest } = removeAt(rows, index)
  return insertAt(rest, row, nextEnd - 1, 'above')
}

/** One rank up (better): out of its tie, or past the previous rank. */
export function moveUp<T extends Tieable>(rows: readonly T[], index: number): Moved<T> {
  const [start, end] = groupOf(rows, index)
  if (end - start > 1) {
    const { row, rest } = removeAt(rows, index)
    return insertAt(rest, row, start, 'below')
  }
  if (start === 0) return { rows: [...rows], index }
  const [previousStart] = groupOf(rows, start - 1)
  const { row, rest } = removeAt(rows, index)
  return insertAt(rest, row, previousStart, 'below')
}

/**
 * Move the row at `index` so that it gets `rank` (clamped to the list), on its own. Where
 * that rank falls inside a tie, it goes before or after the tied group, on the side it
 * came from.
 */
export function moveToRank<T extends Tieable>(rows: readonly T[], index: number, rank: number): Moved<T> {
  if (!Number.isInteger(rank) || index < 0 || index >= rows.length) return { rows: [...rows], index }
  if (ranksOf(rows)[index] === rank) return { rows: [...rows], index }
  const target = Math.min(Math.max(rank - 1, 0), rows.length - 1)
  const { row, rest } = removeAt(rows, index)
  return insertAt(rest, row, target, target >= index ? 'above' : 'below')
}

export function moveToTop<T extends Tieable>(rows: readonly T[], index: number): Moved<T> {
  return moveToRank(rows, index, 1)
}

export function moveToBottom<T extends Tieable>(rows: readonly T[], index: number): Moved<T> {
  if (index < 0 || index >= rows.length) return { rows: [...rows], index }
  const { row, rest } = removeAt(rows, index)
  return insertAt(rest, row, rest.length, 'above')
}

/** Tie the row at `index` with the row before it, or untie it (the first row can't tie). */
export function setTied<T extends Tieable>(rows: readonly T[], index: number, tied: boolean): T[] {
  const result = [...rows]
  const row = result[index]
  if (row && index > 0) result[index] = withTie(row, tied)
  return result
}

export interface BallotRow extends Tieable {
  task_id: number
  round_entry_id: number
  entry: BallotEntry['entry']
  /** The rank the server has for the entry; null when it was never ranked. */
  savedRank: number | null
}

/** Rows from the server's ballot: by rank (ties kept), then the entries not ranked yet. */
export function fromBallot(entries: readonly BallotEntry[]): BallotRow[] {
  const sorted = [...entries].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity))
  return sorted.map((item, index) => {
    const previous = sorted[index - 1]
    return {
      task_id: item.task_id,
      round_entry_id: item.round_entry_id,
      entry: item.entry,
      savedRank: item.rank,
      tied: previous !== undefined && item.rank !== null && previous.rank === item.rank,
    }
  })
}

/** The ballot to send: every row with its rank. */
export function toRanks(rows: readonly (Tieable & { round_entry_id: number })[]): RankInput[] {
  const ranks = ranksOf(rows)
  return rows.map((row, index) => ({ round_entry_id: row.round_entry_id, rank: ranks[index]! }))
}

/** Whether the rows rank the entries differently from the server's last saved ranks. */
export function hasChanges(rows: readonly BallotRow[]): boolean {
  const ranks = ranksOf(rows)
  return rows.some((row, index) => row.savedRank !== ranks[index])
}

export type BallotIssue =
  | { kind: 'empty' }
  | { kind: 'duplicate' | 'missing' | 'unknown' | 'bad_rank'; ids: number[] }

/**
 * What is wrong with a ballot before it is sent (the server checks the same): it must
 * rank every entry of the round exactly once, with whole ranks of at least 1.
 */
export function validateBallot(ranks: readonly RankInput[], expectedIds: Iterable<number>): BallotIssue[] {
  const expected = new Set(expectedIds)
  if (ranks.length === 0) return [{ kind: 'empty' }]
  const seen = new Set<number>()
  const duplicate = new Set<number>()
  const badRank: number[] = []
  for (const { round_entry_id: id, rank } of ranks) {
    if (seen.has(id)) duplicate.add(id)
    seen.add(id)
    if (!Number.isInteger(rank) || rank < 1) badRank.push(id)
  }
  const issues: BallotIssue[] = []
  if (duplicate.size > 0) issues.push({ kind: 'duplicate', ids: [...duplicate] })
  const unknown = [...seen].filter((id) => !expected.has(id))
  if (unknown.length > 0) issues.push({ kind: 'unknown', ids: unknown })
  const missing = [...expected].filter((id) => !seen.has(id))
  if (missing.length > 0) issues.push({ kind: 'missing', ids: missing })
  if (badRank.length > 0) issues.push({ kind: 'bad_rank', ids: badRank })
  return issues
}
