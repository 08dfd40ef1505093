// End to end, in Chromium at 360 px: the villager's pages are readable by old eyes (适老化). Every
// visible character is at least 16 px (at least 20 px in large-text mode) and every control a finger
// taps is at least 44 × 44 px. The test measures the computed sizes of what is on screen.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { newPage, login, shots } from './browser.mjs'

const pages = ['/home', '/shop', '/vouchers', '/member-code', '/notice', '/objections']

// measure returns the visible text set smaller than min px (with a sample of it) and the tap
// targets smaller than 44 px a side.
async function measure(page, min) {
  return page.evaluate((min) => {
    const visible = (el) => {
      const r = el.getBoundingClientRect()
      const s = getComputedStyle(el)
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0
    }
    const small = []
    let chars = 0
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim()
      if (!text || !n.parentElement || !visible(n.parentElement)) continue
      chars += text.length
      const size = parseFloat(getComputedStyle(n.parentElement).fontSize)
      if (size < min) small.push(`${text.slice(0, 20)} (${size}px, ${n.parentElement.className || n.parentElement.tagName})`)
    }
    const targets = []
    for (const el of document.querySelectorAll('button, a[href], input:not([type=hidden]), [role=button], [role=switch], [role=tab]')) {
      if (!visible(el)) continue
      const r = el.getBoundingClientRect()
      if (r.width < 44 || r.height < 44) targets.push(`${(el.innerText || el.getAttribute('aria-label') || el.className).slice(0, 20)} ${Math.round(r.width)}×${Math.round(r.height)}`)
    }
    return { chars, small, targets }
  }, min)
}

for (const big of [false, true]) {
  test(`a villager's pages are elder-friendly${big ? ' in large-text mode' : ''}`, async () => {
    const page = await newPage()
    await page.addInitScript((big) => localStorage.setItem('pm.big', big ? '1' : '0'), big)
    await login(page, '13800000010')
    const problems = []
    for (const path of pages) {
      await page.goto(path)
      await page.waitForLoadState('networkidle')
      await page.screenshot({ path: join(shots, `sizes${path.replaceAll('/', '-')}${big ? '-big' : ''}.png`), fullPage: true })
      const { chars, small, targets } = await measure(page, big ? 20 : 16)
      assert.ok(chars > 20, `${path}: nothing measured`)
      if (small.length) problems.push(`${path}: ${small.length} texts under ${big ? 20 : 16} px: ${small.slice(0, 8).join('; ')}`)
      if (targets.length) problems.push(`${path}: ${targets.length} targets under 44 px: ${targets.slice(0, 8).join('; ')}`)
    }
    assert.deepEqual(problems, [])
  })
}
