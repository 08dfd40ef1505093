// End to end, in Debian's Chromium: home and login. A villager's points history, loaded fresh six
// times, shows each line once and asks the server for its first page once (it was shown twice on 4
// of 6 loads); an empty password is asked for in words; 朗读 says the balance, the history and a
// voucher; a newcomer finds what the service is and the village's public board.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { newPage, login, shots } from './browser.mjs'

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

// Reading aloud: what the phone would say is caught from the Web Speech API.
test('the balance, the newest history lines and a voucher are read aloud in Chinese', async () => {
  const page = await newPage()
  await page.addInitScript(() => {
    window.__spoken = []
    window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang })
  })
  await login(page, '13800000010')
  await page.goto('/home')
  await page.locator('[data-test^=line-]').first().waitFor()
  const available = (await page.locator('[data-test=available]').innerText()).trim()
  const newest = (await page.locator('[data-test^=line-] .van-cell__title > span').first().innerText()).trim()
  await page.click('[data-test=read-aloud]')
  const [said] = await page.evaluate(() => window.__spoken)
  assert.equal(said.lang, 'zh-CN')
  assert.ok(said.text.startsWith(`您的可用积分是 ${available} 分`), said.text)
  assert.ok(said.text.includes(newest), `the newest line "${newest}" is not read: ${said.text}`)

  // A voucher: its goods, its points, its code digit by digit.
  await page.goto('/shop')
  await page.getByRole('button', { name: '加一件 肥皂' }).click()
  await page.locator('[data-test=order] button').click()
  await page.locator('[data-test=confirm-order]').click()
  await page.waitForURL(/\/vouchers\/\d+$/)
  const code = (await page.locator('[data-test=short-code]').innerText()).trim()
  await page.click('[data-test=read-aloud]')
  const voucher = (await page.evaluate(() => window.__spoken)).pop()
  assert.equal(voucher.text, `兑换券：肥皂 1块，共 4 分。兑换码 ${code.split('').join(' ')}`)
  await page.getByRole('button', { name: '作废此券' }).click()
  await page.click('.van-dialog__confirm')
  await page.locator('[data-test=status]', { hasText: '已作废' }).waitFor()
})

test('a newcomer at / reads what the service is and opens the village board without logging in', async () => {
  const page = await newPage()
  await page.goto('/')
  await page.waitForURL(/\/login/)
  await page.locator('[data-test=about]', { hasText: '积分超市是什么' }).waitFor()
  await page.locator('[data-test=board-village] option', { hasText: '国茶村' }).waitFor({ state: 'attached' })
  await page.selectOption('[data-test=board-village]', { label: '国茶村' })
  await page.click('[data-test=open-board]')
  await page.locator('[data-test=board] h1', { hasText: '国茶村 积分制阳光公示' }).waitFor()
  await page.screenshot({ path: join(shots, '13b-newcomer-board.png'), fullPage: true })
})

test('switching to English asks first in Chinese, and 中文 is one tap away on every page', async () => {
  const page = await newPage()
  await login(page, '13800000010')
  await page.goto('/home')
  await page.click('[data-test=language]')
  const ask = page.locator('.van-dialog', { hasText: '切换为英文界面？' })
  await ask.waitFor()
  await ask.getByRole('button', { name: '不切换，继续用中文' }).click()
  await page.locator('.van-nav-bar__title').first().waitFor()
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
  await page.click('[data-test=language]')
  await page.getByRole('button', { name: '切换为英文' }).click()
  await page.locator('.van-tabbar', { hasText: 'My points' }).waitFor()
  for (const path of ['/home', '/shop', '/vouchers']) {
    await page.goto(path)
    await page.locator('[data-test=to-chinese]').waitFor()
  }
  await page.screenshot({ path: join(shots, 'language-en-shop.png') })
  await page.click('[data-test=to-chinese]')
  await page.locator('.van-tabbar', { hasText: '我的积分' }).waitFor()
  assert.equal(await page.locator('[data-test=to-chinese]').count(), 0)
})
