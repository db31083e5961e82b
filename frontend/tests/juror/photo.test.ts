import { describe, expect, it } from 'vitest'
import type { Entry } from '../../src/api/voting'
import { fullSize, parseSrcset } from '../../src/juror/photo'

const base: Entry = {
  width: 4000,
  height: 3000,
  mime: 'image/jpeg',
  url: 'https://upload.wikimedia.org/wikipedia/commons/a/ab/X.jpg',
  thumb_url: 'https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/X.jpg/1280px-X.jpg',
  srcset:
    'https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/X.jpg/960px-X.jpg 960w, https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/X.jpg/3840px-X.jpg 3840w',
}

describe('parseSrcset', () => {
  it('reads url and width of each candidate', () => {
    expect(parseSrcset(base.srcset).map((c) => c.width)).toEqual([960, 3840])
    expect(parseSrcset('')).toEqual([])
  })
})

describe('fullSize', () => {
  it('is the original at its natural size for types browsers show', () => {
    expect(fullSize(base)).toEqual({ url: base.url, width: 4000, height: 3000 })
  })

  it('is the largest thumbnail for types browsers cannot show (TIFF)', () => {
    const tiff = { ...base, mime: 'image/tiff', url: 'https://upload.wikimedia.org/x.tif' }
    expect(fullSize(tiff)).toEqual({ url: parseSrcset(base.srcset)[1]!.url, width: 3840, height: 2880 })
  })

  it('falls back on the screen thumbnail when there is nothing else', () => {
    const tiff = { ...base, mime: 'image/tiff', srcset: '' }
    expect(fullSize(tiff).url).toBe(base.thumb_url)
  })
})
