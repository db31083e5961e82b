/** Campaign and round statuses in words (the API sends codes). */
import type { CampaignStatus, RoundStatus } from '../api/auth'
import { t } from '../i18n'

const ROUND_STATUS: Record<RoundStatus, string> = {
  draft: 'loupe-round-status-draft',
  active: 'loupe-round-status-active',
  paused: 'loupe-round-status-paused',
  finalized: 'loupe-round-status-finalized',
  cancelled: 'loupe-round-status-cancelled',
}

const CAMPAIGN_STATUS: Record<CampaignStatus, string> = {
  draft: 'loupe-campaign-status-draft',
  judging: 'loupe-campaign-status-judging',
  finalized: 'loupe-campaign-status-finalized',
  published: 'loupe-campaign-status-published',
}

// A status this UI doesn't know yet (newer backend) shows as its code rather than nothing.
export function roundStatusText(status: string): string {
  const key = ROUND_STATUS[status as RoundStatus]
  return key ? t(key) : status
}

export function campaignStatusText(status: string): string {
  const key = CAMPAIGN_STATUS[status as CampaignStatus]
  return key ? t(key) : status
}
