/** Mount a component the way the app does: i18n plugin and a router at a given path. */
import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import type { Component } from 'vue'
import { i18n } from '../../src/i18n'
import { createLoupeRouter } from '../../src/router'

export async function mountAt<C extends Component>(component: C, path: string, options: ComponentMountingOptions<C> = {}) {
  const router = createLoupeRouter(createMemoryHistory())
  await router.push(path)
  await router.isReady()
  return mount(component, {
    ...options,
    attachTo: document.body,
    global: { plugins: [i18n, router] },
  } as ComponentMountingOptions<C>)
}
