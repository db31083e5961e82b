import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, setCsrfToken } from '../../src/api/client'
import {
  castVote,
  flagEntry,
  getBallot,
  getTasks,
  listMyFlags,
  listMyRounds,
  listMyVotes,
  skipTask,
  submitBallot,
  undoVote,
  withdrawFlag,
} from '../../src/api/voting'
import { apiError, fakeServer, myRound, noContent, task } from '../juror/fakeServer'
import { jsonResponse } from '../helpers'

beforeEach(() => setCsrfToken('token-1'))
afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken(null)
})

describe('voting API', () => {
  it('lists my rounds', async () => {
    const server = fakeServer({ 'GET /api/my/rounds': jsonResponse([myRound()]) })
    await expect(listMyRounds()).resolves.toEqual([myRound()])
    expect(server.requests[0]!.method).toBe('GET')
  })

  it('asks for a batch of tasks with a limit', async () => {
    const server = fakeServer({ 'GET /api/rounds/7/tasks': jsonResponse({ tasks: [task(1)], remaining: 12 }) })
    const batch = await getTasks(7, 25)
    expect(batch.remaining).toBe(12)
    expect(batch.tasks[0]!.round_entry_id).toBe(1)
    expect(server.requests[0]!.query.get('limit')).toBe('25')
  })

  it('turns a paused round into an ApiError with its code', async () => {
    fakeServer({ 'GET /api/rounds/7/tasks': apiError(409, 'round_paused', 'Voting in this round is paused') })
    const error = await getTasks(7).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 409, code: 'round_paused' })
  })

  it('casts a vote with PUT, the CSRF token and only the fields given', async () => {
    const vote = { id: 1, task_id: 101, round_entry_id: 5, value: 1, comment: '', favourite: true, created_at: 'x', updated_at: 'x' }
    const server = fakeServer({ 'PUT /api/rounds/7/votes/5': jsonResponse(vote) })
    await expect(castVote(7, 5, { value: 1, favourite: true })).resolves.toEqual(vote)
    const [sent] = server.requests
    expect(sent!.body).toEqual({ value: 1, favourite: true })
    expect(sent!.headers['x-csrf-token']).toBe('token-1')
  })

  it('undoes a vote with DELETE and skips a task with POST', async () => {
    const server = fakeServer({
      'DELETE /api/rounds/7/votes/5': noContent(),
      'POST /api/rounds/7/tasks/105/skip': noContent(),
    })
    await expect(undoVote(7, 5)).resolves.toBeUndefined()
    await expect(skipTask(7, 105)).resolves.toBeUndefined()
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /api/rounds/7/votes/5',
      'POST /api/rounds/7/tasks/105/skip',
    ])
    expect(server.requests.every((r) => r.headers['x-csrf-token'] === 'token-1')).toBe(true)
  })

  it('pages through my votes', async () => {
    const server = fakeServer({ 'GET /api/rounds/7/votes': jsonResponse({ total: 0, votes: [] }) })
    await listMyVotes(7, { offset: 48, limit: 48 })
    expect(server.requests[0]!.query.get('offset')).toBe('48')
    expect(server.requests[0]!.query.get('limit')).toBe('48')
  })

  it('lists, sends and withdraws flags', async () => {
    const flag = { id: 3, round_entry_id: 5, reason: 'copyright', note: 'from a book', status: 'open', created_at: 'x' }
    const server = fakeServer({
      'GET /api/rounds/7/flags': jsonResponse([flag]),
      'POST /api/rounds/7/flags': jsonResponse(flag),
      'DELETE /api/rounds/7/flags/5': noContent(),
    })
    await expect(listMyFlags(7)).resolves.toEqual([flag])
    await expect(flagEntry(7, { round_entry_id: 5, reason: 'copyright', note: 'from a book' })).resolves.toEqual(flag)
    await withdrawFlag(7, 5)
    expect(server.sent('POST /api/rounds/7/flags')[0]!.body).toEqual({ round_entry_id: 5, reason: 'copyright', note: 'from a book' })
    expect(server.sent('DELETE /api/rounds/7/flags/5')).toHaveLength(1)
  })

  it('reads and submits the ranking ballot', async () => {
    const ballot = { entries: [{ task_id: 1, round_entry_id: 5, rank: 1, entry: task(5).entry }], complete: true }
    const server = fakeServer({
      'GET /api/rounds/9/ranking': jsonResponse(ballot),
      'PUT /api/rounds/9/ranking': jsonResponse(ballot),
    })
    await expect(getBallot(9)).resolves.toEqual(ballot)
    await submitBallot(9, [{ round_entry_id: 5, rank: 1 }])
    expect(server.sent('PUT /api/rounds/9/ranking')[0]!.body).toEqual({ ranks: [{ round_entry_id: 5, rank: 1 }] })
  })
})
