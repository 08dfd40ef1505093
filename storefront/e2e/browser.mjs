// Shared by the end-to-end tests: Debian's Chromium at a cheap phone's size (360 px, zh-CN), and
// logins as the demo users. Not a test file itself (node --test runs only *.test.mjs here).
import { after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const BASE = process.env.BASE_URL
assert.ok(BASE, 'BASE_URL is required (scripts/e2e.sh sets it)')
export const shots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots')
mkdirSync(shots, { recursive: true })

const browsers = new Map() // by their extra command-line arguments
after(async () => { for (const b of browsers.values()) await (await b).close() })

// newPage opens a page in a fresh context (its own cookies) of a Chromium started with args;
// options go to the context (serviceWorkers: 'block' to measure the network as a first visit).
export async function newPage(args = [], options = {}) {
  const key = args.join(' ')
  if (!browsers.has(key)) {
    browsers.set(key, chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', ...args],
    }))
  }
  const context = await (await browsers.get(key)).newContext({ viewport: { width: 360, height: 760 }, deviceScaleFactor: 2, locale: 'zh-CN', baseURL: BASE, ...options })
  return context.newPage()
}

// login signs in as the demo user with this phone and waits to leave the login page.
export async function login(page, phone) {
  await page.goto('/login')
  await page.fill('input[name=phone]', phone)
  await page.fill('input[name=password]', 'demo-pass-2026')
  await page.click('button[type=submit]')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}
