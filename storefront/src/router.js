import { ref } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import { useSession } from './stores/session'

// Every page but the login is loaded when first opened: a villager's phone downloads the
// villager's pages only.
/** @type {import('vue-router').RouteRecordRaw[]} */
const routes = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/board/:id', component: () => import('./views/Board.vue'), meta: { public: true } },
  { path: '/lists/:id', component: () => import('./views/Lists.vue'), meta: { public: true } },
  { path: '/county-board/:id', component: () => import('./views/CountyBoard.vue'), meta: { public: true } },
  { path: '/', redirect: () => useSession().home },
  { path: '/home', component: () => import('./views/Home.vue') },
  { path: '/shop', component: () => import('./views/Shop.vue'), meta: { villager: true } },
  { path: '/vouchers', component: () => import('./views/Vouchers.vue'), meta: { villager: true } },
  { path: '/vouchers/:id', component: () => import('./views/Voucher.vue'), meta: { villager: true } },
  { path: '/member-code', component: () => import('./views/MemberCode.vue'), meta: { villager: true } },
  { path: '/password', component: () => import('./views/Password.vue') },
  { path: '/notice', component: () => import('./views/Notice.vue') },
  { path: '/objections', component: () => import('./views/MyObjections.vue') },
  { path: '/courtyard', component: () => import('./views/Courtyard.vue'), meta: { official: true } },
  { path: '/grid', component: () => import('./views/Grid.vue'), meta: { official: true } },
  { path: '/served', component: () => import('./views/Served.vue'), meta: { official: true } },
  { path: '/proxies', component: () => import('./views/Proxies.vue'), meta: { villager: true } },
  { path: '/cards', component: () => import('./views/Cards.vue'), meta: { villageMember: true } },
  { path: '/cards/:id/print', component: () => import('./views/CardPrint.vue'), meta: { villageMember: true } },
  { path: '/inbox', component: () => import('./views/Inbox.vue') },
  { path: '/requests', component: () => import('./views/Requests.vue') },
  { path: '/requests/:id', component: () => import('./views/RequestDetail.vue') },
  { path: '/request-desk', component: () => import('./views/RequestDesk.vue') },
  { path: '/dividends', component: () => import('./views/Dividends.vue'), meta: { villageMember: true } },
  { path: '/village', component: () => import('./views/Village.vue'), meta: { official: true } },
  { path: '/village/meetings/:month', component: () => import('./views/MeetingRecord.vue'), meta: { official: true } },
  { path: '/supervision', component: () => import('./views/Supervision.vue'), meta: { official: true } },
  { path: '/county', component: () => import('./views/County.vue'), meta: { countyStaff: true } },
  { path: '/assessment/:id', component: () => import('./views/Assessment.vue'), meta: { official: true } },
  { path: '/projects/:id', component: () => import('./views/Projects.vue') },
  { path: '/dashboard', component: () => import('./views/Dashboard.vue'), meta: { countyStaff: true } },
  { path: '/counter', component: () => import('./views/Counter.vue'), meta: { shopkeeper: true } },
  { path: '/counter/checkout', component: () => import('./views/Checkout.vue'), meta: { shopkeeper: true } },
  { path: '/counter/card', component: () => import('./views/CardCheckout.vue'), meta: { shopkeeper: true } },
  { path: '/receipts/:id', component: () => import('./views/Receipt.vue') },
  { path: '/counter/today', component: () => import('./views/Today.vue'), meta: { shopkeeper: true } },
  { path: '/counter/goods', component: () => import('./views/Goods.vue'), meta: { shopkeeper: true } },
  { path: '/:rest(.*)*', redirect: '/' },
]

// failedNavigation is the page whose code could not be downloaded (a weak signal, offline): the
// app says so and offers to try again instead of a tap that does nothing.
export const failedNavigation = ref(null)

export function makeRouter() {
  const router = createRouter({ history: createWebHistory(), routes, scrollBehavior: (to, from, saved) => saved || { top: 0 } })
  router.beforeEach(async (to) => {
    const session = useSession()
    if (!session.checked) {
      try { await session.load() } catch { /* offline: App shows the error with a retry */ }
    }
    if (to.meta.public) return true
    if (!session.user) return { path: '/login', query: { next: to.fullPath } }
    if (session.user.must_change_password && to.path !== '/password') return '/password'

    if (to.meta.shopkeeper && !session.isShopkeeper) return session.home
    if (to.meta.villager && !session.isVillager) return session.home
    if (to.meta.official && !session.isOfficial) return session.home
    if (to.meta.countyStaff && !session.isCountyStaff) return session.home
    if (to.meta.villageMember && !session.user.village_id) return session.home
    return true
  })
  router.onError((err, to) => {
    if (/dynamically imported module|Importing a module script failed|Failed to fetch|Unable to preload CSS/i.test(String(err && err.message))) {
      failedNavigation.value = to.fullPath
    }
  })
  router.afterEach(() => { failedNavigation.value = null })
  return router
}
