/** A campaign's audit log (GET /api/campaigns/{id}/audit in app/campaigns/routes.py). */
import { api } from './client'

export interface AuditEvent {
  id: number
  created_at: string
  /** e.g. "round.finalize", "campaign.publish". */
  action: string
  object_type: string
  object_id: number | null
  actor: { id: number; username: string } | null
  details: Record<string, unknown>
}

export interface AuditPage {
  total: number
  events: AuditEvent[]
}

/** Newest first. */
export const readAuditLog = (campaignId: number, page: { offset: number; limit: number }, signal?: AbortSignal) =>
  api.get<AuditPage>(`/api/campaigns/${campaignId}/audit`, { query: page, signal })
