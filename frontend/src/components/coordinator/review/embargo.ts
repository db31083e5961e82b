/**
 * The publishing time: typed in the coordinator's own time zone (an <input type=
 * "datetime-local">), sent to the API in UTC with its offset, shown back in their locale.
 */
import { parseApiDate } from '../../../i18n/dates'

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/**
 * A datetime-local value as an ISO 8601 UTC time; null for an empty field (publish now),
 * undefined for a value that is not a real local time.
 */
export function localInputToIso(value: string): string | null | undefined {
  const text = value.trim()
  if (text === '') return null
  const match = LOCAL_INPUT.exec(text)
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[]
  const date = new Date(year!, month! - 1, day!, hour!, minute!, second!)
  // new Date rolls 31 February over into March: refuse what the calendar doesn't have.
  if (date.getFullYear() !== year || date.getMonth() !== month! - 1 || date.getDate() !== day) return undefined
  return date.toISOString()
}

const pad = (value: number) => String(value).padStart(2, '0')

/** An API time as the value of a datetime-local input in this browser's time zone. */
export function isoToLocalInput(value: string | null): string {
  if (!value) return ''
  const date = parseApiDate(value)
  if (Number.isNaN(date.getTime())) return ''
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

export type PublicationState = 'unpublished' | 'scheduled' | 'public'

/** Whether a campaign's results are public yet: published with an embargo that has passed. */
export function publicationState(status: string, publishAt: string | null, now: Date = new Date()): PublicationState {
  if (status !== 'published' || !publishAt) return 'unpublished'
  return parseApiDate(publishAt).getTime() <= now.getTime() ? 'public' : 'scheduled'
}
