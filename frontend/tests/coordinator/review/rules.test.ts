import { describe, expect, it } from 'vitest'
import type { EligibilityRules } from '../../../src/api/rounds'
import { formOf, reasonText, ruleLabel, rulesOf } from '../../../src/components/coordinator/review/rules'
import { formatDateTime } from '../../../src/i18n/dates'

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

describe('reasonText', () => {
  const when = (iso: string) => formatDateTime(iso, 'en', { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' })

  it('words a rule\'s reason from its facts', () => {
    expect(reasonText('resolution', { megapixels: 1.92, width: 1600, height: 1200, minimum: 2 }, 'English')).toBe(
      '1.92 megapixels (1,600 × 1,200), below the minimum of 2 megapixels',
    )
    expect(reasonText('resolution', { megapixels: 1, width: 1000, height: 1000, minimum: 1.5 }, null)).toBe(
      '1 megapixel (1,000 × 1,000), below the minimum of 1.5 megapixels',
    )
    expect(reasonText('staff_upload', { uploader: 'Ama', role: 'organizer' }, 'English')).toBe(
      'Uploaded by \u2068Ama\u2069, the organizer of this campaign',
    )
    expect(reasonText('file_type', { mime: 'image/tiff', allowed: ['image/jpeg', 'image/png'] }, null)).toBe(
      'File type \u2068image/tiff\u2069 is not allowed (allowed: \u2068image/jpeg\u2069 and \u2068image/png\u2069)',
    )
    expect(reasonText('deleted', {}, 'Deleted from Commons')).toBe('Deleted from Commons')
  })

  it('shows dates in the reader\'s format, in UTC like the campaign window', () => {
    const before = { uploaded_at: '2026-08-31T23:59:00+00:00', opens_at: '2026-09-01T00:00:00+00:00' }
    expect(reasonText('window', before, null)).toBe(
      `First uploaded ${when(before.uploaded_at)}, before the campaign opened (${when(before.opens_at)})`,
    )
    const after = { uploaded_at: '2026-10-02T08:00:00+00:00', closes_at: '2026-10-01T00:00:00+00:00' }
    expect(reasonText('window', after, null)).toBe(
      `First uploaded ${when(after.uploaded_at)}, after the campaign closed (${when(after.closes_at)})`,
    )
    expect(when(after.closes_at)).toMatch(/^Oct 1, 2026, 12:00:00\sAM UTC$/)
  })

  it('keeps a reason written by hand, or stored without its facts, as it is', () => {
    expect(reasonText('manual', null, 'Not a monument')).toBe('Not a monument')
    expect(reasonText('resolution', null, '1 megapixels (1000 x 1000), below the minimum')).toBe(
      '1 megapixels (1000 x 1000), below the minimum',
    )
    expect(reasonText('staff_upload', { uploader: 'Ama', role: 'steward' }, 'Uploaded by Ama')).toBe('Uploaded by Ama')
  })
})
