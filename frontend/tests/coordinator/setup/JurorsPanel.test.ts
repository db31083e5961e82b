import { DOMWrapper, flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../../src/api/client'
import type { JurorProgress, Round } from '../../../src/api/rounds'
import JurorsPanel from '../../../src/components/coordinator/setup/JurorsPanel.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { apiError, fakeServer } from '../../juror/fakeServer'
import { round } from './data'

let wrapper: VueWrapper | null = null

beforeEach(() => setCsrfToken('token'))
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

function juror(user_id: number, username: string, extra: Partial<JurorProgress> = {}): JurorProgress {
  return {
    user_id,
    username,
    active: true,
    open: 4,
    done: 2,
    total: 6,
    last_vote_at: null,
    votes_last_hour: 0,
    behind: false,
    ...extra,
  }
}

const kofi = juror(5, 'Kofi')
const ama = juror(6, 'Ama', { active: false })
const esi = { id: 8, username: 'Esi', wiki_id: 80, is_admin: false, is_organizer: false, last_login_at: null }

const testid = (name: string) => `[data-testid="${name}"]`
// The dialog is teleported out of the component, to the end of the body.
const inDialog = (name: string) => new DOMWrapper(document.querySelector(`${testid('juror-replace-dialog')} ${testid(name)}`))

function server(extra = {}) {
  return fakeServer({
    'GET /api/rounds/9/jurors': [jsonResponse([kofi, ama]), jsonResponse([juror(8, 'Esi'), ama])],
    'GET /api/users': jsonResponse([esi]),
    ...extra,
  })
}

async function mountPanel(overrides: Partial<Round> = {}) {
  wrapper = await mountAt(JurorsPanel, '/', { props: { round: { ...round, ...overrides } } })
  await flushPromises()
  return wrapper
}

async function replaceBy(panel: VueWrapper, username: string) {
  await panel.get(testid('juror-replace-5')).trigger('click')
  await inDialog('juror-replace-username').setValue(username)
  await inDialog('juror-replace-confirm').trigger('click')
  await flushPromises()
}

describe('JurorsPanel', () => {
  it.each([
    [{ vote_method: 'ranking' as const }, 'ranks the finalists on a ballot of their own'],
    [{ status: 'draft' as const }, 'takes the place of \u2068Kofi\u2069 on the jury before the round starts'],
  ])('says what replacing does in a %o round', async (overrides, said) => {
    server()
    const panel = await mountPanel(overrides)
    await panel.get(testid('juror-replace-5')).trigger('click')
    expect(document.querySelector(testid('juror-replace-dialog'))?.textContent).toContain(said)
  })

  it('replaces a juror by the user named in the dialog and reloads the list', async () => {
    const fake = server({ 'POST /api/rounds/9/jurors/5/replace': jsonResponse({ id: 8, username: 'Esi' }) })
    const panel = await mountPanel()
    const replace = panel.get(testid('juror-replace-5'))
    expect(replace.attributes('aria-label')).toBe('Replace juror \u2068Kofi\u2069')

    await replace.trigger('click')
    expect(document.querySelector(testid('juror-replace-dialog'))?.textContent).toContain(
      'The new juror takes over the open photos of \u2068Kofi\u2069',
    )
    await inDialog('juror-replace-username').setValue('esi')
    await inDialog('juror-replace-confirm').trigger('click')
    await flushPromises()

    const sent = fake.sent('POST /api/rounds/9/jurors/5/replace')
    expect(sent.map((request) => request.body)).toEqual([{ user_id: 8 }])
    expect(sent[0]!.headers['x-csrf-token']).toBe('token')
    expect(fake.sent('GET /api/rounds/9/jurors')).toHaveLength(2)
    expect(panel.find(testid('juror-row-8')).exists()).toBe(true)
    expect(panel.find(testid('juror-row-5')).exists()).toBe(false)
    expect(panel.emitted('changed')).toHaveLength(1)
    expect(document.querySelector(testid('juror-replace-dialog'))).toBeNull()
  })

  it('shows a refusal in the dialog and changes nothing', async () => {
    const fake = server({
      'POST /api/rounds/9/jurors/5/replace': apiError(409, 'conflict', 'Esi is already a juror of this round.'),
    })
    const panel = await mountPanel()
    await replaceBy(panel, 'Esi')

    expect(inDialog('juror-replace-error').text()).toContain('Esi is already a juror of this round.')
    expect(inDialog('juror-replace-confirm').attributes('disabled')).toBeUndefined()
    expect(fake.sent('GET /api/rounds/9/jurors')).toHaveLength(1)
    expect(panel.find(testid('juror-row-5')).exists()).toBe(true)
    expect(panel.emitted('changed')).toBeUndefined()
  })

  it('says so when nobody has the name typed, without asking to replace', async () => {
    const fake = server({ 'GET /api/users': jsonResponse([]) })
    const panel = await mountPanel()
    await replaceBy(panel, 'Nobody')

    expect(document.querySelector(testid('juror-replace-dialog'))?.textContent).toContain('No user named \u2068Nobody\u2069.')
    expect(fake.requests.filter((request) => request.method === 'POST')).toEqual([])
  })

  it('offers no replacement for a removed juror', async () => {
    server()
    const panel = await mountPanel()
    expect(panel.find(testid('juror-replace-5')).exists()).toBe(true)
    expect(panel.find(testid('juror-replace-6')).exists()).toBe(false)
  })

  it.each(['finalized', 'cancelled'] as const)('offers no replacement once the round is %s', async (status) => {
    server()
    const panel = await mountPanel({ status })
    expect(panel.find(testid('juror-row-5')).exists()).toBe(true)
    expect(panel.find('[data-testid^="juror-replace"]').exists()).toBe(false)
  })
})
