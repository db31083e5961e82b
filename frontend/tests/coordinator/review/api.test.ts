import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readAuditLog } from '../../../src/api/audit'
import { setCsrfToken } from '../../../src/api/client'
import { applyEligibility, listEntries, previewEligibility, requalifyEntry } from '../../../src/api/eligibility'
import { publishCampaign } from '../../../src/api/publishing'
import { disqualifyFlagged, exportUrls, previewAdvance } from '../../../src/api/results'
import { jsonResponse } from '../../helpers'
import { fakeServer } from '../../juror/fakeServer'
import { round } from './fixtures'

beforeEach(() => setCsrfToken('token'))
afterEach(() => vi.unstubAllGlobals())

const rules = round().rules

describe('review API calls', () => {
  it('sends eligibility rules bare to preview and wrapped to apply, and nothing for the round\'s own', async () => {
    const fake = fakeServer({
      'POST /api/rounds/4/eligibility/preview': jsonResponse({}),
      'POST /api/rounds/4/eligibility/apply': jsonResponse({}),
    })
    await previewEligibility(4, rules)
    await applyEligibility(4, rules)
    await applyEligibility(4)
    expect(fake.sent('POST /api/rounds/4/eligibility/preview')[0]!.body).toEqual(rules)
    expect(fake.sent('POST /api/rounds/4/eligibility/apply').map((r) => r.body)).toEqual([{ rules }, undefined])
  })

  it('pages and filters with query parameters, leaving out the unset ones', async () => {
    const fake = fakeServer({
      'GET /api/rounds/4/entries': jsonResponse({ total: 0, offset: 0, limit: 50, items: [] }),
      'GET /api/campaigns/2/audit': jsonResponse({ total: 0, events: [] }),
      'GET /api/rounds/4/advance/preview': jsonResponse({}),
    })
    await listEntries(4, { status: 'disqualified', offset: 50, limit: 50 })
    await readAuditLog(2, { offset: 100, limit: 50 })
    await previewAdvance(4, { min_score: 0.5 })
    expect(fake.requests.map((r) => `${r.path}?${r.query}`)).toEqual([
      '/api/rounds/4/entries?status=disqualified&offset=50&limit=50',
      '/api/campaigns/2/audit?offset=100&limit=50',
      '/api/rounds/4/advance/preview?min_score=0.5',
    ])
  })

  it('sends reasons, and an empty body to publish now', async () => {
    const fake = fakeServer({
      'POST /api/rounds/4/entries/7/requalify': jsonResponse({}),
      'POST /api/rounds/4/flags/3/disqualify': jsonResponse({}),
      'POST /api/campaigns/2/publish': jsonResponse({}),
    })
    await requalifyEntry(4, 7, 'Uploaded in time after all')
    await disqualifyFlagged(4, 3)
    await disqualifyFlagged(4, 3, 'Not free')
    await publishCampaign(2, null)
    expect(fake.requests.map((r) => r.body)).toEqual([{ reason: 'Uploaded in time after all' }, undefined, { reason: 'Not free' }, {}])
  })

  it('links the CSV exports, votes with the pseudonymize choice', () => {
    const urls = exportUrls(4)
    expect(urls.results).toBe('/api/rounds/4/export/results.csv')
    expect(urls.entries).toBe('/api/rounds/4/export/entries.csv')
    expect(urls.votes(true)).toBe('/api/rounds/4/export/votes.csv?pseudonymize=true')
    expect(urls.votes(false)).toBe('/api/rounds/4/export/votes.csv?pseudonymize=false')
  })
})
