// End to end, in Debian's Chromium: a half-year's assessment as its people do it. The county's
// assessor records an event against 国茶村 and gives it a task; the clerk objects to the event and
// reports the task done; the township admin, who lives in 国茶村, is refused the answer; the
// county admin upholds the objection and the assessor confirms the task. Then the clerk plans a
// project from the villagers' needs, the county admin funds it with the village's published
// award, and the clerk records its progress.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { shots, newPage, login } from './browser.mjs'

const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
const inAWeek = new Date(Date.now() + 7 * 86400e3).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })

async function typeDate(page, label, value) {
  const input = page.locator('.van-field', { hasText: label }).locator('input')
  await input.fill(value)
  await input.blur()
}

test('an event and a task go through the village, the township and the county', async () => {
  const assessor = await newPage()
  await login(assessor, '13800000501')
  await assessor.goto('/county')
  await assessor.locator('[data-test=ranking-row]').first().waitFor()
  await assessor.locator('[data-test=village-link]', { hasText: '国茶村' }).click()
  await assessor.waitForURL(/\/assessment\/\d+\?period=/)
  const village = new URL(assessor.url()).pathname.split('/').pop()
  await assessor.goto(`/assessment/${village}`) // the half-year in course
  await assessor.locator('[data-test=event-item]').selectOption({ label: '零违建' })
  await typeDate(assessor, '发生日期', today)
  await assessor.fill('[data-test=event-description] textarea', '村民在耕地上搭建彩钢棚')
  await assessor.fill('[data-test=event-evidence] input', '违建通知书 2026-118')
  await assessor.click('[data-test=record-event]')
  await assessor.locator('[data-test=event]', { hasText: '彩钢棚' }).waitFor()
  await assessor.fill('[data-test=task-title] input', '排查村内危房')
  await typeDate(assessor, '完成期限', inAWeek)
  await assessor.click('[data-test=give-task]')
  await assessor.locator('[data-test=task]', { hasText: '排查村内危房' }).waitFor()

  const clerk = await newPage()
  await login(clerk, '13800000001')
  await clerk.goto('/home')
  await clerk.click('[data-test=assessment-link]')
  await clerk.waitForURL(/\/assessment\/\d+/)
  await clerk.fill('[data-test=objection-text] textarea', '彩钢棚是临时育秧棚，已报乡镇备案')
  await clerk.click('[data-test=object]')
  await clerk.locator('[data-test=event]', { hasText: '有异议' }).waitFor()
  await clerk.fill('[data-test=done-note] input', '已排查 12 户，无危房')
  await clerk.click('[data-test=complete]')
  await clerk.locator('[data-test=task]', { hasText: '待核实' }).waitFor()
  assert.equal(await clerk.locator('[data-test=confirm]').count(), 0, 'the village does not confirm its own task')
  await clerk.screenshot({ path: join(shots, '37-village-assessment.png') })

  // The township admin lives in 国茶村: the service refuses him the answer, in words.
  const township = await newPage()
  await login(township, '13800000000')
  await township.goto(`/assessment/${village}`)
  assert.equal(await township.locator('[data-test=uphold]').count(), 0, 'the page offers no answer to someone of the village')

  const county = await newPage()
  await login(county, '13800000500')
  await county.goto(`/assessment/${village}`)
  await county.fill('[data-test=answer-text] textarea', '经核实为临时育秧棚')
  await county.click('[data-test=uphold]')
  await county.locator('[data-test=event]', { hasText: '已撤销' }).waitFor()

  await assessor.reload()
  await assessor.click('[data-test=confirm]')
  await assessor.locator('[data-test=task]', { hasText: '已核实' }).waitFor()
})

test('a project plan is funded by the award and its progress recorded', async () => {
  const clerk = await newPage()
  await login(clerk, '13800000001')
  await clerk.goto('/home')
  await clerk.click('[data-test=projects-link]')
  await clerk.waitForURL(/\/projects\/\d+$/)
  const village = new URL(clerk.url()).pathname.split('/').pop()
  await clerk.fill('[data-test=plan-title] input', '村道硬化')
  await clerk.fill('[data-test=plan-budget] input', '800000')
  await clerk.fill('[data-test=need-text] input', '雨天村道泥泞，学生上学难')
  await clerk.click('[data-test=submit-plan]')
  await clerk.locator('[data-test=project]', { hasText: '村道硬化' }).waitFor()

  const county = await newPage()
  await login(county, '13800000500')
  await county.goto(`/projects/${village}`)
  await county.locator('[data-test=project]', { hasText: '村道硬化' }).click()
  await county.locator('[data-test=award-period]').selectOption('2026-H1')
  await county.click('[data-test=award]')
  await county.locator('[data-test=project]', { hasText: '实施中' }).waitFor()

  await clerk.reload()
  await clerk.locator('[data-test=project]', { hasText: '村道硬化' }).click()
  await typeDate(clerk, '日期', today)
  await clerk.fill('[data-test=progress-pct] input', '30')
  await clerk.fill('[data-test=progress-spent] input', '120000')
  await clerk.fill('[data-test=progress-note] textarea', '完成路基 1.2 公里')
  await clerk.click('[data-test=record-progress]')
  await clerk.locator('[data-test=progress]', { hasText: '30%' }).waitFor()
  assert.match(await clerk.locator('[data-test=project-detail]').innerText(), /已支出 ¥120,000/)
  await clerk.screenshot({ path: join(shots, '38-projects.png') })
})
