import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import {
  SHORTCUTS,
  isTypingTarget,
  shortcutFor,
  useShortcuts,
  type EntryVoteMethod,
  type KeyLike,
  type Shortcut,
} from '../../src/juror/shortcuts'

function key(keyName: string, extra: Partial<KeyLike> = {}): KeyLike {
  const code = /^[a-z]$/i.test(keyName) ? `Key${keyName.toUpperCase()}` : /^\d$/.test(keyName) ? `Digit${keyName}` : ''
  return { key: keyName, code, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...extra }
}

describe('shortcutFor: yes/no rounds', () => {
  it.each<[string, Shortcut]>([
    ['y', { action: 'vote', value: 1 }],
    ['Y', { action: 'vote', value: 1 }],
    ['1', { action: 'vote', value: 1 }],
    ['n', { action: 'vote', value: 0 }],
    ['N', { action: 'vote', value: 0 }],
    ['0', { action: 'vote', value: 0 }],
  ])('%s votes %j', (pressed, expected) => {
    expect(shortcutFor(key(pressed), 'yes_no')).toEqual(expected)
  })

  it('has no star keys', () => {
    for (const digit of ['2', '3', '4', '5']) expect(shortcutFor(key(digit), 'yes_no')).toBeNull()
  })
})

describe('shortcutFor: rating rounds', () => {
  it.each([1, 2, 3, 4, 5])('%i gives that many stars', (stars) => {
    expect(shortcutFor(key(String(stars)), 'rating')).toEqual({ action: 'vote', value: stars })
  })

  it('reads the number pad too', () => {
    expect(shortcutFor({ ...key('4'), code: 'Numpad4' }, 'rating')).toEqual({ action: 'vote', value: 4 })
  })

  it('has no yes/no keys and no 0 or 6', () => {
    for (const pressed of ['y', 'n', '0', '6']) expect(shortcutFor(key(pressed), 'rating')).toBeNull()
  })
})

describe('shortcutFor: keys of every round', () => {
  it.each<[string, Shortcut['action']]>([
    ['s', 'skip'],
    ['u', 'undo'],
    ['f', 'favourite'],
    ['c', 'comment'],
    ['g', 'flag'],
    ['z', 'zoom'],
    ['?', 'help'],
    ['Escape', 'close'],
  ])('%s → %s', (pressed, action) => {
    for (const method of ['yes_no', 'rating'] as EntryVoteMethod[]) {
      expect(shortcutFor(key(pressed, { shiftKey: pressed === '?' }), method)).toEqual({ action })
    }
  })

  it('undoes with Ctrl+Z and ⌘Z, but not Ctrl+Shift+Z (redo)', () => {
    expect(shortcutFor(key('z', { ctrlKey: true }), 'yes_no')).toEqual({ action: 'undo' })
    expect(shortcutFor(key('z', { metaKey: true }), 'yes_no')).toEqual({ action: 'undo' })
    expect(shortcutFor(key('Z', { ctrlKey: true, shiftKey: true }), 'yes_no')).toBeNull()
  })

  it('leaves other browser shortcuts alone (Ctrl+S, Ctrl+F, Alt+Y, Ctrl+1)', () => {
    expect(shortcutFor(key('s', { ctrlKey: true }), 'yes_no')).toBeNull()
    expect(shortcutFor(key('f', { metaKey: true }), 'yes_no')).toBeNull()
    expect(shortcutFor(key('y', { altKey: true }), 'yes_no')).toBeNull()
    expect(shortcutFor(key('1', { ctrlKey: true }), 'rating')).toBeNull()
  })

  it('uses the physical key when the layout types another letter (Hebrew, AZERTY digits)', () => {
    // Hebrew layout: the key marked Y types ט.
    expect(shortcutFor({ ...key('y'), key: 'ט' }, 'yes_no')).toEqual({ action: 'vote', value: 1 })
    expect(shortcutFor({ ...key('s'), key: 'ד' }, 'yes_no')).toEqual({ action: 'skip' })
    // AZERTY: the digit keys type & é " ' ( without Shift.
    expect(shortcutFor({ ...key('3'), key: '"' }, 'rating')).toEqual({ action: 'vote', value: 3 })
  })

  it('ignores keys that mean nothing here', () => {
    for (const pressed of ['x', 'Enter', ' ', 'ArrowLeft', 'Tab']) expect(shortcutFor(key(pressed), 'yes_no')).toBeNull()
  })

  it('documents every key it handles in SHORTCUTS', () => {
    const documented = SHORTCUTS.flatMap((item) => item.keys)
    for (const shown of ['Y', '1', 'N', '0', '5', 'S', 'U', 'Ctrl+Z', 'F', 'C', 'G', 'Z', 'Esc', '?']) {
      expect(documented).toContain(shown)
    }
  })
})

