// End to end, in Debian's Chromium: the clerk registers points for a household and opens the
// month's meeting; a branch committee member approves the entry and the month; a villager sees it
// on the public notice (name masked) and objects; the clerk answers; the villager reads the answer.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage as page, login } from './browser.mjs'

async function pick(p, field, text) {
  await p.click(`[data-test=${field}]`)
  const option = p.locator('.van-picker-column__item', { hasText: text })
  await option.click()
  await p.waitForTimeout(400) // the column settles on the option
  await p.click('.van-picker__confirm')
}

test('points go from registration through the meeting to the public notice, and an objection is answered', async () => {
  const clerk = await page()
  await login(clerk, '13800000001')
  await clerk.goto('/village')
  await pick(clerk, 'pick-item', 'R01 参加义务劳动')
  // The household is found by its head's name among all the village's households.
  await clerk.click('[data-test=pick-household]')
  await clerk.fill('[data-test=household-search] input', '陈永红')
  assert.equal(await clerk.locator('[data-test=household-option]').count(), 1)
  await clerk.click('[data-test=household-option]:has-text("GC-004")')
  await clerk.fill('[data-test=entry-reason] input', '清理村道积雪')
  await clerk.click('[data-test=register]')
  // The toast says what was registered, and the form is empty for the next one.
  await clerk.locator('.van-toast', { hasText: '已登记：GC-004 陈永红 · 参加义务劳动' }).waitFor()
  await clerk.locator('.van-cell', { hasText: '清理村道积雪' }).waitFor()
  await clerk.waitForFunction(() => document.querySelector('[data-test=entry-reason] input').value === '')
  await clerk.click('.van-tab:has-text("评议会")')
  await clerk.click('[data-test=open-meeting]')
  await clerk.locator('[data-test=agenda-entry]', { hasText: '清理村道积雪' }).waitFor()
  await clerk.locator('[data-test=meeting-state]', { hasText: '进行中' }).waitFor()

  const committee = await page()
  await login(committee, '13800000012')
  await committee.goto('/village')
  await committee.click('.van-tab:has-text("评议会")')
  const agenda = committee.locator('[data-test=agenda-entry]', { hasText: '清理村道积雪' })
  await agenda.locator('[data-test=approve-entry]').click()
  await agenda.waitFor({ state: 'detached' })
  await committee.screenshot({ path: join(shots, '10-village-meeting.png') })
  // The month is approved by the party members' vote: the committee member's is one of three.
  await committee.click('[data-test=approve-month]')
  await committee.locator('.van-dialog', { hasText: '评议结果投赞成票' }).waitFor()
  await committee.click('.van-dialog__confirm')
  await committee.locator('.van-toast', { hasText: '已表决' }).waitFor()
  await committee.locator('[data-test=meeting-state]', { hasText: '赞成 1' }).waitFor()
  const member = await page()
  await login(member, '13800000010')
  await member.goto('/village')
  await member.click('.van-tab:has-text("评议会")')
  await member.click('[data-test=approve-month]')
  await member.click('.van-dialog__confirm')
  await member.locator('.van-toast', { hasText: '评议结果已通过' }).waitFor()
  await member.locator('[data-test=meeting-state]', { hasText: '已通过' }).waitFor()
  // The meeting's record, printable for the village's files.
  await member.click('[data-test=meeting-record]')
  const record = member.locator('[data-test=meeting-record]', { hasText: '清理村道积雪' })
  await record.waitFor()
  assert.match(await record.innerText(), /赞成 2 · 反对 0 · 弃权 0（共 3 名党员）[\s\S]*主持人/)
  await member.screenshot({ path: join(shots, '10-meeting-record.png'), fullPage: true })

  const villager = await page()
  await login(villager, '13800000011')
  await villager.goto('/notice')
  const line = villager.locator('[data-test=notice-entry]', { hasText: '清理村道积雪' })
  await line.waitFor()
  const text = await line.innerText()
  assert.match(text, /陈\*红/)
  assert.doesNotMatch(text, /陈永红/)
  await villager.screenshot({ path: join(shots, '11-notice.png') })
  await line.locator('text=提出异议').click()
  await villager.fill('[data-test=objection-reason] textarea', '那天他家没人出工')
  await villager.click('.van-dialog__confirm')
  await villager.locator('.van-toast', { hasText: '已提交异议' }).waitFor()
  await line.locator('[data-test=objected]', { hasText: '已提出异议' }).waitFor()
  await villager.reload()
  await line.locator('[data-test=objected]').waitFor() // and it still says so on the next visit

  // The clerk registered the entry, so a committee member answers the objection.
  await committee.goto('/village')
  await committee.click('.van-tab:has-text("异议处理")')
  const objection = committee.locator('[data-test=objection]', { hasText: '那天他家没人出工' })
  assert.match(await objection.innerText(), /GC-004 陈永红 · 参加义务劳动/)
  await objection.locator('[data-test=answer-text] input').fill('经核实，当天其子代为出工，积分有效')
  await objection.locator('[data-test=answer-reject]').click()
  await committee.locator('[data-test=objection]', { hasText: '经核实' }).waitFor()

  // The public board, without logging in, printable.
  const anyone = await page()
  await anyone.goto('/board/1')
  await anyone.locator('[data-test=board]', { hasText: '清理村道积雪' }).waitFor()
  assert.doesNotMatch(await anyone.locator('[data-test=board]').innerText(), /陈永红|1[3-9]\d{9}/)
  await anyone.screenshot({ path: join(shots, '13-public-board.png'), fullPage: true })

  await villager.goto('/objections')
  const mine = villager.locator('[data-test=my-objection]', { hasText: '经核实，当天其子代为出工' })
  await mine.waitFor()
  assert.match(await mine.innerText(), /GC-004 陈\*红 · 参加义务劳动/)
  await villager.screenshot({ path: join(shots, '12-my-objections.png') })
})
