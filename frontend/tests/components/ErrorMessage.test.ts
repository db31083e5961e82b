import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/api/client'
import ErrorMessage from '../../src/components/ErrorMessage.vue'
import { describeError } from '../../src/components/errorText'
import { i18n } from '../../src/i18n'

describe('describeError', () => {
  it.each([
    [new ApiError(409, 'conflict', 'Round 4 is finalized.'), 'This cannot be done in the current state.', 'Round 4 is finalized.'],
    [new ApiError(403, 'csrf_failed', 'Missing or wrong CSRF token.'), 'Your session changed', 'Missing or wrong CSRF token.'],
    [new ApiError(404, 'something_new', 'No round 9.'), 'This was not found.', 'No round 9.'],
    [new ApiError(500, 'internal_error', ''), 'Something went wrong on the server (error 500).', null],
    [new ApiError(0, 'network_error', 'Failed to fetch'), 'Loupe could not reach the server.', 'Failed to fetch'],
    [new Error('boom'), 'Something went wrong.', 'boom'],
  ])('%s', (error, message, detail) => {
    const text = describeError(error)
    expect(text.message).toContain(message)
    expect(text.detail).toBe(detail)
  })
})

describe('ErrorMessage', () => {
  it('shows the error in words inside a Codex error message', () => {
    const wrapper = mount(ErrorMessage, {
      props: { error: new ApiError(409, 'conflict', 'Round 4 is finalized; votes are closed.') },
      global: { plugins: [i18n] },
    })

    const box = wrapper.get('.cdx-message--error')
    expect(box.attributes('role')).toBe('alert')
    expect(wrapper.text()).toContain('This cannot be done in the current state.')
    expect(wrapper.text()).toContain('Details: Round 4 is finalized; votes are closed.')
  })
})
