import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, apiFetch, getCsrfToken, setCsrfToken } from '../../src/api/client'
import { jsonResponse, mockFetch, sentHeaders } from '../helpers'

beforeEach(() => setCsrfToken(null))
afterEach(() => vi.unstubAllGlobals())

describe('requests', () => {
  it('sends same-origin credentials and no CSRF header on GET', async () => {
    const fetchMock = mockFetch(jsonResponse({ id: 1 }))

    const body = await api.get<{ id: number }>('/api/jobs/1', { query: { page: 2, empty: undefined } })

    expect(body).toEqual({ id: 1 })
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/api/jobs/1?page=2')
    expect(init?.method).toBe('GET')
    expect(init?.credentials).toBe('same-origin')
    expect(sentHeaders(init)).not.toHaveProperty('x-csrf-token')
  })

  it('sends the CSRF token and a JSON body on POST', async () => {
    setCsrfToken('token-123')
    const fetchMock = mockFetch(jsonResponse({ ok: true }))

    await api.post('/api/rounds/4/activate', { seed: 7 })

    const [, init] = fetchMock.mock.calls[0]!
    expect(init?.method).toBe('POST')
    expect(sentHeaders(init)).toMatchObject({ 'x-csrf-token': 'token-123', 'content-type': 'application/json' })
    expect(init?.body).toBe('{"seed":7}')
  })

  it('asks /api/me for the CSRF token when it has none yet', async () => {
    const fetchMock = mockFetch(jsonResponse({ user: { id: 1 }, csrf_token: 'fresh' }), jsonResponse({}))

    await api.delete('/api/rounds/4/jurors/9')

    expect(fetchMock.mock.calls[0]![0]).toBe('/api/me')
    expect(sentHeaders(fetchMock.mock.calls[1]![1])).toMatchObject({ 'x-csrf-token': 'fresh' })
    expect(getCsrfToken()).toBe('fresh')
  })

  it('retries once with a new token when the server says the CSRF token is stale', async () => {
    setCsrfToken('stale')
    const fetchMock = mockFetch(
      jsonResponse({ error: 'csrf_failed', detail: 'Missing or wrong CSRF token.' }, 403),
      jsonResponse({ user: { id: 1 }, csrf_token: 'current' }),
      jsonResponse({ done: true }),
    )

    await expect(api.post('/api/jobs/3/cancel')).resolves.toEqual({ done: true })
    expect(sentHeaders(fetchMock.mock.calls[2]![1])).toMatchObject({ 'x-csrf-token': 'current' })
  })

  it('returns undefined for 204 No Content', async () => {
    mockFetch(new Response(null, { status: 204 }))
    setCsrfToken('t')
    await expect(apiFetch('DELETE', '/api/x')).resolves.toBeUndefined()
  })
})

describe('errors', () => {
  it('turns {"error", "detail"} into an ApiError with status, code and detail', async () => {
    mockFetch(jsonResponse({ error: 'conflict', detail: 'Round 4 is finalized; votes are closed.' }, 409))
    setCsrfToken('t')

    const error = await api.post('/api/rounds/4/votes/1', { value: 3 }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 409, code: 'conflict', detail: 'Round 4 is finalized; votes are closed.' })
  })

  it('makes an ApiError of a non-JSON error page', async () => {
    mockFetch(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }))

    await expect(api.get('/api/me')).rejects.toMatchObject({ status: 502, code: 'bad_response', detail: 'Bad Gateway' })
  })

  it('makes an ApiError of a network failure', async () => {
    mockFetch(new TypeError('Failed to fetch'))

    await expect(api.get('/api/me')).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })

  it('lets an aborted request reject with the abort, not an ApiError', async () => {
    mockFetch(new DOMException('The operation was aborted.', 'AbortError'))

    const error = await api.get('/api/jobs/1').catch((e: unknown) => e)

    expect(error).not.toBeInstanceOf(ApiError)
    expect((error as DOMException).name).toBe('AbortError')
  })
})
