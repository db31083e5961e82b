import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../../src/api/client'
import type { PastVote } from '../../../src/api/voting'
import MyVotesView from '../../../src/views/juror/MyVotesView.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { entry, fakeServer, myRound } from '../../juror/fakeServer'

function pastVote(n: number, value: number, extra: Partial<PastVote> = {}): PastVote {
  return {
    id: n,
    task_id: 100 + n,
    round_entry_id: n,
    value,
    comment: '',
    favourite: false,
    created_at: '2026-10-01T10:00:00Z',
    updated_at: '2026-10-01T10:00:00Z',
    entry: entry(n),
    ...extra,
  }
}

let wrapper: VueWrapper | null = null

async function open() {
  wrapper = await mountAt(MyVotesView, '/my/rounds/7/votes')
  await flushPromises()
  return wrapper
}

beforeEach(() => setCsrfToken('token'))
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  setCsrfToken(null)
  document.body.innerHTML = ''
})

describe('MyVotesView', () => {
  it('shows a thumbnail of each voted photo with my value', async () => {
    const server = fakeServer({
      'GET /api/my/rounds': jsonResponse([myRound({ vote_method: 'rating', progress: { done: 2, total: 20 } })]),
      'GET /api/rounds/7/votes': jsonResponse({ total: 2, votes: [pastVote(1, 4, { favourite: true }), pastVote(2, 1, { comment: 'Blurry' })] }),
    })
    const view = await open()
    const tiles = view.findAll('[data-testid="my-vote"]')
    expect(tiles).toHaveLength(2)
    expect(tiles[0]!.get('img').attributes('src')).toBe(entry(1).thumb_url)
    expect(tiles.map((tile) => tile.get('[data-testid="my-vote-value"]').text())).toEqual(['4 stars Favourite', '1 star With a comment'])
    expect(view.text()).toContain('Votes 1–2 of 2')
    expect(server.sent('GET /api/rounds/7/votes')[0]!.query.get('limit')).toBe('48')
  })

  it('changes a vote with PUT and shows the new value', async () => {
    const server = fakeServer({
      'GET /api/my/rounds': jsonResponse([myRound({ progress: { done: 1, total: 20 } })]),
      'GET /api/rounds/7/votes': jsonResponse({ total: 1, votes: [pastVote(1, 1)] }),
      'PUT /api/rounds/7/votes/1': (request) => jsonResponse({ ...pastVote(1, 0), ...(request.body as object), entry: undefined }),
    })
    const view = await open()
    expect(view.get('[data-testid="my-vote-value"]').text()).toBe('Yes')
    expect(view.get('[data-testid="my-vote-edit"]').attributes('aria-label')).toMatch(/^Change your vote on .+: /)
    await view.get('[data-testid="my-vote-edit"]').trigger('click')
    await flushPromises()
    const dialog = document.querySelector('[data-testid="vote-edit-dialog"]') as HTMLElement
    ;(dialog.querySelector('input[value="0"]') as HTMLInputElement).click()
    await flushPromises()
    ;(dialog.querySelector('.cdx-dialog__footer__primary-action') as HTMLButtonElement).click()
    await flushPromises()
    expect(server.sent('PUT /api/rounds/7/votes/1')[0]!.body).toEqual({ value: 0, favourite: false, comment: '' })
    expect(view.get('[data-testid="my-vote-value"]').text()).toBe('No')
  })

  it('pages through many votes', async () => {
    const server = fakeServer({
      'GET /api/my/rounds': jsonResponse([myRound({ progress: { done: 60, total: 60 } })]),
      'GET /api/rounds/7/votes': jsonResponse({ total: 60, votes: Array.from({ length: 48 }, (_, i) => pastVote(i + 1, 1)) }),
    })
    const view = await open()
    expect(view.get('[data-testid="my-votes-previous"]').attributes('disabled')).toBeDefined()
    server.on('GET /api/rounds/7/votes', jsonResponse({ total: 60, votes: Array.from({ length: 12 }, (_, i) => pastVote(49 + i, 0)) }))
    await view.get('[data-testid="my-votes-next"]').trigger('click')
    await flushPromises()
    expect(server.sent('GET /api/rounds/7/votes')[1]!.query.get('offset')).toBe('48')
    expect(view.findAll('[data-testid="my-vote"]')).toHaveLength(12)
    expect(view.text()).toContain('Votes 49–60 of 60')
    expect(view.get('[data-testid="my-votes-next"]').attributes('disabled')).toBeDefined()
  })

  it('does not offer changes once the round is closed', async () => {
    fakeServer({
      'GET /api/my/rounds': jsonResponse([myRound({ status: 'finalized', progress: { done: 1, total: 1 } })]),
      'GET /api/rounds/7/votes': jsonResponse({ total: 1, votes: [pastVote(1, 1)] }),
    })
    const view = await open()
    expect(view.text()).toContain("This round is not open for voting, so your votes can't change.")
    expect(view.get('[data-testid="my-vote-edit"]').text()).toBe('Details')
    // The accessible name starts with the visible text (WCAG 2.5.3, label in name).
    expect(view.get('[data-testid="my-vote-edit"]').attributes('aria-label')).toMatch(/^Details of your vote on .+: Yes$/)
  })
})
