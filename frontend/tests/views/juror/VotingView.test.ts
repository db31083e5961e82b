import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../../src/api/client'
import type { MyRound, Task } from '../../../src/api/voting'
import { RetryQueue } from '../../../src/juror/retryQueue'
import { resetVoteSaver, type SaveMeta } from '../../../src/juror/saver'
import VotingView from '../../../src/views/juror/VotingView.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { apiError, fakeServer, myRound, noContent, task } from '../../juror/fakeServer'

const strip = (text: string) => text.replace(/[\u2068\u2069]/g, '')

function voteAnswer(request: { path: string; body: unknown }) {
  const entryId = Number(request.path.split('/').pop())
  const body = request.body as { value: number }
  return jsonResponse({ id: entryId, task_id: 100 + entryId, round_entry_id: entryId, value: body.value, comment: '', favourite: false, created_at: '', updated_at: '' })
}

function serve({ round = myRound(), tasks = [task(1), task(2)], remaining = tasks.length }: { round?: MyRound; tasks?: Task[]; remaining?: number } = {}) {
  return fakeServer({
    'GET /api/my/rounds': jsonResponse([round]),
    'GET /api/rounds/7/flags': jsonResponse([]),
    'GET /api/rounds/7/tasks': jsonResponse({ tasks, remaining }),
    'PUT /api/rounds/7/votes/1': voteAnswer,
    'PUT /api/rounds/7/votes/2': voteAnswer,
    'DELETE /api/rounds/7/votes/1': noContent(),
    'POST /api/rounds/7/tasks/101/skip': noContent(),
  })
}

let wrapper: VueWrapper | null = null
let saver: RetryQueue<SaveMeta>

async function open(path = '/my/rounds/7/vote') {
  wrapper = await mountAt(VotingView, path, { props: { minViewMs: 0 } })
  await flushPromises()
  return wrapper
}

/** The photo is on screen (happy-dom loads no images). */
async function showPhoto(view: VueWrapper) {
  await view.get('[data-testid="juror-photo"]').trigger('load')
}

function press(key: string, init: KeyboardEventInit = {}) {
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }))
}

beforeEach(() => {
  setCsrfToken('token')
  saver = new RetryQueue<SaveMeta>({ delays: [1000] })
  resetVoteSaver(saver)
  localStorage.clear()
})

afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.useRealTimers()
  vi.unstubAllGlobals()
  setCsrfToken(null)
  document.body.innerHTML = ''
})

