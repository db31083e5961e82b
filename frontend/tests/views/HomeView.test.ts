import { afterEach, describe, expect, it } from 'vitest'
import type { Me, Roles } from '../../src/api/auth'
import { session } from '../../src/session'
import HomeView from '../../src/views/HomeView.vue'
import { mountAt } from '../components/mount'

function me(roles: Partial<Roles> = {}): Me {
  return {
    user: { id: 1, username: 'Example', wiki_id: 42, is_admin: false, is_organizer: false, last_login_at: null },
    roles: { admin: false, organizer: false, coordinator_of: [], juror_of: [], ...roles },
    csrf_token: 't',
  }
}

const strip = (text: string) => text.replace(/[\u2068\u2069]/g, '')

afterEach(() => {
  Object.assign(session, { me: null, loading: true, error: null })
  document.body.innerHTML = ''
})

describe('HomeView', () => {
  it('invites anonymous visitors to log in with their Wikimedia account', async () => {
    Object.assign(session, { me: null, loading: false })
    const wrapper = await mountAt(HomeView, '/')

    expect(wrapper.get('h1').text()).toBe('Welcome to Loupe')
    expect(wrapper.get('a[href="/auth/login?next=%2F"]').text()).toBe('Log in with your Wikimedia account')
  })

  it('says plainly when the user is not a juror of any round', async () => {
    Object.assign(session, { me: me(), loading: false })
    const wrapper = await mountAt(HomeView, '/')

    expect(wrapper.text()).toContain('You are not a juror of any round yet.')
    expect(wrapper.text()).not.toContain('organizer')
    expect(wrapper.find('a[href^="/auth/login"]').exists()).toBe(false)
  })

  it('lists the rounds and campaigns of the user with their status, and instance roles', async () => {
    Object.assign(session, {
      me: me({
        juror_of: [
          { id: 1, campaign_id: 5, name: 'Round 1', status: 'active' },
          { id: 2, campaign_id: 6, name: 'Final', status: 'paused' },
        ],
        coordinator_of: [{ id: 5, slug: 'wlm-2026-gh', name: 'WLM 2026 in Ghana', status: 'judging' }],
        organizer: true,
        admin: true,
      }),
      loading: false,
    })
    const wrapper = await mountAt(HomeView, '/')

    const roles = wrapper.get('.home__roles')
    const top = roles.findAll(':scope > li').map((li) => strip(li.text()))
    expect(top).toHaveLength(4)
    expect(top[0]).toMatch(/^You are a juror in 2 rounds:/)
    expect(top[1]).toMatch(/^You coordinate one campaign:/)
    expect(top[2]).toBe('As an organizer, you can create campaigns and name their coordinators.')
    expect(top[3]).toBe('As an administrator of this Loupe instance, you can grant organizer rights.')
    expect(roles.findAll('li li').map((li) => strip(li.text()))).toEqual([
      'Round 1 (open for voting)',
      'Final (paused)',
      'WLM 2026 in Ghana (judging)',
    ])
  })
})
