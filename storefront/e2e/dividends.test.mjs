// End to end, in Debian's Chromium: the dividends page. A villager finds it from the home page and
// reads how a dividend is shared; the clerk proposes one, and the service's refusal (the demo's
// history has no posted entries in those months) is shown in words, not as a code. The flow with
// shares, objections and payments is covered against the service in Go and on the page in Vitest.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

test('a villager finds the dividends; the clerk proposes one and is told why it cannot be shared', async () => {
  const villager = await newPage()
  await login(villager, '13800000010')
  await villager.goto('/home')
  await villager.click('[data-test=dividends-link]')
  await villager.waitForURL(/\/dividends$/)
  await villager.locator('text=兑换不减少分红').waitFor()
  assert.equal(await villager.locator('[data-test=propose]').count(), 0, 'a villager proposes no dividend')

  const clerk = await newPage()
  await login(clerk, '13800000001')
  await clerk.goto('/dividends')
  await clerk.fill('[data-test=dividend-title] input', '2026年集体经济分红')
  await clerk.fill('[data-test=dividend-amount] input', '12,345.67')
  const months = clerk.locator('input[placeholder="年-月，如 2026-11"]')
  await months.nth(0).fill('2001-01')
  await months.nth(0).blur()
  await months.nth(1).fill('2001/3')
  await months.nth(1).blur()
  await clerk.click('[data-test=propose]')
  await clerk.locator('text=这些月份没有农户获得积分').waitFor()
  await clerk.screenshot({ path: join(shots, '36-dividends.png') })
})
