/** Background jobs (imports, Commons refresh, exports): status, progress and cancelling. */
import { api } from './client'

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface Job {
  id: number
  kind: string
  status: JobStatus
  progress_done: number
  /** Unknown until the job has counted its work. */
  progress_total: number | null
  /** Counters the job reports, e.g. `{"added": 120, "skipped": 3}`. */
  stats: Record<string, unknown>
  attempts: number
  max_attempts: number
  error: string | null
  campaign_id: number | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

export const FINISHED_STATUSES: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled'])

export function getJob(id: number, signal?: AbortSignal): Promise<Job> {
  return api.get<Job>(`/api/jobs/${id}`, { signal })
}

export function cancelJob(id: number): Promise<Job> {
  return api.post<Job>(`/api/jobs/${id}/cancel`)
}

/**
 * Poll a job until it finishes, reporting each state; resolves with the final state.
 * Abort the signal to stop polling (e.g. when the page showing it unmounts).
 */
export async function watchJob(
  id: number,
  onUpdate: (job: Job) => void,
  { intervalMs = 1000, signal }: { intervalMs?: number; signal?: AbortSignal } = {},
): Promise<Job> {
  for (;;) {
    const job = await getJob(id, signal)
    onUpdate(job)
    if (FINISHED_STATUSES.has(job.status)) return job
    signal?.throwIfAborted()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, intervalMs)
      signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        reject(signal.reason)
      }, { once: true })
    })
  }
}
