/**
 * Published results (app/publishing, public router): the list of published campaigns, a
 * campaign's winners with attribution and its transparency report, and the printable PDF.
 *
 * Before the embargo ends the public API answers 404 as for an unknown campaign. A
 * campaign's coordinators can still rehearse: the same page comes from
 * GET /api/campaigns/{id}/ceremony, at any time.
 */
import type { Me } from './auth'
import { listCampaigns } from './campaigns'
import { ApiError, api } from './client'
import type { Award } from './publishing'
import type { VoteMethod } from './rounds'

export interface PublicCampaignBrief {
  slug: string
  name: string
  published_at: string
}

export interface AdvancingRule {
  rule: 'min_score' | 'top_n'
  value: number
  advanced: number
}

export interface RoundReport {
  ordinal: number
  name: string
  vote_method: VoteMethod
  quorum: number
  status: string
  activated_at: string | null
  finalized_at: string | null
  entries: number
  eligible: number
  jurors: number
  votes: number
  /** Disqualified entries by reason code (window, resolution, manual...). */
  disqualified: Record<string, number>
  /** How entries went on to the next round; null for the last round. */
  advancing_rule: AdvancingRule | null
}

export interface PublicCampaign {
  slug: string
  name: string
  description: string
  opens_at: string | null
  closes_at: string | null
  /** Null, or in the future, only in a coordinator's rehearsal. */
  published_at: string | null
  /** Places first (1, 2, 3...), then special prizes. */
  awards: Award[]
  rounds: RoundReport[]
}

export function listPublishedCampaigns(): Promise<PublicCampaignBrief[]> {
  return api.get<PublicCampaignBrief[]>('/api/public/campaigns')
}

export function getPublicCampaign(slug: string): Promise<PublicCampaign> {
  return api.get<PublicCampaign>(`/api/public/campaigns/${encodeURIComponent(slug)}`)
}

/** The results page of a campaign I coordinate, published or not. */
export function getRehearsal(campaignId: number): Promise<PublicCampaign> {
  return api.get<PublicCampaign>(`/api/campaigns/${campaignId}/ceremony`)
}

export function publicPdfUrl(slug: string): string {
  return `/api/public/campaigns/${encodeURIComponent(slug)}/ceremony.pdf`
}

export function rehearsalPdfUrl(campaignId: number): string {
  return `/api/campaigns/${campaignId}/export/ceremony.pdf`
}

export interface LoadedResults {
  page: PublicCampaign
  /** Set when the page is a coordinator's rehearsal rather than the public page. */
  rehearsalOf: number | null
}

async function coordinatedId(slug: string, me: Me): Promise<number | null> {
  const named = me.roles.coordinator_of.find((campaign) => campaign.slug === slug)
  if (named) return named.id
  // Admins coordinate every campaign without being named: look the slug up.
  if (!me.roles.admin) return null
  return (await listCampaigns()).find((campaign) => campaign.slug === slug)?.id ?? null
}

/**
 * The public results of `slug`; for its coordinators, the rehearsal while they are not
 * public yet. Anyone else gets the public API's 404. `whoAsks` is only awaited on a 404, so
 * the public page never waits for the session.
 */
export async function loadResults(slug: string, whoAsks: () => Promise<Me | null>): Promise<LoadedResults> {
  try {
    return { page: await getPublicCampaign(slug), rehearsalOf: null }
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error
    const me = await whoAsks()
    if (!me) throw error
    const id = await coordinatedId(slug, me)
    if (id === null) throw error
    return { page: await getRehearsal(id), rehearsalOf: id }
  }
}
