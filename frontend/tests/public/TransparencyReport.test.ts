import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import TransparencyReport from '../../src/components/public/TransparencyReport.vue'
import { i18n } from '../../src/i18n'

describe('TransparencyReport', () => {
  it('lets the keyboard reach its sideways-scrolling box, by name', async () => {
    const report = mount(TransparencyReport, { props: { rounds: [] }, global: { plugins: [i18n] } })
    await flushPromises()
    const box = report.get('.cdx-table__table-wrapper')
    expect(box.attributes('tabindex')).toBe('0')
    expect(box.attributes('role')).toBe('region')
    expect(box.attributes('aria-label')).toBe('Rounds of judging')
  })
})
