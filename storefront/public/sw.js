// The storefront's service worker: the app shell and every page's code once downloaded, and the
// villager's vouchers (list, each voucher, its QR) as last seen, so that at a counter with no signal
// an issued voucher can still be shown. Answers from the cache say when they were fetched
// (X-Offline-Copy), and the page says so. Logging out empties the copy of the person's data.
const SHELL = 'pm-shell-v1'
const DATA = 'pm-data-v1'
const KEPT = [/^\/api\/v1\/vouchers(\/\d+(\/qr\.png)?)?$/, /^\/api\/v1\/me$/]

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(['/', '/manifest.webmanifest', '/icon.svg'])).then(() => self.skipWaiting()))
})
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== DATA).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()))
})
self.addEventListener('message', (event) => {
  if (event.data === 'logout') event.waitUntil(caches.delete(DATA))
})

// stamped copies a response with the time it was fetched, for the page to show when offline.
async function stamped(res) {
  const headers = new Headers(res.headers)
  headers.set('X-Fetched-At', new Date().toISOString())
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers })
}

async function fromCache(cache, request) {
  const hit = await cache.match(request)
  if (!hit) return null
  const headers = new Headers(hit.headers)
  headers.set('X-Offline-Copy', hit.headers.get('X-Fetched-At') || '')
  return new Response(await hit.blob(), { status: hit.status, statusText: hit.statusText, headers })
}

// Network first; the last good answer when the network fails.
async function networkFirst(cacheName, request, fallback) {
  const cache = await caches.open(cacheName)
  try {
    const res = await fetch(request)
    if (res.ok) await cache.put(fallback || request, await stamped(res.clone()))
    return res
  } catch (err) {
    const copy = await fromCache(cache, fallback || request)
    if (copy) return copy
    throw err
  }
}

// Hashed assets never change: the cache first.
async function cacheFirst(request) {
  const cache = await caches.open(SHELL)
  const hit = await cache.match(request)
  if (hit) return hit
  const res = await fetch(request)
  if (res.ok) await cache.put(request, res.clone())
  return res
}

self.addEventListener('fetch', (event) => {
  const { request } = event
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (request.mode === 'navigate') { event.respondWith(networkFirst(SHELL, request, '/')); return }
  if (url.pathname.startsWith('/assets/')) { event.respondWith(cacheFirst(request)); return }
  if (KEPT.some((re) => re.test(url.pathname))) event.respondWith(networkFirst(DATA, request))
})
