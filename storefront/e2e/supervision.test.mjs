// End to end, in Debian's Chromium: the supervisor's board. It runs after counter.test.mjs in the
// same service, so the feed holds that test's redemptions: the supervisor sees them, verifies the
// audit log, sees the chart of points earned and spent, and downloads an Excel export; the clerk
// records a deposit into the village's fund.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const BASE = process.env.BASE_URL
assert.ok(BASE, 'BASE_URL is required (scripts/e2e.sh sets it)')
const shots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots')
mkdirSync(shots, { recursive: true })
let b
after(async () => { if (b) await b.close() })

test('the supervisor follows redemptions, verifies the audit log, reads the chart and exports', async () => {
  b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
  const ctx = await b.newContext({ viewport: { width: 360, height: 760 }, deviceScaleFactor: 2, locale: 'zh-CN', baseURL: BASE })
  const p = await ctx.newPage()
  await p.goto('/login')
  await p.fill('input[name=phone]', '13800000003')
  await p.fill('input[name=password]', 'demo-pass-2026')
  await p.click('button[type=submit]')
  await p.waitForURL((u) => !u.pathname.startsWith('/login'))
  await p.goto('/supervision')
  await p.locator('[data-test=feed-item]', { hasText: '兑换券兑换' }).first().waitFor()
  await p.screenshot({ path: join(shots, '14-supervision-feed.png') })

  await p.click('.van-tab:has-text("审计日志")')
  await p.locator('[data-test=audit-entry]').first().waitFor()
  // Filtered to redemptions, every line shown is a redemption.
  await p.fill('[data-test=filter-object-type] input', 'redemption')
  await p.click('[data-test=apply-filter]')
  await p.waitForFunction(() => {
    const titles = [...document.querySelectorAll('[data-test=audit-entry] .van-cell__title')].map((e) => e.textContent)
    return titles.length > 0 && titles.every((t) => t.includes('redemption#'))
  })
  await p.screenshot({ path: join(shots, '14b-supervision-audit-filter.png') })
  await p.click('[data-test=verify]')
  await p.locator('[data-test=verify-result]', { hasText: '校验通过' }).waitFor()

  await p.locator('.van-toast').waitFor({ state: 'hidden' })
  await p.click('.van-tab:has-text("报表")')
  await p.locator('[data-test=chart] canvas').waitFor()
  await p.waitForTimeout(300)
  await p.screenshot({ path: join(shots, '15-supervision-reports.png') })
  const href = await p.locator('[data-test=export-redemptions]').getAttribute('href')
  const res = await p.request.get(href)
  assert.equal(res.status(), 200)
  assert.match(res.headers()['content-type'], /spreadsheetml/)
  const body = await res.body()
  assert.equal(body.subarray(0, 2).toString(), 'PK') // an xlsx is a zip

  // Township staff choose among the township's villages.
  const admin = await (await b.newContext({ viewport: { width: 360, height: 760 }, locale: 'zh-CN', baseURL: BASE })).newPage()
  await admin.goto('/login')
  await admin.fill('input[name=phone]', '13800000000')
  await admin.fill('input[name=password]', 'demo-pass-2026')
  await admin.click('button[type=submit]')
  await admin.waitForURL((u) => !u.pathname.startsWith('/login'))
  await admin.goto('/supervision')
  await admin.locator('[data-test=village] option', { hasText: '尖岩村' }).waitFor({ state: 'attached' })
  await admin.selectOption('[data-test=village]', { label: '尖岩村' })
  await admin.click('.van-tab:has-text("报表")')
  await admin.locator('[data-test=chart] canvas').waitFor()

  // The clerk records money put into the village's fund; the balance moves by exactly that much.
  const clerk = await (await b.newContext({ viewport: { width: 360, height: 760 }, locale: 'zh-CN', baseURL: BASE })).newPage()
  await clerk.goto('/login')
  await clerk.fill('input[name=phone]', '13800000001')
  await clerk.fill('input[name=password]', 'demo-pass-2026')
  await clerk.click('button[type=submit]')
  await clerk.waitForURL((u) => !u.pathname.startsWith('/login'))
  await clerk.goto('/supervision')
  await clerk.click('.van-tab:has-text("报账")')
  const balance = async () => Number((await clerk.locator('[data-test=fund-balance] .van-cell__value').textContent()).replace(/[^0-9.]/g, ''))
  await clerk.locator('[data-test=fund-balance]').waitFor()
  const before = await balance()
  await clerk.fill('[data-test=deposit-amount] input', '0.29')
  await clerk.fill('[data-test=deposit-note] input', '镇财政拨款')
  await clerk.click('[data-test=deposit]')
  await clerk.locator('[data-test=fund-balance] .van-cell__value', { hasText: (before + 0.29).toFixed(2) }).waitFor()
  await clerk.screenshot({ path: join(shots, '16-supervision-fund.png') })
})
