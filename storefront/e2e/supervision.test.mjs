// End to end, in Debian's Chromium: the supervisor's board. It runs after counter.test.mjs in the
// same service, so the feed holds that test's redemptions: the supervisor sees them, verifies the
// audit log, sees the chart of points earned and spent, and downloads an Excel export; the clerk
// records a deposit into the village's fund.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

test('the supervisor follows redemptions, verifies the audit log, reads the chart and exports', async () => {
  const p = await newPage()
  await login(p, '13800000003')
  await p.goto('/supervision')
  // The feed says who did what in words: the shopkeeper by name and role, the goods, the points.
  const line = p.locator('[data-test=feed-item]', { hasText: '兑换券兑换' }).first()
  await line.waitFor()
  assert.match(await line.innerText(), /（超市店主） 兑换券兑换[\s\S]*×\d+ · \d+ 分/)
  await p.screenshot({ path: join(shots, '14-supervision-feed.png') })

  await p.click('.van-tab:has-text("审计日志")')
  await p.locator('[data-test=audit-entry]').first().waitFor()
  // Filtered to redemptions (a choice, in Chinese), every line shown is a redemption.
  await p.selectOption('[data-test=filter-object-type]', { label: '兑换记录' })
  await p.click('[data-test=apply-filter]')
  await p.waitForFunction(() => {
    const labels = [...document.querySelectorAll('[data-test=audit-entry] .van-cell__label')].map((e) => e.textContent)
    return labels.length > 0 && labels.every((t) => t.includes('兑换记录 #'))
  })
  // Dates as China writes them: today typed with slashes keeps today's redemptions.
  const today = new Date().toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) // 2026/12/1
  await p.fill('[data-test=filter-from] input', today)
  await p.locator('[data-test=filter-from] input').blur()
  assert.equal(await p.inputValue('[data-test=filter-from] input'), new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }))
  await p.click('[data-test=apply-filter]')
  await p.locator('[data-test=audit-entry]').first().waitFor()
  await p.screenshot({ path: join(shots, '14b-supervision-audit-filter.png') })
  await p.click('[data-test=verify]')
  await p.locator('[data-test=verify-result]', { hasText: '校验通过' }).waitFor()

  await p.locator('.van-toast').waitFor({ state: 'hidden' })
  await p.click('.van-tab:has-text("报表")')
  await p.locator('[data-test=chart] svg').waitFor()
  // Two bars a month, the spent ones drawn (the counter test redeemed this month), and the figures in a table.
  assert.equal(await p.locator('[data-test=chart] svg rect').count(), 2 * await p.locator('[data-test=chart] tbody tr').count())
  assert.ok(await p.locator('[data-test=chart] rect.spent').evaluateAll((rs) => rs.some((r) => Number(r.getAttribute('height')) > 0)))
  await p.waitForTimeout(300)
  await p.screenshot({ path: join(shots, '15-supervision-reports.png') })
  const href = await p.locator('[data-test=export-redemptions]').getAttribute('href')
  const res = await p.request.get(href)
  assert.equal(res.status(), 200)
  assert.match(res.headers()['content-type'], /spreadsheetml/)
  const body = await res.body()
  assert.equal(body.subarray(0, 2).toString(), 'PK') // an xlsx is a zip

  // Township staff choose among the township's villages.
  const admin = await newPage()
  await login(admin, '13800000000')
  await admin.goto('/supervision')
  await admin.locator('[data-test=village] option', { hasText: '尖岩村' }).waitFor({ state: 'attached' })
  await admin.selectOption('[data-test=village]', { label: '尖岩村' })
  await admin.click('.van-tab:has-text("报表")')
  await admin.locator('[data-test=chart] svg').waitFor()
  // The township sets 尖岩村's supervision phone; the village's public board prints it.
  await admin.fill('[data-test=supervision-phone] input', '0739-7654321')
  await admin.click('[data-test=save-phone]')
  await admin.locator('.van-toast', { hasText: '监督电话已设为 0739-7654321' }).waitFor()
  const jy = await admin.locator('[data-test=village] option', { hasText: '尖岩村' }).getAttribute('value')
  await admin.goto(`/board/${jy}`)
  await admin.locator('[data-test=supervision-phone]', { hasText: '0739-7654321' }).waitFor({ timeout: 10000 })

  // The clerk records money put into the village's fund; the balance moves by exactly that much.
  const clerk = await newPage()
  await login(clerk, '13800000001')
  await clerk.goto('/supervision')
  await clerk.click('.van-tab:has-text("报账")')
  const balance = async () => Number((await clerk.locator('[data-test=fund-balance] .van-cell__value').textContent()).replace(/[^0-9.]/g, ''))
  await clerk.locator('[data-test=fund-balance]').waitFor()
  const before = await balance()
  await clerk.fill('[data-test=deposit-amount] input', '0.29')
  await clerk.fill('[data-test=deposit-note] input', '镇财政拨款')
  await clerk.click('[data-test=deposit]')
  await clerk.locator('[data-test=fund-balance] .van-cell__value', { hasText: (before + 0.29).toFixed(2) }).waitFor()
  await clerk.screenshot({ path: join(shots, '16-supervision-fund.png') })
  // A statement is for a shop chosen by name, by default for the last closed month.
  const [y, m] = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 7).split('-').map(Number)
  assert.equal(await clerk.inputValue('[data-test=settle-period] input'), m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`)
  assert.equal(await clerk.locator('[data-test=settle-shop] option:checked').innerText(), '国茶村便民超市')
})
