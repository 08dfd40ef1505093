// End to end, in Debian's Chromium: 代办. 张建国 names his neighbour (by the phone she logs in with)
// as his household's proxy with a monthly ceiling; she chooses his household in the shop, sees
// what she may spend for it, and takes a voucher on its points; he is told in his inbox.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { newPage, login } from './browser.mjs'

test('a household names a proxy, who takes a voucher on its points; the household is told', async () => {
  const head = await newPage()
  await login(head, '13800000010')
  await head.goto('/home')
  await head.click('[data-test=proxies-link]')
  await head.waitForURL(/\/proxies$/)
  await head.fill('[data-test=proxy-phone] input', '13800000014')
  await head.fill('[data-test=proxy-ceiling] input', '100')
  await head.click('[data-test=name-proxy]')
  await head.locator('[data-test=proxy]', { hasText: '每月最多 100 分' }).waitFor()

  const proxy = await newPage()
  await login(proxy, '13800000014')
  await proxy.goto('/shop')
  const whom = proxy.locator('[data-test=for-whom]')
  await whom.waitFor()
  await whom.selectOption({ label: await whom.locator('option', { hasText: '代办' }).innerText() })
  assert.match(await proxy.locator('[data-test=shop-balance]').innerText(), /100/, 'what the proxy may spend: the ceiling')
  await proxy.getByRole('button', { name: '加一件 毛巾' }).click()
  await proxy.locator('[data-test=order] button').click()
  await proxy.locator('[data-test=confirm]').waitFor()
  await proxy.click('[data-test=confirm-order]')
  await proxy.waitForURL(/\/vouchers\/\d+$/)

  await head.goto('/inbox')
  await head.locator('[data-test=notification]', { hasText: '代办人为您家开了兑换券' }).waitFor()
})
