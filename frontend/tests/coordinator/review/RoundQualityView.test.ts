import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Quality } from '../../../src/api/results'
import type { VoteMethod } from '../../../src/api/rounds'
import RoundQualityView from '../../../src/views/coordinator/review/RoundQualityView.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { fakeServer } from '../../juror/fakeServer'
import { round } from './fixtures'

let wrapper: VueWrapper | null = null

afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

function quality(method: VoteMethod): Quality {
  return {
    round_id: 4,
    vote_method: method,
    alpha: 0.42,
    alpha_metric: method === 'yes_no' ? 'nominal' : 'interval',
    alpha_note: null,
    jurors: [{ user_id: 7, username: 'Ama', active: true, votes: 4, mean_score: null, shared_entries: 4, agreement: 0.8 }],
    divisive: [],
  }
}

async function open(method: VoteMethod) {
  fakeServer({
    'GET /api/rounds/4': jsonResponse(round({ vote_method: method })),
    'GET /api/rounds/4/quality': jsonResponse(quality(method)),
    'GET /api/rounds/4/jurors': jsonResponse([]),
  })
  wrapper = await mountAt(RoundQualityView, '/rounds/4/quality')
  await flushPromises()
  return wrapper
}

describe('RoundQualityView', () => {
  it('says that a ranking round compares the ballots\' standings', async () => {
    const view = await open('ranking')
    expect(view.get('[data-testid="quality-alpha"]').text()).toContain("on the ballots' standings")
    expect(view.find('[data-testid="quality-standings"]').exists()).toBe(true)
  })

  it('names the metric of a rating round and leaves standings out', async () => {
    const view = await open('rating')
    expect(view.get('[data-testid="quality-alpha"]').text()).toContain('(interval)')
    expect(view.find('[data-testid="quality-standings"]').exists()).toBe(false)
  })
})
