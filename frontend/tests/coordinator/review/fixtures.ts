/** Sample API answers for the review screens' tests. */
import type { AdvanceCandidate, AdvancePreview, ResultRow } from '../../../src/api/results'
import type { Round } from '../../../src/api/rounds'

export function round(overrides: Partial<Round> = {}): Round {
  return {
    id: 4,
    campaign_id: 2,
    ordinal: 2,
    name: 'Round 2: stars',
    vote_method: 'rating',
    quorum: 3,
    status: 'active',
    directions: '',
    deadline: null,
    seed: 1,
    display: { show_filename: false, show_link: false, show_uploader: false, show_stats: false },
    rules: {
      window: true,
      min_megapixels: null,
      allowed_mimes: null,
      exclude_staff_uploads: true,
      exclude_deleted: true,
      exclude_reuploads: true,
    },
    outcome: {},
    created_at: '2026-09-01T00:00:00Z',
    activated_at: '2026-10-01T00:00:00Z',
    finalized_at: null,
    counts: { entries: 10, eligible: 10, disqualified: 0, jurors: 3, tasks_open: 5, tasks_done: 25 },
    ...overrides,
  }
}

export function candidate(id: number, score: number | null, place: number | null = null): AdvanceCandidate {
  return { round_entry_id: id, entry_id: 100 + id, page_id: 1000 + id, title: `File:Photo ${id}.jpg`, score, place, vote_count: 3 }
}

/** Top 3 where the third place is a tie between entries 3, 4 and 5 at 0.5. */
export function tiedPreview(overrides: Partial<AdvancePreview> = {}): AdvancePreview {
  return {
    rule: 'top_n',
    value: 3,
    basis: 'score',
    frozen: false,
    advancing: [candidate(1, 1), candidate(2, 0.75)],
    tied_at_boundary: [candidate(3, 0.5), candidate(4, 0.5), candidate(5, 0.5)],
    boundary_score: 0.5,
    boundary_place: null,
    open_slots: 1,
    ...overrides,
  }
}

/** A results row of entry ``id`` (its photo named after it), scored and not ranked. */
export function resultRow(id: number, overrides: Partial<ResultRow> = {}): ResultRow {
  return {
    round_entry_id: id,
    entry: {
      entry_id: id,
      page_id: id,
      title: `File:Photo ${id}.jpg`,
      url: '',
      description_url: '',
      thumb_url: '',
      width: 1,
      height: 1,
      uploader: 'U',
    },
    score: null,
    vote_count: 3,
    place: null,
    rank: null,
    mean_position: null,
    tied: false,
    advanced: null,
    votes: [],
    ...overrides,
  }
}
