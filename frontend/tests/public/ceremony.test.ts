import { describe, expect, it } from 'vitest'
import type { Award } from '../../src/api/publishing'
import { actionFor, arrowSymbols, buildSlides, move, revealOrder, upcomingPhotos, type Slide } from '../../src/components/public/ceremony'

function award(id: number, place: number | null, withEntry = true): Award {
  return {
    id,
    name: place === null ? `Prize ${id}` : `Place ${place}`,
    kind: place === null ? 'special' : 'place',
    place,
    round_entry_id: id,
    entry: withEntry
      ? {
          entry_id: id,
          page_id: id,
          title: `File:Photo ${id}.jpg`,
          width: 4000,
          height: 3000,
          url: `https://upload.example/${id}.jpg`,
          thumb_url: `https://upload.example/960px-${id}.jpg`,
          srcset: '',
          description_url: `https://commons.example/File:Photo_${id}.jpg`,
          attribution: {
            author: `Author ${id}`,
            author_url: null,
            license: 'CC BY-SA 4.0',
            file_url: `https://commons.example/File:Photo_${id}.jpg`,
            text: `Author ${id}, CC BY-SA 4.0, via Wikimedia Commons`,
          },
        }
      : null,
  }
}

const describeSlide = (slide: Slide) => (slide.kind === 'announce' || slide.kind === 'reveal' ? `${slide.kind} ${slide.award.name}` : slide.kind)

describe('revealOrder', () => {
  it('reveals special prizes first, then places from last to first', () => {
    // The API lists places first (1, 2, 3), then special prizes in the coordinators' order.
    const awards = [award(1, 1), award(2, 2), award(3, 3), award(4, null), award(5, null)]
    expect(revealOrder(awards).map((a) => a.name)).toEqual(['Prize 4', 'Prize 5', 'Place 3', 'Place 2', 'Place 1'])
  })

  it('orders places by number, whatever order they come in', () => {
    expect(revealOrder([award(1, 10), award(2, 1), award(3, 4)]).map((a) => a.place)).toEqual([10, 4, 1])
  })

  it('leaves out awards whose photo is no longer known', () => {
    expect(revealOrder([award(1, 1), award(2, 2, false)]).map((a) => a.id)).toEqual([1])
  })
})

describe('buildSlides', () => {
  it('announces each award before revealing its photo, between a title and a closing slide', () => {
    const slides = buildSlides([award(1, 1), award(2, 2), award(3, null)])
    expect(slides.map(describeSlide)).toEqual([
      'title',
      'announce Prize 3',
      'reveal Prize 3',
      'announce Place 2',
      'reveal Place 2',
      'announce Place 1',
      'reveal Place 1',
      'end',
    ])
  })

  it('still has a title and an end without awards', () => {
    expect(buildSlides([]).map(describeSlide)).toEqual(['title', 'end'])
  })
})

describe('keys', () => {
  const key = (k: string, extra: Partial<KeyboardEvent> = {}) =>
    actionFor({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...extra })

  it.each([
    ['ArrowRight', 'next'],
    [' ', 'next'],
    ['PageDown', 'next'],
    ['ArrowLeft', 'back'],
    ['PageUp', 'back'],
    ['Home', 'first'],
    ['End', 'last'],
    ['f', 'fullscreen'],
    ['F', 'fullscreen'],
    ['Escape', 'exit'],
  ])('%j means %s', (k, action) => {
    expect(key(k)).toBe(action)
  })

  it('follows the reading direction with the arrows in a right-to-left language', () => {
    const rtl = (k: string) => actionFor({ key: k, altKey: false, ctrlKey: false, metaKey: false }, 'rtl')
    expect(rtl('ArrowLeft')).toBe('next')
    expect(rtl('ArrowRight')).toBe('back')
    expect(rtl(' ')).toBe('next')
    expect(rtl('PageUp')).toBe('back')
    expect(arrowSymbols('rtl')).toEqual({ next: '←', back: '→' })
    expect(arrowSymbols('ltr')).toEqual({ next: '→', back: '←' })
  })

  it('leaves other keys and shortcuts with modifiers to the browser', () => {
    expect(key('x')).toBeNull()
    expect(key('ArrowLeft', { altKey: true })).toBeNull()
    expect(key('f', { ctrlKey: true })).toBeNull()
  })

  it('moves within the show and stops at both ends', () => {
    expect(move(0, 'next', 4)).toBe(1)
    expect(move(3, 'next', 4)).toBe(3)
    expect(move(0, 'back', 4)).toBe(0)
    expect(move(2, 'back', 4)).toBe(1)
    expect(move(2, 'first', 4)).toBe(0)
    expect(move(1, 'last', 4)).toBe(3)
    expect(move(2, 'fullscreen', 4)).toBe(2)
  })
})

describe('upcomingPhotos', () => {
  it('gives the next photos to reveal, nearest first', () => {
    const slides = buildSlides([award(1, 1), award(2, 2), award(3, 3)])
    expect(upcomingPhotos(slides, 0).map((e) => e.entry_id)).toEqual([3, 2])
    // On the reveal of place 3, the next photos are places 2 and 1.
    expect(upcomingPhotos(slides, 2).map((e) => e.entry_id)).toEqual([2, 1])
    expect(upcomingPhotos(slides, slides.length - 1)).toEqual([])
  })
})
