import { defineStore } from 'pinia'

// Display preferences kept on the phone: language and large text.
export const usePrefs = defineStore('prefs', {
  state: () => ({
    locale: localStorage.getItem('pm.locale') || 'zh-CN',
    big: localStorage.getItem('pm.big') === '1',
  }),
  actions: {
    setLocale(l) { this.locale = l; localStorage.setItem('pm.locale', l) },
    toggleBig() { this.big = !this.big; localStorage.setItem('pm.big', this.big ? '1' : '0'); this.apply() },
    apply() { document.documentElement.classList.toggle('big', this.big) },
  },
})
