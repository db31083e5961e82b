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

/** Share done, 0–100, or null while the job has not counted its work yet. */
export function jobPercent(job: Job): number | null {
  if (job.status === 'succeeded') return 100
  if (!job.progress_total) return null
  return Math.min(100, Math.floor((job.progress_done / job.progress_total) * 100))
}

/** A file an import could not take, with the CSV line when it came from one. */
export interface ImportFailure {
  line?: number
  title: string
  reason: string
}

/** The counters every import reports (app/imports/service.py new_stats). */
export interface ImportCounts {
  seen: number
  added: number
  skipped: number
  failed: number
  /** The first failures only; `failed` counts them all. */
  errors: ImportFailure[]
}

export function importCounts(job: Job): ImportCounts {
  const stats = job.stats
  const count = (key: string) => (typeof stats[key] === 'number' ? (stats[key] as number) : 0)
  return {
    seen: count('seen'),
    added: count('added'),
    skipped: count('skipped'),
    failed: count('failed'),
    errors: Array.isArray(stats.errors) ? (stats.errors as ImportFailure[]) : [],
  }
}
