/** API shapes shared by the setup screens' tests. */
import type { Job } from '../../../src/api/jobs'
import type { Round } from '../../../src/api/rounds'

export const round: Round = {
  id: 9,
  campaign_id: 3,
  ordinal: 1,
  name: 'Round 1',
  vote_method: 'rating',
  quorum: 2,
  status: 'active',
  directions: 'Be fair.',
  deadline: '2026-10-15T23:59:00Z',
  seed: 42,
  display: { show_filename: true, show_link: false, show_uploader: false, show_stats: true },
  rules: {
    window: true,
    min_megapixels: 2,
    allowed_mimes: ['image/jpeg'],
    exclude_staff_uploads: true,
    exclude_deleted: true,
    exclude_reuploads: false,
  },
  outcome: {},
  created_at: '2026-09-01T00:00:00Z',
  activated_at: '2026-10-01T00:00:00Z',
  finalized_at: null,
  counts: { entries: 10, eligible: 9, disqualified: 1, jurors: 3, tasks_open: 10, tasks_done: 8 },
}

export function job(overrides: Partial<Job> = {}): Job & { payload: Record<string, unknown> } {
  return {
    id: 5,
    kind: 'import',
    status: 'running',
    progress_done: 0,
    progress_total: null,
    stats: {},
    attempts: 1,
    max_attempts: 5,
    error: null,
    campaign_id: 3,
    created_at: '2026-09-01T10:00:00+00:00',
    started_at: '2026-09-01T10:00:01+00:00',
    finished_at: null,
    payload: {},
    ...overrides,
  }
}