describe('isTypingTarget', () => {
  it('is true for text fields and false for buttons and checkboxes', () => {
    const make = (html: string) => {
      const holder = document.createElement('div')
      holder.innerHTML = html
      return holder.firstElementChild
    }
    expect(isTypingTarget(make('<input type="text">'))).toBe(true)
    expect(isTypingTarget(make('<input type="number">'))).toBe(true)
    expect(isTypingTarget(make('<textarea></textarea>'))).toBe(true)
    expect(isTypingTarget(make('<select></select>'))).toBe(true)
    expect(isTypingTarget(make('<input type="checkbox">'))).toBe(false)
    expect(isTypingTarget(make('<button>Yes</button>'))).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})

describe('useShortcuts', () => {
  const mounted: Array<{ unmount(): void }> = []
  afterEach(() => {
    for (const wrapper of mounted.splice(0)) wrapper.unmount()
    document.body.innerHTML = ''
  })

  function mountWith(method: EntryVoteMethod, enabled = ref(true)) {
    const handle = vi.fn()
    const wrapper = mount(
      defineComponent({
        setup() {
          useShortcuts(handle, { method, enabled })
          return () => h('div', [h('input', { id: 'text' }), h('button', { id: 'button' }, 'Yes')])
        },
      }),
      { attachTo: document.body },
    )
    mounted.push({ unmount: () => wrapper.exists() && wrapper.unmount() })
    return { handle, wrapper, enabled }
  }

  function press(keyName: string, init: KeyboardEventInit = {}, target: EventTarget = window) {
    const event = new KeyboardEvent('keydown', { key: keyName, bubbles: true, cancelable: true, ...init })
    target.dispatchEvent(event)
    return event
  }

  it('calls the handler with the shortcut and prevents the default', () => {
    const { handle } = mountWith('rating')
    const event = press('4', { code: 'Digit4' })
    expect(handle).toHaveBeenCalledOnce()
    expect(handle.mock.calls[0]![0]).toEqual({ action: 'vote', value: 4 })
    expect(event.defaultPrevented).toBe(true)
  })

  it('works while a button has the focus', () => {
    const { handle } = mountWith('yes_no')
    press('y', { code: 'KeyY' }, document.getElementById('button')!)
    expect(handle.mock.calls[0]![0]).toEqual({ action: 'vote', value: 1 })
  })

  it('ignores typing in a text field', () => {
    const { handle } = mountWith('yes_no')
    const event = press('y', { code: 'KeyY' }, document.getElementById('text')!)
    expect(handle).not.toHaveBeenCalled()
    expect(event.defaultPrevented).toBe(false)
  })

  it('ignores auto-repeat, so holding Y does not vote on the next photos', () => {
    const { handle } = mountWith('yes_no')
    press('y', { code: 'KeyY', repeat: true })
    expect(handle).not.toHaveBeenCalled()
  })

  it('ignores presses while disabled (a dialog is open)', () => {
    const enabled = ref(false)
    const { handle } = mountWith('yes_no', enabled)
    press('n', { code: 'KeyN' })
    expect(handle).not.toHaveBeenCalled()
    enabled.value = true
    press('n', { code: 'KeyN' })
    expect(handle).toHaveBeenCalledOnce()
  })

  it('stops listening when unmounted', () => {
    const { handle, wrapper } = mountWith('yes_no')
    wrapper.unmount()
    press('y', { code: 'KeyY' })
    expect(handle).not.toHaveBeenCalled()
  })

  it('leaves unknown keys alone', () => {
    const { handle } = mountWith('yes_no')
    const event = press('x', { code: 'KeyX' })
    expect(handle).not.toHaveBeenCalled()
    expect(event.defaultPrevented).toBe(false)
  })
})
