// The API client: same-origin cookies, the CSRF header on writes, Idempotency-Key on money-moving
// calls, a timeout, and errors turned into ApiError with the contract's code.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message)
    this.status = status
    this.code = code
    this.details = details || {}
  }
}

function cookie(name) {
  const m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'))
  return m ? decodeURIComponent(m[1]) : ''
}

export function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID()
  return Date.now().toString(36) + Math.random().toString(36).slice(2)
}

// language is the one the person reads the storefront in: the server says its messages in it.
let language = 'zh-CN'

export function setLanguage(locale) { language = locale === 'en' ? 'en' : 'zh-CN' }

export async function request(method, path, { body, key, timeout = 15000, raw } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': language }
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof FormData)) headers['Content-Type'] = 'application/json'
  if (method !== 'GET') headers['X-CSRF-Token'] = cookie('pm_csrf')
  if (key) headers['Idempotency-Key'] = key
  const ctrl = new AbortController()
  const timer = setTimeout(() => ctrl.abort(), timeout)
  let res
  try {
    res = await fetch('/api/v1' + path, {
      method, headers, credentials: 'same-origin', signal: ctrl.signal,
      body: body === undefined ? undefined : (body instanceof Blob || body instanceof FormData ? body : JSON.stringify(body)),
    })
  } catch (e) {
    throw new ApiError(0, 'network', e.message)
  } finally {
    clearTimeout(timer)
  }
  if (raw && res.ok) return res
  let data = null
  try { data = await res.json() } catch { /* an empty or non-JSON answer */ }
  if (!res.ok) {
    const err = (data && data.error) || {}
    throw new ApiError(res.status, err.code || 'http_' + res.status, err.message || res.statusText, err.details)
  }
  // Offline, the service worker answers with the last copy it kept and says when it was fetched.
  const copy = res.headers.get('X-Offline-Copy')
  if (copy !== null && data && typeof data === 'object') Object.defineProperty(data, 'offlineAt', { value: copy || 'unknown' })
  return data
}

export const api = {
  get: (p, o) => request('GET', p, o),
  post: (p, body, o) => request('POST', p, { ...o, body }),
  put: (p, body, o) => request('PUT', p, { ...o, body }),
}

// all reads every page of a list the server pages by after_id (households, people): a village
// of 300 households is not cut at the first page.
export async function all(path, key, limit = 500) {
  const out = []
  for (let after = 0; ;) {
    const page = (await request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${after ? '&after_id=' + after : ''}`))[key]
    out.push(...page)
    if (page.length < limit) return out
    after = page[page.length - 1].id
  }
}

// humanError turns an error into a sentence for a person, in the current language: our own
// sentence for known codes (with details where they matter), else the server's message, which it
// says in the language the request asked for (Accept-Language).
export function humanError(err, t, locale) {
  if (!(err instanceof ApiError)) return t('errors.network')
  if (err.code === 'voucher_already_redeemed' && err.details.redeemed_at) {
    const when = new Date(err.details.redeemed_at).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' })
    return t('errors.already_redeemed_at', { t: when, shop: err.details.shop_name || '' })
  }
  const wait = err.details.retry_after_seconds
  if (err.code === 'rate_limited' && wait) {
    return wait < 60 ? t('errors.rate_limited_wait_s', { n: wait }) : t('errors.rate_limited_wait', { n: Math.ceil(wait / 60) })
  }
  if (err.code === 'invalid_credentials' && wait) return t('errors.rate_limited_wait', { n: Math.ceil(wait / 60) })
  if (err.code === 'invalid_credentials' && err.details.attempts_left > 0 && err.details.attempts_left <= 3) {
    return t('errors.attempts_left', { n: err.details.attempts_left })
  }
  const key = 'errors.' + err.code
  const own = t(key)
  if (own !== key) return own
  return err.message || t('errors.network')
}
