import { afterEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../../src/api/client'
import { importCounts, jobPercent } from '../../../src/api/jobs'
import { findUser, setOrganizer } from '../../../src/api/users'
import { jsonResponse, mockFetch } from '../../helpers'
import { job } from './data'

afterEach(() => vi.unstubAllGlobals())

const user = (id: number, username: string) => ({
  id,
  username,
  wiki_id: id * 10,
  is_admin: false,
  is_organizer: false,
  last_login_at: null,
})

describe('findUser', () => {
  it('finds the user with exactly the name typed, as MediaWiki writes it', async () => {
    const fetchMock = mockFetch(jsonResponse([user(1, 'Anna'), user(2, 'Anna Juror'), user(3, 'Anna juror')]))
    await expect(findUser('  anna_juror ')).resolves.toMatchObject({ id: 3 })
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/users?q=Anna+juror&limit=50')
  })

  it('forgives case when only one name fits', async () => {
    mockFetch(jsonResponse([user(2, 'Anna Juror'), user(3, 'Anna Juror2')]))
    await expect(findUser('anna juror')).resolves.toMatchObject({ id: 2 })
  })

  it('is null when nobody has that exact name', async () => {
    mockFetch(jsonResponse([user(1, 'Anna Juror')]))
    await expect(findUser('Anna')).resolves.toBeNull()
  })
})

describe('setOrganizer', () => {
  it('grants with PUT and revokes with DELETE', async () => {
    setCsrfToken('token')
    const fetchMock = mockFetch(jsonResponse(user(4, 'X')), jsonResponse(user(4, 'X')))
    await setOrganizer(4, true)
    await setOrganizer(4, false)
    expect(fetchMock.mock.calls.map(([url, init]) => `${init!.method} ${url}`)).toEqual([
      'PUT /api/users/4/organizer',
      'DELETE /api/users/4/organizer',
    ])
  })
})

describe('job progress', () => {
  it('is a share of the total, unknown until counted, full once succeeded', () => {
    expect(jobPercent(job({ progress_done: 1, progress_total: 3 }))).toBe(33)
    expect(jobPercent(job({ progress_done: 10, progress_total: null }))).toBeNull()
    expect(jobPercent(job({ status: 'succeeded', progress_total: null }))).toBe(100)
  })

  it('reads the import counters, missing ones as zero', () => {
    expect(importCounts(job({ stats: { seen: 5, added: 4, errors: [{ title: 'A', reason: 'r' }] } }))).toEqual({
      seen: 5,
      added: 4,
      skipped: 0,
      failed: 0,
      errors: [{ title: 'A', reason: 'r' }],
    })
  })
})
