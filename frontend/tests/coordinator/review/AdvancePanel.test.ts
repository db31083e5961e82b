import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick, ref } from 'vue'
import { setCsrfToken } from '../../../src/api/client'
import AdvancePanel from '../../../src/components/coordinator/review/AdvancePanel.vue'
import type { RuleForm } from '../../../src/components/coordinator/review/advance'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { apiError, fakeServer } from '../../juror/fakeServer'
import { round, tiedPreview } from './fixtures'

let wrapper: VueWrapper | null = null

beforeEach(() => setCsrfToken('token'))
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function mountPanel(form: RuleForm, overrides = {}) {
  const model = ref(form)
  wrapper = await mountAt(AdvancePanel, '/rounds/4/results', {
    props: {
      round: round(overrides),
      basis: 'score',
      form: model.value,
      'onUpdate:form': (value: RuleForm) => {
        model.value = value
        void wrapper?.setProps({ form: value })
      },
    },
  })
  return model
}

const testid = (name: string) => `[data-testid="${name}"]`

describe('AdvancePanel', () => {
  it('previews a top N, lets the coordinator choose among the boundary ties, and sends that choice', async () => {
    const server = fakeServer({
      'GET /api/rounds/4/advance/preview': jsonResponse(tiedPreview()),
      'POST /api/rounds/4/advance': jsonResponse(round({ id: 5, ordinal: 3, name: 'Final', status: 'draft' }), 201),
    })
    await mountPanel({ kind: 'top_n', minScore: '', topN: '3' })
    await wrapper!.get(testid('advance-preview-button')).trigger('click')
    await flushPromises()
    expect(server.sent('GET /api/rounds/4/advance/preview')[0]!.query.get('top_n')).toBe('3')
    expect(wrapper!.get(testid('advance-count')).attributes('data-count')).toBe('2')
    expect(wrapper!.findAll(testid('advance-tie'))).toHaveLength(3)

    await wrapper!.findAll(`${testid('advance-tie')} input`)[1]!.setValue(true)
    expect(wrapper!.get(testid('advance-count')).attributes('data-count')).toBe('3')
    await wrapper!.get(testid('advance-next-name')).setValue('Final')
    await wrapper!.get(testid('advance-next-method')).setValue('ranking')
    await wrapper!.get(testid('advance-submit')).trigger('click')
    await flushPromises()

    expect(server.sent('POST /api/rounds/4/advance')[0]!.body).toEqual({
      top_n: 3,
      include_tied: [4],
      next_round: { name: 'Final', vote_method: 'ranking', quorum: 3 },
    })
    expect(wrapper!.get(testid('advance-done')).text()).toContain('3 entries advanced to')
    expect(wrapper!.emitted('advanced')).toHaveLength(1)
  })

  it('will not submit a preview of another rule than the one in the form', async () => {
    fakeServer({ 'GET /api/rounds/4/advance/preview': jsonResponse(tiedPreview()) })
    await mountPanel({ kind: 'top_n', minScore: '', topN: '3' })
    await wrapper!.get(testid('advance-preview-button')).trigger('click')
    await flushPromises()
    expect(wrapper!.get(testid('advance-submit')).attributes('disabled')).toBeUndefined()

    await wrapper!.get(testid('advance-top-n')).setValue('4')
    await nextTick()
    expect(wrapper!.find(testid('advance-preview-stale')).exists()).toBe(true)
    expect(wrapper!.get(testid('advance-submit')).attributes('disabled')).toBeDefined()
  })

  it('shows a refusal from the server where the coordinator submitted', async () => {
    fakeServer({
      'GET /api/rounds/4/advance/preview': jsonResponse(tiedPreview({ rule: 'min_score', value: 0.5, tied_at_boundary: [] })),
      'POST /api/rounds/4/advance': apiError(409, 'already_advanced', 'This round has already advanced its entries into another round.'),
    })
    await mountPanel({ kind: 'min_score', minScore: '0.5', topN: '' })
    await wrapper!.get(testid('advance-preview-button')).trigger('click')
    await flushPromises()
    await wrapper!.get(testid('advance-submit')).trigger('click')
    await flushPromises()
    expect(wrapper!.get('.error-message').text()).toContain('This round has already advanced its entries into another round.')
  })

  it('offers no form once the round has advanced, but a link to the next round', async () => {
    fakeServer({})
    await mountPanel({ kind: 'top_n', minScore: '', topN: '' }, { status: 'finalized', outcome: { advance: { next_round_id: 9, advanced: 19 } } })
    expect(wrapper!.get(testid('advance-already')).text()).toContain('19 entries')
    expect(wrapper!.get(testid('advance-next-round')).attributes('href')).toBe('/rounds/9')
    expect(wrapper!.find(testid('advance-preview-button')).exists()).toBe(false)
  })
})
