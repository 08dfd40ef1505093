import { describe, it, expect } from 'vitest'
import { ApiError, fill, humanError, request, setLanguage } from './api'
import { messages } from './i18n'
import { secondsLeft } from './countdown'

// t is a minimal vue-i18n t() over our messages, returning the key when missing, as vue-i18n does.
function makeT(locale) {
  return (key, params = {}) => {
    const v = key.split('.').reduce((o, k) => (o ? o[k] : undefined), messages[locale])
    if (typeof v !== 'string') return key
    return v.replace(/\{(\w+)\}/g, (_, k) => String(params[k]))
  }
}

describe('humanError', () => {
  it('gives our own sentence for a known code', () => {
    expect(humanError(new ApiError(409, 'insufficient_points', 'x / y'), makeT('zh-CN'), 'zh-CN')).toBe('可用积分不足')
    expect(humanError(new ApiError(409, 'insufficient_points', 'x / y'), makeT('en'), 'en')).toBe('Not enough points')
  })
  it('says when and where a voucher was already redeemed, in China time', () => {
    const err = new ApiError(409, 'voucher_already_redeemed', '…', { redeemed_at: '2026-11-21T23:27:03Z', shop_name: '国茶村便民超市' })
    const s = humanError(err, makeT('zh-CN'), 'zh-CN')
    expect(s).toContain('国茶村便民超市')
    expect(s).toContain('07:27') // 23:27 UTC is 07:27 the next morning in the village
  })
  it('falls back to the server message, said in the language asked for', () => {
    // The server says its message in the language the request asked for; it is shown as it is.
    expect(humanError(new ApiError(422, 'something_new', '新的错误'), makeT('zh-CN'), 'zh-CN')).toBe('新的错误')
    expect(humanError(new ApiError(422, 'something_new', 'a new error'), makeT('en'), 'en')).toBe('a new error')
  })
  it('says how long to wait after too many attempts, and how many tries are left', () => {
    const locked = new ApiError(429, 'rate_limited', '…', { retry_after_seconds: 300 })
    expect(humanError(locked, makeT('zh-CN'), 'zh-CN')).toBe('尝试次数过多，请 5 分钟后再试')
    expect(humanError(locked, makeT('en'), 'en')).toBe('Too many attempts: try again in 5 min')
    expect(humanError(new ApiError(429, 'rate_limited', '…', { retry_after_seconds: 7 }), makeT('zh-CN'), 'zh-CN')).toBe('尝试次数过多，请 7 秒后再试')
    expect(humanError(new ApiError(401, 'invalid_credentials', '…', { attempts_left: 2 }), makeT('zh-CN'), 'zh-CN')).toBe('手机号或密码错误，还可尝试 2 次')
    expect(humanError(new ApiError(401, 'invalid_credentials', '…', { attempts_left: 0, retry_after_seconds: 60 }), makeT('zh-CN'), 'zh-CN')).toBe('尝试次数过多，请 1 分钟后再试')
  })
  it('turns anything that is not an API answer into the network sentence', () => {
    expect(humanError(new TypeError('Failed to fetch'), makeT('zh-CN'), 'zh-CN')).toBe('网络连接失败，请检查信号后重试')
  })
  it('has every zh-CN message in English too', () => {
    const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, p + k + '.') : [p + k]))
    expect(keys(messages.en).sort()).toEqual(keys(messages['zh-CN']).sort())
  })
})

describe('secondsLeft', () => {
  it('rounds up and never goes below zero', () => {
    expect(secondsLeft(10_500, 10_000)).toBe(1)
    expect(secondsLeft(10_000, 10_000)).toBe(0)
    expect(secondsLeft(5_000, 10_000)).toBe(0)
    expect(secondsLeft(55_000, 10_000)).toBe(45)
  })
})

describe('request', () => {
  it('asks the server for its messages in the storefront language', async () => {
    const seen = []
    const real = globalThis.fetch
    globalThis.fetch = async (url, opts) => { seen.push(opts.headers['Accept-Language']); return new Response('{}', { status: 200 }) }
    try {
      setLanguage('en')
      await request('GET', '/me')
      setLanguage('zh-CN')
      await request('GET', '/me')
    } finally {
      globalThis.fetch = real
    }
    expect(seen).toEqual(['en', 'zh-CN'])
  })
})

describe('fill', () => {
  it('puts path parameters into the description\'s path and appends the query', () => {
    expect(fill('/villages/{id}/meetings/{month}', { id: 3, month: '2026-11' })).toBe('/villages/3/meetings/2026-11')
    expect(fill('/accounts/{id}/history', { id: 7 }, { limit: 20, before_id: undefined })).toBe('/accounts/7/history?limit=20')
    expect(fill('/audit', {}, { action: '兑换 counter.redeem', before_id: 0 })).toBe('/audit?action=%E5%85%91%E6%8D%A2+counter.redeem&before_id=0')
  })
  it('refuses a path parameter left out, instead of calling /villages/undefined', () => {
    expect(() => fill('/villages/{id}/notice', {})).toThrow('{id}')
    expect(() => fill('/vouchers/{id}', { id: '' })).toThrow('{id}')
  })
})
