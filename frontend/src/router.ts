/**
 * Routes. Every view is its own lazy chunk, so the first load carries only the shell
 * (header, i18n, API client) and each page fetches just what it needs.
 */
import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** Message key of the page title (document title and main heading). */
    titleKey?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'home',
    component: () => import('./views/HomeView.vue'),
    meta: { titleKey: 'loupe-home-title' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { titleKey: 'loupe-notfound-title' },
  },
]

export function createLoupeRouter(history: RouterHistory = createWebHistory()) {
  return createRouter({ history, routes })
}
