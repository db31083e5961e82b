/** Who is using the app, loaded once at start from GET /api/me and shared by every view. */
import { shallowReactive } from 'vue'
import { getMe, type Me } from './api/auth'

export interface SessionState {
  me: Me | null
  loading: boolean
  error: unknown
}

export const session = shallowReactive<SessionState>({ me: null, loading: true, error: null })

export async function loadSession(): Promise<void> {
  session.loading = true
  session.error = null
  try {
    session.me = await getMe()
  } catch (error) {
    session.me = null
    session.error = error
  } finally {
    session.loading = false
  }
}

/** Whether the user sets up campaigns: admins, organizers and coordinators of any campaign. */
export function isStaff(me: Me | null): boolean {
  if (!me) return false
  return me.roles.admin || me.roles.organizer || me.roles.coordinator_of.length > 0
}

export function isAdmin(me: Me | null): boolean {
  return Boolean(me?.roles.admin)
}

export function isOrganizer(me: Me | null): boolean {
  return Boolean(me && (me.roles.admin || me.roles.organizer))
}
