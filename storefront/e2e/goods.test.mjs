// End to end, in Chromium at 360 px: the shopkeeper's goods. Stock-in says what changed and the
// low-stock filter follows at once; a goods is added through the form; the shelf switch is named.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

test('the shopkeeper stocks in, sees the low-stock count follow, and adds goods', async () => {
  const page = await newPage()
  await login(page, '13800000002')
  await page.goto('/counter/goods')
  const low = page.locator('[data-test=low-stock-tab]')
  await low.waitFor()
  const before = Number((await low.innerText()).match(/\((\d+)\)/)[1])
  assert.ok(before >= 1, '牙膏 is low on stock in the demo')
  await page.getByRole('switch', { name: '牙膏 上架' }).waitFor()

  await page.getByRole('button', { name: '进货 牙膏' }).click()
  const stockIn = page.locator('.van-dialog', { hasText: '进货 · 牙膏' })
  await stockIn.locator('input').fill('20')
  await stockIn.locator('.van-dialog__confirm').click()
  await page.locator('.van-toast', { hasText: /牙膏 进货 20支，现有库存 \d+支/ }).waitFor()
  await page.locator('[data-test=low-stock-tab]', { hasText: `(${before - 1})` }).waitFor()

  await page.getByRole('button', { name: '添加商品' }).click()
  const form = page.locator('[data-test=goods-form]')
  await form.waitFor()
  for (const [label, value] of [['名称', '红糖'], ['分类', '调味'], ['单位', '袋'], ['所需积分', '6'], ['协议价（元）', '6.00']]) {
    await form.getByLabel(label, { exact: true }).fill(value)
  }
  await page.locator('.van-dialog', { has: form }).locator('.van-dialog__confirm').click()
  await page.locator('.van-toast', { hasText: '已添加 红糖' }).waitFor()
  await page.locator('.van-card', { hasText: '红糖' }).waitFor()
  await page.screenshot({ path: join(shots, '09b-goods-added.png'), fullPage: true })
})
