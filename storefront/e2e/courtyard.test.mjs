// End to end, in Debian's Chromium: a courtyard meeting (屋场会). The clerk records it with the two
// households that came and two problems — one solved on the spot, one left with the village —
// then records the follow-up visit of the open one; the village's public board shows the meeting
// with the heads' names masked.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

async function pickHousehold(page, number) {
  await page.click('[data-test=court-came]')
  await page.fill('[data-test=household-search] input', number)
  await page.locator('[data-test=household-option]', { hasText: number }).click()
}

test('the clerk records a courtyard meeting and its problem ledger; the board shows it masked', async () => {
  const clerk = await newPage()
  await login(clerk, '13800000001')
  await clerk.goto('/home')
  await clerk.click('[data-test=courtyard-link]')
  await clerk.waitForURL(/\/courtyard$/)
  await clerk.fill('[data-test=court-place] input', '三组晒谷坪')
  await pickHousehold(clerk, 'GC-002')
  await pickHousehold(clerk, 'GC-003')
  for (const [i, [household, text]] of [['GC-002', '晒谷坪的路灯不亮'], ['GC-003', '和邻居的宅基地界线不清']].entries()) {
    await clerk.click('[data-test=add-problem]')
    const select = clerk.locator('[data-test=problem-household]').nth(i)
    await select.selectOption({ label: await select.locator('option', { hasText: household }).innerText() })
    await clerk.locator('[data-test=problem-text] textarea').nth(i).fill(text)
  }
  await clerk.locator('[data-test=problem-solved]').first().click()
  await clerk.fill('[data-test=problem-answer] input', '电工当场换了灯泡')
  await clerk.click('[data-test=record-meeting]')
  await clerk.locator('[data-test=problem]', { hasText: '宅基地' }).waitFor()
  assert.match(await clerk.locator('[data-test=problem]', { hasText: '路灯' }).innerText(), /当场换了灯泡/)
  await clerk.locator('[data-test=follow-up-note] input').last().fill('双方已认可界线，签了协议')
  await clerk.locator('[data-test=follow-up]').last().click()
  await clerk.locator('[data-test=meeting] >> text=已回访').first().waitFor()
  await clerk.screenshot({ path: join(shots, '41-courtyard.png') })

  const visitor = await newPage()
  await visitor.goto('/board/1')
  const meeting = visitor.locator('[data-test=board-meeting]').first()
  await meeting.waitFor()
  const text = await meeting.innerText()
  assert.match(text, /三组晒谷坪/)
  assert.match(text, /\*/, 'the heads who came are masked on the board')
})
