import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../../src/api/client'
import type { Campaign } from '../../../src/api/campaigns'
import type { ResultsPage } from '../../../src/api/results'
import CampaignAwardsView from '../../../src/views/coordinator/review/CampaignAwardsView.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { apiError, fakeServer } from '../../juror/fakeServer'
import { resultRow, round } from './fixtures'

let wrapper: VueWrapper | null = null

beforeEach(() => setCsrfToken('token'))
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const campaign = (overrides: Partial<Campaign> = {}): Campaign => ({
  id: 2,
  slug: 'wlm-2026',
  name: 'WLM 2026',
  description: '',
  opens_at: null,
  closes_at: null,
  status: 'finalized',
  publish_at: null,
  series_id: null,
  created_at: '2026-09-01T00:00:00Z',
  coordinators: [],
  ...overrides,
})

const results: ResultsPage = {
  round_id: 4,
  vote_method: 'rating',
  status: 'finalized',
  frozen: true,
  total: 4,
  offset: 0,
  limit: 1000,
  ranking: null,
  rows: [resultRow(41, { score: 1 }), resultRow(42, { score: 0.75 }), resultRow(43, { score: 0.5 }), resultRow(44, { score: 0.25 })],
}

function server(extra = {}) {
  return fakeServer({
    'GET /api/campaigns/2': jsonResponse(campaign()),
    'GET /api/campaigns/2/rounds': jsonResponse([round({ id: 3, ordinal: 1, status: 'finalized' }), round({ status: 'finalized' })]),
    'GET /api/campaigns/2/awards': jsonResponse([]),
    'GET /api/rounds/4/results': jsonResponse(results),
    ...extra,
  })
}

const testid = (name: string) => `[data-testid="${name}"]`

describe('CampaignAwardsView', () => {
  it("suggests the final round's top three as places and saves them with a special prize", async () => {
    const fake = server({ 'PUT /api/campaigns/2/awards': jsonResponse([]) })
    wrapper = await mountAt(CampaignAwardsView, '/campaigns/2/awards')
    await flushPromises()
    expect(fake.sent('GET /api/rounds/4/results')).toHaveLength(1)
    expect((wrapper.get(testid('award-place-1')).element as HTMLSelectElement).value).toBe('41')
    expect((wrapper.get(testid('award-place-3')).element as HTMLSelectElement).value).toBe('43')

    await wrapper.get(testid('award-add-special')).trigger('click')
    await wrapper.get(testid('awards-save')).trigger('click')
    expect(wrapper.findAll(testid('award-problem')).map((p) => p.text())).toEqual([
      'Give the award a name.',
      'Choose the entry that wins it.',
    ])
    expect(fake.sent('PUT /api/campaigns/2/awards')).toHaveLength(0)

    await wrapper.get(testid('award-special-1-name')).setValue('Best night photo')
    await wrapper.get(testid('award-special-1')).setValue('44')
    await wrapper.get(testid('awards-save')).trigger('click')
    await flushPromises()
    expect(fake.sent('PUT /api/campaigns/2/awards')[0]!.body).toEqual({
      awards: [
        { name: 'Place 1', kind: 'place', place: 1, round_entry_id: 41 },
        { name: 'Place 2', kind: 'place', place: 2, round_entry_id: 42 },
        { name: 'Place 3', kind: 'place', place: 3, round_entry_id: 43 },
        { name: 'Best night photo', kind: 'special', place: null, round_entry_id: 44 },
      ],
    })
  })

  it('says so when a final ranking round left an entry without a place', async () => {
    server({
      'GET /api/campaigns/2/rounds': jsonResponse([round({ status: 'finalized', vote_method: 'ranking' })]),
      'GET /api/rounds/4/results': jsonResponse({
        ...results,
        vote_method: 'ranking',
        rows: [resultRow(41, { place: 1, rank: 1 }), resultRow(42, { place: null, rank: 2 })],
      }),
    })
    wrapper = await mountAt(CampaignAwardsView, '/campaigns/2/awards')
    await flushPromises()
    const options = wrapper.get(testid('award-place-1')).findAll('option').map((o) => o.text())
    expect(options).toContain('1. File:Photo 41.jpg')
    expect(options).toContain('File:Photo 42.jpg (no place: no ballot ranks it)')
  })

  it('publishes at the chosen local time, sent in UTC', async () => {
    const fake = server({
      'POST /api/campaigns/2/publish': jsonResponse(campaign({ status: 'published', publish_at: '2030-06-01T18:00:00Z' })),
    })
    wrapper = await mountAt(CampaignAwardsView, '/campaigns/2/awards')
    await flushPromises()
    await wrapper.get(testid('publish-at')).setValue('2030-06-01T18:00')
    fake.on('GET /api/campaigns/2', jsonResponse(campaign({ status: 'published', publish_at: '2030-06-01T18:00:00Z' })))
    await wrapper.get(testid('publish-submit')).trigger('click')
    await flushPromises()
    expect(fake.sent('POST /api/campaigns/2/publish')[0]!.body).toEqual({ publish_at: new Date(2030, 5, 1, 18, 0).toISOString() })
    expect(wrapper.get(testid('publish-state')).attributes('data-state')).toBe('scheduled')
    expect(wrapper.find(testid('unpublish')).exists()).toBe(true)
  })

  it('shows why publishing was refused, in words, under the publish button', async () => {
    server({ 'POST /api/campaigns/2/publish': apiError(409, 'conflict', 'Choose the awards before publishing.') })
    wrapper = await mountAt(CampaignAwardsView, '/campaigns/2/awards')
    await flushPromises()
    await wrapper.get(testid('publish-submit')).trigger('click')
    await flushPromises()
    const error = wrapper.get(`${testid('publish-panel')} .error-message`).text()
    expect(error).toContain('Choose the awards before publishing.')
  })
})
