import { createApp, watch } from 'vue'
import { createPinia } from 'pinia'
import 'vant/lib/index.css'
import './style.css'
import App from './App.vue'
import { makeRouter } from './router'
import { makeI18n } from './i18n'
import { usePrefs } from './stores/prefs'
import { setLanguage } from './api'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const prefs = usePrefs()
prefs.apply()
const i18n = makeI18n(prefs.locale)
setLanguage(prefs.locale)
document.documentElement.lang = prefs.locale // index.html says zh-CN; a reader set to English reads it as English
watch(() => prefs.locale, (l) => { i18n.global.locale.value = l; document.documentElement.lang = l; setLanguage(l) })
app.use(i18n)
app.use(makeRouter())
app.mount('#app')

// The service worker keeps the app and the villager's vouchers for when the signal goes (public/sw.js).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => { /* the app works without it, online */ })
}
