// End to end, in Debian's Chromium: a villager orders goods and gets a QR; the shopkeeper's counter
// redeems one voucher by the typed short code and another by scanning — the camera is fed a video
// made from the voucher's QR image; the villager sees the points gone and the voucher redeemed; a
// second scan shows "already redeemed". Screenshots of the main pages at 360 px go to e2e/screenshots.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shots, newPage as browser, login } from './browser.mjs'

async function available(page) {
  await page.goto('/home')
  return Number(await page.locator('[data-test=available]').innerText())
}

// order puts quantity of the goods named name in the cart and gets a voucher; it returns its id.
async function order(page, name, quantity) {
  await page.goto('/shop')
  for (let i = 0; i < quantity; i++) await page.getByRole('button', { name: `加一件 ${name}` }).click()
  await page.locator('[data-test=order] button').click()
  // A confirmation first: what, how many points, which shop, until when.
  assert.match(await page.locator('[data-test=confirm]').innerText(), new RegExp(`${name}[^×\\n]* × ${quantity}[\\s\\S]*国茶村便民超市[\\s\\S]*有效期 \\d+ 天`))
  await page.locator('[data-test=confirm-order]').click()
  await page.waitForURL(/\/vouchers\/\d+$/)
  await page.locator('[data-test=qr]').waitFor()
  return Number(new URL(page.url()).pathname.split('/').pop())
}

// y4mOf turns the voucher's QR PNG into a Y4M video (YUV 4:2:0) that Chromium's fake camera loops.
async function y4mOf(page, id) {
  const { w, h, rgba } = await page.evaluate(async (src) => {
    const img = new Image()
    img.src = src
    await img.decode()
    const W = 640, H = 480, S = 360
    const c = document.createElement('canvas')
    c.width = W
    c.height = H
    const g = c.getContext('2d')
    g.fillStyle = '#fff'
    g.fillRect(0, 0, W, H)
    g.imageSmoothingEnabled = false
    g.drawImage(img, (W - S) / 2, (H - S) / 2, S, S)
    return { w: W, h: H, rgba: Array.from(g.getImageData(0, 0, W, H).data) }
  }, `/api/v1/vouchers/${id}/qr.png`)
  const Y = Buffer.alloc(w * h), U = Buffer.alloc(w * h / 4), V = Buffer.alloc(w * h / 4)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = (y * w + x) * 4
    Y[y * w + x] = Math.round(0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2])
  }
  for (let y = 0; y < h; y += 2) for (let x = 0; x < w; x += 2) {
    let r = 0, g = 0, b = 0
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
      const i = ((y + dy) * w + x + dx) * 4
      r += rgba[i] / 4; g += rgba[i + 1] / 4; b += rgba[i + 2] / 4
    }
    const j = (y / 2) * (w / 2) + x / 2
    U[j] = Math.round(-0.169 * r - 0.331 * g + 0.5 * b + 128)
    V[j] = Math.round(0.5 * r - 0.419 * g - 0.081 * b + 128)
  }
  const frames = [Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`)]
  for (let f = 0; f < 10; f++) frames.push(Buffer.from('FRAME\n'), Y, U, V)
  const file = join(tmpdir(), `pm-e2e-qr-${process.pid}-${id}.y4m`)
  writeFileSync(file, Buffer.concat(frames))
  return file
}

test('a voucher is redeemed at the counter by short code and by camera, once', async () => {
  const villager = await browser()
  await villager.goto('/login')
  await villager.screenshot({ path: join(shots, '01-login.png') })
  await login(villager, '13800000010')
  const before = await available(villager)
  await villager.screenshot({ path: join(shots, '02-home.png') })

  // Voucher 1: 2 × 食盐 (3 points each), redeemed by the typed short code.
  const first = await order(villager, '食盐', 2)
  const short = (await villager.locator('[data-test=short-code]').innerText()).trim()
  assert.match(short, /^\d{8}$/)
  await villager.screenshot({ path: join(shots, '04-voucher.png') })

  const keeper = await browser()
  await login(keeper, '13800000002')
  await keeper.waitForURL(/\/counter$/)
  // A mistyped code is told as such, not as a bad QR code.
  const wrong = short.slice(0, 7) + String((Number(short[7]) + 5) % 10)
  await keeper.fill('[data-test=short-code-input] input', wrong)
  await keeper.click('[data-test=lookup]')
  await keeper.locator('[data-test=result]', { hasText: '兑换码不存在，请核对' }).waitFor()
  await keeper.click('text=下一位')
  await keeper.fill('[data-test=short-code-input] input', short)
  await keeper.click('[data-test=lookup]')
  await keeper.locator('[data-test=preview]').waitFor()
  assert.match(await keeper.locator('[data-test=preview]').innerText(), /食盐/)
  await keeper.click('[data-test=confirm]')
  await keeper.locator('[data-test=result]', { hasText: '兑换成功' }).waitFor()
  await keeper.screenshot({ path: join(shots, '06-counter-redeemed.png') })

  // Voucher 2: 1 × 肥皂 (4 points), scanned from the camera.
  const second = await order(villager, '肥皂', 1)
  const video = await y4mOf(villager, second)
  const scanner = await browser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`])
  await login(scanner, '13800000002')
  await scanner.waitForURL(/\/counter$/)
  await scanner.locator('[data-test=preview]').waitFor({ timeout: 20000 })
  assert.match(await scanner.locator('[data-test=preview]').innerText(), /肥皂/)
  await scanner.click('[data-test=confirm]')
  await scanner.locator('[data-test=result]', { hasText: '兑换成功' }).waitFor()
  // The camera still sees the same QR: after "next", the second scan says it was already redeemed.
  await scanner.click('text=下一位')
  const refusal = scanner.locator('[data-test=result]', { hasText: '已于' })
  await refusal.waitFor({ timeout: 20000 })
  assert.match(await refusal.innerText(), /国茶村便民超市兑换/)
  await scanner.screenshot({ path: join(shots, '07-counter-already-redeemed.png') })

  // The villager sees both vouchers redeemed and the points gone.
  // The villager sees both vouchers redeemed, where and when, and the points gone.
  for (const id of [first, second]) {
    await villager.goto(`/vouchers/${id}`)
    await villager.locator('[data-test=status]', { hasText: '在国茶村便民超市兑换' }).waitFor()
  }
  assert.equal(await available(villager), before - 2 * 3 - 4)
  await villager.goto('/vouchers')
  await villager.locator('[data-test=my-voucher]', { hasText: '国茶村便民超市' }).first().waitFor()

  // The shopkeeper reverses the soap (a button, then a confirmation with a reason); the villager's
  // voucher then says the goods came back and the points with them.
  await keeper.goto('/counter/today')
  const soap = keeper.locator('[data-test=today-line]', { hasText: '肥皂' })
  assert.match(await soap.innerText(), /\*/) // the holder, masked
  await soap.locator('[data-test=reverse]').click()
  await keeper.fill('[data-test=reverse-reason] input', '包装破损')
  await keeper.click('.van-dialog__confirm')
  await keeper.locator('.van-toast', { hasText: '积分已退回' }).waitFor()
  await villager.goto(`/vouchers/${second}`)
  await villager.locator('[data-test=status]', { hasText: '已退货，积分已退回' }).waitFor()
  assert.equal(await available(villager), before - 2 * 3)

  // The rest of the main pages, for a look at 360 px.
  await villager.goto('/shop')
  await villager.locator('.van-card').first().waitFor()
  await villager.screenshot({ path: join(shots, '03-shop.png'), fullPage: true })
  await villager.goto('/member-code')
  await villager.locator('[data-test=member-qr]').waitFor()
  await villager.screenshot({ path: join(shots, '05-member-code.png') })
  await keeper.goto('/counter/today')
  await keeper.locator('[data-test=today-count]').waitFor()
  // The reversed one does not count (other tests redeem at this shop today too: count the lines).
  const lines = keeper.locator('[data-test=today-line]')
  const kept = (await lines.allInnerTexts()).filter((x) => !x.includes('已退货')).length
  assert.equal(await keeper.locator('[data-test=today-count]').innerText(), `${kept} 笔`)
  assert.ok(kept < await lines.count(), 'the reversal is listed')
  await keeper.screenshot({ path: join(shots, '08-today.png'), fullPage: true })
  await keeper.goto('/counter/goods')
  await keeper.locator('.van-card').first().waitFor()
  await keeper.screenshot({ path: join(shots, '09-goods.png') })
})

