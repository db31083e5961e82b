import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { directionsRead } from '../../../src/juror/rounds'
import DirectionsView from '../../../src/views/juror/DirectionsView.vue'
import { mountAt } from '../../components/mount'
import { jsonResponse } from '../../helpers'
import { fakeServer, myRound } from '../../juror/fakeServer'

let wrapper: VueWrapper | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('DirectionsView', () => {
  it("shows the round's directions and starts voting, remembering they were read", async () => {
    fakeServer({ 'GET /api/my/rounds': jsonResponse([myRound({ directions: 'Judge the photo,\nnot the monument.' })]) })
    wrapper = await mountAt(DirectionsView, '/my/rounds/7')
    await flushPromises()
    expect(wrapper.get('h1').text()).toBe('Round 1')
    expect(wrapper.get('[data-testid="round-directions"]').text()).toBe('Judge the photo,\nnot the monument.')
    await wrapper.get('[data-testid="start-voting"]').trigger('click')
    await vi.waitFor(() => expect(wrapper!.vm.$router.currentRoute.value.fullPath).toBe('/my/rounds/7/vote'))
    expect(directionsRead(7)).toBe(true)
  })

  it('does not offer to start when the round is not open', async () => {
    fakeServer({ 'GET /api/my/rounds': jsonResponse([myRound({ status: 'paused', directions: 'Be fair.' })]) })
    wrapper = await mountAt(DirectionsView, '/my/rounds/7')
    await flushPromises()
    expect(wrapper.find('[data-testid="start-voting"]').exists()).toBe(false)
    expect(wrapper.text()).toContain("You can't vote yet: this round is paused.")
  })
})
