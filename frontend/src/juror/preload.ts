/**
 * Loads the next photos of the queue before they are shown, so that the next one appears
 * at once after a vote (DESIGN.md: "the next photo is already loaded when a vote is cast").
 *
 * Each photo is loaded through an off-screen Image given the same `srcset` and `sizes` as
 * the voting screen's <img>: the browser then picks the same candidate for both (the one
 * fitting this screen's width and pixel density), and the visible <img> finds it in the
 * cache. `decode()` also prepares it for painting. The last few Images are kept so that
 * the browser doesn't drop them before they are used.
 */
import type { Entry } from '../api/voting'

export type PreloadSource = Pick<Entry, 'thumb_url' | 'srcset'>

/** The `sizes` of the voting screen's photo: it may take the whole width. */
export const PHOTO_SIZES = '100vw'

export interface PreloaderOptions {
  /** How many Images to keep referenced (older ones are released). */
  keep?: number
  sizes?: string
  createImage?: () => HTMLImageElement
}

export interface Preloader {
  /** Start loading each photo not loaded or loading already. Returns the ones started. */
  preload(sources: readonly PreloadSource[]): PreloadSource[]
  /** Whether the photo has been preloaded (or is loading). */
  has(source: PreloadSource): boolean
  clear(): void
}

const keyOf = (source: PreloadSource) => `${source.thumb_url}\n${source.srcset}`

export function createPreloader({
  keep = 12,
  sizes = PHOTO_SIZES,
  createImage = () => new Image(),
}: PreloaderOptions = {}): Preloader {
  // Insertion-ordered: the oldest entries are released first.
  const images = new Map<string, HTMLImageElement>()

  function preload(sources: readonly PreloadSource[]): PreloadSource[] {
    const started: PreloadSource[] = []
    for (const source of sources) {
      const key = keyOf(source)
      if (images.has(key)) {
        // Seen again: keep it among the newest.
        const image = images.get(key)!
        images.delete(key)
        images.set(key, image)
        continue
      }
      const image = createImage()
      image.decoding = 'async'
      // sizes and srcset before src, so the browser never starts fetching the fallback.
      if (source.srcset) {
        image.sizes = sizes
        image.srcset = source.srcset
      }
      image.src = source.thumb_url
      image.decode?.().catch(() => {
        // A photo that fails to load shows its error on screen when its turn comes.
      })
      images.set(key, image)
      started.push(source)
    }
    while (images.size > keep) {
      const oldest = images.keys().next().value as string
      images.delete(oldest)
    }
    return started
  }

  return {
    preload,
    has: (source) => images.has(keyOf(source)),
    clear: () => images.clear(),
  }
}
