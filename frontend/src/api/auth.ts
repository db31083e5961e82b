/**
 * Who is logged in (GET /api/me), and the login/logout round trips.
 *
 * Login is a plain navigation: the backend runs the Wikimedia OAuth dance and sends the
 * browser back to `next`. Logout is a POST (with the CSRF token) so a link can't log anyone out.
 */
import { ApiError, apiFetch, setCsrfToken } from './client'

// Shapes of app/auth/schemas.py and app/users/schemas.py.

export interface User {
  id: number
  username: string
  /** Wikimedia global user id (the OAuth `sub`); stable across renames. */
  wiki_id: number
  is_admin: boolean
  is_organizer: boolean
  last_login_at: string | null
}

export type CampaignStatus = 'draft' | 'judging' | 'finalized' | 'published'
export type RoundStatus = 'draft' | 'active' | 'paused' | 'finalized' | 'cancelled'

export interface CampaignRole {
  id: number
  slug: string
  name: string
  status: CampaignStatus
}

export interface RoundRole {
  id: number
  campaign_id: number
  name: string
  status: RoundStatus
}

export interface Roles {
  admin: boolean
  organizer: boolean
  /** Campaigns the user was named coordinator of (admins coordinate all implicitly). */
  coordinator_of: CampaignRole[]
  /** Rounds the user is an active juror of. */
  juror_of: RoundRole[]
}

export interface Me {
  user: User
  roles: Roles
  /** Send back as X-CSRF-Token on state-changing requests; the client does this itself. */
  csrf_token: string
}

/** The logged-in user, or null when nobody is (401). Remembers the session's CSRF token. */
export async function getMe(): Promise<Me | null> {
  try {
    const me = await apiFetch<Me>('GET', '/api/me')
    setCsrfToken(me.csrf_token)
    return me
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null)
      return null
    }
    throw error
  }
}

/** Where the login button goes; `next` is the in-app path to come back to. */
export function loginUrl(next: string): string {
  const safeNext = next.startsWith('/') && !next.startsWith('//') ? next : '/'
  return `/auth/login?${new URLSearchParams({ next: safeNext })}`
}

/** End the session on the server; the caller reloads so no state of the old session stays. */
export async function logout(): Promise<void> {
  await apiFetch<void>('POST', '/auth/logout', { redirect: 'manual' })
  setCsrfToken(null)
}
