/** Shared test helpers: a fake fetch that answers from a queue of responses. */
import { vi } from 'vitest'

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

/** Replace global fetch; each call takes the next response. Returns the mock to inspect calls. */
export function mockFetch(...responses: Array<Response | Error>) {
  const queue = [...responses]
  const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit): Promise<Response> => {
    const next = queue.shift()
    if (!next) throw new Error('unexpected fetch: no response queued')
    if (next instanceof Error) throw next
    return next
  })
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

/** The headers a fetch call sent, as a plain object with lower-case names. */
export function sentHeaders(init: RequestInit | undefined): Record<string, string> {
  const headers = (init?.headers ?? {}) as Record<string, string>
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}
