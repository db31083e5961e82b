/**
 * Awards, finalizing and publishing a campaign (app/publishing/routes.py).
 *
 * The awards screen also needs the campaign and its rounds, which the campaigns and rounds
 * domains serve; `readCampaign` and `listCampaignRounds` read the fields it uses.
 */
import type { CampaignStatus } from './auth'
import { api } from './client'
import type { RoundSummary } from './results'

export interface CampaignSummary {
  id: number
  slug: string
  name: string
  status: CampaignStatus
  /** The embargo: results are public from then on (published campaigns only). */
  publish_at: string | null
}

export type AwardKind = 'place' | 'special'

export interface AwardInput {
  name: string
  kind: AwardKind
  /** 1 for first place…; null for a special prize. */
  place: number | null
  round_entry_id: number
}

export interface Attribution {
  author: string
  author_url: string | null
  license: string
  file_url: string
  text: string
}

export interface Award {
  id: number
  name: string
  kind: AwardKind
  place: number | null
  round_entry_id: number | null
  entry: {
    entry_id: number
    page_id: number
    title: string
    thumb_url: string
    description_url: string
    attribution: Attribution
  } | null
}

export const readCampaign = (campaignId: number, signal?: AbortSignal) =>
  api.get<CampaignSummary>(`/api/campaigns/${campaignId}`, { signal })

export const listCampaignRounds = (campaignId: number, signal?: AbortSignal) =>
  api.get<RoundSummary[]>(`/api/campaigns/${campaignId}/rounds`, { signal })

export const listAwards = (campaignId: number, signal?: AbortSignal) =>
  api.get<Award[]>(`/api/campaigns/${campaignId}/awards`, { signal })

/** Replaces every award; each goes to an eligible entry of the last finalized round. */
export const saveAwards = (campaignId: number, awards: AwardInput[]) =>
  api.put<Award[]>(`/api/campaigns/${campaignId}/awards`, { awards })

export const finalizeCampaign = (campaignId: number) =>
  api.post<CampaignSummary>(`/api/campaigns/${campaignId}/finalize`)

/** `publishAt` is an ISO 8601 time with its offset; left out, the results are public now. */
export const publishCampaign = (campaignId: number, publishAt: string | null) =>
  api.post<CampaignSummary>(`/api/campaigns/${campaignId}/publish`, publishAt ? { publish_at: publishAt } : {})

export const unpublishCampaign = (campaignId: number) =>
  api.post<CampaignSummary>(`/api/campaigns/${campaignId}/unpublish`)

export const galleryUrl = (campaignId: number) => `/api/campaigns/${campaignId}/export/gallery.wiki`
