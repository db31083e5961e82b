import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../src/api/client'
import type { Me } from '../../src/api/auth'
import AppHeader from '../../src/components/AppHeader.vue'
import { session } from '../../src/session'
import { mountAt } from './mount'

vi.mock('../../src/api/auth', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/api/auth')>()),
  logout: vi.fn(),
}))
vi.mock('../../src/navigation', () => ({ goTo: vi.fn() }))

const { logout } = await import('../../src/api/auth')
const { goTo } = await import('../../src/navigation')

const user = { id: 7, username: 'Example juror', wiki_id: 4242, is_admin: false, is_organizer: false, last_login_at: null }

beforeEach(() => {
  vi.mocked(logout).mockReset()
  vi.mocked(goTo).mockReset()
})
afterEach(() => {
  document.body.innerHTML = ''
  session.me = null
})

describe('AppHeader, logged out', () => {
  it('is a banner landmark with the app name linking home', async () => {
    const wrapper = await mountAt(AppHeader, '/', { props: { user: null } })

    expect(wrapper.element.tagName).toBe('HEADER')
    const home = wrapper.get('a[href="/"]')
    expect(home.text()).toBe('Loupe')
  })

  it('offers login, coming back to the current page', async () => {
    const wrapper = await mountAt(AppHeader, '/rounds/3', { props: { user: null } })

    const login = wrapper.get('a[href^="/auth/login"]')
    expect(login.text()).toBe('Log in')
    expect(login.attributes('href')).toBe('/auth/login?next=%2Frounds%2F3')
    expect(wrapper.text()).not.toContain('Log out')
  })

  it('shows no login button while the session is still loading', async () => {
    const wrapper = await mountAt(AppHeader, '/', { props: { user: null, loading: true } })
    expect(wrapper.find('a[href^="/auth/login"]').exists()).toBe(false)
  })

  it('has a labelled language switch', async () => {
    const wrapper = await mountAt(AppHeader, '/', { props: { user: null } })
    expect(wrapper.find('[aria-label="Language"]').exists()).toBe(true)
  })
})

describe('AppHeader, logged in', () => {
  it('shows the username and a logout button instead of login', async () => {
    const wrapper = await mountAt(AppHeader, '/', { props: { user } })

    expect(wrapper.text()).toContain('Example juror')
    expect(wrapper.text()).toContain('Logged in as \u2068Example juror\u2069')
    expect(wrapper.find('a[href^="/auth/login"]').exists()).toBe(false)
    expect(wrapper.get('button').text()).toBe('Log out')
  })

  it('logs out with the API and reloads the app at home', async () => {
    vi.mocked(logout).mockResolvedValue(undefined)
    const wrapper = await mountAt(AppHeader, '/', { props: { user } })

    await wrapper.get('button').trigger('click')
    await flushPromises()

    expect(logout).toHaveBeenCalledOnce()
    expect(goTo).toHaveBeenCalledWith('/')
  })

  it('shows in words why logout failed', async () => {
    vi.mocked(logout).mockRejectedValue(new ApiError(0, 'network_error', 'Failed to fetch'))
    const wrapper = await mountAt(AppHeader, '/', { props: { user } })

    await wrapper.get('button').trigger('click')
    await flushPromises()

    expect(goTo).not.toHaveBeenCalled()
    expect(wrapper.text()).toContain('Loupe could not reach the server.')
    expect(wrapper.get('button').attributes('disabled')).toBeUndefined()
  })
})

describe('AppHeader navigation by role', () => {
  function me(roles: Partial<Me['roles']>): Me {
    return {
      user,
      roles: { admin: false, organizer: false, coordinator_of: [], juror_of: [], ...roles },
      csrf_token: 't',
    }
  }
  const links = async () => {
    const wrapper = await mountAt(AppHeader, '/', { props: { user } })
    return wrapper.findAll('nav a').map((a) => [a.text(), a.attributes('href')])
  }

  const results = ['Results', '/results']

  it('shows only the public results to a juror', async () => {
    session.me = me({ juror_of: [{ id: 1, campaign_id: 1, name: 'R', status: 'active' }] })
    expect(await links()).toEqual([results])
  })

  it('shows Campaigns to coordinators and organizers', async () => {
    session.me = me({ coordinator_of: [{ id: 1, slug: 'c', name: 'C', status: 'draft' }] })
    expect(await links()).toEqual([results, ['Campaigns', '/campaigns']])
    session.me = me({ organizer: true })
    expect(await links()).toEqual([results, ['Campaigns', '/campaigns']])
  })

  it('adds Admin for admins', async () => {
    session.me = me({ admin: true })
    expect(await links()).toEqual([
      results,
      ['Campaigns', '/campaigns'],
      ['Admin', '/admin/users'],
    ])
  })
})
