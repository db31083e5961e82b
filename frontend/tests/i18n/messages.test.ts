/**
 * The message files stay complete: every English message is documented in qqq.json (and
 * nothing else is), every key the code uses exists, and translations only hold known keys.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../../src')
const i18nDir = join(root, 'i18n')

type MessageFile = Record<string, unknown> & { '@metadata'?: { authors?: unknown } }

function load(name: string): MessageFile {
  return JSON.parse(readFileSync(join(i18nDir, name), 'utf8')) as MessageFile
}

const keysOf = (file: MessageFile) => Object.keys(file).filter((key) => key !== '@metadata')

const en = load('en.json')
const qqq = load('qqq.json')
const translations = readdirSync(i18nDir).filter((name) => name.endsWith('.json') && name !== 'en.json' && name !== 'qqq.json')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|vue)$/.test(entry.name) ? [path] : []
  })
}

// Message keys appear in the code as whole string literals ('loupe-...'), never built from
// pieces, so that this scan (and translators' searches) can find every use.
const KEY_LITERAL = /['"`](loupe-[a-z0-9-]+)['"`]/g
const usedKeys = new Map<string, string>()
for (const file of sourceFiles(root)) {
  for (const match of readFileSync(file, 'utf8').matchAll(KEY_LITERAL)) {
    usedKeys.set(match[1]!, relative(root, file))
  }
}

describe('message files', () => {
  it.each(['en.json', 'qqq.json', ...translations])('%s has @metadata with authors', (name) => {
    const authors = load(name)['@metadata']?.authors
    expect(Array.isArray(authors) && authors.length > 0).toBe(true)
  })

  it('documents every English message in qqq.json', () => {
    const undocumented = keysOf(en).filter((key) => !(key in qqq))
    expect(undocumented).toEqual([])
  })

  it('has no qqq.json entry without an English message', () => {
    const orphans = keysOf(qqq).filter((key) => !(key in en))
    expect(orphans).toEqual([])
  })

  it('has only non-empty strings as messages', () => {
    for (const file of [en, qqq]) {
      for (const key of keysOf(file)) expect(typeof file[key] === 'string' && (file[key] as string).trim(), key).toBeTruthy()
    }
  })

  it('documents every parameter ($1, $2 ...) of a message', () => {
    const missing: string[] = []
    for (const key of keysOf(en)) {
      for (const param of new Set(String(en[key]).match(/\$\d+/g) ?? [])) {
        if (!String(qqq[key]).includes(param)) missing.push(`${key} ${param}`)
      }
    }
    expect(missing).toEqual([])
  })

  it.each(['en.json', ...translations])('%s shows counts that choose a plural with grouped digits', (name) => {
    // A count passed as a plain number picks the plural form, so it must be formatted in the
    // message ({{formatnum:$1}}): a bare $1 would show 12345, and a number formatted before
    // (12,345) would pick the plural of 12.
    const bare: string[] = []
    const file = load(name)
    for (const key of keysOf(file)) {
      const text = String(file[key])
      for (const [, n] of text.matchAll(/\{\{PLURAL:\$(\d+)/g)) {
        if (new RegExp(`(?<!PLURAL:|formatnum:)\\$${n}(?!\\d)`).test(text)) bare.push(`${key} $${n}`)
      }
    }
    expect(bare).toEqual([])
  })

  it.each(translations)('%s translates only messages that exist in English', (name) => {
    const unknown = keysOf(load(name)).filter((key) => !(key in en))
    expect(unknown).toEqual([])
  })
})

describe('message use in the code', () => {
  it('uses only keys that exist in en.json', () => {
    const missing = [...usedKeys].filter(([key]) => !(key in en)).map(([key, file]) => `${key} (${file})`)
    expect(missing).toEqual([])
  })

  it('uses every key of en.json (Codex keys excepted)', () => {
    const unused = keysOf(en).filter((key) => !key.startsWith('cdx-') && !usedKeys.has(key))
    expect(unused).toEqual([])
  })

  it('has no hard-coded words in templates', () => {
    // Text nodes and static attributes people read; key caps (<kbd>Y</kbd>) are the keys' own names.
    const found: string[] = []
    for (const file of sourceFiles(root).filter((path) => path.endsWith('.vue'))) {
      const template = /<template>([\s\S]*)<\/template>/.exec(readFileSync(file, 'utf8'))?.[1] ?? ''
      const markup = template
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/\{\{[\s\S]*?\}\}/g, '')
        .replace(/\s[:@#v][\w:.#-]*="[^"]*"/g, '')
        .replace(/<kbd\b[^>]*>\w<\/kbd>/g, '')
      for (const [, text] of markup.matchAll(/>([^<>]*)</g)) {
        if (/\p{L}/u.test(text!)) found.push(`${relative(root, file)}: ${text!.trim()}`)
      }
      for (const [, name, value] of markup.matchAll(/\s(aria-label|aria-description|title|placeholder|alt|label)="([^"]*)"/g)) {
        if (/\p{L}/u.test(value!)) found.push(`${relative(root, file)}: ${name}="${value}"`)
      }
    }
    expect(found).toEqual([])
  })

  it('finds keys used in templates through $t', () => {
    // Guards the scan itself: a key known to be used only in a template must be found.
    expect(usedKeys.get('loupe-skip-to-content')).toBe('App.vue')
  })
})
