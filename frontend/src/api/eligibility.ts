/**
 * Eligibility (app/eligibility/routes.py): a round's entries with their disqualification,
 * the rules' preview and application, and manual disqualify / requalify with a reason.
 */
import { api } from './client'
import type { EligibilityRules } from './rounds'

/** The facts a rule's reason states (app/eligibility/rules.py, Why): timestamps in ISO 8601. */
export type DisqualificationFacts = Record<string, unknown>

export interface PreviewEntry {
  round_entry_id: number
  entry_id: number
  title: string
  uploader: string
  code: string
  /** In English; the UI words it from `params` when it can (reasonText). */
  reason: string
  params: DisqualificationFacts | null
}

export interface RulePreview {
  code: string
  /** The rule in words (English, from the server). */
  label: string
  enabled: boolean
  count: number
  entries: PreviewEntry[]
}

export interface EligibilityPreview {
  rules: EligibilityRules
  entries: number
  eligible: number
  would_disqualify: number
  would_requalify: number
  /** Disqualified by hand or from a flag: applying the rules leaves them alone. */
  untouched: number
  per_rule: RulePreview[]
  disqualify: PreviewEntry[]
  requalify: PreviewEntry[]
}

export interface EligibilityResult {
  rules: EligibilityRules
  disqualified: number
  requalified: number
  reworded: number
  by_code: Record<string, number>
  tasks_added: number
}

export interface RoundEntry {
  id: number
  entry_id: number
  page_id: number
  title: string
  url: string
  description_url: string
  thumb_url: string | null
  width: number
  height: number
  size: number
  mime: string
  uploader: string
  uploaded_at: string | null
  deleted: boolean
  reuploaded: boolean
  source: string
  dq_code: string | null
  dq_reason: string | null
  /** The facts behind a rule's reason; null for a reason written by hand. */
  dq_params: DisqualificationFacts | null
  dq_by: number | null
  dq_at: string | null
}

export interface RoundEntryPage {
  total: number
  offset: number
  limit: number
  items: RoundEntry[]
}

export interface EntryFilter {
  status?: 'eligible' | 'disqualified'
  reason?: string
  uploader?: string
  offset: number
  limit: number
}

/** Most entries one page of the list holds. */
export const MAX_ENTRIES_PAGE = 500

export const listEntries = (roundId: number, filter: EntryFilter, signal?: AbortSignal) =>
  api.get<RoundEntryPage>(`/api/rounds/${roundId}/entries`, { query: { ...filter }, signal })

/** What the rules (the round's own when left out) would change; changes nothing. */
export const previewEligibility = (roundId: number, rules?: EligibilityRules) =>
  api.post<EligibilityPreview>(`/api/rounds/${roundId}/eligibility/preview`, rules)

/** Stores `rules` on the round (when given), then disqualifies and requalifies by them. */
export const applyEligibility = (roundId: number, rules?: EligibilityRules) =>
  api.post<EligibilityResult>(`/api/rounds/${roundId}/eligibility/apply`, rules ? { rules } : undefined)

export const disqualifyEntry = (roundId: number, roundEntryId: number, reason: string) =>
  api.post<RoundEntry>(`/api/rounds/${roundId}/entries/${roundEntryId}/disqualify`, { reason })

export const requalifyEntry = (roundId: number, roundEntryId: number, reason: string) =>
  api.post<RoundEntry>(`/api/rounds/${roundId}/entries/${roundEntryId}/requalify`, { reason })
