import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { useRouter } from 'vue-router'
import { ApiError } from '../../src/api/client'
import ListState from '../../src/components/ListState.vue'
import RoundReviewHeader from '../../src/components/coordinator/review/RoundReviewHeader.vue'
import { idParam, useRouteRecord } from '../../src/components/useLoad'
import { round } from '../coordinator/review/fixtures'
import { mountAt } from './mount'

let wrapper: VueWrapper | null = null

afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('useRouteRecord', () => {
  it('reads the record of the route param, and again when the param changes', async () => {
    const read = vi.fn(async (id: number) => (id === 5 ? Promise.reject(new ApiError(404, 'not_found', 'No round 5')) : `round ${id}`))
    let state!: ReturnType<typeof useRouteRecord<string>>
    let router!: ReturnType<typeof useRouter>
    const Probe = defineComponent(() => {
      state = useRouteRecord('roundId', read)
      router = useRouter()
      return () => h('p')
    })
    wrapper = await mountAt(Probe, '/rounds/4/results')
    await flushPromises()
    expect([state.id.value, state.data.value, state.loading.value, state.error.value]).toEqual([4, 'round 4', false, null])

    await router.push('/rounds/5/results')
    await flushPromises()
    expect(read.mock.calls.map(([id]) => id)).toEqual([4, 5])
    expect(state.error.value).toBeInstanceOf(ApiError)
    // The last answer stays on screen under the error.
    expect(state.data.value).toBe('round 4')
  })
})

describe('ListState', () => {
  const slots = { empty: () => h('p', { 'data-testid': 'empty' }), default: () => h('ul', { 'data-testid': 'list' }) }
  const show = async (props: { loading: boolean; error: unknown; empty: boolean }) =>
    (wrapper = await mountAt(ListState, '/', { props, slots }))

  it('shows one state at a time: loading, then the error, the empty text or the list', async () => {
    expect((await show({ loading: true, error: null, empty: true })).get('[role="status"]').text()).toBe('Loading…')
    expect((await show({ loading: false, error: new ApiError(500, 'internal', 'Boom'), empty: true })).find('.load-error').exists()).toBe(true)
    const empty = await show({ loading: false, error: null, empty: true })
    expect([empty.find('[data-testid="empty"]').exists(), empty.find('[data-testid="list"]').exists()]).toEqual([true, false])
    const list = await show({ loading: false, error: null, empty: false })
    expect([list.find('[data-testid="empty"]').exists(), list.find('[data-testid="list"]').exists()]).toEqual([false, true])
  })
})

describe('RoundReviewHeader', () => {
  it('links back to the campaign and the round once the round is known, and between the review screens', async () => {
    const props = { round: null, roundId: 4, titleKey: 'loupe-review-results-title' }
    wrapper = await mountAt(RoundReviewHeader, '/rounds/4/results', { props })
    expect(wrapper.find('[data-testid="review-campaign-link"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="review-nav-flags"]').attributes('href')).toBe('/rounds/4/flags')

    await wrapper.setProps({ round: round({ name: 'Round 2: stars', status: 'paused' }) })
    expect(wrapper.get('[data-testid="review-campaign-link"]').attributes('href')).toBe('/campaigns/2')
    expect(wrapper.get('[data-testid="review-round-link"]').attributes('href')).toBe('/rounds/4')
    expect(wrapper.get('[data-testid="review-round"]').text()).toBe('Round 2: stars — paused')
  })
})

describe('idParam', () => {
  it('reads digits only', () => {
    expect(idParam('12')).toBe(12)
    expect(idParam(['7', '8'])).toBe(7)
    expect(idParam('1e3')).toBeNaN()
    expect(idParam(undefined)).toBeNaN()
  })
})
