/**
 * A fake backend for the juror pages: fetch answered by route ("PUT /api/rounds/7/votes/5"),
 * every request recorded with its method, path, query and JSON body.
 */
import { vi } from 'vitest'
import type { Entry, MyRound, Task } from '../../src/api/voting'
import { jsonResponse } from '../helpers'

export interface SentRequest {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
  headers: Record<string, string>
}

export type Answer = Response | Error | ((request: SentRequest) => Response | Error | Promise<Response | Error>)

export function fakeServer(routes: Record<string, Answer | Answer[]> = {}) {
  const requests: SentRequest[] = []
  const table = new Map<string, Answer | Answer[]>(Object.entries(routes))
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), 'http://loupe.test')
    const method = (init?.method ?? 'GET').toUpperCase()
    const request: SentRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      headers: Object.fromEntries(
        Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    }
    requests.push(request)
    const key = `${method} ${url.pathname}`
    let answer = table.get(key)
    if (Array.isArray(answer)) answer = answer.length > 1 ? answer.shift() : answer[0]
    if (answer === undefined) throw new Error(`fake server: no route for ${key}`)
    const result = typeof answer === 'function' ? await answer(request) : answer
    if (result instanceof Error) throw result
    // A Response body can be read once: hand out a copy each time.
    return result.clone()
  })
  vi.stubGlobal('fetch', fetchMock)
  return {
    requests,
    fetchMock,
    /** Add or replace a route. */
    on(key: string, answer: Answer | Answer[]) {
      table.set(key, answer)
    },
    sent(key: string): SentRequest[] {
      return requests.filter((request) => `${request.method} ${request.path}` === key)
    },
  }
}

export const noContent = () => new Response(null, { status: 204 })
export const apiError = (status: number, error: string, detail = '') => jsonResponse({ error, detail }, status)

export function entry(n: number, extra: Partial<Entry> = {}): Entry {
  return {
    width: 4000,
    height: 3000,
    mime: 'image/jpeg',
    url: `https://upload.wikimedia.org/wikipedia/commons/a/ab/Photo_${n}.jpg`,
    thumb_url: `https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/Photo_${n}.jpg/1280px-Photo_${n}.jpg`,
    srcset: `https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/Photo_${n}.jpg/960px-Photo_${n}.jpg 960w`,
    ...extra,
  }
}

export function task(n: number, extra: Partial<Entry> = {}): Task {
  return { task_id: 100 + n, round_entry_id: n, entry: entry(n, extra) }
}

export function myRound(extra: Partial<MyRound> = {}): MyRound {
  return {
    id: 7,
    name: 'Round 1',
    status: 'active',
    vote_method: 'yes_no',
    deadline: '2026-10-15T21:59:00Z',
    directions: '',
    campaign_id: 3,
    campaign_name: 'Wiki Loves Monuments 2026 in Ghana',
    campaign_slug: 'wlm-2026-gh',
    progress: { done: 0, total: 20 },
    ...extra,
  }
}
