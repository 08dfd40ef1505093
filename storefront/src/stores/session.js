import { defineStore } from 'pinia'
import { api, ApiError } from '../api'

// forgetOfflineCopies empties the service worker's copy of a person's data (public/sw.js).
function forgetOfflineCopies() {
  if (globalThis.navigator && navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage('logout')
}

// The logged-in person. The session itself is the HttpOnly cookie the server set; this store only
// remembers who it is for.
export const useSession = defineStore('session', {
  state: () => ({ user: null, accounts: [], checked: false }),
  getters: {
    roles: (s) => (s.user ? s.user.roles : []),
    isVillager: (s) => !!s.user && (s.user.roles.includes('villager') || s.user.roles.includes('representative')),
    isShopkeeper: (s) => !!s.user && s.user.roles.includes('shopkeeper'),
    isOfficial: (s) => !!s.user && ['clerk', 'branch_committee', 'party_member', 'group_leader', 'supervisor', 'township_admin', 'assessor', 'county_admin'].some((r) => s.user.roles.includes(r)),
    // County and township staff read the county's ranking; village officials do not.
    isCountyStaff: (s) => !!s.user && (s.user.grants || []).some((g) => ['county_admin', 'assessor', 'township_admin', 'supervisor'].includes(g.role) && !g.village_id),
    has: (s) => (role) => !!s.user && s.user.roles.includes(role),
    household: (s) => s.accounts.find((a) => a.kind === 'household'),
    representative: (s) => s.accounts.find((a) => a.kind === 'representative'),
    home() { return this.isShopkeeper && !this.isVillager ? '/counter' : '/home' },
  },
  actions: {
    async load() {
      try {
        const me = await api.get('/me')
        this.user = me.user
        this.accounts = me.accounts
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) throw e
        this.user = null
      } finally {
        this.checked = true
      }
    },
    async login(phone, password) {
      await api.post('/auth/login', { phone, password })
      forgetOfflineCopies() // a phone passed on without logging out keeps nobody else's vouchers
      await this.load()
    },
    async logout() {
      try { await api.post('/auth/logout') } catch { /* the session may be gone already */ }
      this.user = null
      this.accounts = []
      forgetOfflineCopies() // the phone may be shared: this person's vouchers go with the session
    },
  },
})
