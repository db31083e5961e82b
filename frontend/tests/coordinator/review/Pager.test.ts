import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import Pager from '../../../src/components/coordinator/review/Pager.vue'
import { i18n } from '../../../src/i18n'

function pager(bottom: boolean, total = 25) {
  return mount(Pager, {
    props: { offset: 0, limit: 10, total, shown: 10, testid: 'p', bottom },
    global: { plugins: [i18n] },
  })
}

describe('Pager', () => {
  it('announces the range above the list', () => {
    const top = pager(false)
    expect(top.get('nav').attributes('aria-label')).toBe('Pages')
    expect(top.get('[data-testid="p-range"]').attributes('role')).toBe('status')
  })

  it('names its copy below the list apart and does not announce the range twice', () => {
    const bottom = pager(true)
    expect(bottom.get('nav').attributes('aria-label')).toBe('Pages, below the list')
    expect(bottom.get('[data-testid="p-range"]').attributes('role')).toBeUndefined()
    expect(bottom.get('[data-testid="p-range"]').text()).toContain('25')
  })

  it('shows the numbers in the reader\'s locale', () => {
    expect(pager(false, 12345).get('[data-testid="p-range"]').text()).toBe('1–10 of 12,345')
  })
})
