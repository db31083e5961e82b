import { describe, expect, it } from 'vitest'
import {
  advanceRequest,
  advancingCount,
  extraTies,
  includedTies,
  nextRoundDefaults,
  previewMatches,
  ruleOf,
  wholeNumber,
} from '../../../src/components/coordinator/review/advance'
import { round, tiedPreview } from './fixtures'

describe('ruleOf', () => {
  it('reads a minimum score from 0 to 1, typed as text or handed over as a number', () => {
    expect(ruleOf({ kind: 'min_score', minScore: '0.5', topN: '' })).toEqual({ min_score: 0.5 })
    expect(ruleOf({ kind: 'min_score', minScore: 0, topN: '' })).toEqual({ min_score: 0 })
    expect(ruleOf({ kind: 'min_score', minScore: ' 1 ', topN: '' })).toEqual({ min_score: 1 })
  })

  it('refuses scores outside 0–1 and empty or non-numeric input', () => {
    for (const minScore of ['', '1.2', '-0.1', 'abc', 'NaN']) {
      expect(ruleOf({ kind: 'min_score', minScore, topN: '5' }), minScore).toBeNull()
    }
  })

  it('reads a top N as a whole number of 1 or more, ignoring the other field', () => {
    expect(ruleOf({ kind: 'top_n', minScore: '0.5', topN: '20' })).toEqual({ top_n: 20 })
    expect(ruleOf({ kind: 'top_n', minScore: '', topN: 7 })).toEqual({ top_n: 7 })
    for (const topN of ['', '0', '2.5', '-3', 'ten']) expect(ruleOf({ kind: 'top_n', minScore: '', topN }), topN).toBeNull()
  })
})

describe('previewMatches', () => {
  it('holds only for a preview of the same rule and value', () => {
    const preview = tiedPreview()
    expect(previewMatches(preview, { top_n: 3 })).toBe(true)
    expect(previewMatches(preview, { top_n: 4 })).toBe(false)
    expect(previewMatches(preview, { min_score: 3 })).toBe(false)
    expect(previewMatches(null, { top_n: 3 })).toBe(false)
    expect(previewMatches(preview, null)).toBe(false)
    const byScore = tiedPreview({ rule: 'min_score', value: 0.5, tied_at_boundary: [] })
    expect(previewMatches(byScore, { min_score: 0.5 })).toBe(true)
    expect(previewMatches(byScore, { min_score: 0.75 })).toBe(false)
  })
})

describe('boundary ties', () => {
  it('counts the certain entries plus the ties let through, and the extra ones beyond the open slots', () => {
    const preview = tiedPreview()
    expect(advancingCount(preview, new Set())).toBe(2)
    expect(extraTies(preview, new Set())).toBe(0)
    expect(advancingCount(preview, new Set([4]))).toBe(3)
    expect(extraTies(preview, new Set([4]))).toBe(0)
    expect(advancingCount(preview, new Set([3, 4, 5]))).toBe(5)
    expect(extraTies(preview, new Set([3, 4, 5]))).toBe(2)
  })

  it('ignores chosen ids that are not tied in this preview', () => {
    const preview = tiedPreview()
    expect(includedTies(preview, new Set([1, 5, 99])).map((entry) => entry.round_entry_id)).toEqual([5])
    expect(advancingCount(preview, new Set([1, 99]))).toBe(2)
  })
})

describe('advanceRequest', () => {
  it('sends the rule, the chosen ties in preview order and the next round with a trimmed name', () => {
    const request = advanceRequest({ top_n: 3 }, tiedPreview(), new Set([5, 3, 42]), {
      name: '  Final ',
      vote_method: 'ranking',
      quorum: 1,
    })
    expect(request).toEqual({
      top_n: 3,
      include_tied: [3, 5],
      next_round: { name: 'Final', vote_method: 'ranking', quorum: 1 },
    })
  })

  it('sends a minimum score with no ties', () => {
    const preview = tiedPreview({ rule: 'min_score', value: 0.5, tied_at_boundary: [] })
    expect(advanceRequest({ min_score: 0.5 }, preview, new Set(), { name: 'R3', vote_method: 'rating', quorum: 2 })).toEqual({
      min_score: 0.5,
      include_tied: [],
      next_round: { name: 'R3', vote_method: 'rating', quorum: 2 },
    })
  })
})

describe('next round defaults', () => {
  it('narrows the method: yes/no → rating → ranking, keeping the quorum', () => {
    expect(nextRoundDefaults(round({ vote_method: 'yes_no', quorum: 2 }), 'Round 2')).toEqual({ name: 'Round 2', vote_method: 'rating', quorum: 2 })
    expect(nextRoundDefaults(round({ vote_method: 'rating' }), 'F').vote_method).toBe('ranking')
    expect(nextRoundDefaults(round({ vote_method: 'ranking' }), 'F').vote_method).toBe('ranking')
  })

  it('reads whole numbers within bounds', () => {
    expect(wholeNumber('3', 1, 100)).toBe(3)
    expect(wholeNumber(100, 1, 100)).toBe(100)
    expect(wholeNumber('101', 1, 100)).toBeNull()
    expect(wholeNumber('0', 1, 100)).toBeNull()
    expect(wholeNumber('1.5', 1, 100)).toBeNull()
  })
})
