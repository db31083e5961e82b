/** Which file to show for a photo at full resolution, and how big it is. */
import type { Entry } from '../api/voting'

// Types every current browser shows in an <img>; TIFF, PDF, DjVu... are not among them.
const SHOWABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/svg+xml'])

export interface Candidate {
  url: string
  width: number
}

/** The candidates of an `srcset` with width descriptors ("url 960w, ..."). */
export function parseSrcset(srcset: string): Candidate[] {
  const candidates: Candidate[] = []
  for (const part of srcset.split(/,\s+/)) {
    const match = /^(\S+)\s+(\d+)w$/.exec(part.trim())
    if (match) candidates.push({ url: match[1]!, width: Number(match[2]) })
  }
  return candidates
}

export interface FullSize {
  url: string
  width: number
  height: number
}

/**
 * The photo at its natural size: the original when the browser can show it, else the
 * largest thumbnail offered (Commons renders TIFFs and PDFs as JPEG/PNG thumbnails).
 */
export function fullSize(entry: Entry): FullSize {
  if (SHOWABLE.has(entry.mime.toLowerCase())) return { url: entry.url, width: entry.width, height: entry.height }
  const largest = parseSrcset(entry.srcset).sort((a, b) => b.width - a.width)[0]
  if (!largest) return { url: entry.thumb_url, width: entry.width, height: entry.height }
  const height = entry.width > 0 ? Math.round((entry.height * largest.width) / entry.width) : entry.height
  return { url: largest.url, width: largest.width, height }
}
