// End to end, in Chromium at 360 px: the villager's shop. The balance is in sight while shopping;
// a stepper stops at the goods' monthly limit and says why; a goods' detail sheet takes the focus
// and gives it back; a cart above the balance says how many points are missing; the order is
// confirmed before a voucher is made, and cancelling it says the points are back.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

test('the shop shows the balance, stops at the monthly limit, confirms the order, and cancelling gives the points back', async () => {
  const page = await newPage()
  await login(page, '13800000013')
  await page.goto('/shop')
  const balance = page.locator('[data-test=shop-balance]')
  await balance.waitFor()
  const available = Number((await balance.innerText()).replace(/\D/g, ''))
  assert.ok(available > 0, 'the balance is shown while shopping')

  // 菜籽油 may be taken twice a month per household: the third + is refused on the spot, in words.
  const more = page.getByRole('button', { name: '加一件 菜籽油（5升）' })
  await more.click()
  await more.click()
  assert.equal(await more.isDisabled(), true)
  const oil = page.getByRole('group', { name: '菜籽油（5升） 数量' })
  assert.equal(await oil.getByRole('spinbutton').inputValue(), '2')
  await page.locator('.quantity', { hasText: '本户每月限兑 2桶' }).first().waitFor()
  await page.screenshot({ path: join(shots, 'shop-limit.png'), fullPage: true })

  // The detail sheet: its title has the focus, and closing it gives the focus back.
  const name = page.getByRole('button', { name: '查看 菜籽油（5升） 详情' })
  await name.click()
  const sheet = page.locator('[data-test=goods-detail]')
  await sheet.waitFor()
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '菜籽油（5升）')
  await page.screenshot({ path: join(shots, 'shop-detail.png') })
  await page.getByRole('button', { name: '关闭' }).click()
  await sheet.waitFor({ state: 'detached' })
  await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('aria-label') === '查看 菜籽油（5升） 详情')

  // More than the balance: the order button waits, and the page says how many points are missing.
  const rice = Math.floor((available - 170) / 55) + 1 // 大米 is 55 points: just past the balance
  const count = page.getByRole('spinbutton', { name: '大米（10公斤） 数量' })
  await count.fill(String(rice))
  await count.blur()
  await page.locator('[data-test=short]', { hasText: `积分不足：还差 ${170 + 55 * rice - available} 分` }).waitFor()
  assert.equal(await page.locator('[data-test=order] button').isDisabled(), true)
  await count.fill('0')
  await count.blur()
  await page.locator('[data-test=short]').waitFor({ state: 'detached' })

  // The confirmation sheet, then the voucher; cancelling it says the points are back.
  await page.locator('[data-test=order] button').click()
  const confirm = page.locator('[data-test=confirm]')
  await confirm.waitFor()
  assert.match(await confirm.innerText(), /菜籽油（5升） × 2[\s\S]*170 分[\s\S]*国茶村便民超市[\s\S]*有效期 \d+ 天，至/)
  await page.screenshot({ path: join(shots, 'shop-confirm.png') })
  await page.click('[data-test=confirm-order]')
  await page.waitForURL(/\/vouchers\/\d+$/)
  await page.getByRole('button', { name: '作废此券' }).click()
  await page.locator('.van-dialog', { hasText: '170 积分退回您的账户' }).waitFor()
  await page.click('.van-dialog__confirm')
  await page.locator('[data-test=status]', { hasText: '已作废，积分已退回' }).waitFor()
  await page.locator('.van-toast', { hasText: '已作废，170 积分已退回' }).waitFor()
})

// With the keyboard only (a switch or a keyboard on an old phone, or TalkBack's own navigation):
// log in, add goods, confirm, get the voucher — every step reached by Tab and pressed by Enter.
test('a villager orders with the keyboard alone', async () => {
  const page = await newPage()
  await page.goto('/login')
  await page.locator('input[name=phone]').focus()
  await page.keyboard.type('13800000014')
  await page.keyboard.press('Tab')
  await page.keyboard.type('demo-pass-2026')
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.goto('/shop')
  await page.getByRole('button', { name: '加一件 毛巾' }).waitFor()
  // Tab until the focus is on "加一件 毛巾", then press it twice.
  const focusOn = async (name, limit = 80) => {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab')
      const label = await page.evaluate(() => document.activeElement && (document.activeElement.getAttribute('aria-label') || document.activeElement.textContent.trim()))
      if (label === name) return
    }
    assert.fail(`Tab never reached "${name}"`)
  }
  await focusOn('加一件 毛巾')
  await page.keyboard.press('Enter')
  await page.keyboard.press('Enter')
  assert.equal(await page.getByRole('spinbutton', { name: '毛巾 数量' }).inputValue(), '2')
  await focusOn('生成兑换券')
  await page.keyboard.press('Enter')
  await page.locator('[data-test=confirm]').waitFor()
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '确认兑换') // the sheet has the focus
  await focusOn('确认生成兑换券', 20)
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/vouchers\/\d+$/)
  await page.locator('[data-test=short-code]').waitFor()
  await page.getByRole('button', { name: '作废此券' }).click() // leave the household's points as they were
  await page.click('.van-dialog__confirm')
  await page.locator('[data-test=status]', { hasText: '已作废' }).waitFor()
})

// The same journey in English: the shop, the confirmation, the voucher and its cancelling.
test('a villager orders in English', async () => {
  const page = await newPage()
  await page.addInitScript(() => localStorage.setItem('pm.locale', 'en'))
  await login(page, '13800000014')
  await page.goto('/shop')
  await page.locator('[data-test=shop-balance]', { hasText: /^Available: \d+ points$/ }).waitFor()
  await page.getByRole('button', { name: 'One more 毛巾' }).click()
  await page.locator('[data-test=order] button', { hasText: 'Get voucher' }).click()
  const confirm = page.locator('[data-test=confirm]')
  await confirm.waitFor()
  assert.match(await confirm.innerText(), /Confirm[\s\S]*毛巾 × 1[\s\S]*9 pts[\s\S]*Shop[\s\S]*国茶村便民超市[\s\S]*The voucher is valid \d+ days, until/)
  await page.getByRole('button', { name: 'Make the voucher' }).click()
  await page.waitForURL(/\/vouchers\/\d+$/)
  await page.locator('[data-test=status]', { hasText: 'Ready' }).waitFor()
  await page.getByRole('button', { name: 'Cancel voucher' }).click()
  await page.locator('.van-dialog', { hasText: 'its 9 points come back' }).waitFor()
  await page.click('.van-dialog__confirm')
  await page.locator('[data-test=status]', { hasText: 'Cancelled: the points are back' }).waitFor()
  await page.screenshot({ path: join(shots, 'shop-en-cancelled.png') })
})
