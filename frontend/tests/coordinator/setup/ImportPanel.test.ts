import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../../src/api/client'
import ImportPanel from '../../../src/components/coordinator/setup/ImportPanel.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse, mockFetch } from '../../helpers'
import { job } from './data'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function until(check: () => boolean) {
  for (let i = 0; i < 50 && !check(); i++) {
    await flushPromises()
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

describe('ImportPanel', () => {
  it('starts a category import and follows its job to the end', async () => {
    setCsrfToken('token')
    const fetchMock = mockFetch(
      jsonResponse([]),
      jsonResponse(job({ status: 'queued' }), 202),
      jsonResponse(job({ status: 'running', progress_done: 50, progress_total: 200, stats: { seen: 50, added: 50 } })),
      jsonResponse(
        job({
          status: 'succeeded',
          progress_done: 200,
          progress_total: 200,
          stats: { seen: 200, added: 198, skipped: 0, failed: 2, errors: [{ title: 'File:X.jpg', reason: 'missing' }] },
        }),
      ),
    )
    const wrapper = await mountAt(ImportPanel, '/', { props: { roundId: 9, intervalMs: 1 } })
    await flushPromises()

    await wrapper.get('[data-testid="import-category"]').setValue('WLM 2026\nCategory:More')
    await wrapper.get('[data-testid="import-depth"]').setValue('2')
    await wrapper.get('[data-testid="import-form"]').trigger('submit')
    await until(() => wrapper.find('[data-testid="import-progress"]').exists())

    const [, init] = fetchMock.mock.calls[1]!
    expect(fetchMock.mock.calls[1]![0]).toBe('/api/rounds/9/imports')
    expect(JSON.parse(String(init!.body))).toEqual({ source: 'category', categories: ['WLM 2026', 'Category:More'], depth: 2 })

    await until(() => wrapper.find('[data-testid="import-done"]').exists())
    expect(fetchMock.mock.calls.slice(2).map((call) => call[0])).toEqual(['/api/jobs/5', '/api/jobs/5'])
    expect(wrapper.get('[data-testid="import-counts"]').text()).toBe(
      'Files seen: 200, added: 198, already in the round: 0, failed: 2',
    )
    expect(wrapper.get('[data-testid="import-failures"]').text()).toContain('File:X.jpg: missing')
    expect(wrapper.emitted('finished')).toHaveLength(1)
  })

  it('shows a running job with its share done, and cancels it', async () => {
    setCsrfToken('token')
    const fetchMock = mockFetch(
      jsonResponse([job({ progress_done: 30, progress_total: 120 })]),
      jsonResponse(job({ progress_done: 30, progress_total: 120 })),
      jsonResponse(job({ status: 'cancelled', progress_done: 30, progress_total: 120 })),
    )
    const wrapper = await mountAt(ImportPanel, '/', { props: { roundId: 9, intervalMs: 60_000 } })
    await until(() => wrapper.find('[data-testid="import-progress"]').exists())

    expect(wrapper.get('[data-testid="import-progress"]').attributes('aria-valuenow')).toBe('25')
    expect(wrapper.get('[data-testid="import-progress-text"]').text()).toBe('Imported 30 of 120 files…')
    expect(wrapper.find('[data-testid="import-form"]').exists()).toBe(false)

    await wrapper.get('[data-testid="import-cancel"]').trigger('click')
    await until(() => wrapper.find('[data-testid="import-failed"]').exists())
    expect(fetchMock.mock.calls[2]![0]).toBe('/api/jobs/5/cancel')
    expect(wrapper.get('[data-testid="import-failed"]').text()).toContain('The import was cancelled.')
    wrapper.unmount()
  })

  it('shows a refused import in words', async () => {
    setCsrfToken('token')
    mockFetch(
      jsonResponse([]),
      jsonResponse({ error: 'conflict', detail: 'An import is already running for this round.' }, 409),
    )
    const wrapper = await mountAt(ImportPanel, '/', { props: { roundId: 9 } })
    await flushPromises()

    await wrapper.get('[data-testid="import-source-previous_round"] input').setValue(true)
    await wrapper.get('[data-testid="import-form"]').trigger('submit')
    await flushPromises()

    expect(wrapper.get('[data-testid="import-error"]').text()).toContain('An import is already running for this round.')
  })
})
