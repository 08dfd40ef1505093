// End to end, in Debian's Chromium: a villager's points history, loaded fresh six times, shows each
// line once and asks the server for its first page once (it was shown twice on 4 of 6 loads).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { newPage, login } from './browser.mjs'

test('the points history is shown once per load', async () => {
  const page = await newPage()
  await login(page, '13800000010')
  await page.waitForLoadState('networkidle') // the page the login lands on is done with its own requests
  for (let i = 0; i < 6; i++) {
    let firstPages = 0
    const count = (req) => { if (/\/history\?limit=\d+$/.test(req.url())) firstPages++ }
    page.on('request', count)
    await page.goto('/home')
    await page.locator('[data-test^=line-]').first().waitFor()
    await page.waitForLoadState('networkidle')
    const ids = await page.locator('[data-test^=line-]').evaluateAll((els) => els.map((e) => e.dataset.test))
    page.off('request', count)
    assert.equal(new Set(ids).size, ids.length, `load ${i + 1}: a history line is shown twice: ${ids}`)
    assert.equal(firstPages, 1, `load ${i + 1}: the first page was fetched ${firstPages} times`)
  }
})

test('an empty password is asked for in plain words', async () => {
  const page = await newPage()
  await page.goto('/login')
  await page.fill('input[name=phone]', '13800000010')
  await page.click('button[type=submit]')
  await page.locator('.van-field__error-message', { hasText: '请输入密码' }).waitFor()
  assert.match(page.url(), /\/login/)
})
