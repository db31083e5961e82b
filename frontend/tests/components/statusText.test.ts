import { describe, expect, it } from 'vitest'
import { campaignStatusText, roundStatusText } from '../../src/components/statusText'

describe('status text', () => {
  it('puts known statuses in words', () => {
    expect(roundStatusText('active')).toBe('open for voting')
    expect(campaignStatusText('published')).toBe('results published')
  })

  it('shows a status it does not know as its code', () => {
    expect(roundStatusText('archived')).toBe('archived')
  })
})
