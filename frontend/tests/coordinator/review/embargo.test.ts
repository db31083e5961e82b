import { afterEach, describe, expect, it, vi } from 'vitest'
import { isoToLocalInput, localInputToIso, publicationState } from '../../../src/components/coordinator/review/embargo'

afterEach(() => vi.unstubAllEnvs())

describe('embargo time', () => {
  it('reads a datetime-local value as local time and sends it in UTC', () => {
    const expected = new Date(2030, 5, 1, 18, 0, 0).toISOString()
    expect(localInputToIso('2030-06-01T18:00')).toBe(expected)
    expect(localInputToIso('2030-06-01T18:00:00')).toBe(expected)
    expect(localInputToIso('2030-06-01T18:00')).toMatch(/Z$/)
  })

  it("uses the browser's time zone, whatever it is", () => {
    vi.stubEnv('TZ', 'Asia/Kolkata')
    expect(localInputToIso('2030-06-01T18:00')).toBe('2030-06-01T12:30:00.000Z')
    expect(isoToLocalInput('2030-06-01T12:30:00Z')).toBe('2030-06-01T18:00')
    vi.stubEnv('TZ', 'America/New_York')
    expect(localInputToIso('2030-01-15T09:00')).toBe('2030-01-15T14:00:00.000Z')
  })

  it('treats an empty field as "now" and refuses what is not a real time', () => {
    expect(localInputToIso('')).toBeNull()
    expect(localInputToIso('  ')).toBeNull()
    expect(localInputToIso('2030-02-31T10:00')).toBeUndefined()
    expect(localInputToIso('2030-13-01T10:00')).toBeUndefined()
    expect(localInputToIso('tomorrow')).toBeUndefined()
    expect(localInputToIso('2030-06-01')).toBeUndefined()
  })

  it('shows an API time back in the local zone, and round-trips', () => {
    const local = new Date(2030, 5, 1, 18, 30)
    expect(isoToLocalInput(local.toISOString())).toBe('2030-06-01T18:30')
    expect(localInputToIso(isoToLocalInput('2030-06-01T16:30:00Z'))).toBe('2030-06-01T16:30:00.000Z')
    // The API's offset-less timestamps are UTC.
    expect(isoToLocalInput('2030-06-01T16:30:00')).toBe(isoToLocalInput('2030-06-01T16:30:00Z'))
    expect(isoToLocalInput(null)).toBe('')
    expect(isoToLocalInput('not a date')).toBe('')
  })
})

describe('publicationState', () => {
  const now = new Date('2030-06-01T12:00:00Z')

  it('is public once published and the embargo has passed, scheduled before', () => {
    expect(publicationState('published', '2030-06-01T12:00:00Z', now)).toBe('public')
    expect(publicationState('published', '2030-05-01T00:00:00Z', now)).toBe('public')
    expect(publicationState('published', '2030-06-01T12:00:01Z', now)).toBe('scheduled')
  })

  it('is unpublished for any other status or without a time', () => {
    expect(publicationState('finalized', '2030-05-01T00:00:00Z', now)).toBe('unpublished')
    expect(publicationState('published', null, now)).toBe('unpublished')
    expect(publicationState('judging', null, now)).toBe('unpublished')
  })
})
