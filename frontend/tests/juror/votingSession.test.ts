import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../src/api/client'
import type { Task, Vote, VoteInput } from '../../src/api/voting'
import { RetryQueue } from '../../src/juror/retryQueue'
import type { SaveMeta } from '../../src/juror/saver'
import { createVotingSession, type VotingApi } from '../../src/juror/votingSession'
import { task } from './fakeServer'

/** A model of the server's queue for one juror: open tasks in order, votes cast. */
function fakeApi(count: number) {
  const open: Task[] = Array.from({ length: count }, (_, i) => task(i + 1))
  const all = new Map(open.map((t) => [t.round_entry_id, t]))
  const votes = new Map<number, VoteInput>()
  const api = {
    getTasks: vi.fn(async (_round: number, limit = 10) => ({ tasks: open.slice(0, limit), remaining: open.length })),
    castVote: vi.fn(async (_round: number, entryId: number, input: VoteInput): Promise<Vote> => {
      const index = open.findIndex((t) => t.round_entry_id === entryId)
      if (index >= 0) open.splice(index, 1)
      votes.set(entryId, input)
      return { id: entryId, task_id: 100 + entryId, round_entry_id: entryId, value: input.value, comment: input.comment ?? '', favourite: input.favourite ?? false, created_at: '', updated_at: '' }
    }),
    undoVote: vi.fn(async (_round: number, entryId: number) => {
      if (votes.delete(entryId)) open.unshift(all.get(entryId)!)
    }),
    skipTask: vi.fn(async (_round: number, taskId: number) => {
      const index = open.findIndex((t) => t.task_id === taskId)
      if (index >= 0) open.push(...open.splice(index, 1))
    }),
  }
  return { api: api satisfies VotingApi, open, votes }
}

const offline = () => new ApiError(0, 'network_error', 'Failed to fetch')

function setUp(count: number, options: { refillAt?: number; batchSize?: number } = {}) {
  const server = fakeApi(count)
  const saver = new RetryQueue<SaveMeta>({ delays: [1000] })
  const preload = vi.fn(() => [])
  const session = createVotingSession({
    roundId: 7,
    api: server.api,
    saver,
    preloader: { preload, has: () => false, clear: () => {} },
    ...options,
  })
  return { ...server, saver, preload, session }
}

const ids = (tasks: readonly Task[]) => tasks.map((t) => t.round_entry_id)
const settle = () => vi.advanceTimersByTimeAsync(0)

afterEach(() => {
  vi.useRealTimers()
})