test('a villager\'s first load stays under 200 KB of compressed JavaScript', async () => {
  // Without the service worker, which would answer the page's later requests itself.
  const page = await browser([], { serviceWorkers: 'block' })
  let js = 0
  const sizes = []
  page.on('requestfinished', (req) => {
    if (req.resourceType() === 'script') sizes.push(req.sizes().then((s) => { js += s.responseBodySize }))
  })
  await login(page, '13800000110')
  await page.locator('[data-test=available]').waitFor()
  await Promise.all(sizes)
  console.log(`villager first load: ${(js / 1024).toFixed(1)} KB of compressed JavaScript in ${sizes.length} files`)
  assert.ok(js > 10 * 1024, 'no JavaScript measured: is the server compressing and the page loading?')
  assert.ok(js < 200 * 1024, `first load is ${js} bytes of JavaScript`)
})

test('a member code that cannot be scanned is read out as 8 digits and typed at the counter', async () => {
  const villager = await browser()
  await login(villager, '13800000011')
  await villager.goto('/member-code')
  const shown = villager.locator('[data-test=member-digits]')
  await shown.waitFor()
  const digits = (await shown.innerText()).trim()
  assert.match(digits, /^\d{4} \d{4}$/)
  await villager.screenshot({ path: join(shots, '05b-member-digits.png') })

  const keeper = await browser()
  await login(keeper, '13800000002')
  await keeper.goto('/counter/checkout')
  await keeper.fill('[data-test=member-digits] input', '0000 0000')
  await keeper.click('button[type=submit]')
  await keeper.locator('[role=alert]', { hasText: '付款码数字不存在' }).waitFor()
  await keeper.fill('[data-test=member-digits] input', digits)
  await keeper.click('button[type=submit]')
  await keeper.getByRole('button', { name: '加一件 食盐（500克）' }).click()
  await keeper.getByRole('button', { name: /确认扣分/ }).click()
  await keeper.locator('[role=alert]', { hasText: '兑换成功' }).waitFor()
  await villager.locator('[data-test=member-taken]', { hasText: '刚刚扣除 3 积分' }).waitFor({ timeout: 15000 })
  // "My orders" lists it, with the shop.
  await villager.goto('/vouchers')
  await villager.locator('[data-test=my-checkout]', { hasText: '国茶村便民超市' }).first().waitFor()
})
