// End to end, in Debian's Chromium: 联户. The clerk makes the representative 13800000011 the grid
// head of household GC-004; that household's head sees on his home page who serves it; the
// representative finds the household on his page and records a visit to it, which the month's
// review meeting record lists.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

test('the clerk sets a grid head; the household sees him; he records a visit', async () => {
  const rep = await newPage()
  await login(rep, '13800000011')
  const name = await rep.evaluate(async () => (await (await fetch('/api/v1/me')).json()).user.name)

  const clerk = await newPage()
  await login(clerk, '13800000001')
  await clerk.goto('/home')
  await clerk.click('[data-test=grid-link]')
  await clerk.waitForURL(/\/grid$/)
  await clerk.click('[data-test=grid-household]')
  await clerk.fill('[data-test=household-search] input', 'GC-004')
  await clerk.locator('[data-test=household-option]', { hasText: 'GC-004' }).click()
  const option = clerk.locator('[data-test=grid-head] option', { hasText: name })
  await option.waitFor({ state: 'attached' })
  await clerk.locator('[data-test=grid-head]').selectOption(await option.getAttribute('value'))
  await clerk.click('[data-test=grid-assign]')
  await clerk.locator('[data-test=grid-row]', { hasText: 'GC-004' }).waitFor()
  await clerk.screenshot({ path: join(shots, '40-grid.png') })

  const villager = await newPage()
  await login(villager, '13800000013')
  await villager.goto('/home')
  assert.match(await villager.locator('[data-test=my-grid-head]').innerText(), new RegExp(name))

  await rep.goto('/home')
  await rep.click('[data-test=served-link]')
  await rep.waitForURL(/\/served$/)
  await rep.locator('[data-test=served-household]', { hasText: 'GC-004' }).waitFor()
  await rep.locator('[data-test=visit-household]').selectOption({ label: await rep.locator('[data-test=visit-household] option', { hasText: 'GC-004' }).innerText() })
  await rep.fill('[data-test=visit-what] textarea', '入户了解老人就医困难，帮助预约县医院')
  await rep.click('[data-test=record-visit]')
  await rep.locator('[data-test=visit]', { hasText: '预约县医院' }).waitFor()

  // The month's review meeting sees it in its record.
  const month = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 7)
  await clerk.evaluate(async (m) => {
    const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )pm_csrf=([^;]*)/) || [])[1] || '')
    const me = (await (await fetch('/api/v1/me')).json()).user
    await fetch(`/api/v1/villages/${me.village_id}/meetings`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ month: m, held_on: new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }) }) })
  }, month)
  await clerk.goto(`/village/meetings/${month}`)
  await clerk.locator('[data-test=record-visit]', { hasText: '预约县医院' }).waitFor()
})
