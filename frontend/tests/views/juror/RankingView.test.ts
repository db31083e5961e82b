import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../../src/api/client'
import type { Ballot, BallotEntry } from '../../../src/api/voting'
import RankingView from '../../../src/views/juror/RankingView.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { apiError, entry, fakeServer, myRound } from '../../juror/fakeServer'

const strip = (text: string) => text.replace(/[\u2068\u2069]/g, '')
const finalist = (n: number, rank: number | null): BallotEntry => ({ task_id: 100 + n, round_entry_id: n, rank, entry: entry(n) })

function ballot(ranks: Array<number | null>): Ballot {
  const entries = ranks.map((rank, i) => finalist(i + 1, rank))
  return { entries, complete: ranks.every((rank) => rank !== null) }
}

let wrapper: VueWrapper | null = null

function serve(saved: Ballot, status: 'active' | 'finalized' = 'active') {
  return fakeServer({
    'GET /api/my/rounds': jsonResponse([myRound({ id: 9, name: 'Final', vote_method: 'ranking', status })]),
    'GET /api/rounds/9/ranking': jsonResponse(saved),
    'PUT /api/rounds/9/ranking': (request) => {
      const { ranks } = request.body as { ranks: Array<{ round_entry_id: number; rank: number }> }
      const byId = new Map(ranks.map((r) => [r.round_entry_id, r.rank]))
      return jsonResponse({ entries: saved.entries.map((e) => ({ ...e, rank: byId.get(e.round_entry_id) ?? null })), complete: true })
    },
  })
}

async function open() {
  wrapper = await mountAt(RankingView, '/my/rounds/9/ranking')
  await flushPromises()
  return wrapper
}

const order = (view: VueWrapper) => view.findAll('[data-testid="ranking-row"]').map((row) => Number(row.attributes('data-entry')))
const ranks = (view: VueWrapper) => view.findAll('[data-testid="ranking-rank"]').map((rank) => rank.text())
const rows = (view: VueWrapper) => view.findAll('[data-testid="ranking-row"]')
const announced = (view: VueWrapper) => strip(view.get('[data-testid="ranking-announcement"]').text())

beforeEach(() => setCsrfToken('token'))
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  setCsrfToken(null)
  document.body.innerHTML = ''
})

