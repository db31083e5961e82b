import { describe, expect, it } from 'vitest'
import type { EligibilityRules } from '../../../src/api/rounds'
import { formOf, ruleLabel, rulesOf } from '../../../src/components/coordinator/review/rules'

const rules: EligibilityRules = {
  window: true,
  min_megapixels: 2,
  allowed_mimes: ['image/jpeg', 'image/png'],
  exclude_staff_uploads: false,
  exclude_deleted: true,
  exclude_reuploads: true,
}

describe('eligibility rules form', () => {
  it('round-trips the rules', () => {
    expect(rulesOf(formOf(rules))).toEqual(rules)
  })

  it('reads empty fields as "no limit" and MIME types split by commas or spaces', () => {
    const form = { ...formOf(rules), minMegapixels: ' ', allowedMimes: 'image/jpeg,image/tiff  image/png,' }
    expect(rulesOf(form)).toMatchObject({ min_megapixels: null, allowed_mimes: ['image/jpeg', 'image/tiff', 'image/png'] })
    expect(rulesOf({ ...form, allowedMimes: '' })?.allowed_mimes).toBeNull()
  })

  it('takes megapixels as a number from a number input, and refuses out-of-range values', () => {
    expect(rulesOf({ ...formOf(rules), minMegapixels: 0.5 })?.min_megapixels).toBe(0.5)
    expect(rulesOf({ ...formOf(rules), minMegapixels: '-1' })).toBeNull()
    expect(rulesOf({ ...formOf(rules), minMegapixels: '1001' })).toBeNull()
    expect(rulesOf({ ...formOf(rules), minMegapixels: 'big' })).toBeNull()
  })
})

describe('rule names', () => {
  it('names known rules from the messages and falls back to the server label for new ones', () => {
    expect(ruleLabel({ code: 'resolution', label: 'server text' })).toBe('Resolution below the minimum')
    expect(ruleLabel({ code: 'staff_upload', label: 'server text' })).toBe('Uploaded by a juror, coordinator or organizer')
    expect(ruleLabel({ code: 'future_rule', label: 'Some new rule' })).toBe('Some new rule')
  })
})
