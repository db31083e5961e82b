/** Users (app/users): finding people by name, and the organizer right admins grant. */
import type { User } from './auth'
import { api } from './client'

/** Users whose name starts with `q`, shortest first (coordinators, organizers, admins). */
export function searchUsers(q: string, limit = 20): Promise<User[]> {
  return api.get<User[]>('/api/users', { query: { q, limit } })
}

// MediaWiki usernames: first letter upper case, underscores and spaces the same.
function normalName(name: string): string {
  const text = name.replace(/_/g, ' ').trim().replace(/\s+/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * The user with this name (or the only one whose name differs just in case), or null;
 * people must have logged in to Loupe once to be found.
 */
export async function findUser(username: string): Promise<User | null> {
  const wanted = normalName(username)
  if (!wanted) return null
  const found = await searchUsers(wanted, 50)
  const exact = found.find((user) => normalName(user.username) === wanted)
  if (exact) return exact
  const folded = found.filter((user) => normalName(user.username).toLowerCase() === wanted.toLowerCase())
  return folded.length === 1 ? folded[0]! : null
}

export function setOrganizer(userId: number, value: boolean): Promise<User> {
  const path = `/api/users/${userId}/organizer`
  return value ? api.put<User>(path) : api.delete<User>(path)
}
