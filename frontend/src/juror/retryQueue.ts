/**
 * Writes that must not be lost (votes, undos): each is retried with backoff for as long as
 * the failure is temporary (no connection, a busy or failing server), and every other
 * failure is kept in `state.failures` for the UI to show. Nothing is dropped silently.
 *
 * Writes are grouped by key (one key per voted entry). Within a key they run one at a
 * time, in order, and the latest write wins: a newer write replaces one that is waiting
 * (for its turn or for a retry), since the API's writes set state (PUT a vote, DELETE it)
 * and only the last one matters. A replaced write resolves as 'superseded'.
 */
import { shallowReactive } from 'vue'
import { ApiError } from '../api/client'

export type SaveOutcome = 'saved' | 'superseded'

export interface SaveFailure<M> {
  id: number
  key: string
  meta: M
  error: unknown
}

export interface RetryQueueState<M> {
  /** Writes not settled yet: running, waiting for their turn or for a retry. */
  pending: number
  /** Writes that failed at least once and are being retried. */
  retrying: number
  /** The last temporary failure, while anything is being retried. */
  lastError: unknown
  /** Writes that failed for good (refused by the server), until dismissed. */
  failures: readonly SaveFailure<M>[]
}

/** Backoff in milliseconds: 1 s, 2 s, 4 s ... then every 30 s, for ever. */
export const DEFAULT_DELAYS: readonly number[] = [1000, 2000, 4000, 8000, 15000, 30000]

/** Worth retrying: no answer at all, a timeout, rate limiting, a server error, a race. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false
  return (
    error.status === 0 ||
    error.status === 408 ||
    error.status === 429 ||
    error.status >= 500 ||
    error.code === 'vote_race'
  )
}

interface Job<M> {
  key: string
  meta: M
  run: () => Promise<unknown>
  attempts: number
  running: boolean
  timer: ReturnType<typeof setTimeout> | null
  settle: (outcome: SaveOutcome | { error: unknown }) => void
}

interface Slot<M> {
  current: Job<M>
  next: Job<M> | null
}

export interface RetryQueueOptions {
  delays?: readonly number[]
  retryable?: (error: unknown) => boolean
}

export class RetryQueue<M = unknown> {
  readonly state: RetryQueueState<M> = shallowReactive({ pending: 0, retrying: 0, lastError: null, failures: [] })

  private readonly slots = new Map<string, Slot<M>>()
  private readonly delays: readonly number[]
  private readonly retryable: (error: unknown) => boolean
  private idleWaiters: Array<() => void> = []
  private failureIds = 0

  constructor({ delays = DEFAULT_DELAYS, retryable = isRetryable }: RetryQueueOptions = {}) {
    this.delays = delays.length > 0 ? delays : DEFAULT_DELAYS
    this.retryable = retryable
  }

  /**
   * Run `run` under `key`, after the key's running write, retrying temporary failures.
   * Resolves 'saved' once it succeeds, or 'superseded' if a newer write of the key
   * replaced it first; rejects with the error if the server refuses it for good (the
   * failure is then also in `state.failures`).
   */
  enqueue(key: string, run: () => Promise<unknown>, meta: M): Promise<SaveOutcome> {
    return new Promise<SaveOutcome>((resolve, reject) => {
      const job: Job<M> = {
        key,
        meta,
        run,
        attempts: 0,
        running: false,
        timer: null,
        settle: (outcome) => (typeof outcome === 'string' ? resolve(outcome) : reject(outcome.error)),
      }
      const slot = this.slots.get(key)
      if (!slot) {
        this.slots.set(key, { current: job, next: null })
        this.start(job)
      } else if (!slot.current.running) {
        // Waiting for a retry: the newer write replaces it and goes now.
        this.clearTimer(slot.current)
        slot.current.settle('superseded')
        slot.current = job
        this.start(job)
      } else {
        slot.next?.settle('superseded')
        slot.next = job
      }
      this.update()
    })
  }

  /** Retry every waiting write now (e.g. when the browser comes back online). */
  retryNow(): void {
    for (const slot of this.slots.values()) {
      if (!slot.current.running && slot.current.timer !== null) {
        this.clearTimer(slot.current)
        this.start(slot.current)
      }
    }
  }

  dismiss(failureId: number): void {
    this.state.failures = this.state.failures.filter((failure) => failure.id !== failureId)
  }

  /** Resolves once every write has settled. */
  idle(): Promise<void> {
    if (this.slots.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Whether a write of `key` is still to be saved. */
  has(key: string): boolean {
    return this.slots.has(key)
  }

  private start(job: Job<M>): void {
    job.running = true
    job.run().then(
      () => this.finish(job, 'saved'),
      (error: unknown) => this.failed(job, error),
    )
  }

  private failed(job: Job<M>, error: unknown): void {
    job.running = false
    const slot = this.slots.get(job.key)
    if (slot?.current !== job) return
    if (slot.next === null && this.retryable(error)) {
      const delay = this.delays[Math.min(job.attempts, this.delays.length - 1)]!
      job.attempts += 1
      this.state.lastError = error
      job.timer = setTimeout(() => {
        job.timer = null
        this.start(job)
      }, delay)
      this.update()
      return
    }
    if (slot.next !== null) {
      // A newer write of the same key is waiting; it replaces this one.
      this.finish(job, 'superseded')
      return
    }
    this.state.failures = [...this.state.failures, { id: ++this.failureIds, key: job.key, meta: job.meta, error }]
    this.finish(job, { error })
  }

  private finish(job: Job<M>, outcome: SaveOutcome | { error: unknown }): void {
    job.running = false
    const slot = this.slots.get(job.key)
    if (slot?.current === job) {
      if (slot.next) {
        slot.current = slot.next
        slot.next = null
        this.start(slot.current)
      } else {
        this.slots.delete(job.key)
      }
    }
    job.settle(outcome)
    this.update()
  }

  private clearTimer(job: Job<M>): void {
    if (job.timer !== null) clearTimeout(job.timer)
    job.timer = null
  }

  private update(): void {
    let pending = 0
    let retrying = 0
    for (const slot of this.slots.values()) {
      pending += slot.next ? 2 : 1
      if (slot.current.attempts > 0) retrying += 1
    }
    this.state.pending = pending
    this.state.retrying = retrying
    if (retrying === 0) this.state.lastError = null
    if (this.slots.size === 0) {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      for (const resolve of waiters) resolve()
    }
  }
}
