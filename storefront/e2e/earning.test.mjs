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
  await pick(clerk, 'pick-household', 'GC-004')
  await clerk.fill('[data-test=entry-reason] input', '清理村道积雪')
  await clerk.click('[data-test=register]')
  await clerk.locator('.van-cell', { hasText: '清理村道积雪' }).waitFor()
  await clerk.click('.van-tab:has-text("评议会")')
  await clerk.click('[data-test=open-meeting]')
  await clerk.locator('[data-test=agenda-entry]', { hasText: '清理村道积雪' }).waitFor()

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
  await committee.locator('.van-toast', { hasText: '已表决' }).waitFor()
  const member = await page()
  await login(member, '13800000010')
  await member.goto('/village')
  await member.click('.van-tab:has-text("评议会")')
  await member.click('[data-test=approve-month]')
  await member.locator('.van-toast', { hasText: '通过本月评议结果' }).waitFor()

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

  // The clerk registered the entry, so a committee member answers the objection.
  await committee.goto('/village')
  await committee.click('.van-tab:has-text("异议处理")')
  const objection = committee.locator('[data-test=objection]', { hasText: '那天他家没人出工' })
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
  await villager.locator('[data-test=my-objection]', { hasText: '经核实，当天其子代为出工' }).waitFor()
  await villager.screenshot({ path: join(shots, '12-my-objections.png') })
})