describe('VotingView', () => {
  it('shows the round, what is left and the photo with srcset for the whole screen', async () => {
    serve({ tasks: Array.from({ length: 10 }, (_, i) => task(i + 1)), remaining: 20 })
    const view = await open()

    expect(view.get('h1').text()).toBe('Round 1')
    expect(view.text()).toContain('Wiki Loves Monuments 2026 in Ghana')
    expect(view.get('[data-testid="voting-remaining"]').text()).toBe('20 photos left')
    const img = view.get('[data-testid="juror-photo"]')
    expect(img.attributes('src')).toBe(task(1).entry.thumb_url)
    expect(img.attributes('srcset')).toBe(task(1).entry.srcset)
    expect(img.attributes('sizes')).toBe('100vw')
    expect(img.attributes('alt')).toBe('The photo to judge')
  })

  it('shows no file name, link or uploader when the round hides them', async () => {
    serve()
    const view = await open()
    expect(view.find('[data-testid="entry-title"]').exists()).toBe(false)
    expect(view.find('[data-testid="entry-link"]').exists()).toBe(false)
    expect(view.find('[data-testid="entry-uploader"]').exists()).toBe(false)
  })

  it('shows the file name, Commons link and uploader when the round sends them', async () => {
    const shown = task(1, {
      title: 'File:Fort Elmina.jpg',
      description_url: 'https://commons.wikimedia.org/wiki/File:Fort_Elmina.jpg',
      uploader: 'Kwame',
    })
    serve({ tasks: [shown] })
    const view = await open()
    expect(view.get('[data-testid="entry-title"]').text()).toBe('File:Fort Elmina.jpg')
    expect(view.get('[data-testid="entry-link"]').attributes('href')).toBe('https://commons.wikimedia.org/wiki/File:Fort_Elmina.jpg')
    expect(strip(view.get('[data-testid="entry-uploader"]').text())).toBe('Uploaded by Kwame')
    expect(strip(view.get('[data-testid="juror-photo"]').attributes('alt')!)).toBe('The photo to judge: File:Fort Elmina.jpg')
  })

  it('votes yes with Y and no with N, moving to the next photo at once', async () => {
    const server = serve({ tasks: [task(1), task(2), task(3)] })
    server.on('PUT /api/rounds/7/votes/3', voteAnswer)
    const view = await open()
    await showPhoto(view)

    press('y', { code: 'KeyY' })
    await flushPromises()
    expect(server.sent('PUT /api/rounds/7/votes/1').map((r) => r.body)).toEqual([{ value: 1 }])
    expect(view.get('[data-testid="juror-photo"]').attributes('src')).toBe(task(2).entry.thumb_url)
    expect(strip(view.get('[data-testid="voting-announcement"]').text())).toBe('Voted: Yes. 2 photos left.')

    await showPhoto(view)
    press('n', { code: 'KeyN' })
    await flushPromises()
    expect(server.sent('PUT /api/rounds/7/votes/2').map((r) => r.body)).toEqual([{ value: 0 }])
  })

  it('rates with the digit keys in a rating round', async () => {
    const server = serve({ round: myRound({ vote_method: 'rating' }) })
    const view = await open()
    await showPhoto(view)
    expect(view.findAll('[data-testid^="vote-star-"]')).toHaveLength(5)
    expect(view.find('[data-testid="vote-yes"]').exists()).toBe(false)

    press('4', { code: 'Digit4' })
    await flushPromises()
    expect(server.sent('PUT /api/rounds/7/votes/1').map((r) => r.body)).toEqual([{ value: 4 }])
  })

  it('votes with taps on the buttons too', async () => {
    const server = serve()
    const view = await open()
    await showPhoto(view)
    await view.get('[data-testid="vote-no"]').trigger('click')
    await flushPromises()
    expect(server.sent('PUT /api/rounds/7/votes/1').map((r) => r.body)).toEqual([{ value: 0 }])
  })

  it('does not count a vote on a photo that is not on screen yet', async () => {
    const server = serve()
    const view = await open()
    press('y', { code: 'KeyY' })
    await flushPromises()
    expect(server.sent('PUT /api/rounds/7/votes/1')).toEqual([])
    expect(view.get('[data-testid="voting-announcement"]').text()).toBe('The photo is still loading; your vote was not counted.')
  })

  it('sends the favourite and the comment with the vote', async () => {
    const server = serve()
    const view = await open()
    await showPhoto(view)
    press('f', { code: 'KeyF' })
    await flushPromises()
    expect(view.get('[data-testid="mark-favourite"]').text()).toBe('Marked as favourite')

    press('c', { code: 'KeyC' })
    await flushPromises()
    const dialog = document.querySelector('[data-testid="comment-dialog"]') as HTMLElement
    expect(dialog).not.toBeNull()
    const textarea = dialog.querySelector('textarea')!
    textarea.value = 'Great composition'
    textarea.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(dialog.querySelector('.cdx-dialog__footer__primary-action') as HTMLButtonElement).click()
    await flushPromises()
    expect(strip(view.get('[data-testid="mark-comment"]').text())).toBe('Your comment: Great composition')

    press('y', { code: 'KeyY' })
    await flushPromises()
    expect(server.sent('PUT /api/rounds/7/votes/1')[0]!.body).toEqual({ value: 1, favourite: true, comment: 'Great composition' })
  })

  it('skips with S and undoes the last vote with U', async () => {
    const server = serve({ tasks: [task(1), task(2)] })
    const view = await open()
    await showPhoto(view)
    press('s', { code: 'KeyS' })
    await flushPromises()
    expect(server.sent('POST /api/rounds/7/tasks/101/skip')).toHaveLength(1)
    expect(view.get('[data-testid="juror-photo"]').attributes('src')).toBe(task(2).entry.thumb_url)

    await showPhoto(view)
    press('y', { code: 'KeyY' })
    await flushPromises()
    expect(view.get('[data-testid="juror-photo"]').attributes('src')).toBe(task(1).entry.thumb_url)

    server.on('DELETE /api/rounds/7/votes/2', noContent())
    press('u', { code: 'KeyU' })
    await flushPromises()
    expect(server.sent('DELETE /api/rounds/7/votes/2')).toHaveLength(1)
    expect(view.get('[data-testid="juror-photo"]').attributes('src')).toBe(task(2).entry.thumb_url)
    expect(view.get('[data-testid="voting-announcement"]').text()).toBe('Vote withdrawn. The photo is back.')
  })

  it("says the juror is done after the last photo, with a link to their votes", async () => {
    serve({ tasks: [task(1)] })
    const view = await open()
    await showPhoto(view)
    press('y', { code: 'KeyY' })
    await flushPromises()
    const done = view.get('[data-testid="voting-done"]')
    expect(done.get('h2').text()).toBe("You're done!")
    expect(done.get('a[href="/my/rounds/7/votes"]').text()).toBe('My votes')
    expect(document.activeElement).toBe(done.get('h2').element)
  })

  it('says in words that the round is paused', async () => {
    fakeServer({
      'GET /api/my/rounds': jsonResponse([myRound({ progress: { done: 3, total: 20 } })]),
      'GET /api/rounds/7/flags': jsonResponse([]),
      'GET /api/rounds/7/tasks': apiError(409, 'round_paused', 'Voting in this round is paused'),
    })
    const view = await open()
    const blocked = view.get('[data-testid="voting-blocked"]')
    expect(blocked.text()).toContain('The coordinators have paused voting in this round.')
    expect(blocked.find('[data-testid="voting-retry"]').exists()).toBe(true)
    // What is left comes from the round's progress when no batch could be loaded.
    expect(view.get('[data-testid="voting-remaining"]').text()).toBe('17 photos left')
  })

  it('says in words that the round is closed', async () => {
    fakeServer({
      'GET /api/my/rounds': jsonResponse([myRound({ status: 'finalized' })]),
      'GET /api/rounds/7/flags': jsonResponse([]),
      'GET /api/rounds/7/tasks': apiError(409, 'round_not_active', 'Voting is closed'),
    })
    const view = await open()
    expect(view.get('[data-testid="voting-blocked"]').text()).toContain('Voting in this round is closed.')
  })

  it('tells the juror when a vote could not be saved and keeps retrying it', async () => {
    const server = serve()
    server.on('PUT /api/rounds/7/votes/1', [new TypeError('Failed to fetch'), voteAnswer])
    const view = await open()
    await showPhoto(view)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    press('y', { code: 'KeyY' })
    await vi.advanceTimersByTimeAsync(0)
    await flushPromises()
    expect(view.get('[data-testid="save-retrying"]').text()).toContain('One vote could not be saved yet. Loupe keeps trying')
    expect(view.get('[data-testid="save-status"]').text()).toBe('Saving one vote…')

    await vi.advanceTimersByTimeAsync(1000)
    await flushPromises()
    expect(server.sent('PUT /api/rounds/7/votes/1')).toHaveLength(2)
    expect(view.find('[data-testid="save-retrying"]').exists()).toBe(false)
    expect(view.get('[data-testid="save-status"]').text()).toBe('All your votes are saved.')
  })

  it('shows a vote the server refused, in words', async () => {
    const server = serve()
    server.on('PUT /api/rounds/7/votes/1', apiError(404, 'entry_disqualified', 'Entry 1 was disqualified'))
    const view = await open()
    await showPhoto(view)
    press('y', { code: 'KeyY' })
    await flushPromises()
    const failed = view.get('[data-testid="save-failed"]')
    expect(failed.text()).toContain('Your vote (Yes) on this photo was not saved.')
    expect(failed.text()).toContain('Entry 1 was disqualified')
  })

  it('opens the keyboard help with ? and lists the keys of the round', async () => {
    serve()
    const view = await open()
    press('?', { shiftKey: true })
    await flushPromises()
    const help = document.querySelector('[data-testid="shortcut-help"]') as HTMLElement
    expect(help.textContent).toContain('Keyboard shortcuts')
    expect(help.textContent).toContain('Vote yes')
    expect(help.textContent).not.toContain('Rate 1 to 5 stars')
    expect(view.exists()).toBe(true)
  })

  it('flags a photo with G: reason and note go to the coordinators', async () => {
    const server = serve()
    server.on('POST /api/rounds/7/flags', (request) =>
      jsonResponse({ id: 9, status: 'open', created_at: '', ...(request.body as object) }),
    )
    const view = await open()
    press('g', { code: 'KeyG' })
    await flushPromises()
    const dialog = document.querySelector('[data-testid="flag-dialog"]') as HTMLElement
    ;(dialog.querySelector('[data-testid="flag-reason-duplicate"] input, input[value="duplicate"]') as HTMLInputElement).click()
    const note = dialog.querySelector('textarea')!
    note.value = 'Same as Photo_9.jpg'
    note.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(dialog.querySelector('.cdx-dialog__footer__primary-action') as HTMLButtonElement).click()
    await flushPromises()
    expect(server.sent('POST /api/rounds/7/flags')[0]!.body).toEqual({ round_entry_id: 1, reason: 'duplicate', note: 'Same as Photo_9.jpg' })
    expect(view.get('[data-testid="mark-flag"]').text()).toBe('You flagged this photo: Duplicate of another entry')
  })

  it('zooms to the original at its natural size with Z, and back with Esc', async () => {
    serve()
    const view = await open()
    await showPhoto(view)
    press('z', { code: 'KeyZ' })
    await flushPromises()
    const full = view.get('[data-testid="juror-photo-full"]')
    expect(full.attributes('src')).toBe(task(1).entry.url)
    expect(full.attributes('width')).toBe('4000')
    press('Escape')
    await flushPromises()
    expect(view.find('[data-testid="juror-photo-full"]').exists()).toBe(false)
  })

  it("shows the round's directions before the first vote", async () => {
    serve({ round: myRound({ directions: 'Judge the photo, not the monument.' }) })
    const view = await open()
    await vi.waitFor(() => expect(view.vm.$router.currentRoute.value.name).toBe('juror-directions'))
  })

  it('sends ranking rounds to the ranking page', async () => {
    serve({ round: myRound({ vote_method: 'ranking' }) })
    const view = await open()
    await vi.waitFor(() => expect(view.vm.$router.currentRoute.value.fullPath).toBe('/my/rounds/7/ranking'))
  })

  it('says so when the round is not one of mine', async () => {
    fakeServer({ 'GET /api/my/rounds': jsonResponse([]) })
    const view = await open()
    expect(view.text()).toContain('You are not a juror of this round')
  })
})
