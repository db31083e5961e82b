import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../../src/api/client'
import RoundForm from '../../../src/components/coordinator/setup/RoundForm.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse, mockFetch } from '../../helpers'
import { round } from './data'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('RoundForm', () => {
  it('creates a round with every setting in the request', async () => {
    setCsrfToken('token')
    const fetchMock = mockFetch(jsonResponse({ ...round, id: 11 }, 201))
    const wrapper = await mountAt(RoundForm, '/', { props: { campaignId: 3 } })

    await wrapper.get('[data-testid="round-name"]').setValue('Final')
    await wrapper.get('[data-testid="round-vote-method-rating"] input').setValue(true)
    await wrapper.get('[data-testid="round-quorum"]').setValue('3')
    await wrapper.get('[data-testid="round-deadline"]').setValue('2026-10-15T23:59')
    await wrapper.get('[data-testid="round-display-show_uploader"] input').setValue(true)
    await wrapper.get('[data-testid="round-rule-min-megapixels"]').setValue('2')
    await wrapper.get('[data-testid="round-form"]').trigger('submit')
    await flushPromises()

    expect(fetchMock.mock.calls[0]![0]).toBe('/api/campaigns/3/rounds')
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]!.body))).toMatchObject({
      name: 'Final',
      vote_method: 'rating',
      quorum: 3,
      deadline: '2026-10-15T23:59:00Z',
      display: { show_uploader: true },
      rules: { min_megapixels: 2 },
    })
    expect(wrapper.emitted('saved')![0]).toEqual([{ ...round, id: 11 }])
  })

  it('locks the vote method of a running round and shows a refusal in words', async () => {
    setCsrfToken('token')
    const fetchMock = mockFetch(
      jsonResponse({ error: 'conflict', detail: 'The quorum (4) is larger than the number of jurors (3).' }, 409),
    )
    const wrapper = await mountAt(RoundForm, '/', { props: { round } })

    expect(wrapper.get('[data-testid="round-vote-method-yes_no"] input').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="round-quorum"]').setValue('4')
    await wrapper.get('[data-testid="round-form"]').trigger('submit')
    await flushPromises()

    expect(fetchMock.mock.calls[0]![0]).toBe('/api/rounds/9')
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]!.body))).toEqual({ quorum: 4 })
    const error = wrapper.get('[data-testid="round-error"]').text()
    expect(error).toContain('The quorum (4) is larger than the number of jurors (3).')
    expect(wrapper.emitted('saved')).toBeUndefined()
  })
})
