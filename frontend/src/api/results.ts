/**
 * The coordinator's side of results (app/results/routes.py): the results table, the
 * threshold table, advancing, finalizing, juror quality, the flags queue and CSV exports.
 */
import type { RoundStatus } from './auth'
import type { UserBrief } from './campaigns'
import { api } from './client'
import type { Round, VoteMethod } from './rounds'

/** A Commons file as coordinators see it (the uploader always shows). */
export interface EntryBrief {
  entry_id: number
  page_id: number
  title: string
  url: string
  description_url: string
  thumb_url: string
  width: number
  height: number
  uploader: string
}

export interface JurorVote {
  juror_id: number
  username: string
  /** As stored: 0/1, 1–5, or the rank on the juror's ballot. */
  value: number
  normalized: number | null
  comment: string
  favourite: boolean
}

export interface ResultRow {
  round_entry_id: number
  entry: EntryBrief
  /** Mean of the normalized votes (0–1); null without votes and in ranking rounds. */
  score: number | null
  vote_count: number
  /** Ranking rounds: the Schulze place (shared by ties) and the position after the tie-break. */
  place: number | null
  rank: number | null
  mean_position: number | null
  /** Ranking rounds: another entry of the round shares the place, on this page or another. */
  tied: boolean
  /** Frozen results only. */
  advanced: boolean | null
  votes: JurorVote[]
}

export interface RankingSummary {
  ballots: number
  incomplete_ballots: number
  tie_break_used: boolean
  tie_break_rule: string
  tie_break_description: string
}

export interface ResultsPage {
  round_id: number
  vote_method: VoteMethod
  status: RoundStatus
  frozen: boolean
  total: number
  offset: number
  limit: number
  ranking: RankingSummary | null
  rows: ResultRow[]
}

export interface ThresholdRow {
  cutoff: number
  passing: number
}

export interface ThresholdTable {
  round_id: number
  basis: 'score' | 'place'
  frozen: boolean
  entries: number
  scored: number
  rows: ThresholdRow[]
}

export interface AdvanceCandidate {
  round_entry_id: number
  entry_id: number
  page_id: number
  title: string
  score: number | null
  place: number | null
  vote_count: number
}

export interface AdvancePreview {
  rule: 'min_score' | 'top_n'
  value: number
  basis: 'score' | 'place'
  frozen: boolean
  advancing: AdvanceCandidate[]
  tied_at_boundary: AdvanceCandidate[]
  boundary_score: number | null
  boundary_place: number | null
  open_slots: number
}

export type AdvanceRule = { min_score: number } | { top_n: number }

/** The round the advancing entries go to (app/rounds/schemas.py RoundCreate, in part). */
export interface NextRound {
  name: string
  vote_method: VoteMethod
  quorum: number
  directions?: string
}

export type AdvanceRequest = AdvanceRule & { include_tied: number[]; next_round: NextRound }

export interface JurorQuality {
  user_id: number
  username: string
  active: boolean
  votes: number
  mean_score: number | null
  shared_entries: number
  /** Correlation with the leave-one-out mean of the other jurors (−1 to 1). */
  agreement: number | null
}

export interface DivisiveEntry {
  round_entry_id: number
  page_id: number
  title: string
  spread: number
  mean: number
  votes: number
}

export interface Quality {
  round_id: number
  vote_method: VoteMethod
  alpha: number | null
  alpha_metric: 'nominal' | 'interval' | null
  alpha_note: string | null
  jurors: JurorQuality[]
  divisive: DivisiveEntry[]
}

export type FlagStatus = 'open' | 'dismissed' | 'upheld'

export interface FlagReview {
  id: number
  round_entry_id: number
  entry: EntryBrief
  entry_dq_code: string | null
  juror: UserBrief
  reason: string
  note: string
  status: FlagStatus
  created_at: string
  flag_count: number
  resolved_by: UserBrief | null
  resolved_at: string | null
}

/** Most rows the results table answers at once. */
export const MAX_RESULTS_PAGE = 1000

export const readResults = (roundId: number, page: { offset: number; limit: number }, signal?: AbortSignal) =>
  api.get<ResultsPage>(`/api/rounds/${roundId}/results`, { query: page, signal })

export const readThresholds = (roundId: number, signal?: AbortSignal) =>
  api.get<ThresholdTable>(`/api/rounds/${roundId}/thresholds`, { signal })

export const previewAdvance = (roundId: number, rule: AdvanceRule, signal?: AbortSignal) =>
  api.get<AdvancePreview>(`/api/rounds/${roundId}/advance/preview`, { query: { ...rule }, signal })

/** Creates the next (draft) round from the advancing entries and returns it. */
export const advanceRound = (roundId: number, request: AdvanceRequest) =>
  api.post<Round>(`/api/rounds/${roundId}/advance`, request)

export const finalizeRound = (roundId: number) => api.post<Round>(`/api/rounds/${roundId}/finalize`)

export const readQuality = (roundId: number, limit = 20, signal?: AbortSignal) =>
  api.get<Quality>(`/api/rounds/${roundId}/quality`, { query: { limit }, signal })

export const listFlags = (roundId: number, status: FlagStatus = 'open', signal?: AbortSignal) =>
  api.get<FlagReview[]>(`/api/rounds/${roundId}/flags/queue`, { query: { status }, signal })

export const dismissFlag = (roundId: number, flagId: number) =>
  api.post<FlagReview>(`/api/rounds/${roundId}/flags/${flagId}/dismiss`)

/** Disqualifies the flagged entry; without a reason the server words one from the flags. */
export const disqualifyFlagged = (roundId: number, flagId: number, reason?: string) =>
  api.post<FlagReview>(`/api/rounds/${roundId}/flags/${flagId}/disqualify`, reason ? { reason } : undefined)

/** Plain links (the browser downloads them with the session cookie). */
export const exportUrls = (roundId: number) => ({
  results: `/api/rounds/${roundId}/export/results.csv`,
  entries: `/api/rounds/${roundId}/export/entries.csv`,
  votes: (pseudonymize: boolean) => `/api/rounds/${roundId}/export/votes.csv?pseudonymize=${pseudonymize}`,
})
