import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { getMe, loginUrl, logout } from '../../src/api/auth'
import { getCsrfToken, setCsrfToken } from '../../src/api/client'
import { jsonResponse, mockFetch, sentHeaders } from '../helpers'

beforeEach(() => setCsrfToken(null))
afterEach(() => vi.unstubAllGlobals())

const user = { id: 7, username: 'Example', wiki_id: 4242, is_admin: false, is_organizer: true, last_login_at: null }
const roles = {
  admin: false,
  organizer: true,
  coordinator_of: [],
  juror_of: [{ id: 3, campaign_id: 1, name: 'Round 1', status: 'active' }],
}

describe('getMe', () => {
  it('returns the user and roles, and remembers the CSRF token', async () => {
    mockFetch(jsonResponse({ user, roles, csrf_token: 'abc' }))

    const me = await getMe()

    expect(me).toEqual({ user, roles, csrf_token: 'abc' })
    expect(getCsrfToken()).toBe('abc')
  })

  it('returns null when nobody is logged in', async () => {
    mockFetch(jsonResponse({ error: 'not_authenticated', detail: 'You need to log in.' }, 401))
    await expect(getMe()).resolves.toBeNull()
  })

  it('throws other errors', async () => {
    mockFetch(jsonResponse({ error: 'unavailable', detail: 'The database is unavailable; try again.' }, 503))
    await expect(getMe()).rejects.toMatchObject({ status: 503, code: 'unavailable' })
  })
})

describe('login and logout', () => {
  it('sends the browser to /auth/login with the path to come back to', () => {
    expect(loginUrl('/rounds/3?page=2')).toBe('/auth/login?next=%2Frounds%2F3%3Fpage%3D2')
  })

  it('never sends the browser back to another site', () => {
    expect(loginUrl('//evil.example/')).toBe('/auth/login?next=%2F')
    expect(loginUrl('https://evil.example/')).toBe('/auth/login?next=%2F')
  })

  it('logs out with a POST carrying the CSRF token, accepting a redirect', async () => {
    setCsrfToken('abc')
    const fetchMock = mockFetch(new Response(null, { status: 204 }))

    await logout()

    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/auth/logout')
    expect(init?.method).toBe('POST')
    expect(init?.redirect).toBe('manual')
    expect(sentHeaders(init)).toMatchObject({ 'x-csrf-token': 'abc' })
    expect(getCsrfToken()).toBeNull()
  })
})
