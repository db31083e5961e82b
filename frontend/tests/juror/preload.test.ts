import { describe, expect, it, vi } from 'vitest'
import { createPreloader, PHOTO_SIZES, type PreloadSource } from '../../src/juror/preload'

function fakeImages() {
  const made: Array<{ src: string; srcset: string; sizes: string; decoding: string; decode: ReturnType<typeof vi.fn>; order: string[] }> = []
  const createImage = () => {
    const order: string[] = []
    const image = {
      decoding: '',
      decode: vi.fn(() => Promise.resolve()),
      order,
      _src: '',
      _srcset: '',
      _sizes: '',
      set src(value: string) {
        order.push('src')
        this._src = value
      },
      get src() {
        return this._src
      },
      set srcset(value: string) {
        order.push('srcset')
        this._srcset = value
      },
      get srcset() {
        return this._srcset
      },
      set sizes(value: string) {
        order.push('sizes')
        this._sizes = value
      },
      get sizes() {
        return this._sizes
      },
    }
    made.push(image as never)
    return image as unknown as HTMLImageElement
  }
  return { made, createImage }
}

const photo = (n: number): PreloadSource => ({
  thumb_url: `https://upload.example/thumb/${n}/960px-${n}.jpg`,
  srcset: `https://upload.example/thumb/${n}/500px-${n}.jpg 500w, https://upload.example/thumb/${n}/960px-${n}.jpg 960w`,
})

describe('createPreloader', () => {
  it('loads each photo with the same srcset and sizes as the voting screen, sizes and srcset before src', () => {
    const { made, createImage } = fakeImages()
    const preloader = createPreloader({ createImage })

    preloader.preload([photo(1)])

    expect(made).toHaveLength(1)
    const [image] = made
    expect(image!.src).toBe(photo(1).thumb_url)
    expect(image!.srcset).toBe(photo(1).srcset)
    expect(image!.sizes).toBe(PHOTO_SIZES)
    expect(PHOTO_SIZES).toBe('100vw')
    expect(image!.order).toEqual(['sizes', 'srcset', 'src'])
    expect(image!.decode).toHaveBeenCalledOnce()
  })

  it('loads a photo without srcset by its thumbnail alone', () => {
    const { made, createImage } = fakeImages()
    createPreloader({ createImage }).preload([{ thumb_url: 'https://upload.example/a.tif', srcset: '' }])
    expect(made[0]!.order).toEqual(['src'])
  })

  it('starts each photo once, however often it is asked for', () => {
    const { made, createImage } = fakeImages()
    const preloader = createPreloader({ createImage })

    expect(preloader.preload([photo(1), photo(2), photo(3)])).toHaveLength(3)
    // After a vote the queue moved on by one: only the new third photo is loaded.
    expect(preloader.preload([photo(2), photo(3), photo(4)])).toEqual([photo(4)])
    expect(made.map((image) => image.src)).toEqual([1, 2, 3, 4].map((n) => photo(n).thumb_url))
    expect(preloader.has(photo(3))).toBe(true)
    expect(preloader.has(photo(9))).toBe(false)
  })

  it('keeps only the most recent photos referenced', () => {
    const { createImage } = fakeImages()
    const preloader = createPreloader({ createImage, keep: 3 })
    preloader.preload([photo(1), photo(2), photo(3)])
    preloader.preload([photo(1)]) // seen again: among the newest
    preloader.preload([photo(4)])
    expect(preloader.has(photo(2))).toBe(false)
    expect(preloader.has(photo(1))).toBe(true)
    expect(preloader.has(photo(3))).toBe(true)
    expect(preloader.has(photo(4))).toBe(true)
  })

  it('swallows a photo that fails to load (its turn shows the error)', async () => {
    const broken = { decode: vi.fn(() => Promise.reject(new Error('broken'))) } as unknown as HTMLImageElement
    const preloader = createPreloader({ createImage: () => broken })
    expect(() => preloader.preload([photo(1)])).not.toThrow()
    await Promise.resolve()
    expect(broken.decode).toHaveBeenCalledOnce()
  })
})