describe('voting session', () => {
  it('loads the first batch of 10 and shows the first photo', async () => {
    const { session, api } = setUp(25)
    expect(session.loading).toBe(true)
    await session.start()
    expect(api.getTasks).toHaveBeenCalledWith(7, 10, expect.anything())
    expect(session.loading).toBe(false)
    expect(session.current?.round_entry_id).toBe(1)
    expect(session.queue).toHaveLength(10)
    expect(session.remaining).toBe(25)
    expect(session.finished).toBe(false)
  })

  it('preloads the next three photos, and the new third one after each vote', async () => {
    const { session, preload } = setUp(25)
    await session.start()
    expect(preload).toHaveBeenLastCalledWith([task(2).entry, task(3).entry, task(4).entry])
    session.vote(1)
    expect(preload).toHaveBeenLastCalledWith([task(3).entry, task(4).entry, task(5).entry])
  })

  it('shows the next photo at once and saves the vote with its favourite and comment', async () => {
    vi.useFakeTimers()
    const { session, api, votes } = setUp(25)
    await session.start()
    session.favourite = true
    session.comment = '  Lovely light  '
    expect(session.vote(1)).toBe(true)

    expect(session.current?.round_entry_id).toBe(2)
    expect(session.remaining).toBe(24)
    expect(session.favourite).toBe(false)
    expect(session.comment).toBe('')
    await settle()
    expect(api.castVote).toHaveBeenCalledWith(7, 1, { value: 1, favourite: true, comment: 'Lovely light' })
    expect(votes.get(1)).toEqual({ value: 1, favourite: true, comment: 'Lovely light' })

    session.vote(0)
    await settle()
    expect(api.castVote).toHaveBeenLastCalledWith(7, 2, { value: 0 })
  })

  it('refills before the photos run out, without repeating photos whose votes are not saved yet', async () => {
    vi.useFakeTimers()
    const { session, api } = setUp(30, { refillAt: 4 })
    // Votes reach the server only after a while: it still lists them as open.
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const realCast = api.castVote.getMockImplementation()!
    api.castVote.mockImplementation(async (...args) => {
      await gate
      return realCast(...args)
    })

    await session.start()
    for (let i = 0; i < 6; i += 1) session.vote(1)
    await settle()

    expect(api.getTasks).toHaveBeenCalledTimes(2)
    // Asked for enough to get past the 4 held here and the 6 unsaved votes.
    expect(api.getTasks.mock.calls[1]![1]).toBe(20)
    expect(ids(session.queue)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
    release()
    await settle()
    expect(new Set(ids(session.queue)).size).toBe(session.queue.length)
  })

  it("is finished when the server has nothing more, and says so only then", async () => {
    const { session } = setUp(3)
    await session.start()
    expect(session.exhausted).toBe(true)
    session.vote(1)
    session.vote(1)
    expect(session.finished).toBe(false)
    session.vote(0)
    expect(session.current).toBeNull()
    expect(session.remaining).toBe(0)
    expect(session.finished).toBe(true)
  })

  it('skips a photo to the end of the queue', async () => {
    vi.useFakeTimers()
    const { session, api, open } = setUp(3)
    await session.start()
    expect(session.skip()).toBe(true)
    expect(ids(session.queue)).toEqual([2, 3, 1])
    await settle()
    expect(api.skipTask).toHaveBeenCalledWith(7, 101)
    expect(ids(open)).toEqual([2, 3, 1])
    expect(session.lastAction).toMatchObject({ kind: 'skip', last: false })
  })

  it('skipping the only photo left shows it again and says so', async () => {
    const { session } = setUp(1)
    await session.start()
    session.skip()
    expect(session.current?.round_entry_id).toBe(1)
    expect(session.lastAction).toMatchObject({ kind: 'skip', last: true })
  })

  it('does not bring a skipped photo back early from a batch asked for before the skip was saved', async () => {
    vi.useFakeTimers()
    const { session, api } = setUp(30, { refillAt: 9 })
    let releaseSkip!: () => void
    api.skipTask.mockImplementationOnce(() => new Promise<void>((resolve) => (releaseSkip = resolve)))
    await session.start()
    session.skip() // photo 1: the server has not moved it yet
    await settle()
    expect(api.getTasks).toHaveBeenCalledTimes(2)
    expect(ids(session.queue)).not.toContain(1)
    releaseSkip()
    await settle()
  })

  it('undoes the last vote: the photo comes back first with its favourite and comment, and the vote is withdrawn after it was saved', async () => {
    vi.useFakeTimers()
    const { session, api, votes } = setUp(25)
    await session.start()
    session.favourite = true
    session.comment = 'Tilted'
    session.vote(1)
    session.vote(0)
    expect(session.remaining).toBe(23)

    expect(session.undo()).toBe(true)
    expect(session.current?.round_entry_id).toBe(2)
    expect(session.remaining).toBe(24)
    expect(session.undo()).toBe(true)
    expect(ids(session.queue).slice(0, 3)).toEqual([1, 2, 3])
    expect(session.favourite).toBe(true)
    expect(session.comment).toBe('Tilted')
    expect(session.canUndo).toBe(false)
    expect(session.undo()).toBe(false)

    await settle()
    const calls = [...api.castVote.mock.invocationCallOrder, ...api.undoVote.mock.invocationCallOrder]
    expect(calls).toHaveLength(4)
    // Each withdrawal ran after its vote.
    expect(api.undoVote.mock.invocationCallOrder[0]!).toBeGreaterThan(api.castVote.mock.invocationCallOrder[1]!)
    expect(votes.size).toBe(0)
  })

  it('keeps a vote that could not be sent and retries it until the server has it', async () => {
    vi.useFakeTimers()
    const { session, api, saver, votes } = setUp(25)
    await session.start()
    api.castVote.mockRejectedValueOnce(offline())
    session.vote(1)
    await settle()
    expect(saver.state.retrying).toBe(1)
    expect(session.current?.round_entry_id).toBe(2)
    expect(session.history).toHaveLength(1)

    await vi.advanceTimersByTimeAsync(1000)
    expect(api.castVote).toHaveBeenCalledTimes(2)
    expect(votes.get(1)).toEqual({ value: 1 })
    expect(saver.state).toMatchObject({ pending: 0, retrying: 0, failures: [] })
  })

  it('reports a vote the server refuses and lets its photo come back', async () => {
    vi.useFakeTimers()
    const { session, api, saver } = setUp(3)
    await session.start()
    api.castVote.mockRejectedValueOnce(new ApiError(404, 'not_assigned', 'Entry 1 is not assigned to you'))
    session.vote(1)
    await settle()
    expect(saver.state.failures).toHaveLength(1)
    expect(saver.state.failures[0]!.meta).toMatchObject({ roundEntryId: 1, kind: 'vote', value: 1 })
    expect(session.history).toHaveLength(0)
    // The task is still open on the server: the refill brings it back.
    await settle()
    expect(ids(session.queue)).toContain(1)
  })

  it('stops when the round is paused, and goes on when asked after it resumed', async () => {
    const { session, api } = setUp(5)
    api.getTasks.mockRejectedValueOnce(new ApiError(409, 'round_paused', 'paused'))
    await session.start()
    expect(session.loading).toBe(false)
    expect((session.blocked as ApiError).code).toBe('round_paused')
    expect(session.vote(1)).toBe(false)

    await session.retry()
    expect(session.blocked).toBeNull()
    expect(session.current?.round_entry_id).toBe(1)
  })

  it('stops voting when a vote finds the round paused', async () => {
    vi.useFakeTimers()
    const { session, api } = setUp(5)
    await session.start()
    api.castVote.mockRejectedValueOnce(new ApiError(409, 'round_paused', 'paused'))
    session.vote(1)
    await settle()
    expect((session.blocked as ApiError).code).toBe('round_paused')
  })

  it('retries loading photos after a connection problem', async () => {
    vi.useFakeTimers()
    const { session, api } = setUp(5)
    api.getTasks.mockRejectedValueOnce(offline())
    await session.start()
    expect(session.loading).toBe(true)
    expect((session.fetchError as ApiError).code).toBe('network_error')
    await vi.advanceTimersByTimeAsync(1000)
    expect(session.fetchError).toBeNull()
    expect(session.current?.round_entry_id).toBe(1)
  })

  it('stops asking the server once disposed', async () => {
    vi.useFakeTimers()
    const { session, api } = setUp(5)
    api.getTasks.mockRejectedValueOnce(offline())
    await session.start()
    session.dispose()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(api.getTasks).toHaveBeenCalledOnce()
  })
})
