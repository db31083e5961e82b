import { afterEach, describe, expect, it, vi } from 'vitest'
import { getJob, watchJob, type Job } from '../../src/api/jobs'
import { jsonResponse, mockFetch } from '../helpers'

afterEach(() => vi.unstubAllGlobals())

function job(overrides: Partial<Job>): Job {
  return {
    id: 5,
    kind: 'import.csv',
    status: 'running',
    progress_done: 0,
    progress_total: null,
    stats: {},
    attempts: 1,
    max_attempts: 5,
    error: null,
    campaign_id: 1,
    created_at: '2026-09-01T10:00:00+00:00',
    started_at: '2026-09-01T10:00:01+00:00',
    finished_at: null,
    ...overrides,
  }
}

describe('jobs', () => {
  it('reads a job by id', async () => {
    const fetchMock = mockFetch(jsonResponse(job({ progress_done: 10, progress_total: 100 })))

    await expect(getJob(5)).resolves.toMatchObject({ id: 5, progress_done: 10, progress_total: 100 })
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/jobs/5')
  })

  it('polls until the job finishes, reporting each state', async () => {
    mockFetch(
      jsonResponse(job({ status: 'queued' })),
      jsonResponse(job({ progress_done: 50, progress_total: 100 })),
      jsonResponse(job({ status: 'succeeded', progress_done: 100, progress_total: 100 })),
    )
    const seen: string[] = []

    const final = await watchJob(5, (j) => seen.push(j.status), { intervalMs: 1 })

    expect(seen).toEqual(['queued', 'running', 'succeeded'])
    expect(final.progress_done).toBe(100)
  })

  it('stops polling when aborted', async () => {
    mockFetch(jsonResponse(job({ status: 'running' })))
    const controller = new AbortController()

    const watching = watchJob(5, () => controller.abort(), { intervalMs: 60_000, signal: controller.signal })

    await expect(watching).rejects.toBeDefined()
  })
})
