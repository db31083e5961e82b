import { describe, expect, it } from 'vitest'
import { apiAction, lifecycleButtons } from '../../../src/components/coordinator/setup/lifecycle'

describe('round lifecycle buttons', () => {
  it.each([
    ['draft', ['activate', 'cancel']],
    ['active', ['pause', 'cancel']],
    ['paused', ['resume', 'cancel']],
    ['finalized', []],
    ['cancelled', []],
  ] as const)('a %s round offers %j', (status, buttons) => {
    expect(lifecycleButtons(status)).toEqual(buttons)
  })

  it('resumes through the API activate action', () => {
    expect(apiAction('resume')).toBe('activate')
    expect(apiAction('pause')).toBe('pause')
  })
})
