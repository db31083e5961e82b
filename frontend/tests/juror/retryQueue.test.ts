import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../src/api/client'
import { RetryQueue, isRetryable } from '../../src/juror/retryQueue'

const offline = () => new ApiError(0, 'network_error', 'Failed to fetch')
const busy = () => new ApiError(503, 'unavailable', 'Try again')
const paused = () => new ApiError(409, 'round_paused', 'Voting is paused')

/** A write that fails with the given errors first, then succeeds. */
function flaky(...errors: ApiError[]) {
  const queue = [...errors]
  return vi.fn(async () => {
    const next = queue.shift()
    if (next) throw next
    return { ok: true }
  })
}

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('isRetryable', () => {
  it('retries what may pass by itself and nothing the server refused', () => {
    expect(isRetryable(offline())).toBe(true)
    expect(isRetryable(busy())).toBe(true)
    expect(isRetryable(new ApiError(500, 'internal_error', ''))).toBe(true)
    expect(isRetryable(new ApiError(429, 'too_many_requests', ''))).toBe(true)
    expect(isRetryable(new ApiError(409, 'vote_race', ''))).toBe(true)
    expect(isRetryable(paused())).toBe(false)
    expect(isRetryable(new ApiError(422, 'invalid_vote', ''))).toBe(false)
    expect(isRetryable(new ApiError(404, 'not_assigned', ''))).toBe(false)
    expect(isRetryable(new TypeError('bug'))).toBe(false)
  })
})

describe('RetryQueue', () => {
  it('saves a write that succeeds at once', async () => {
    const queue = new RetryQueue<string>()
    const run = flaky()
    const saved = queue.enqueue('1:5', run, 'vote')
    expect(queue.state.pending).toBe(1)
    await expect(saved).resolves.toBe('saved')
    expect(run).toHaveBeenCalledOnce()
    expect(queue.state).toMatchObject({ pending: 0, retrying: 0, failures: [] })
  })

  it('retries a write that failed for lack of a connection, with growing delays, and reports it meanwhile', async () => {
    const queue = new RetryQueue<string>({ delays: [1000, 2000, 4000] })
    const run = flaky(offline(), offline())
    const saved = queue.enqueue('1:5', run, 'vote')

    await vi.advanceTimersByTimeAsync(0)
    expect(run).toHaveBeenCalledTimes(1)
    expect(queue.state.retrying).toBe(1)
    expect(queue.state.pending).toBe(1)
    expect((queue.state.lastError as ApiError).code).toBe('network_error')

    await vi.advanceTimersByTimeAsync(999)
    expect(run).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(run).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1999)
    expect(run).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(run).toHaveBeenCalledTimes(3)

    await expect(saved).resolves.toBe('saved')
    expect(queue.state).toMatchObject({ pending: 0, retrying: 0, lastError: null, failures: [] })
  })

  it('never drops a write: it keeps retrying at the longest delay', async () => {
    const queue = new RetryQueue<string>({ delays: [10, 20] })
    const run = vi.fn(async () => {
      throw busy()
    })
    void queue.enqueue('1:5', run, 'vote')
    await vi.advanceTimersByTimeAsync(10 + 20 * 50)
    expect(run.mock.calls.length).toBeGreaterThan(40)
    expect(queue.state.pending).toBe(1)
    expect(queue.state.retrying).toBe(1)
    expect(queue.state.failures).toEqual([])
  })

  it('reports a write the server refuses, without retrying it', async () => {
    const queue = new RetryQueue<string>()
    const run = flaky(paused())
    const saved = queue.enqueue('1:5', run, 'vote on 5')

    await expect(saved).rejects.toMatchObject({ code: 'round_paused' })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(run).toHaveBeenCalledOnce()
    expect(queue.state.pending).toBe(0)
    expect(queue.state.failures).toHaveLength(1)
    expect(queue.state.failures[0]).toMatchObject({ key: '1:5', meta: 'vote on 5' })
    expect((queue.state.failures[0]!.error as ApiError).code).toBe('round_paused')
  })

  it('keeps a refused write reported until it is dismissed', async () => {
    const queue = new RetryQueue<string>()
    await queue.enqueue('1:5', flaky(paused()), 'vote').catch(() => {})
    const [failure] = queue.state.failures
    queue.dismiss(failure!.id)
    expect(queue.state.failures).toEqual([])
  })

  it('runs the writes of one key in order: an undo waits for its vote', async () => {
    const queue = new RetryQueue<string>()
    const order: string[] = []
    let finishVote!: () => void
    const vote = vi.fn(() => new Promise<void>((resolve) => (finishVote = () => (order.push('vote'), resolve()))))
    const undo = vi.fn(async () => {
      order.push('undo')
    })
    const voted = queue.enqueue('1:5', vote, 'vote')
    const undone = queue.enqueue('1:5', undo, 'undo')
    expect(queue.state.pending).toBe(2)
    await vi.advanceTimersByTimeAsync(0)
    expect(undo).not.toHaveBeenCalled()
    finishVote()
    await expect(voted).resolves.toBe('saved')
    await expect(undone).resolves.toBe('saved')
    expect(order).toEqual(['vote', 'undo'])
  })

  it('lets a newer write replace one waiting for a retry (the latest state wins)', async () => {
    const queue = new RetryQueue<string>({ delays: [5000] })
    const first = flaky(offline())
    const second = flaky()
    const older = queue.enqueue('1:5', first, 'yes')
    await vi.advanceTimersByTimeAsync(0)
    expect(queue.state.retrying).toBe(1)

    const newer = queue.enqueue('1:5', second, 'no')
    await expect(older).resolves.toBe('superseded')
    await expect(newer).resolves.toBe('saved')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(first).toHaveBeenCalledOnce()
    expect(second).toHaveBeenCalledOnce()
    expect(queue.state.pending).toBe(0)
  })

  it('keeps writes of different keys independent', async () => {
    const queue = new RetryQueue<string>({ delays: [1000] })
    const stuck = flaky(offline())
    const fine = flaky()
    const a = queue.enqueue('1:5', stuck, 'a')
    const b = queue.enqueue('1:6', fine, 'b')
    await expect(b).resolves.toBe('saved')
    expect(queue.state.pending).toBe(1)
    await vi.advanceTimersByTimeAsync(1000)
    await expect(a).resolves.toBe('saved')
  })

  it('retries at once when asked (the browser is back online)', async () => {
    const queue = new RetryQueue<string>({ delays: [60_000] })
    const run = flaky(offline())
    const saved = queue.enqueue('1:5', run, 'vote')
    await vi.advanceTimersByTimeAsync(0)
    queue.retryNow()
    await expect(saved).resolves.toBe('saved')
    expect(run).toHaveBeenCalledTimes(2)
  })

  it('tells when everything is saved', async () => {
    const queue = new RetryQueue<string>({ delays: [100] })
    void queue.enqueue('1:5', flaky(busy()), 'vote')
    let idle = false
    void queue.idle().then(() => (idle = true))
    await vi.advanceTimersByTimeAsync(50)
    expect(idle).toBe(false)
    await vi.advanceTimersByTimeAsync(100)
    expect(idle).toBe(true)
  })
})
