// The counter with no link (离线兑换). While online, the shop's device keeps its shop's offline key
// and the names of its goods; with no link it checks a voucher's QR itself — the tag of its
// offline part (shop, expiry, points, lines) under that key, the shop, the expiry — refuses a code
// it has seen before, and keeps the redemption, with an Idempotency-Key of its own, in IndexedDB.
// When the link returns the redemptions are synced one by one with their keys: a sync cut off
// halfway and run again redeems each once. What the service refuses at sync (a voucher cancelled
// or redeemed elsewhere meanwhile) is kept to show the shopkeeper; the service tells the supervisors.
import { api, newKey, ApiError } from './api'

const DB = 'pm-counter'
const STORES = ['shops', 'queue', 'seen', 'problems']

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1)
    req.onupgradeneeded = () => { for (const s of STORES) req.result.createObjectStore(s) }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

// tx runs fn on one store and resolves with its request's result.
async function tx(store, mode, fn) {
  const db = await open()
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode)
    const req = fn(t.objectStore(store))
    t.oncomplete = () => { db.close(); resolve(req && req.result) }
    t.onerror = () => { db.close(); reject(t.error) }
  })
}
const get = (store, key) => tx(store, 'readonly', (s) => s.get(key))
const put = (store, key, value) => tx(store, 'readwrite', (s) => s.put(value, key))
const del = (store, key) => tx(store, 'readwrite', (s) => s.delete(key))
const values = (store) => tx(store, 'readonly', (s) => s.getAll())

/** prepare keeps, while online, what the counter needs to work without a link: the shop's key and goods. */
export async function prepare(shopId) {
  const { key } = await api.get('/counter/offline-key', { query: { shop_id: shopId } })
  const goods = (await api.get('/shops/{id}/goods', { path: { id: shopId } })).goods.map((g) => ({ id: g.id, name: g.name, unit: g.unit }))
  await put('shops', shopId, { shopId, key, goods, at: new Date().toISOString() })
}

/** ready reports whether the counter of this shop can redeem with no link. */
export async function ready(shopId) {
  try { return !!(await get('shops', shopId)) } catch { return false }
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
function base32(text) {
  const out = []
  let bits = 0
  let value = 0
  for (const ch of text) {
    const v = B32.indexOf(ch)
    if (v < 0) throw new Error('not base32')
    value = (value << 5) | v
    bits += 5
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8 }
  }
  return new Uint8Array(out)
}
function uvarints(bytes) {
  const out = []
  let v = 0
  let shift = 0
  for (const b of bytes) {
    v += (b & 0x7f) * 2 ** shift
    if (b & 0x80) { shift += 7; continue }
    out.push(v)
    v = 0
    shift = 0
  }
  if (shift) throw new Error('truncated')
  return out
}

/** Thrown for a code the counter cannot redeem with no link; code says why (i18n offline.*). */
export class OfflineRefusal extends Error {
  constructor(code) { super(code); this.code = code }
}

/**
 * check reads a scanned voucher QR with no link: the voucher it is, the goods to hand over and the
 * points, if its tag verifies under the shop's key, it is the shop's, not expired and not seen.
 */
export async function check(shopId, text) {
  const shop = await get('shops', shopId)
  if (!shop) throw new OfflineRefusal('not_ready')
  const code = text.trim().toUpperCase()
  const [online, tail] = code.split('/')
  if (!tail || !online.startsWith('PMV')) throw new OfflineRefusal(/^\d{8}$/.test(code.replace(/\D/g, '')) ? 'typed' : 'invalid')
  const [body, tag] = tail.split('.')
  let payload, fields, id
  try {
    payload = base32(body)
    fields = uvarints(payload)
    id = uvarints(base32(online.slice(3).split('.')[0]))[0]
  } catch { throw new OfflineRefusal('invalid') }
  const key = await crypto.subtle.importKey('raw', Uint8Array.from(atob(shop.key), (c) => c.charCodeAt(0)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const signed = new Uint8Array([...new TextEncoder().encode(online), ...payload])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed)).slice(0, 10)
  if (!tag || tag !== encode32(mac)) throw new OfflineRefusal('invalid')
  const [shopOf, expires, points, n] = fields
  if (fields.length !== 4 + 2 * n) throw new OfflineRefusal('invalid')
  if (shopOf !== shopId) throw new OfflineRefusal('wrong_shop')
  if (expires * 1000 <= Date.now()) throw new OfflineRefusal('expired')
  if (await get('seen', id)) throw new OfflineRefusal('seen')
  const names = new Map(shop.goods.map((g) => [g.id, g]))
  const items = []
  for (let i = 4; i < fields.length; i += 2) {
    const g = names.get(fields[i]) || { name: '#' + fields[i], unit: '' }
    items.push({ goods_id: fields[i], name: g.name, unit: g.unit, quantity: fields[i + 1] })
  }
  return { id, points, items, expires_at: new Date(expires * 1000).toISOString(), code }
}

function encode32(bytes) {
  let out = ''
  let bits = 0
  let value = 0
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5 }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31]
  return out
}

/** keep records a redemption made with no link, to sync later, and marks its voucher seen. */
export async function keep(shopId, v) {
  const key = newKey()
  await put('seen', v.id, new Date().toISOString())
  const items = v.items.map((i) => ({ goods_id: i.goods_id, name: i.name, quantity: i.quantity })) // plain copies: IndexedDB clones no proxies
  await put('queue', key, { key, shopId, code: v.code, voucherId: v.id, points: v.points, items, at: new Date().toISOString() })
  return key
}

/** pending lists the redemptions waiting for the link, oldest first. */
export async function pending() {
  try { return (await values('queue')).sort((a, b) => a.at.localeCompare(b.at)) } catch { return [] }
}

/** problems lists what the service refused at sync, for the shopkeeper to settle by hand. */
export async function problems() {
  try { return await values('problems') } catch { return [] }
}

/** dismiss forgets a problem the shopkeeper has seen to. */
export const dismiss = (key) => del('problems', key)

let syncing = null
/**
 * sync sends the waiting redemptions, one at a time, each with its own key; it stops at the first
 * that cannot reach the service (and keeps it and the rest). Returns how many were synced.
 */
export function sync() {
  if (!syncing) syncing = run().finally(() => { syncing = null })
  return syncing
}
async function run() {
  let done = 0
  for (const r of await pending()) {
    try {
      await api.post('/counter/redeem', { code: r.code, offline_at: r.at }, { key: r.key })
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500 || e.status === 401 || e.status === 429) break
      await put('problems', r.key, { ...r, error: { code: e.code, message: e.message, details: e.details } })
    }
    await del('queue', r.key)
    done++
  }
  return done
}
