/** Rounds (app/rounds) as coordinators see them: settings, lifecycle and jurors. */
import type { RoundStatus } from './auth'
import type { UserBrief } from './campaigns'
import { api } from './client'

export type VoteMethod = 'yes_no' | 'rating' | 'ranking'

/** What jurors see; the uploader is hidden by default (anonymous judging). */
export interface Display {
  show_filename: boolean
  show_link: boolean
  show_uploader: boolean
  show_stats: boolean
}

/** Disqualification rules applied to the round's entries. */
export interface EligibilityRules {
  window: boolean
  min_megapixels: number | null
  allowed_mimes: string[] | null
  exclude_staff_uploads: boolean
  exclude_deleted: boolean
  exclude_reuploads: boolean
}

export interface RoundCounts {
  entries: number
  eligible: number
  disqualified: number
  jurors: number
  tasks_open: number
  tasks_done: number
}

export interface Round {
  id: number
  campaign_id: number
  ordinal: number
  name: string
  vote_method: VoteMethod
  quorum: number
  status: RoundStatus
  directions: string
  deadline: string | null
  seed: number
  display: Display
  rules: EligibilityRules
  outcome: Record<string, unknown>
  created_at: string
  activated_at: string | null
  finalized_at: string | null
  counts: RoundCounts
}

export interface RoundSettings {
  name: string
  vote_method: VoteMethod
  quorum: number
  directions: string
  deadline: string | null
  display: Display
  rules: EligibilityRules
}

export type RoundCreate = RoundSettings & { juror_ids?: number[] }
/** Only the fields sent change; `deadline: null` removes the deadline. */
export type RoundUpdate = Partial<RoundSettings>

export interface JurorProgress {
  user_id: number
  username: string
  active: boolean
  open: number
  done: number
  total: number
  last_vote_at: string | null
  votes_last_hour: number
  /** Behind the pace needed to finish by the deadline. */
  behind: boolean
}

export function listRounds(campaignId: number): Promise<Round[]> {
  return api.get<Round[]>(`/api/campaigns/${campaignId}/rounds`)
}

export function getRound(id: number): Promise<Round> {
  return api.get<Round>(`/api/rounds/${id}`)
}

export function createRound(campaignId: number, data: RoundCreate): Promise<Round> {
  return api.post<Round>(`/api/campaigns/${campaignId}/rounds`, data)
}

export function updateRound(id: number, data: RoundUpdate): Promise<Round> {
  return api.patch<Round>(`/api/rounds/${id}`, data)
}

export type RoundAction = 'activate' | 'pause' | 'cancel'

/** Lifecycle: `activate` starts a draft round or resumes a paused one. */
export function roundAction(id: number, action: RoundAction): Promise<Round> {
  return api.post<Round>(`/api/rounds/${id}/${action}`)
}

export function listJurors(roundId: number): Promise<JurorProgress[]> {
  return api.get<JurorProgress[]>(`/api/rounds/${roundId}/jurors`)
}

export function addJuror(roundId: number, userId: number): Promise<UserBrief> {
  return api.put<UserBrief>(`/api/rounds/${roundId}/jurors/${userId}`)
}

export function removeJuror(roundId: number, userId: number): Promise<void> {
  return api.delete<void>(`/api/rounds/${roundId}/jurors/${userId}`)
}

/**
 * `newUserId` takes the juror's place: on a running round their open tasks too, or a ballot of
 * their own in a ranking round. The votes the juror cast stay.
 */
export function replaceJuror(roundId: number, userId: number, newUserId: number): Promise<UserBrief> {
  return api.post<UserBrief>(`/api/rounds/${roundId}/jurors/${userId}/replace`, { user_id: newUserId })
}
