// End to end, in Chromium: the shop's link drops (DevTools' offline switch). The counter had its
// shop's offline key from when it was online; it redeems three vouchers by their QR text, refuses
// one it has already redeemed and another shop's, says it is offline and how many wait, keeps them
// across a reload, and when the link returns syncs each exactly once — though the first had reached
// the service already (a sync cut off after the service took it, before the device heard back).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

// vouchers orders n vouchers of a 国茶村 household at its shop and returns their QR texts.
async function vouchers(phone, n) {
  const page = await newPage()
  await login(page, phone)
  const codes = await page.evaluate(async (n) => {
    const csrf = decodeURIComponent((document.cookie.match(/(?:^|; )pm_csrf=([^;]*)/) || [])[1] || '')
    const shop = (await (await fetch('/api/v1/shops')).json()).shops[0]
    const goods = (await (await fetch(`/api/v1/shops/${shop.id}/goods`)).json()).goods.find((g) => g.name === '食盐（500克）')
    const out = []
    for (let i = 0; i < n; i++) {
      const r = await fetch('/api/v1/vouchers', {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ shop_id: shop.id, items: [{ goods_id: goods.id, quantity: 1 }] }),
      })
      out.push({ id: (await r.clone().json()).id, code: (await r.json()).code })
    }
    return out
  }, n)
  await page.context().close()
  return codes
}

test('the counter redeems offline, keeps the redemptions across a reload and syncs each once', async () => {
  const mine = await vouchers('13800000010', 3)
  const [foreign] = await vouchers('13800000110', 1) // 尖岩村's shop

  const keeper = await newPage()
  await login(keeper, '13800000002')
  await keeper.evaluate(() => navigator.serviceWorker.ready)
  await keeper.goto('/counter')
  await keeper.waitForFunction(() => navigator.serviceWorker.controller !== null)
  await keeper.locator('[data-test=short-code-input] input').waitFor()
  await keeper.waitForTimeout(500) // the offline key and the goods are kept (IndexedDB)

  await keeper.context().setOffline(true)
  const scan = async (code) => {
    await keeper.fill('[data-test=short-code-input] input', code)
    await keeper.click('[data-test=lookup]')
  }
  for (const v of mine) {
    await scan(v.code)
    await keeper.locator('[data-test=preview]', { hasText: '食盐' }).waitFor()
    await keeper.click('[data-test=confirm]')
    await keeper.locator('[data-test=result]', { hasText: '已离线兑换' }).waitFor()
    await keeper.getByRole('button', { name: '下一位' }).click()
  }
  await scan(mine[0].code)
  await keeper.locator('[data-test=result]', { hasText: '已在本机兑换过' }).waitFor()
  await keeper.getByRole('button', { name: '下一位' }).click()
  await scan(foreign.code)
  await keeper.locator('[data-test=result]', { hasText: '二维码无效' }).waitFor() // its tag is under another shop's key
  await keeper.getByRole('button', { name: '下一位' }).click()
  assert.match(await keeper.locator('[data-test=offline-bar]').innerText(), /离线模式[\s\S]*3 笔离线兑换待同步/)
  await keeper.screenshot({ path: join(shots, '53-counter-offline.png') })

  await keeper.reload() // offline: the service worker serves the app, IndexedDB kept the redemptions
  await keeper.locator('[data-test=offline-bar]', { hasText: '3 笔' }).waitFor()

  // The first redemption reached the service, but its answer never came back.
  const first = await keeper.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('pm-counter', 1)
    req.onsuccess = () => {
      const all = req.result.transaction('queue').objectStore('queue').getAll()
      all.onsuccess = () => resolve(all.result.sort((a, b) => a.at.localeCompare(b.at))[0])
    }
  }))
  // (sent from outside the page, which still has no link, with the page's session and key)
  const csrf = (await keeper.context().cookies()).find((c) => c.name === 'pm_csrf').value
  const taken = await keeper.context().request.post('/api/v1/counter/redeem', { headers: { 'X-CSRF-Token': csrf, 'Idempotency-Key': first.key },
    data: { code: first.code, offline_at: first.at } })
  assert.equal(taken.status(), 200, await taken.text())
  await keeper.context().setOffline(false)

  // The link is back: the page syncs all three (the first replays) and the bar goes.
  await keeper.locator('[data-test=offline-bar]').waitFor({ state: 'detached' })
  assert.equal(await keeper.locator('[data-test=sync-problem]').count(), 0, 'nothing refused at sync')
  const today = await keeper.evaluate(async () => (await (await fetch('/api/v1/counter/today')).json()).redemptions)
  for (const v of mine) {
    assert.equal(today.filter((r) => r.voucher_id === v.id).length, 1, `voucher ${v.id} redeemed once`)
  }
})
