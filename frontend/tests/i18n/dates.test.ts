import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime, parseApiDate } from '../../src/i18n/dates'

describe('parseApiDate', () => {
  it('reads an ISO timestamp with an offset as that instant', () => {
    expect(parseApiDate('2026-09-30T23:59:59+00:00').toISOString()).toBe('2026-09-30T23:59:59.000Z')
    expect(parseApiDate('2026-09-30T23:59:59+02:00').toISOString()).toBe('2026-09-30T21:59:59.000Z')
  })

  it('reads a timestamp without an offset as UTC, not local time', () => {
    expect(parseApiDate('2026-09-30T23:59:59').toISOString()).toBe('2026-09-30T23:59:59.000Z')
    expect(parseApiDate('2026-09-30 23:59:59.5').toISOString()).toBe('2026-09-30T23:59:59.500Z')
  })

  it('passes dates and epoch milliseconds through', () => {
    const date = new Date(Date.UTC(2026, 8, 1))
    expect(parseApiDate(date)).toBe(date)
    expect(parseApiDate(date.getTime()).getTime()).toBe(date.getTime())
  })
})

describe('formatDateTime', () => {
  const instant = '2026-09-30T21:05:00Z'

  it('formats in the given language', () => {
    const english = formatDateTime(instant, 'en', { dateStyle: 'long', timeZone: 'UTC' })
    const german = formatDateTime(instant, 'de', { dateStyle: 'long', timeZone: 'UTC' })
    expect(english).toBe('September 30, 2026')
    expect(german).toBe('30. September 2026')
  })

  it('uses the time zone asked for', () => {
    const utc = formatDateTime(instant, 'en-GB', { timeStyle: 'short', timeZone: 'UTC' })
    const tokyo = formatDateTime(instant, 'en-GB', { timeStyle: 'short', timeZone: 'Asia/Tokyo' })
    expect(utc).toBe('21:05')
    expect(tokyo).toBe('06:05')
  })

  it('agrees with Intl for the default date-and-time style', () => {
    const expected = new Intl.DateTimeFormat('he', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(instant))
    expect(formatDateTime(instant, 'he')).toBe(expected)
  })

  it('formats dates without time', () => {
    expect(formatDate('2026-05-01T12:00:00Z', 'en', { dateStyle: 'long', timeZone: 'UTC' })).toBe('May 1, 2026')
  })

  it('returns unparseable input as it came', () => {
    expect(formatDateTime('not a date', 'en')).toBe('not a date')
  })
})
