// End to end, in Chromium at 360 px, in English: the counter, the clerk and the supervisor meet
// their pages in the second language as the Chinese suite meets them in the first.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

async function english(phone) {
  const page = await newPage()
  await page.addInitScript(() => localStorage.setItem('pm.locale', 'en'))
  await login(page, phone)
  return page
}

test('in English: a voucher redeemed by its typed code, then reversed, says so on both sides', async () => {
  const villager = await english('13800000010')
  await villager.goto('/shop')
  await villager.getByRole('button', { name: 'One more 食盐（500克）' }).click()
  await villager.locator('[data-test=order] button').click()
  await villager.getByRole('button', { name: 'Make the voucher' }).click()
  await villager.waitForURL(/\/vouchers\/\d+$/)
  const code = (await villager.locator('[data-test=short-code]').innerText()).trim()

  const keeper = await english('13800000002')
  await keeper.waitForURL(/\/counter$/)
  await keeper.fill('[data-test=short-code-input] input', code)
  await keeper.getByRole('button', { name: 'Look up' }).click()
  await keeper.locator('[data-test=preview]', { hasText: '食盐（500克）' }).waitFor()
  await keeper.getByRole('button', { name: 'Redeem' }).click()
  await keeper.locator('[data-test=result]', { hasText: 'Redeemed' }).waitFor()

  await villager.reload()
  await villager.locator('[data-test=status]', { hasText: /^Redeemed .+ at 国茶村便民超市$/ }).waitFor()

  await keeper.goto('/counter/today')
  const line = keeper.locator('[data-test=today-line]', { hasText: '食盐（500克）×1' }).first()
  await line.getByRole('button', { name: /^Reverse: 食盐（500克）×1 of / }).click()
  const dialog = keeper.locator('.van-dialog', { hasText: 'points go back to the account' })
  await dialog.locator('input').fill('wrong item')
  await dialog.getByRole('button', { name: 'Reverse it' }).click()
  await keeper.locator('.van-toast', { hasText: 'Reversed: 3 points are back' }).waitFor()
  await keeper.screenshot({ path: join(shots, 'en-today.png') })

  await villager.reload()
  await villager.locator('[data-test=status]', { hasText: 'Returned: the points are back' }).waitFor()
})

test('in English: the clerk registers points and sees the meeting, the supervisor reads the log in words', async () => {
  const clerk = await english('13800000001')
  await clerk.goto('/village')
  await clerk.click('[data-test=pick-item]')
  await clerk.locator('.van-picker-column__item', { hasText: 'R01' }).click()
  await clerk.waitForTimeout(400) // the column settles on the option
  await clerk.click('.van-picker__confirm')
  await clerk.click('[data-test=pick-household]')
  await clerk.fill('[data-test=household-search] input', 'GC-007')
  await clerk.click('[data-test=household-option]:has-text("GC-007")')
  await clerk.fill('[data-test=entry-reason] input', 'swept the square')
  await clerk.getByRole('button', { name: 'Submit' }).click()
  await clerk.locator('.van-toast', { hasText: /^Registered: GC-007 .+ · 参加义务劳动 20 points$/ }).waitFor()
  await clerk.locator('.van-tab', { hasText: 'Meeting' }).click()
  await clerk.locator('[data-test=meeting-state]', { hasText: 'Meeting of' }).waitFor()
  await clerk.screenshot({ path: join(shots, 'en-village.png') })

  const sup = await english('13800000003')
  await sup.goto('/supervision')
  const feed = sup.locator('[data-test=feed-item]', { hasText: '(Shopkeeper) Voucher redeemed' }).first()
  await feed.waitFor()
  assert.match(await feed.innerText(), /×\d+ · \d+ pts/)
  await sup.locator('.van-tab', { hasText: 'Audit log' }).click()
  await sup.selectOption('[data-test=filter-action]', { label: 'Points registered' })
  await sup.getByRole('button', { name: 'Filter' }).click()
  await sup.locator('[data-test=audit-entry]', { hasText: '(Village clerk) Points registered' }).first().waitFor()
  await sup.getByRole('button', { name: 'Verify log' }).click()
  await sup.locator('[data-test=verify-result]', { hasText: /^\s*Verified: \d+ entries in \d+ chains/ }).waitFor()
  await sup.screenshot({ path: join(shots, 'en-supervision.png') })
})
