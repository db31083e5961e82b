/**
 * Awards, finalizing and publishing a campaign (app/publishing/routes.py). The awards are
 * the same on the public results page (api/public.ts).
 */
import type { Campaign } from './campaigns'
import { api } from './client'

export type AwardKind = 'place' | 'special'

export interface AwardInput {
  name: string
  kind: AwardKind
  /** 1 for first place…; null for a special prize. */
  place: number | null
  round_entry_id: number
}

/** What Commons asks of anyone reusing the photo: author, licence, and a link. */
export interface Attribution {
  author: string
  /** The uploader's Commons user page; null when the uploader is unknown. */
  author_url: string | null
  license: string
  /** The file's description page on Commons. */
  file_url: string
  /** "Author, licence, via Wikimedia Commons", ready to print. */
  text: string
}

export interface WinnerEntry {
  entry_id: number
  page_id: number
  title: string
  width: number
  height: number
  url: string
  thumb_url: string
  /** `<img srcset>` candidates at standard Commons widths; empty when there are none. */
  srcset: string
  description_url: string
  attribution: Attribution
}

export interface Award {
  id: number
  name: string
  kind: AwardKind
  /** 1 for first place…; null for a special prize. */
  place: number | null
  round_entry_id: number | null
  /** Null when the photo is no longer known. */
  entry: WinnerEntry | null
}

export const listAwards = (campaignId: number, signal?: AbortSignal) =>
  api.get<Award[]>(`/api/campaigns/${campaignId}/awards`, { signal })

/** Replaces every award; each goes to an eligible entry of the last finalized round. */
export const saveAwards = (campaignId: number, awards: AwardInput[]) =>
  api.put<Award[]>(`/api/campaigns/${campaignId}/awards`, { awards })

export const finalizeCampaign = (campaignId: number) =>
  api.post<Campaign>(`/api/campaigns/${campaignId}/finalize`)

/** `publishAt` is an ISO 8601 time with its offset; left out, the results are public now. */
export const publishCampaign = (campaignId: number, publishAt: string | null) =>
  api.post<Campaign>(`/api/campaigns/${campaignId}/publish`, publishAt ? { publish_at: publishAt } : {})

export const unpublishCampaign = (campaignId: number) =>
  api.post<Campaign>(`/api/campaigns/${campaignId}/unpublish`)

export const galleryUrl = (campaignId: number) => `/api/campaigns/${campaignId}/export/gallery.wiki`
