import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Me } from '../../src/api/auth'
import { ApiError } from '../../src/api/client'
import { loadResults, type PublicCampaign } from '../../src/api/public'
import type { Award } from '../../src/api/publishing'
import CeremonyView from '../../src/views/public/CeremonyView.vue'
import PublicResultsView from '../../src/views/public/PublicResultsView.vue'
import { mountAt } from '../components/mount'
import { jsonResponse } from '../helpers'
import { fakeServer } from '../juror/fakeServer'

function award(id: number, place: number | null): Award {
  return {
    id,
    name: place === null ? `Prize ${id}` : `Place ${place}`,
    kind: place === null ? 'special' : 'place',
    place,
    round_entry_id: id,
    entry: {
      entry_id: id,
      page_id: id,
      title: `File:Fort ${id}.jpg`,
      width: 4000,
      height: 3000,
      url: `https://upload.wikimedia.org/wikipedia/commons/a/ab/Fort_${id}.jpg`,
      thumb_url: `https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/Fort_${id}.jpg/960px-Fort_${id}.jpg`,
      srcset: `https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/Fort_${id}.jpg/330px-Fort_${id}.jpg 330w`,
      description_url: `https://commons.wikimedia.org/wiki/File:Fort_${id}.jpg`,
      attribution: {
        author: `Photographer ${id}`,
        author_url: `https://commons.wikimedia.org/wiki/User:Photographer_${id}`,
        license: 'CC BY-SA 4.0',
        file_url: `https://commons.wikimedia.org/wiki/File:Fort_${id}.jpg`,
        text: `Photographer ${id}, CC BY-SA 4.0, via Wikimedia Commons`,
      },
    },
  }
}

const campaign: PublicCampaign = {
  slug: 'wlm-2026-gh',
  name: 'WLM 2026 in Ghana',
  description: '',
  opens_at: '2026-09-01T00:00:00Z',
  closes_at: '2026-09-30T23:59:59Z',
  published_at: '2026-11-01T18:00:00Z',
  awards: [award(1, 1), award(2, 2), award(3, 3), award(4, 4), award(5, null)],
  rounds: [
    {
      ordinal: 1,
      name: 'Round 1',
      vote_method: 'yes_no',
      quorum: 3,
      status: 'finalized',
      activated_at: '2026-10-01T00:00:00Z',
      finalized_at: '2026-10-10T00:00:00Z',
      entries: 1200,
      eligible: 1150,
      jurors: 9,
      votes: 3450,
      disqualified: { window: 30, manual: 20 },
      advancing_rule: { rule: 'min_score', value: 0.5, advanced: 100 },
    },
    {
      ordinal: 2,
      name: 'Final',
      vote_method: 'ranking',
      quorum: 1,
      status: 'finalized',
      activated_at: '2026-10-11T00:00:00Z',
      finalized_at: '2026-10-20T00:00:00Z',
      entries: 100,
      eligible: 100,
      jurors: 9,
      votes: 900,
      disqualified: {},
      advancing_rule: null,
    },
  ],
}

function me(overrides: Partial<Me['roles']> = {}): Me {
  return {
    user: { id: 1, username: 'Coordinator', wiki_id: 1, is_admin: false, is_organizer: false, last_login_at: null },
    roles: { admin: false, organizer: false, coordinator_of: [], juror_of: [], ...overrides },
    csrf_token: 'token',
  }
}

const notFound = () => jsonResponse({ error: 'not_found', detail: 'No published results.' }, 404)

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('loadResults', () => {
  it('gives the public page without asking who is logged in', async () => {
    fakeServer({ 'GET /api/public/campaigns/wlm-2026-gh': jsonResponse(campaign) })
    const whoAsks = vi.fn(async () => null)
    const loaded = await loadResults('wlm-2026-gh', whoAsks)
    expect(loaded.rehearsalOf).toBeNull()
    expect(loaded.page.name).toBe('WLM 2026 in Ghana')
    expect(whoAsks).not.toHaveBeenCalled()
  })

  it("gives a campaign's coordinators the rehearsal before publication", async () => {
    const server = fakeServer({
      'GET /api/public/campaigns/wlm-2026-gh': notFound(),
      'GET /api/campaigns/12/ceremony': jsonResponse({ ...campaign, published_at: null }),
    })
    const coordinator = me({ coordinator_of: [{ id: 12, slug: 'wlm-2026-gh', name: 'WLM', status: 'finalized' }] })
    const loaded = await loadResults('wlm-2026-gh', async () => coordinator)
    expect(loaded.rehearsalOf).toBe(12)
    expect(server.requests.map((r) => r.path)).toContain('/api/campaigns/12/ceremony')
  })

  it('finds the campaign by its slug for admins, who coordinate without being named', async () => {
    fakeServer({
      'GET /api/public/campaigns/wlm-2026-gh': notFound(),
      'GET /api/campaigns': jsonResponse([{ id: 3, slug: 'other' }, { id: 12, slug: 'wlm-2026-gh' }]),
      'GET /api/campaigns/12/ceremony': jsonResponse(campaign),
    })
    const loaded = await loadResults('wlm-2026-gh', async () => me({ admin: true }))
    expect(loaded.rehearsalOf).toBe(12)
  })

  it.each([
    ['anonymous visitors', null],
    ['people who do not coordinate it', me({ coordinator_of: [{ id: 5, slug: 'other', name: 'Other', status: 'judging' }] })],
  ])('keeps the 404 for %s', async (_who, user) => {
    fakeServer({ 'GET /api/public/campaigns/wlm-2026-gh': notFound() })
    const failure = loadResults('wlm-2026-gh', async () => user)
    await expect(failure).rejects.toBeInstanceOf(ApiError)
    await expect(failure).rejects.toMatchObject({ status: 404 })
  })
})

