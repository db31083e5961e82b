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
