/**
 * The voting screen's keyboard map and the composable that listens for it.
 *
 * Keys are matched by the character they type (`event.key`), and, when that character
 * means nothing here, by the physical key (`event.code`): a juror with a Hebrew or Russian
 * layout presses the key marked Y and votes yes, and AZERTY digits work without Shift.
 * The map is data (SHORTCUTS) so that the help dialog lists exactly what the handler does.
 */
import { onBeforeUnmount, onMounted, toValue, type MaybeRefOrGetter } from 'vue'
import type { VoteMethod } from '../api/rounds'

export type EntryVoteMethod = Exclude<VoteMethod, 'ranking'>

export type Shortcut =
  | { action: 'vote'; value: number }
  | { action: 'skip' | 'undo' | 'favourite' | 'comment' | 'flag' | 'zoom' | 'help' | 'close' }

export type ShortcutAction = Shortcut['action']

export interface ShortcutHelp {
  /** Keys as shown to the juror, e.g. ['Y', '1']. */
  keys: string[]
  /** Message key describing what the keys do. */
  labelKey: string
  /** The vote methods the keys apply to (all when absent). */
  methods?: EntryVoteMethod[]
}

export const SHORTCUTS: readonly ShortcutHelp[] = [
  { keys: ['Y', '1'], labelKey: 'loupe-juror-key-yes', methods: ['yes_no'] },
  { keys: ['N', '0'], labelKey: 'loupe-juror-key-no', methods: ['yes_no'] },
  { keys: ['1', '2', '3', '4', '5'], labelKey: 'loupe-juror-key-stars', methods: ['rating'] },
  { keys: ['S'], labelKey: 'loupe-juror-key-skip' },
  { keys: ['U', 'Ctrl+Z'], labelKey: 'loupe-juror-key-undo' },
  { keys: ['F'], labelKey: 'loupe-juror-key-favourite' },
  { keys: ['C'], labelKey: 'loupe-juror-key-comment' },
  { keys: ['G'], labelKey: 'loupe-juror-key-flag' },
  { keys: ['Z'], labelKey: 'loupe-juror-key-zoom' },
  { keys: ['Esc'], labelKey: 'loupe-juror-key-close' },
  { keys: ['?'], labelKey: 'loupe-juror-key-help' },
]

const COMMON: Record<string, Shortcut> = {
  s: { action: 'skip' },
  u: { action: 'undo' },
  f: { action: 'favourite' },
  c: { action: 'comment' },
  g: { action: 'flag' },
  z: { action: 'zoom' },
  '?': { action: 'help' },
  escape: { action: 'close' },
}

const BY_METHOD: Record<EntryVoteMethod, Record<string, Shortcut>> = {
  yes_no: {
    y: { action: 'vote', value: 1 },
    '1': { action: 'vote', value: 1 },
    n: { action: 'vote', value: 0 },
    '0': { action: 'vote', value: 0 },
  },
  rating: Object.fromEntries(
    [1, 2, 3, 4, 5].map((stars) => [String(stars), { action: 'vote', value: stars } as Shortcut]),
  ),
}

/** The parts of a KeyboardEvent the map looks at (so tests can pass plain objects). */
export type KeyLike = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>

function lookup(name: string, method: EntryVoteMethod): Shortcut | null {
  return BY_METHOD[method][name] ?? COMMON[name] ?? null
}

/** The physical key as a name of the map: 'KeyY' → 'y', 'Digit1' / 'Numpad1' → '1'. */
function physicalName(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code)
  if (letter) return letter[1]!.toLowerCase()
  const digit = /^(?:Digit|Numpad)(\d)$/.exec(code)
  return digit ? digit[1]! : null
}

/** What a key press means on the voting screen of a round with `method`, or null. */
export function shortcutFor(event: KeyLike, method: EntryVoteMethod): Shortcut | null {
  if (event.altKey) return null
  if (event.ctrlKey || event.metaKey) {
    // Ctrl+Z (⌘Z on a Mac) undoes, as everywhere; other combinations belong to the browser.
    const isZ = event.key.toLowerCase() === 'z' || event.code === 'KeyZ'
    return isZ && !event.shiftKey ? { action: 'undo' } : null
  }
  const byCharacter = lookup(event.key.toLowerCase(), method)
  if (byCharacter) return byCharacter
  const physical = physicalName(event.code)
  // '?' is Shift+/ on most layouts but not all: only the character counts for it.
  return physical ? lookup(physical, method) : null
}

/** Whether the key press is meant for a form field (then it types, it doesn't vote). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || !(target instanceof Element)) return false
  if (target instanceof HTMLElement && target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag !== 'INPUT') return false
  const type = (target as HTMLInputElement).type
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'image'].includes(type)
}

export interface ShortcutOptions {
  method: MaybeRefOrGetter<EntryVoteMethod>
  /** False while a dialog is open or nothing can be voted on. */
  enabled?: MaybeRefOrGetter<boolean>
}

/**
 * Call `handle` for every shortcut pressed while the component is mounted.
 *
 * Ignored: presses in text fields, auto-repeat (holding Y must not vote on the next
 * photos too), presses during IME composition, and presses already handled elsewhere.
 * A handled press has its default prevented (so '/' or Space don't scroll or search).
 */
export function useShortcuts(handle: (shortcut: Shortcut, event: KeyboardEvent) => void, options: ShortcutOptions) {
  function onKeydown(event: KeyboardEvent) {
    if (event.defaultPrevented || event.isComposing || event.repeat) return
    if (toValue(options.enabled) === false) return
    if (isTypingTarget(event.target)) return
    const shortcut = shortcutFor(event, toValue(options.method))
    if (!shortcut) return
    event.preventDefault()
    handle(shortcut, event)
  }
  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
  return { onKeydown }
}
