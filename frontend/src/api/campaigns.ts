/** Campaigns (app/campaigns): list, create, edit, and their coordinators. */
import type { CampaignStatus } from './auth'
import { api } from './client'

export interface UserBrief {
  id: number
  username: string
}

export interface Campaign {
  id: number
  slug: string
  name: string
  description: string
  /** Upload window, UTC: decides which files are eligible. */
  opens_at: string | null
  closes_at: string | null
  /** Results are not published before this time (embargo). */
  publish_at: string | null
  status: CampaignStatus
  series_id: number | null
  created_at: string
  coordinators: UserBrief[]
}

export interface CampaignCreate {
  slug: string
  name: string
  description?: string
  opens_at?: string | null
  closes_at?: string | null
}

/** Every field optional: only the ones sent change; `null` clears a date. */
export interface CampaignUpdate {
  name?: string
  description?: string
  opens_at?: string | null
  closes_at?: string | null
  publish_at?: string | null
}

/** The campaigns I coordinate (every campaign for admins). */
export function listCampaigns(): Promise<Campaign[]> {
  return api.get<Campaign[]>('/api/campaigns')
}

export function getCampaign(id: number): Promise<Campaign> {
  return api.get<Campaign>(`/api/campaigns/${id}`)
}

export function createCampaign(data: CampaignCreate): Promise<Campaign> {
  return api.post<Campaign>('/api/campaigns', data)
}

export function updateCampaign(id: number, data: CampaignUpdate): Promise<Campaign> {
  return api.patch<Campaign>(`/api/campaigns/${id}`, data)
}

export function addCoordinator(campaignId: number, userId: number): Promise<UserBrief> {
  return api.put<UserBrief>(`/api/campaigns/${campaignId}/coordinators/${userId}`)
}

export function removeCoordinator(campaignId: number, userId: number): Promise<void> {
  return api.delete<void>(`/api/campaigns/${campaignId}/coordinators/${userId}`)
}
