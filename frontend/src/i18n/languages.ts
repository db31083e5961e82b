/** Which languages Loupe has messages for, their names and writing direction. */

// Scripts written right to left, by language code (base subtag). Intl's
// Locale#getTextInfo is not available in every browser yet, hence the list.
const RTL_LANGUAGES = new Set([
  'ar', 'arc', 'arz', 'ary', 'azb', 'bcc', 'bqi', 'ckb', 'dv', 'fa', 'glk', 'he', 'khw',
  'ks', 'lrc', 'luz', 'mzn', 'nqo', 'pnb', 'ps', 'sd', 'skr', 'ug', 'ur', 'yi',
])

export type Direction = 'ltr' | 'rtl'

export function baseLanguage(code: string): string {
  return code.toLowerCase().split(/[-_]/)[0] ?? code
}

export function directionOf(code: string): Direction {
  const lower = code.toLowerCase()
  // Some languages switch script by variant (e.g. ku-arab vs ku-latn).
  if (lower.endsWith('-arab') || lower.endsWith('-hebr')) return 'rtl'
  if (lower.endsWith('-latn') || lower.endsWith('-cyrl')) return 'ltr'
  return RTL_LANGUAGES.has(baseLanguage(lower)) ? 'rtl' : 'ltr'
}

/** The language's name in itself ("עברית" for he), as people look for it in a list. */
export function autonym(code: string): string {
  try {
    const name = new Intl.DisplayNames([code], { type: 'language' }).of(code)
    if (name && name !== code) return name.charAt(0).toLocaleUpperCase(code) + name.slice(1)
  } catch {
    // Unknown to this browser's Intl data: show the code.
  }
  return code
}

/**
 * The best of `available` for someone who prefers `wanted` (most preferred first):
 * an exact match, else the same base language, else the fallback.
 */
export function pickLanguage(wanted: readonly string[], available: readonly string[], fallback = 'en'): string {
  const lowerAvailable = available.map((code) => code.toLowerCase())
  for (const code of wanted) {
    const exact = lowerAvailable.indexOf(code.toLowerCase())
    if (exact >= 0) return available[exact] as string
    const base = lowerAvailable.indexOf(baseLanguage(code))
    if (base >= 0) return available[base] as string
  }
  return fallback
}
