// End to end, in Debian's Chromium: a stranger locks a villager out with five wrong passwords; the
// login page says how long to wait; the village office lifts the lock from the villagers tab; the
// villager logs in.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { BASE, shots, newPage as page, login } from './browser.mjs'

test('the village office unlocks a villager a stranger locked out', async () => {
  // 13800000210 (米塔村) is nobody else's test subject.
  for (let i = 0; i < 5; i++) {
    const r = await fetch(BASE + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone: '13800000210', password: 'guess-' + i }) })
    assert.equal(r.status, 401)
  }
  const villager = await page()
  await villager.goto('/login')
  await villager.fill('input[name=phone]', '138 0000 0210')
  await villager.fill('input[name=password]', 'demo-pass-2026')
  const [refused] = await Promise.all([
    villager.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
    villager.click('button[type=submit]'),
  ])
  assert.equal(refused.status(), 429)
  await villager.locator('[role=alert]', { hasText: '后再试' }).waitFor() // 请 N 秒（或分钟）后再试
  await villager.screenshot({ path: join(shots, '20-login-locked.png') })

  const clerk = await page()
  await login(clerk, '13800000201')
  await clerk.goto('/village')
  await clerk.click('.van-tab:has-text("村民")')
  const person = clerk.locator('[data-test=person]', { hasText: '13800000210' })
  await person.locator('[data-test=unlock-login]').click()
  await clerk.locator('.van-toast', { hasText: '已解除登录锁定' }).waitFor()

  await villager.click('button[type=submit]')
  await villager.waitForURL((u) => !u.pathname.startsWith('/login'))
})

test('a villager who forgot the password gets a one-time one at the village office and chooses a new one', async () => {
  // 13800000210 (米塔村), whom the test above unlocked, is nobody else's test subject.
  const villager = await page()
  await villager.goto('/login')
  await villager.locator('[data-test=forgot]', { hasText: '村委会' }).waitFor()

  const clerk = await page()
  await login(clerk, '13800000201')
  await clerk.goto('/village')
  await clerk.click('.van-tab:has-text("村民")')
  const person = clerk.locator('[data-test=person]', { hasText: '13800000210' })
  await person.locator('[data-test=reset-password]').click()
  await clerk.locator('.van-dialog', { hasText: '身份证' }).waitFor()
  await clerk.click('.van-dialog__confirm')
  const shown = clerk.locator('[data-test=one-time-password]')
  await shown.waitFor()
  const once = (await shown.innerText()).trim()
  assert.match(once, /^\d{8}$/)
  await clerk.screenshot({ path: join(shots, '21-one-time-password.png') })

  await villager.fill('input[name=phone]', '13800000210')
  await villager.fill('input[name=password]', once)
  await villager.click('button[type=submit]')
  await villager.waitForURL(/\/password$/) // the one-time password must be replaced at once
  await villager.fill('input[name=current]', once)
  await villager.fill('input[name=next]', 'my-own-pass-9')
  await villager.click('button[type=submit]')
  await villager.waitForURL((u) => !u.pathname.startsWith('/password'))
})
