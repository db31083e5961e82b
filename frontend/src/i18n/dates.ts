/** Dates and times shown in the reader's language, from the API's ISO 8601 strings. */

export type DateInput = string | number | Date

// The API sends UTC; a timestamp without an offset is read as UTC, not as local time.
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i

export function parseApiDate(value: DateInput): Date {
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value)
  const text = value.trim()
  const isDateTime = /^\d{4}-\d{2}-\d{2}[T ]\d/.test(text)
  return new Date(isDateTime && !HAS_OFFSET.test(text) ? `${text.replace(' ', 'T')}Z` : text)
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let format = formatters.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options)
    formatters.set(key, format)
  }
  return format
}

export const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }
export const DATE_ONLY: Intl.DateTimeFormatOptions = { dateStyle: 'long' }

/**
 * Format a date for people reading `locale`, in their time zone unless `options.timeZone`
 * says otherwise (e.g. 'UTC' for a contest's upload window). Unparseable input is
 * returned as it came, so a bad value shows rather than breaking the page.
 */
export function formatDateTime(value: DateInput, locale: string, options: Intl.DateTimeFormatOptions = DATE_TIME): string {
  const date = parseApiDate(value)
  if (Number.isNaN(date.getTime())) return String(value)
  return formatter(locale, options).format(date)
}

export function formatDate(value: DateInput, locale: string, options: Intl.DateTimeFormatOptions = DATE_ONLY): string {
  return formatDateTime(value, locale, options)
}
