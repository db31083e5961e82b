import { describe, expect, it } from 'vitest'
import type { Campaign } from '../../../src/api/campaigns'
import {
  campaignCreatePayload,
  campaignForm,
  campaignUpdatePayload,
  fromUtcInput,
  importRequest,
  roundChanges,
  roundForm,
  roundPayload,
  slugFrom,
  toUtcInput,
} from '../../../src/components/coordinator/setup/forms'
import { round } from './data'

const campaign: Campaign = {
  id: 3,
  slug: 'wlm-2026-gh',
  name: 'WLM 2026 in Ghana',
  description: 'Monuments',
  opens_at: '2026-09-01T00:00:00+00:00',
  closes_at: '2026-09-30T23:59:00Z',
  publish_at: null,
  status: 'draft',
  series_id: null,
  created_at: '2026-08-01T00:00:00Z',
  coordinators: [{ id: 1, username: 'Coord' }],
}

describe('UTC date inputs', () => {
  it('shows an API time in UTC whatever its offset', () => {
    expect(toUtcInput('2026-09-01T02:30:00+02:00')).toBe('2026-09-01T00:30')
    expect(toUtcInput(null)).toBe('')
    expect(toUtcInput('not a date')).toBe('')
  })

  it('reads the input as UTC, empty as no date', () => {
    expect(fromUtcInput('2026-09-30T23:59')).toBe('2026-09-30T23:59:00Z')
    expect(fromUtcInput('2026-09-30T23:59:30')).toBe('2026-09-30T23:59:30Z')
    expect(fromUtcInput('  ')).toBeNull()
  })
})

describe('campaign form', () => {
  it('suggests a slug the API accepts', () => {
    expect(slugFrom('Wiki Loves Monuments 2026 in Côte d’Ivoire')).toBe('wiki-loves-monuments-2026-in-cote-d-ivoire')
  })

  it('creates with trimmed names and UTC dates', () => {
    const form = { ...campaignForm(), slug: ' wlm-x ', name: ' WLM X ', opens: '2026-09-01T00:00', closes: '' }
    expect(campaignCreatePayload(form)).toEqual({
      slug: 'wlm-x',
      name: 'WLM X',
      description: '',
      opens_at: '2026-09-01T00:00:00Z',
      closes_at: null,
    })
  })

  it('sends nothing for an untouched campaign', () => {
    expect(campaignUpdatePayload(campaign, campaignForm(campaign))).toEqual({})
  })

  it('sends only the changed fields, a cleared date as null', () => {
    const form = { ...campaignForm(campaign), name: 'WLM 2026 Ghana', closes: '', publish: '2026-12-01T12:00' }
    expect(campaignUpdatePayload(campaign, form)).toEqual({
      name: 'WLM 2026 Ghana',
      closes_at: null,
      publish_at: '2026-12-01T12:00:00Z',
    })
  })
})

describe('round form', () => {
  it('starts from the API defaults: anonymous judging, every rule on', () => {
    const payload = roundPayload({ ...roundForm(), name: ' Round 1 ' })
    expect(payload).toEqual({
      name: 'Round 1',
      vote_method: 'yes_no',
      quorum: 1,
      directions: '',
      deadline: null,
      display: { show_filename: true, show_link: true, show_uploader: false, show_stats: false },
      rules: {
        window: true,
        min_megapixels: null,
        allowed_mimes: null,
        exclude_staff_uploads: true,
        exclude_deleted: true,
        exclude_reuploads: true,
      },
    })
  })

  it('turns the rule fields into numbers and lists', () => {
    const form = roundForm()
    form.rules.min_megapixels = '2.5'
    form.rules.allowed_mimes = 'image/jpeg, image/png,\nimage/tiff'
    form.rules.window = false
    expect(roundPayload(form).rules).toMatchObject({
      window: false,
      min_megapixels: 2.5,
      allowed_mimes: ['image/jpeg', 'image/png', 'image/tiff'],
    })
  })

  it('round-trips a round unchanged', () => {
    expect(roundChanges(round, roundForm(round))).toEqual({})
  })

  it('sends only what changed, so a running round keeps its vote method out of the request', () => {
    const form = roundForm(round)
    form.quorum = 3
    form.display.show_uploader = true
    form.deadline = ''
    expect(roundChanges(round, form)).toEqual({
      quorum: 3,
      deadline: null,
      display: { ...round.display, show_uploader: true },
    })
  })
})

describe('import form', () => {
  const base = { source: 'category' as const, categories: '', depth: 0, titles: '' }

  it('sends categories one per line with the depth', () => {
    expect(importRequest({ ...base, categories: 'Images from WLM 2026 in Ghana\n\n Category:Other \n', depth: 2 })).toEqual({
      source: 'category',
      categories: ['Images from WLM 2026 in Ghana', 'Category:Other'],
      depth: 2,
    })
  })

  it('sends pasted titles, and nothing when the list is empty', () => {
    expect(importRequest({ ...base, source: 'titles', titles: 'File:A.jpg\nB.jpg\n' })).toEqual({
      source: 'titles',
      titles: ['File:A.jpg', 'B.jpg'],
    })
    expect(importRequest({ ...base, source: 'titles', titles: ' \n' })).toBeNull()
    expect(importRequest({ ...base, categories: '' })).toBeNull()
  })

  it('needs no settings for the previous round, and no JSON request for a CSV', () => {
    expect(importRequest({ ...base, source: 'previous_round' })).toEqual({ source: 'previous_round' })
    expect(importRequest({ ...base, source: 'csv' })).toBeNull()
  })
})
