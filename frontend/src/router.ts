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
  // The juror's pages: my rounds, and per round the directions, voting (yes/no and
  // rating), my votes and the ranking ballot.
  {
    path: '/my/rounds',
    name: 'juror-rounds',
    component: () => import('./views/juror/MyRoundsView.vue'),
    meta: { titleKey: 'loupe-juror-rounds-title' },
  },
  {
    path: '/my/rounds/:roundId(\\d+)',
    name: 'juror-directions',
    component: () => import('./views/juror/DirectionsView.vue'),
    meta: { titleKey: 'loupe-juror-directions-title' },
  },
  {
    path: '/my/rounds/:roundId(\\d+)/vote',
    name: 'juror-vote',
    component: () => import('./views/juror/VotingView.vue'),
    meta: { titleKey: 'loupe-juror-vote-title' },
  },
  {
    path: '/my/rounds/:roundId(\\d+)/votes',
    name: 'juror-votes',
    component: () => import('./views/juror/MyVotesView.vue'),
    meta: { titleKey: 'loupe-juror-votes-title' },
  },
  {
    path: '/my/rounds/:roundId(\\d+)/ranking',
    name: 'juror-ranking',
    component: () => import('./views/juror/RankingView.vue'),
    meta: { titleKey: 'loupe-juror-ranking-title' },
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
