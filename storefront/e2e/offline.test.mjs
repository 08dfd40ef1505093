// End to end, in Chromium at 360 px: the signal goes. The app is installable (a manifest with an
// icon, a service worker); an issued voucher seen once opens again with no network, its QR and
// short code shown and the time it was saved; a page whose code was never downloaded says so and
// comes up on "重试" once the signal is back.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

test('an issued voucher can be shown with no signal, and a page that did not download says so', async () => {
  const page = await newPage()
  const manifest = await (await page.request.get('/manifest.webmanifest')).json()
  assert.equal(manifest.name, '积分超市')
  assert.ok(manifest.icons.length > 0)

  await login(page, '13800000014')
  await page.evaluate(() => navigator.serviceWorker.ready)
  await page.reload() // the service worker now controls the page and keeps what it fetches
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  await page.goto('/shop')
  await page.getByRole('button', { name: '加一件 肥皂' }).click()
  await page.locator('[data-test=order] button').click()
  await page.locator('[data-test=confirm-order]').click()
  await page.waitForURL(/\/vouchers\/\d+$/)
  await page.locator('[data-test=qr]').waitFor()
  await page.waitForFunction(() => document.querySelector('[data-test=qr]').complete)
  const code = (await page.locator('[data-test=short-code]').innerText()).trim()
  const voucher = new URL(page.url()).pathname

  await page.context().setOffline(true)
  await page.goto('/home').catch(() => {}) // the shell comes from the service worker
  await page.goto(voucher)
  await page.locator('[data-test=offline-copy]', { hasText: '没有网络' }).waitFor()
  assert.equal((await page.locator('[data-test=short-code]').innerText()).trim(), code)
  assert.ok(await page.locator('[data-test=qr]').evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR shows offline')
  await page.screenshot({ path: join(shots, 'offline-voucher.png') })

  // 付款码's code was never downloaded: the tap says so, and "重试" works once the signal is back.
  await page.locator('.van-tabbar-item', { hasText: '付款码' }).click()
  const failed = page.locator('[data-test=nav-failed]')
  await failed.waitFor()
  assert.match(await failed.innerText(), /没有下载成功/)
  await page.screenshot({ path: join(shots, 'offline-tab.png') })
  await page.context().setOffline(false)
  await failed.getByRole('button', { name: '重试' }).click()
  await page.waitForURL(/\/member-code$/)
  await page.locator('[data-test=member-qr]').waitFor()
})
