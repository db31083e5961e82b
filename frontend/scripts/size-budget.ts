/**
 * Build-time size budget: fails `vite build` when the JS + CSS a page loads up front
 * exceeds the budget (DESIGN.md: the juror page loads < 250 kB gzip).
 *
 * Two figures are checked, both gzip-compressed (zlib default level, as most servers use):
 * - "initial": every script, modulepreload and stylesheet that index.html references;
 * - one per lazy route chunk: initial + the route chunk with its static imports and CSS,
 *   i.e. what the browser fetches before that page can render.
 *
 * Override the budget with LOUPE_SIZE_BUDGET_KB (kilobytes of 1000 bytes).
 */
import { gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

interface ChunkLike {
  type: 'chunk'
  fileName: string
  name: string
  code: string
  isDynamicEntry: boolean
  imports: string[]
  viteMetadata?: { importedCss: Set<string> }
}
interface AssetLike {
  type: 'asset'
  fileName: string
  source: string | Uint8Array
}
type BundleLike = Record<string, ChunkLike | AssetLike>

export interface PageSize {
  page: string
  files: string[]
  gzipBytes: number
}

const DEFAULT_BUDGET_KB = 250

/** The asset file names index.html loads up front (scripts, module preloads, stylesheets). */
export function initialFiles(html: string, base = '/'): string[] {
  const files = new Set<string>()
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1]
    const url = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1]
    if (!url || /^[a-z]+:|^\/\//i.test(url)) continue
    if (tag.startsWith('<link') && rel !== 'stylesheet' && rel !== 'modulepreload') continue
    files.add(url.startsWith(base) ? url.slice(base.length) : url)
  }
  return [...files]
}

function closure(bundle: BundleLike, start: string, into: Set<string>): Set<string> {
  const chunk = bundle[start]
  if (!chunk || into.has(start)) return into
  into.add(start)
  if (chunk.type === 'chunk') {
    for (const css of chunk.viteMetadata?.importedCss ?? []) into.add(css)
    for (const imported of chunk.imports) closure(bundle, imported, into)
  }
  return into
}

/** Gzip size of each page: the initial load, then initial + each lazy route chunk. */
export function measurePages(
  bundle: BundleLike,
  html: string,
  base = '/',
): { pages: PageSize[]; fileSizes: Map<string, number> } {
  const gzipCache = new Map<string, number>()
  const gzipSize = (fileName: string): number => {
    let size = gzipCache.get(fileName)
    if (size === undefined) {
      const item = bundle[fileName]
      if (!item) throw new Error(`index.html references ${fileName}, which the build did not produce`)
      const content = item.type === 'chunk' ? item.code : item.source
      size = gzipSync(typeof content === 'string' ? Buffer.from(content) : content).length
      gzipCache.set(fileName, size)
    }
    return size
  }
  const total = (files: Iterable<string>) => [...files].reduce((sum, f) => sum + gzipSize(f), 0)

  const initial = new Set<string>()
  for (const file of initialFiles(html, base)) closure(bundle, file, initial)
  const pages: PageSize[] = [{ page: 'initial (index.html)', files: [...initial], gzipBytes: total(initial) }]
  for (const item of Object.values(bundle)) {
    if (item.type !== 'chunk' || !item.isDynamicEntry) continue
    const files = closure(bundle, item.fileName, new Set(initial))
    pages.push({ page: `initial + ${item.name}`, files: [...files], gzipBytes: total(files) })
  }
  return { pages, fileSizes: gzipCache }
}

const kb = (bytes: number) => (bytes / 1000).toFixed(1).padStart(7) + ' kB'

export function sizeBudget(budgetKb = Number(process.env.LOUPE_SIZE_BUDGET_KB || DEFAULT_BUDGET_KB)): Plugin {
  let base = '/'
  return {
    name: 'loupe:size-budget',
    apply: 'build',
    configResolved(config) {
      base = config.base
    },
    writeBundle(_options, bundle) {
      const html = bundle['index.html']
      if (!html || html.type !== 'asset') this.error('size budget: index.html missing from the build')
      const { pages, fileSizes } = measurePages(bundle as unknown as BundleLike, String(html.source), base)
      const budget = budgetKb * 1000
      const lines = pages.map(
        (p) => `  ${p.gzipBytes > budget ? '✗' : '✓'} ${kb(p.gzipBytes)} gzip  ${p.page} (${p.files.length} files)`,
      )
      console.log(`\nSize budget: ${budgetKb} kB gzip of JS + CSS loaded before a page renders\n${lines.join('\n')}`)
      const initial = pages[0]
      if (initial) {
        console.log('  loaded by index.html:')
        for (const file of initial.files.sort()) console.log(`    ${kb(fileSizes.get(file) ?? 0)} gzip  ${file}`)
      }
      const over = pages.filter((p) => p.gzipBytes > budget)
      if (over.length > 0) {
        this.error(
          `size budget exceeded (${budgetKb} kB gzip): ` +
            over.map((p) => `${p.page} = ${(p.gzipBytes / 1000).toFixed(1)} kB`).join(', '),
        )
      }
    },
  }
}
