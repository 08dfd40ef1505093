// End to end, in Debian's Chromium: the county's ranking. The township admin finds it from the
// home page, reads the published first half-year with 青山村 warned, and opens the printable
// public board, which anyone reads without logging in; the county admin reads the half-year in
// course live, with no publish button before it ends.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

test('county and township staff read the ranking; anyone reads the published board', async () => {
  const admin = await newPage()
  await login(admin, '13800000000')
  await admin.goto('/home')
  await admin.click('[data-test=county-link]')
  await admin.waitForURL(/\/county$/)
  await admin.selectOption('[data-test=period]', '2026-H1')
  const rows = admin.locator('[data-test=ranking-row]')
  await rows.nth(4).waitFor()
  assert.equal(await rows.count(), 5)
  assert.match(await rows.nth(0).innerText(), /1\s+国茶村\s+80\s+获奖励\s+5,000,000/)
  assert.match(await rows.nth(4).innerText(), /5\s+青山村[\s\S]*70\s+警示/)
  await admin.locator('text=已公布').waitFor()
  await admin.screenshot({ path: join(shots, '30-county-ranking.png') })

  await admin.click('text=打印公示')
  await admin.waitForURL(/\/county-board\/\d+\?period=2026-H1$/)
  await admin.locator('[data-test=board-row]').nth(4).waitFor()
  assert.match(await admin.locator('h1').innerText(), /示范县2026年上半年村级考核排名公示/)

  const visitor = await newPage()
  await visitor.goto(new URL(admin.url()).pathname + '?period=2026-H1')
  await visitor.locator('[data-test=board-row]').nth(4).waitFor()
  assert.match(await visitor.locator('[data-test=board-row]').nth(4).innerText(), /青山村/)
  await visitor.screenshot({ path: join(shots, '31-county-board.png') })

  const county = await newPage()
  await login(county, '13800000500')
  await county.goto('/county')
  await county.selectOption('[data-test=period]', '2026-H2')
  await county.locator('[data-test=ranking-row]').nth(4).waitFor()
  await county.locator('text=实时排名').waitFor()
  assert.equal(await county.locator('[data-test=publish]').count(), 0, 'no publishing before the half-year ends')
  assert.equal(await county.locator('[data-test=flagged]').count(), 1, '青山村, warned twice in a row, is flagged')
})

test('a village official is not shown the county ranking', async () => {
  const clerk = await newPage()
  await login(clerk, '13800000001')
  await clerk.goto('/home')
  assert.equal(await clerk.locator('[data-test=county-link]').count(), 0)
  await clerk.goto('/county')
  await clerk.waitForURL((u) => !u.pathname.startsWith('/county'))
})

test('the dashboard sets the villages side by side, sorts, fills the office screen and exports', async () => {
  const admin = await newPage()
  await login(admin, '13800000000')
  await admin.goto('/home')
  await admin.click('[data-test=dashboard-link]')
  await admin.waitForURL(/\/dashboard$/)
  const rows = admin.locator('[data-test=dashboard-row]')
  await rows.nth(2).waitFor()
  assert.equal(await rows.count(), 3, '葫芦镇 has three villages')
  await admin.click('[data-test=sort-households]') // most households first
  assert.match(await rows.nth(0).innerText(), /国茶村\s+10/)
  assert.match(await admin.locator('[data-test=dashboard-totals]').innerText(), /合计\s+23/)
  const href = await admin.getAttribute('[data-test=export]', 'href')
  const xlsx = await admin.evaluate(async (h) => { const r = await fetch(h); return [r.status, r.headers.get('content-type')] }, href)
  assert.deepEqual(xlsx, [200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'])
  await admin.locator('[data-test=dashboard] svg').first().waitFor() // the chart by month
  await admin.click('[data-test=full-screen]')
  await admin.locator('.screen [data-test=dashboard]').waitFor()
  await admin.screenshot({ path: join(shots, '32-dashboard-screen.png') })

  const county = await newPage()
  await login(county, '13800000500')
  await county.goto('/dashboard')
  await county.locator('[data-test=dashboard-row]').nth(4).waitFor()
  assert.equal(await county.locator('[data-test=dashboard-row]').count(), 5, 'the county sees its five villages')
})

test('a villager finds the red and black lists from the home page; the board prints without a login', async () => {
  const villager = await newPage()
  await login(villager, '13800000013')
  await villager.goto('/home')
  await villager.click('[data-test=lists-link]')
  await villager.waitForURL(/\/lists\/\d+$/)
  await villager.locator('[data-test=lists]').waitFor()
  assert.match(await villager.locator('h1').innerText(), /红黑榜/)
  const visitor = await newPage()
  await visitor.goto(new URL(villager.url()).pathname)
  await visitor.locator('[data-test=lists]').waitFor()
  await visitor.screenshot({ path: join(shots, '33-red-black-lists.png') })
})
