// End to end, in Debian's Chromium: a villager's request from filing to rating. 张建国 files a
// request for help from the home page; the village's clerk finds it on his desk and passes it to
// the township, the township admin to the county's civil affairs bureau, whose staff — who holds
// no role in any village — finds it on the department's desk and answers it; the villager reads
// the answer in his inbox, how it went, and rates it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

async function openFromDesk(page, phone, text) {
  await login(page, phone)
  await page.goto('/home')
  await page.click('[data-test=request-desk-link]')
  await page.waitForURL(/\/request-desk$/)
  await page.locator('[data-test=desk-request]', { hasText: text }).click()
  await page.waitForURL(/\/requests\/\d+$/)
}

test('a request goes from the villager through the village, township and department and back', async () => {
  const villager = await newPage()
  await login(villager, '13800000010')
  await villager.goto('/home')
  await villager.click('[data-test=requests-link]')
  await villager.waitForURL(/\/requests$/)
  await villager.locator('[data-test=request-category] >> text=求助').click()
  await villager.fill('[data-test=request-text] textarea', '村东头的桥栏杆断了，老人小孩过桥危险')
  await villager.click('[data-test=file-request]')
  await villager.locator('[data-test=my-request]', { hasText: '桥栏杆' }).waitFor()
  assert.match(await villager.locator('[data-test=my-request]', { hasText: '桥栏杆' }).innerText(), /村办理/)

  const clerk = await newPage()
  await openFromDesk(clerk, '13800000001', '桥栏杆')
  await clerk.fill('[data-test=refer-note] input', '维修需乡镇资金')
  await clerk.click('[data-test=refer]')
  await clerk.locator('[data-test=handling]', { hasText: '已转办' }).waitFor()
  assert.equal(await clerk.locator('[data-test=send-answer]').count(), 0, 'the village no longer answers it')

  const township = await newPage()
  await openFromDesk(township, '13800000000', '桥栏杆')
  await township.locator('[data-test=refer-department]').selectOption({ label: '县民政局' })
  await township.fill('[data-test=refer-note] input', '属于民政救助范围')
  await township.click('[data-test=refer]')
  await township.locator('[data-test=handling]', { hasText: '县民政局' }).waitFor()

  const staff = await newPage()
  await openFromDesk(staff, '13800000502', '桥栏杆')
  await staff.fill('[data-test=answer-text] textarea', '已安排施工队，本周内修复栏杆')
  await staff.click('[data-test=send-answer]')
  await staff.locator('[data-test=request-status]', { hasText: '已答复' }).waitFor()

  // The answer is in the villager's inbox: the badge on the home page, the message, its page.
  await villager.goto('/home')
  await villager.locator('[data-test=unread-badge]').waitFor()
  await villager.click('[data-test=inbox-link]')
  await villager.waitForURL(/\/inbox$/)
  await villager.locator('[data-test=notification]', { hasText: '您的诉求有了答复' }).click()
  await villager.waitForURL(/\/requests\/\d+$/)
  await villager.locator('[data-test=request-answer]', { hasText: '本周内修复' }).waitFor()
  assert.equal(await villager.locator('[data-test=handling]').count(), 3, 'the village, the township and the bureau each had it')
  await villager.screenshot({ path: join(shots, '39-request.png') })
  await villager.click('[data-test=rate-satisfied]')
  await villager.locator('[data-test=request-status]', { hasText: '已办结' }).waitFor()
  assert.equal(await villager.locator('[data-test=rate-satisfied]').count(), 0, 'rated once')
})
