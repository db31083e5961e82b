import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import App from '../src/App.vue'
import { loadSession, session } from '../src/session'
import { mountAt } from './components/mount'
import { jsonResponse, mockFetch } from './helpers'

afterEach(() => {
  vi.unstubAllGlobals()
  Object.assign(session, { me: null, loading: true, error: null })
  document.body.innerHTML = ''
})

describe('App shell', () => {
  it('has a skip link, a header, a main landmark and the page title', async () => {
    mockFetch(jsonResponse({ error: 'not_authenticated', detail: 'You need to log in.' }, 401))
    await loadSession()
    const wrapper = await mountAt(App, '/')
    await flushPromises()

    expect(wrapper.get('a.skip-link').attributes('href')).toBe('#main')
    expect(wrapper.find('header').exists()).toBe(true)
    expect(wrapper.get('main#main').text()).toContain('Log in with your Wikimedia account')
    expect(document.title).toBe('Welcome to Loupe – Loupe')
  })

  it('shows in words that the server could not be reached', async () => {
    mockFetch(new TypeError('Failed to fetch'))
    await loadSession()
    const wrapper = await mountAt(App, '/')
    await flushPromises()

    expect(wrapper.get('main').text()).toContain('Loupe could not reach the server.')
  })

  it('shows the not-found page for unknown paths', async () => {
    mockFetch(jsonResponse({ error: 'not_authenticated', detail: 'You need to log in.' }, 401))
    await loadSession()
    const wrapper = await mountAt(App, '/no/such/page')
    await flushPromises()

    expect(wrapper.get('h1').text()).toBe('Page not found')
    expect(wrapper.text()).toContain('There is no page at \u2068/no/such/page\u2069.')
    expect(document.title).toBe('Page not found – Loupe')
  })
})
