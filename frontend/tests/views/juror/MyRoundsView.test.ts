import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import MyRoundsView from '../../../src/views/juror/MyRoundsView.vue'
import { formatDateTime } from '../../../src/i18n/dates'
import { markDirectionsRead } from '../../../src/juror/rounds'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { apiError, fakeServer, myRound } from '../../juror/fakeServer'

let wrapper: VueWrapper | null = null

async function open() {
  wrapper = await mountAt(MyRoundsView, '/my/rounds')
  await flushPromises()
  return wrapper
}

function cards(view: VueWrapper) {
  return view.findAll('[data-testid="juror-round-card"]')
}

beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('MyRoundsView', () => {
  it('shows each round with its campaign, status in words, progress and deadline in the reader\'s language', async () => {
    fakeServer({ 'GET /api/my/rounds': jsonResponse([myRound({ progress: { done: 3, total: 20 } })]) })
    const view = await open()

    expect(view.get('h1').text()).toBe('My rounds')
    const [card] = cards(view)
    expect(card!.get('h2').text()).toBe('Round 1')
    expect(card!.text()).toContain('Wiki Loves Monuments 2026 in Ghana')
    expect(card!.get('[data-testid="round-status"]').text()).toBe('open for voting')
    expect(card!.text()).toContain('Vote yes or no on each photo.')
    expect(card!.get('[data-testid="round-progress"]').text()).toBe('3 of 20 photos judged')
    const bar = card!.get('[role="progressbar"]')
    expect(bar.attributes('aria-valuenow')).toBe('3')
    expect(bar.attributes('aria-valuemax')).toBe('20')
    expect(card!.get('[data-testid="round-deadline"]').text()).toContain(`Deadline: ${formatDateTime('2026-10-15T21:59:00Z', 'en')}`)
  })

  it('links to continue voting, and to my votes once I have voted', async () => {
    fakeServer({ 'GET /api/my/rounds': jsonResponse([myRound({ progress: { done: 3, total: 20 } })]) })
    const card = cards(await open())[0]!
    const action = card.get('[data-testid="round-action"]')
    expect(action.text()).toBe('Continue voting')
    expect(action.attributes('href')).toBe('/my/rounds/7/vote')
    expect(card.get('[data-testid="round-votes-link"]').attributes('href')).toBe('/my/rounds/7/votes')
  })

  it('starts with the directions when there are some and no vote yet', async () => {
    fakeServer({ 'GET /api/my/rounds': jsonResponse([myRound({ directions: 'Judge the photo.' })]) })
    const card = cards(await open())[0]!
    const action = card.get('[data-testid="round-action"]')
    expect(action.text()).toBe('Start voting')
    expect(action.attributes('href')).toBe('/my/rounds/7')
  })

  it('goes straight to voting once the directions were read in this browser', async () => {
    markDirectionsRead(7)
    fakeServer({ 'GET /api/my/rounds': jsonResponse([myRound({ directions: 'Judge the photo.' })]) })
    const card = cards(await open())[0]!
    expect(card.get('[data-testid="round-action"]').attributes('href')).toBe('/my/rounds/7/vote')
  })

  it('sends ranking rounds to the ranking page', async () => {
    fakeServer({
      'GET /api/my/rounds': jsonResponse([myRound({ id: 9, name: 'Final', vote_method: 'ranking', progress: { done: 0, total: 40 } })]),
    })
    const card = cards(await open())[0]!
    expect(card.text()).toContain('Rank the finalists from best to last.')
    expect(card.get('[data-testid="round-progress"]').text()).toBe('Your ballot is not saved yet.')
    const action = card.get('[data-testid="round-action"]')
    expect(action.text()).toBe('Rank the finalists')
    expect(action.attributes('href')).toBe('/my/rounds/9/ranking')
  })

  it('offers no voting in a paused or closed round, and says why', async () => {
    fakeServer({
      'GET /api/my/rounds': jsonResponse([
        myRound({ id: 1, status: 'paused', progress: { done: 5, total: 20 } }),
        myRound({ id: 2, status: 'finalized', progress: { done: 20, total: 20 } }),
      ]),
    })
    const [paused, closed] = cards(await open())
    expect(paused!.find('[data-testid="round-action"]').exists()).toBe(false)
    expect(paused!.get('[data-testid="round-status"]').text()).toBe('paused')
    expect(paused!.text()).toContain('The coordinators have paused voting in this round.')
    expect(closed!.find('[data-testid="round-action"]').exists()).toBe(false)
    expect(closed!.get('[data-testid="round-status"]').text()).toBe('closed')
    expect(closed!.find('[data-testid="round-votes-link"]').exists()).toBe(true)
  })

  it('says when every photo is judged', async () => {
    fakeServer({ 'GET /api/my/rounds': jsonResponse([myRound({ progress: { done: 20, total: 20 } })]) })
    const card = cards(await open())[0]!
    expect(card.find('[data-testid="round-action"]').exists()).toBe(false)
    expect(card.text()).toContain('You have judged all your photos.')
  })

  it('shows my statistics when the round shares them', async () => {
    fakeServer({
      'GET /api/my/rounds': jsonResponse([
        myRound({ id: 1, progress: { done: 8, total: 20 }, stats: { votes: 8, mean_score: 0.25 } }),
        myRound({ id: 2, vote_method: 'rating', progress: { done: 4, total: 20 }, stats: { votes: 4, mean_score: 0.6 } }),
      ]),
    })
    const [yesNo, rating] = cards(await open())
    expect(yesNo!.text()).toContain('You have voted on 8 photos and said yes to 25% of them.')
    expect(rating!.text()).toContain('You have rated 4 photos, 3.4 stars on average.')
  })

  it('says so when I judge no round', async () => {
    fakeServer({ 'GET /api/my/rounds': jsonResponse([]) })
    const view = await open()
    expect(view.get('[data-testid="my-rounds-empty"]').text()).toContain('You are not a juror of any round yet.')
  })

  it('asks to log in when the session has ended', async () => {
    fakeServer({ 'GET /api/my/rounds': apiError(401, 'not_authenticated', 'You need to log in.') })
    const view = await open()
    expect(view.text()).toContain('You need to log in to do this.')
    expect(view.get('a[href^="/auth/login"]').attributes('href')).toBe('/auth/login?next=%2Fmy%2Frounds')
  })
})
