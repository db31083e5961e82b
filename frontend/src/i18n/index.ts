/**
 * Messages in translatewiki's JSON format, rendered by banana-i18n ({{PLURAL}}, $1 ...).
 *
 * English ships with the app; other languages load when chosen. The chosen language sets
 * <html lang dir>, which the bidirectional Codex stylesheet follows. Components use
 * `$t(key, ...params)` in templates or `t` from `useI18n()`; Codex's own strings come
 * through the same function (provided as CdxI18nFunction) when we have them.
 */
import Banana, { type Messages, type ParameterType } from 'banana-i18n'
import { readonly, ref, type App } from 'vue'
import { formatDate, formatDateTime, type DateInput } from './dates'
import en from './en.json'
import { directionOf, pickLanguage, type Direction } from './languages'

const STORAGE_KEY = 'loupe:language'
const SOURCE_LANGUAGE = 'en'

// Every language file but the source and the documentation, loaded on demand.
const loaders = import.meta.glob<Messages>(['./*.json', '!./en.json', '!./qqq.json'], { import: 'default' })
const codeOf = (path: string) => path.replace(/^\.\/(.+)\.json$/, '$1')

export const availableLanguages: readonly string[] = [SOURCE_LANGUAGE, ...Object.keys(loaders).map(codeOf)].sort()

function withoutMetadata(messages: Messages): Messages {
  const { '@metadata': _metadata, ...rest } = messages
  return rest
}

const sourceMessages = withoutMetadata(en as Messages)
const banana = new Banana(SOURCE_LANGUAGE, { messages: { [SOURCE_LANGUAGE]: sourceMessages } })
const loaded = new Set([SOURCE_LANGUAGE])

const current = ref(SOURCE_LANGUAGE)
const direction = ref<Direction>('ltr')

/** The current language code, reactive and read-only; change it with setLanguage. */
export const language = readonly(current)
export const dir = readonly(direction)

export function hasMessage(key: string): boolean {
  return Object.hasOwn(sourceMessages, key)
}

/** The message `key` in the current language, with parameters $1, $2 ... filled in. */
export function t(key: string, ...params: ParameterType[]): string {
  // Reading the ref makes every render that translates re-run when the language changes.
  void current.value
  return banana.i18n(key, ...params)
}

/** A count or measure in the current language's digits and separators (1,234 / 1.234 ...). */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(current.value, options).format(value)
}

/** Names as a list in the current language ("A, B and C"). */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(current.value, { type: 'conjunction' }).format(items)
}

/**
 * Wrap user-supplied text (usernames, paths, file names) passed as a message parameter in
 * Unicode isolates, so e.g. a Latin username inside a Hebrew sentence keeps its order.
 */
export function isolate(text: string | number): string {
  return `\u2068${text}\u2069`
}

function applyToDocument(code: string, textDirection: Direction): void {
  if (typeof document === 'undefined') return
  document.documentElement.lang = code
  document.documentElement.dir = textDirection
}

export async function setLanguage(code: string): Promise<void> {
  if (!availableLanguages.includes(code)) throw new Error(`No messages for language "${code}"`)
  if (!loaded.has(code)) {
    const load = loaders[`./${code}.json`]
    if (load) banana.load(withoutMetadata(await load()), code)
    loaded.add(code)
  }
  banana.setLocale(code)
  current.value = code
  direction.value = directionOf(code)
  applyToDocument(code, direction.value)
  try {
    localStorage.setItem(STORAGE_KEY, code)
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
}

/** ?uselang= (as on Wikimedia sites), then the last choice, then the browser's languages. */
export function preferredLanguage(): string {
  const wanted: string[] = []
  if (typeof window !== 'undefined') {
    const uselang = new URLSearchParams(window.location.search).get('uselang')
    if (uselang) wanted.push(uselang)
    try {
      const stored = localStorage.getItem(STORAGE_KEY)
      if (stored) wanted.push(stored)
    } catch {
      // Storage disabled.
    }
    wanted.push(...(navigator.languages ?? [navigator.language]))
  }
  return pickLanguage(wanted, availableLanguages, SOURCE_LANGUAGE)
}

function codexMessage(key: string, ...params: ParameterType[]): string | null {
  return hasMessage(key) ? t(key, ...params) : null
}

export function useI18n() {
  return {
    t,
    isolate,
    formatNumber,
    formatList,
    language,
    dir,
    setLanguage,
    formatDateTime: (value: DateInput, options?: Intl.DateTimeFormatOptions) =>
      formatDateTime(value, current.value, options),
    formatDate: (value: DateInput, options?: Intl.DateTimeFormatOptions) => formatDate(value, current.value, options),
  }
}

export const i18n = {
  install(app: App): void {
    app.config.globalProperties.$t = t
    app.provide('CdxI18nFunction', codexMessage)
  },
}

declare module 'vue' {
  interface ComponentCustomProperties {
    $t: typeof t
  }
}
