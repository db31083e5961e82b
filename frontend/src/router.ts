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
  // coordinator-setup routes (campaigns, rounds, imports, jurors, admin)
  {
    path: '/campaigns',
    name: 'coordinator-campaigns',
    component: () => import('./views/coordinator/setup/CampaignsView.vue'),
    meta: { titleKey: 'loupe-coord-campaigns-title' },
  },
  {
    path: '/campaigns/:campaignId(\\d+)',
    name: 'coordinator-campaign',
    component: () => import('./views/coordinator/setup/CampaignView.vue'),
    meta: { titleKey: 'loupe-coord-campaign-title' },
  },
  {
    path: '/campaigns/:campaignId(\\d+)/rounds/new',
    name: 'coordinator-round-new',
    component: () => import('./views/coordinator/setup/RoundFormView.vue'),
    meta: { titleKey: 'loupe-coord-round-new-title' },
  },
  {
    path: '/rounds/:roundId(\\d+)',
    name: 'coordinator-round',
    component: () => import('./views/coordinator/setup/RoundView.vue'),
    meta: { titleKey: 'loupe-coord-round-title' },
  },
  {
    path: '/rounds/:roundId(\\d+)/edit',
    name: 'coordinator-round-edit',
    component: () => import('./views/coordinator/setup/RoundFormView.vue'),
    meta: { titleKey: 'loupe-coord-round-edit-title' },
  },
  {
    path: '/admin/users',
    name: 'admin-users',
    component: () => import('./views/coordinator/setup/AdminUsersView.vue'),
    meta: { titleKey: 'loupe-admin-users-title' },
  },
  // coordinator-review routes (results, advance, flags, eligibility, quality, awards, audit)
  {
    path: '/rounds/:roundId(\\d+)/results',
    name: 'coordinator-round-results',
    component: () => import('./views/coordinator/review/RoundResultsView.vue'),
    meta: { titleKey: 'loupe-review-results-title' },
  },
  {
    path: '/rounds/:roundId(\\d+)/quality',
    name: 'coordinator-round-quality',
    component: () => import('./views/coordinator/review/RoundQualityView.vue'),
    meta: { titleKey: 'loupe-review-quality-title' },
  },
  {
    path: '/rounds/:roundId(\\d+)/flags',
    name: 'coordinator-round-flags',
    component: () => import('./views/coordinator/review/RoundFlagsView.vue'),
    meta: { titleKey: 'loupe-review-flags-title' },
  },
  {
    path: '/rounds/:roundId(\\d+)/entries',
    name: 'coordinator-round-entries',
    component: () => import('./views/coordinator/review/RoundEntriesView.vue'),
    meta: { titleKey: 'loupe-review-entries-title' },
  },
  {
    path: '/campaigns/:campaignId(\\d+)/audit',
    name: 'coordinator-campaign-audit',
    component: () => import('./views/coordinator/review/CampaignAuditView.vue'),
    meta: { titleKey: 'loupe-review-audit-title' },
  },
  {
    path: '/campaigns/:campaignId(\\d+)/awards',
    name: 'coordinator-campaign-awards',
    component: () => import('./views/coordinator/review/CampaignAwardsView.vue'),
    meta: { titleKey: 'loupe-review-awards-title' },
  },
  // public routes (results pages and the ceremony)
  {
    path: '/results',
    name: 'public-campaigns',
    component: () => import('./views/public/PublicCampaignsView.vue'),
    meta: { titleKey: 'loupe-public-campaigns-title' },
  },
  {
    path: '/results/:slug',
    name: 'public-results',
    component: () => import('./views/public/PublicResultsView.vue'),
    meta: { titleKey: 'loupe-public-results-title' },
  },
  {
    path: '/results/:slug/ceremony',
    name: 'public-ceremony',
    component: () => import('./views/public/CeremonyView.vue'),
    meta: { titleKey: 'loupe-ceremony-title' },
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
