/**
 * The juror's side of the API (app/voting/routes.py): my rounds, my task queue, votes,
 * flags and the ranking ballot.
 *
 * Entries carry only what their round lets jurors see: `title`, `description_url` and
 * `uploader` are absent from the JSON (not null) when the round hides them.
 */
import { api } from './client'
import type { RoundStatus } from './auth'
import type { VoteMethod } from './rounds'

/** A photo as a juror sees it (app/voting/schemas.py EntryView). */
export interface Entry {
  width: number
  height: number
  mime: string
  /** The original file. */
  url: string
  /** A thumbnail sized for the screen; the original for types Loupe can't thumbnail. */
  thumb_url: string
  /** `<img srcset>` candidates at standard Commons widths; empty when there are none. */
  srcset: string
  title?: string
  description_url?: string
  uploader?: string
}

export interface Progress {
  done: number
  total: number
}

export interface JurorStats {
  votes: number
  /** Mean of my votes on the 0–1 scale; null for ranking rounds and before the first vote. */
  mean_score: number | null
}

export interface MyRound {
  id: number
  name: string
  status: RoundStatus
  vote_method: VoteMethod
  deadline: string | null
  directions: string
  campaign_id: number
  campaign_name: string
  campaign_slug: string
  progress: Progress
  /** Present only when the round shows jurors their statistics. */
  stats?: JurorStats
}

export interface Task {
  task_id: number
  round_entry_id: number
  entry: Entry
}

export interface TaskBatch {
  tasks: Task[]
  /** Open tasks left in my queue, including those of this batch. */
  remaining: number
}

export interface VoteInput {
  /** yes_no: 1 yes, 0 no; rating: 1–5. */
  value: number
  /** Left out: keep the current comment (empty on a first vote). At most 2000 characters. */
  comment?: string
  /** Left out: keep the current value (false on a first vote). */
  favourite?: boolean
}

export interface Vote {
  id: number
  task_id: number
  round_entry_id: number
  value: number
  comment: string
  favourite: boolean
  created_at: string
  updated_at: string
}

export interface PastVote extends Vote {
  entry: Entry
}

export interface VotePage {
  total: number
  votes: PastVote[]
}

export const FLAG_REASONS = ['copyright', 'not_subject', 'wrong_region', 'duplicate', 'other'] as const
export type FlagReason = (typeof FLAG_REASONS)[number]

export interface FlagInput {
  round_entry_id: number
  reason: FlagReason
  note: string
}

export interface Flag {
  id: number
  round_entry_id: number
  reason: FlagReason
  note: string
  /** 'open' until the coordinators review it. */
  status: string
  created_at: string
}

export interface BallotEntry {
  task_id: number
  round_entry_id: number
  /** My rank of the entry (1 is best, equal ranks are ties); null while not ranked. */
  rank: number | null
  entry: Entry
}

export interface Ballot {
  /** Ranked entries by rank, then the ones not ranked yet. */
  entries: BallotEntry[]
  complete: boolean
}

export interface RankInput {
  round_entry_id: number
  rank: number
}

/** The server's limits (app/voting/service.py MAX_BATCH, MAX_PAGE). */
export const MAX_TASK_BATCH = 100
export const MAX_VOTE_PAGE = 200
export const MAX_COMMENT_LENGTH = 2000

export function listMyRounds(signal?: AbortSignal): Promise<MyRound[]> {
  return api.get<MyRound[]>('/api/my/rounds', { signal })
}

/** My next open tasks in my order. 409 `round_paused`, `round_not_active` or `ranking_round`. */
export function getTasks(roundId: number, limit = 10, signal?: AbortSignal): Promise<TaskBatch> {
  return api.get<TaskBatch>(`/api/rounds/${roundId}/tasks`, { query: { limit }, signal })
}

/** Cast or change my vote; sending the same vote again changes nothing. */
export function castVote(roundId: number, roundEntryId: number, input: VoteInput): Promise<Vote> {
  return api.put<Vote>(`/api/rounds/${roundId}/votes/${roundEntryId}`, input)
}

/** Withdraw my vote: the task opens again at the front of my queue. */
export function undoVote(roundId: number, roundEntryId: number): Promise<void> {
  return api.delete<void>(`/api/rounds/${roundId}/votes/${roundEntryId}`)
}

/** Put an open task of mine at the end of my queue. */
export function skipTask(roundId: number, taskId: number): Promise<void> {
  return api.post<void>(`/api/rounds/${roundId}/tasks/${taskId}/skip`)
}

/** My votes in the round with their entries, last changed first. */
export function listMyVotes(
  roundId: number,
  { offset = 0, limit = 50 }: { offset?: number; limit?: number } = {},
  signal?: AbortSignal,
): Promise<VotePage> {
  return api.get<VotePage>(`/api/rounds/${roundId}/votes`, { query: { offset, limit }, signal })
}

export function listMyFlags(roundId: number, signal?: AbortSignal): Promise<Flag[]> {
  return api.get<Flag[]>(`/api/rounds/${roundId}/flags`, { signal })
}

/** Flag an entry for the coordinators; sending it again updates an open flag. */
export function flagEntry(roundId: number, input: FlagInput): Promise<Flag> {
  return api.post<Flag>(`/api/rounds/${roundId}/flags`, input)
}

export function withdrawFlag(roundId: number, roundEntryId: number): Promise<void> {
  return api.delete<void>(`/api/rounds/${roundId}/flags/${roundEntryId}`)
}

export function getBallot(roundId: number, signal?: AbortSignal): Promise<Ballot> {
  return api.get<Ballot>(`/api/rounds/${roundId}/ranking`, { signal })
}

/** Store my whole ballot: every entry exactly once, ranks from 1, equal ranks for ties. */
export function submitBallot(roundId: number, ranks: RankInput[]): Promise<Ballot> {
  return api.put<Ballot>(`/api/rounds/${roundId}/ranking`, { ranks })
}
