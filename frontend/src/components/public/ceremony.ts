/**
 * The ceremony's running order, as plain data: a title slide, then per award an
 * announcement (the place, photo still hidden) and its reveal, special prizes first and
 * places from last to first, and a closing slide. Keys move through it.
 */
import type { Award, WinnerEntry } from '../../api/publishing'
import type { Direction } from '../../i18n/languages'

export type ShownAward = Award & { entry: WinnerEntry }

export type Slide =
  | { kind: 'title' }
  | { kind: 'announce'; award: ShownAward }
  | { kind: 'reveal'; award: ShownAward }
  | { kind: 'end' }

/** Special prizes (in the coordinators' order), then places from last to first. */
export function revealOrder(awards: readonly Award[]): ShownAward[] {
  const shown = awards.filter((award): award is ShownAward => award.entry !== null)
  const specials = shown.filter((award) => award.place === null)
  const places = shown.filter((award) => award.place !== null).sort((a, b) => b.place! - a.place!)
  return [...specials, ...places]
}

export function buildSlides(awards: readonly Award[]): Slide[] {
  return [
    { kind: 'title' },
    ...revealOrder(awards).flatMap((award): Slide[] => [
      { kind: 'announce', award },
      { kind: 'reveal', award },
    ]),
    { kind: 'end' },
  ]
}

export type Action = 'next' | 'back' | 'first' | 'last' | 'fullscreen' | 'exit'

const KEYS: Record<string, Action> = {
  ' ': 'next',
  PageDown: 'next',
  PageUp: 'back',
  Home: 'first',
  End: 'last',
  f: 'fullscreen',
  F: 'fullscreen',
  Escape: 'exit',
}

// The slides run in the reading direction: in a right-to-left language "next" is on the left.
const ARROWS: Record<Direction, Record<string, Action>> = {
  ltr: { ArrowRight: 'next', ArrowLeft: 'back' },
  rtl: { ArrowLeft: 'next', ArrowRight: 'back' },
}

/** The arrows for next and back, as the keyboard help shows them. */
export function arrowSymbols(direction: Direction): { next: string; back: string } {
  return direction === 'rtl' ? { next: '←', back: '→' } : { next: '→', back: '←' }
}

/** What a key press does in the slideshow; null for keys it leaves alone. */
export function actionFor(
  event: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey'>,
  direction: Direction = 'ltr',
): Action | null {
  if (event.altKey || event.ctrlKey || event.metaKey) return null
  return ARROWS[direction][event.key] ?? KEYS[event.key] ?? null
}

/** The slide index after `action`, kept within the show; other actions stay put. */
export function move(index: number, action: Action, count: number): number {
  const last = Math.max(count - 1, 0)
  switch (action) {
    case 'next':
      return Math.min(index + 1, last)
    case 'back':
      return Math.max(index - 1, 0)
    case 'first':
      return 0
    case 'last':
      return last
    default:
      return index
  }
}

/** The photos of the slides after `index` that reveal one, nearest first (to preload). */
export function upcomingPhotos(slides: readonly Slide[], index: number, ahead = 2): WinnerEntry[] {
  return slides
    .slice(index + 1)
    .filter((slide): slide is Extract<Slide, { kind: 'reveal' }> => slide.kind === 'reveal')
    .slice(0, ahead)
    .map((slide) => slide.award.entry)
}
