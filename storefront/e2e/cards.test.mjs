// End to end, in Debian's Chromium: 户卡. The clerk makes a card for household GC-001 and its head
// keys a PIN in at the office; the card prints with its QR and number. At the counter the
// shopkeeper types the card's number, picks a towel and turns the screen: a wrong PIN is refused,
// the right one takes the points, with a receipt to print. The household is told of its card.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

test('the office makes a card with a PIN; the counter takes points with the card and its PIN', async () => {
  const clerk = await newPage()
  await login(clerk, '13800000001')
  await clerk.goto('/home')
  await clerk.click('[data-test=cards-link]')
  await clerk.waitForURL(/\/cards$/)
  await clerk.click('[data-test=card-household]')
  await clerk.fill('[data-test=household-search] input', 'GC-001')
  await clerk.locator('[data-test=household-option]', { hasText: 'GC-001' }).click()
  await clerk.click('[data-test=card-issue]')
  await clerk.getByRole('button', { name: '确认' }).click()
  const row = clerk.locator('[data-test=card-row]', { hasText: '使用中' })
  await row.waitFor()
  const number = ((await row.locator('.van-cell__title').innerText()).replace(/\s/g, '').match(/^\d{12}/) || [''])[0]
  assert.match(number, /^\d{12}$/)
  await clerk.fill('[data-test=card-pin] input', '358214')
  await clerk.fill('[data-test=card-pin-again] input', '358214')
  await clerk.click('[data-test=card-set-pin]')
  await clerk.locator('[data-test=card-row]', { hasText: '已设密码' }).waitFor()

  await row.locator('[data-test=card-print]').click()
  await clerk.waitForURL(/\/cards\/\d+\/print/)
  const printed = clerk.locator('[data-test=printed-number]')
  await printed.waitFor()
  assert.equal((await printed.innerText()).replace(/\s/g, ''), number)
  assert.ok(await clerk.locator('[data-test=printed-card] img').evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR loaded')
  await clerk.screenshot({ path: join(shots, '50-household-card.png') })

  const keeper = await newPage()
  await login(keeper, '13800000002')
  await keeper.goto('/counter')
  await keeper.click('[data-test=card-checkout-link]')
  await keeper.waitForURL(/\/counter\/card$/)
  await keeper.fill('[data-test=card-number] input', number.replace(/(\d{4})(?=\d)/g, '$1 '))
  await keeper.click('[data-test=card-lookup]')
  await keeper.locator('[data-test=card-preview]', { hasText: 'GC-001' }).waitFor()
  await keeper.getByRole('button', { name: '加一件 毛巾' }).click()
  const key = async (pin) => { for (const d of pin) await keeper.click(`[data-test=pin-${d}]`) }
  await key('111222')
  await keeper.click('[data-test=card-charge]')
  await keeper.locator('[data-test=result]', { hasText: '密码错误' }).waitFor()
  await key('358214')
  await keeper.screenshot({ path: join(shots, '51-card-pin-pad.png') })
  await keeper.click('[data-test=card-charge]')
  await keeper.locator('[data-test=result]', { hasText: '兑换成功' }).waitFor()
  assert.match(await keeper.locator('[data-test=result]').innerText(), /9 分|扣除 9/)
  await keeper.click('[data-test=receipt-link]')
  await keeper.waitForURL(/\/receipts\/\d+$/)
  const receipt = keeper.locator('[data-test=receipt]')
  await receipt.waitFor()
  assert.match(await receipt.innerText(), /国茶村便民超市[\s\S]*户卡[\s\S]*张\*国[\s\S]*毛巾[\s\S]*共 9 分/)
  await keeper.screenshot({ path: join(shots, '52-receipt.png') })

  const head = await newPage()
  await login(head, '13800000010')
  await head.goto('/inbox')
  await head.locator('[data-test=notification]', { hasText: '户卡' }).first().waitFor()
})