describe('RankingView', () => {
  it('lists the finalists in my saved order, ties shown with one rank', async () => {
    serve(ballot([2, 1, 2, 4]))
    const view = await open()
    expect(view.get('h1').text()).toBe('Final')
    expect(order(view)).toEqual([2, 1, 3, 4])
    expect(ranks(view)).toEqual(['1', '2', '=2', '4'])
    // Anonymous photos are numbered by entry, not by place, so a number follows its photo.
    expect(strip(rows(view)[0]!.attributes('aria-label')!)).toBe('Photo 2, rank 1')
    expect(strip(rows(view)[2]!.attributes('aria-label')!)).toBe('Photo 3, rank 2, tied with one other photo')
    expect(view.get('[data-testid="ranking-state"]').text()).toBe('Your ranking is saved.')
  })

  it('says a ballot not saved yet is not saved', async () => {
    serve(ballot([null, null, null]))
    const view = await open()
    expect(view.get('[data-testid="ranking-state"]').text()).toBe('You have changes that are not saved yet.')
  })

  it('moves the focused photo with Alt+arrows and the focus with arrows', async () => {
    serve(ballot([1, 2, 3]))
    const view = await open()
    await rows(view)[0]!.trigger('keydown', { key: 'ArrowDown', altKey: true })
    await flushPromises()
    expect(order(view)).toEqual([2, 1, 3])
    expect(announced(view)).toBe('Moved to rank 2.')
    expect(document.activeElement).toBe(rows(view)[1]!.element)
    expect(view.get('[data-testid="ranking-state"]').text()).toBe('You have changes that are not saved yet.')

    await rows(view)[1]!.trigger('keydown', { key: 'ArrowDown' })
    expect(document.activeElement).toBe(rows(view)[2]!.element)
    expect(order(view)).toEqual([2, 1, 3])

    await rows(view)[2]!.trigger('keydown', { key: 'Home', altKey: true })
    await flushPromises()
    expect(order(view)).toEqual([3, 2, 1])
  })

  it('ties a photo with the one above with T, and unties it', async () => {
    serve(ballot([1, 2, 3]))
    const view = await open()
    await rows(view)[1]!.trigger('keydown', { key: 't' })
    await flushPromises()
    expect(ranks(view)).toEqual(['1', '=1', '3'])
    expect(announced(view)).toBe('Tied at rank 1 with one other photo.')
    await rows(view)[1]!.trigger('keydown', { key: 't' })
    await flushPromises()
    expect(ranks(view)).toEqual(['1', '2', '3'])
  })

  it('ties with the checkbox too', async () => {
    serve(ballot([1, 2, 3]))
    const view = await open()
    await rows(view)[2]!.get('[data-testid="ranking-tie"] input').setValue(true)
    expect(ranks(view)).toEqual(['1', '2', '=2'])
  })

  it('puts a photo at a typed rank', async () => {
    serve(ballot([1, 2, 3, 4]))
    const view = await open()
    const input = rows(view)[3]!.get('input[data-testid="ranking-rank-input"]')
    await input.setValue('2')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(order(view)).toEqual([1, 4, 2, 3])
    expect(announced(view)).toBe('Moved to rank 2.')
  })

  it('starts a typed rank from a digit pressed on the focused photo', async () => {
    serve(ballot([1, 2, 3, 4]))
    const view = await open()
    await rows(view)[0]!.trigger('keydown', { key: '3' })
    const input = rows(view)[0]!.get('input[data-testid="ranking-rank-input"]')
    expect(document.activeElement).toBe(input.element)
    expect((input.element as HTMLInputElement).value).toBe('3')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(order(view)).toEqual([2, 3, 1, 4])
  })

  it('moves with the up and down buttons (touch)', async () => {
    serve(ballot([1, 2, 3]))
    const view = await open()
    await rows(view)[2]!.get('[data-testid="ranking-move-up"]').trigger('click')
    await flushPromises()
    expect(order(view)).toEqual([1, 3, 2])
    expect(rows(view)[0]!.get('[data-testid="ranking-move-up"]').attributes('disabled')).toBeDefined()
  })

  it('reorders by drag and drop', async () => {
    serve(ballot([1, 2, 3, 4]))
    const view = await open()
    await rows(view)[0]!.trigger('dragstart')
    await rows(view)[2]!.trigger('dragover')
    await rows(view)[2]!.trigger('drop')
    await flushPromises()
    expect(order(view)).toEqual([2, 1, 3, 4])
  })

  it('saves the whole ballot with ties as equal ranks, and shows it saved', async () => {
    const server = serve(ballot([null, null, null]))
    const view = await open()
    await rows(view)[2]!.trigger('keydown', { key: 't' })
    await view.get('[data-testid="ranking-save"]').trigger('click')
    await flushPromises()
    expect(server.sent('PUT /api/rounds/9/ranking')[0]!.body).toEqual({
      ranks: [
        { round_entry_id: 1, rank: 1 },
        { round_entry_id: 2, rank: 2 },
        { round_entry_id: 3, rank: 2 },
      ],
    })
    expect(view.get('[data-testid="ranking-state"]').text()).toMatch(/^Your ranking was saved at /)
    expect(announced(view)).toBe('Ranking saved.')
  })

  it("shows the server's refusal in words", async () => {
    const server = serve(ballot([1, 2]))
    server.on('PUT /api/rounds/9/ranking', apiError(409, 'round_paused', 'Voting in this round is paused'))
    const view = await open()
    await view.get('[data-testid="ranking-save"]').trigger('click')
    await flushPromises()
    expect(view.text()).toContain('This cannot be done in the current state.')
    expect(view.text()).toContain('Voting in this round is paused')
  })

  it('compares two selected photos side by side', async () => {
    serve(ballot([1, 2, 3]))
    const view = await open()
    const compare = view.get('[data-testid="compare-open"]')
    expect(compare.attributes('disabled')).toBeDefined()
    await rows(view)[0]!.get('[data-testid="ranking-compare-select"] input').setValue(true)
    await rows(view)[2]!.trigger('keydown', { key: 'c' })
    expect(compare.attributes('disabled')).toBeUndefined()
    await compare.trigger('click')
    await flushPromises()
    const panel = view.get('[data-testid="ranking-compare"]')
    expect(panel.findAll('img').map((img) => img.attributes('src'))).toEqual([entry(1).thumb_url, entry(3).thumb_url])
    expect(strip(panel.text())).toContain('Photo 1 – rank 1')
    expect(strip(panel.text())).toContain('Photo 3 – rank 3')
    await panel.get('[data-testid="compare-close"]').trigger('click')
    expect(view.find('[data-testid="ranking-compare"]').exists()).toBe(false)
  })

  it('is read only once the round is closed', async () => {
    serve(ballot([1, 2]), 'finalized')
    const view = await open()
    expect(view.text()).toContain("This round is not open for voting, so your ranking can't change.")
    expect(view.find('[data-testid="ranking-save"]').exists()).toBe(false)
    await rows(view)[0]!.trigger('keydown', { key: 'ArrowDown', altKey: true })
    expect(order(view)).toEqual([1, 2])
  })
})