describe('PublicResultsView', () => {
  it('shows the podium, special prizes and runners-up with their credit, and the report', async () => {
    fakeServer({ 'GET /api/public/campaigns/wlm-2026-gh': jsonResponse(campaign) })
    wrapper = await mountAt(PublicResultsView, '/results/wlm-2026-gh')
    await flushPromises()
    expect(wrapper.get('h1').text()).toBe('WLM 2026 in Ghana')
    const sections = wrapper.findAll('section')
    const names = (i: number) => sections[i]!.findAll('[data-testid="public-award-name"]').map((n) => n.text())
    expect(names(0)).toEqual(['Place 1', 'Place 2', 'Place 3'])
    expect(names(1)).toEqual(['Prize 5'])
    expect(names(2)).toEqual(['Place 4'])

    const first = wrapper.findAll('[data-testid="public-winner"]')[0]!
    expect(first.get('[data-testid="public-credit"]').text()).toBe(
      'Photo: Photographer 1, \u2068CC BY-SA 4.0\u2069, via Wikimedia Commons',
    )
    expect(first.get('[data-testid="public-author"]').attributes('href')).toBe(
      'https://commons.wikimedia.org/wiki/User:Photographer_1',
    )
    expect(first.get('img').attributes('srcset')).toContain('330w')
    expect(first.get('img').attributes('alt')).toContain('Fort 1')

    const report = wrapper.get('[data-testid="public-report"]').text()
    expect(report).toContain('Yes or no, 3 votes per photo')
    expect(report).toContain('Uploaded outside the contest period: 30')
    expect(report).toContain('Disqualified by the coordinators: 20')
    expect(report).toContain('Score of at least 0.5: 100 photos went on')
    expect(report).toContain('Final round')
    expect(wrapper.get('[data-testid="public-pdf-link"]').attributes('href')).toBe(
      '/api/public/campaigns/wlm-2026-gh/ceremony.pdf',
    )
    expect(wrapper.find('[data-testid="public-rehearsal"]').exists()).toBe(false)
  })
})

describe('CeremonyView', () => {
  const press = async (key: string) => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }))
    await flushPromises()
  }
  const shown = (view: VueWrapper) => {
    const slide = view.get('[data-testid="ceremony-slide"]')
    const name = view.find('[data-testid="ceremony-award-name"]')
    return `${slide.attributes('data-kind')}${name.exists() ? ` ${name.text()}` : ''}`
  }

  it('announces then reveals each award from the last place to the first, by keyboard', async () => {
    fakeServer({ 'GET /api/public/campaigns/wlm-2026-gh': jsonResponse(campaign) })
    wrapper = await mountAt(CeremonyView, '/results/wlm-2026-gh/ceremony')
    await flushPromises()
    const seen = [shown(wrapper)]
    for (let i = 0; i < 11; i++) {
      await press(i % 2 ? ' ' : 'ArrowRight')
      seen.push(shown(wrapper))
    }
    expect(seen).toEqual([
      'title',
      'announce Prize 5',
      'reveal Prize 5',
      'announce Place 4',
      'reveal Place 4',
      'announce Place 3',
      'reveal Place 3',
      'announce Place 2',
      'reveal Place 2',
      'announce Place 1',
      'reveal Place 1',
      'end',
    ])
    await press('ArrowLeft')
    expect(shown(wrapper)).toBe('reveal Place 1')
    expect(wrapper.get('[data-testid="public-credit"]').text()).toContain('Photographer 1')
    await press('Home')
    expect(shown(wrapper)).toBe('title')
    await press('End')
    expect(shown(wrapper)).toBe('end')
  })
})
