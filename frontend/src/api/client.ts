/**
 * The one way the UI talks to the backend: same-origin cookies, JSON bodies, the session's
 * CSRF token on state-changing requests, and every failure turned into an ApiError.
 *
 * Errors from Loupe are JSON `{"error": code, "detail": text}`; anything else (a proxy's
 * HTML page, a dropped connection) becomes an ApiError too, so callers handle one type.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export type QueryValue = string | number | boolean | null | undefined

export interface RequestOptions {
  body?: unknown
  query?: Record<string, QueryValue>
  signal?: AbortSignal
  /** 'manual' makes a redirect answer count as success (used for /auth/logout). */
  redirect?: RequestRedirect
}

/** Codes the client itself produces when there is no `{"error", "detail"}` body. */
export const NETWORK_ERROR = 'network_error'
export const BAD_RESPONSE = 'bad_response'
export const CSRF_FAILED = 'csrf_failed'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string

  constructor(status: number, code: string, detail: string) {
    super(`${status} ${code}: ${detail}`)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.detail = detail
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError
}

const SAFE_METHODS = new Set<Method>(['GET'])

// The session's CSRF token, as GET /api/me reports it. Memory only: a reload asks again.
let csrfToken: string | null = null

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

export function getCsrfToken(): string | null {
  return csrfToken
}

async function fetchCsrfToken(): Promise<string> {
  const me = await send<{ csrf_token?: string }>('GET', '/api/me', {})
  if (!me.csrf_token) throw new ApiError(200, BAD_RESPONSE, 'The server sent no CSRF token.')
  csrfToken = me.csrf_token
  return csrfToken
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.append(key, String(value))
  }
  const text = params.toString()
  if (!text) return path
  return path + (path.includes('?') ? '&' : '?') + text
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // Not JSON: a proxy or server error page. Fall through to the status text.
  }
  if (body && typeof body === 'object' && 'error' in body) {
    const { error, detail } = body as { error: unknown; detail?: unknown }
    return new ApiError(
      response.status,
      String(error),
      typeof detail === 'string' ? detail : JSON.stringify(detail ?? ''),
    )
  }
  return new ApiError(response.status, BAD_RESPONSE, response.statusText || `HTTP ${response.status}`)
}

async function send<T>(method: Method, path: string, options: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (options.body instanceof FormData) {
    body = options.body
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  if (!SAFE_METHODS.has(method)) {
    headers['X-CSRF-Token'] = csrfToken ?? (await fetchCsrfToken())
  }
  let response: Response
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      redirect: options.redirect ?? 'follow',
      signal: options.signal,
    })
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError(0, NETWORK_ERROR, error instanceof Error ? error.message : String(error))
  }
  if (response.type === 'opaqueredirect' || response.status === 204) return undefined as T
  if (!response.ok) throw await toApiError(response)
  const type = response.headers.get('Content-Type') ?? ''
  if (!type.includes('json')) return undefined as T
  return (await response.json()) as T
}

/**
 * Send a request to the backend and return its JSON body.
 *
 * A 403 `csrf_failed` means the token in memory belongs to an older session (a login or
 * logout in another tab): fetch the current one and retry once.
 */
export async function apiFetch<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await send<T>(method, path, options)
  } catch (error) {
    if (!SAFE_METHODS.has(method) && isApiError(error) && error.status === 403 && error.code === CSRF_FAILED) {
      csrfToken = null
      return send<T>(method, path, options)
    }
    throw error
  }
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => apiFetch<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => apiFetch<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => apiFetch<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    apiFetch<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => apiFetch<T>('DELETE', path, options),
}
