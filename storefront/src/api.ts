// The API client: same-origin cookies, the CSRF header on writes, Idempotency-Key on money-moving
// calls, a timeout, and errors turned into ApiError with the contract's code.
//
// Its paths, parameters, bodies and answers are typed from the API's own description
// (internal/httpapi/openapi.yaml, turned into src/generated/api.d.ts by openapi-typescript at
// build time): a call to a path the server does not serve, with a parameter or a field it does not
// take, or reading a field it does not answer, fails `npm run check` instead of a villager's page.

import type { paths } from './generated/api'

type Method = 'get' | 'post' | 'put'
/** The paths that take method M. */
export type PathOf<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined ? never : P }[keyof paths]
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>
type JSONOf<R> = R extends { content: { 'application/json': infer B } } ? B : unknown
/** What a successful call answers; offlineAt, when the service worker answered from its copy. */
export type Answer<O> = (O extends { responses: infer R }
  ? 200 extends keyof R ? JSONOf<R[200]> : 201 extends keyof R ? JSONOf<R[201]> : unknown
  : never) & { offlineAt?: string }
type BodyOf<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B
  : O extends { requestBody?: { content: { 'application/json': infer B } } } ? B | undefined
  : O extends { requestBody: { content: { 'image/*': unknown } } } ? Blob | FormData
  : undefined
type ParamsOf<O> = O extends { parameters: infer X } ? X : Record<string, never>
type Options<O> = {
  path?: ParamsOf<O> extends { path: infer X } ? X : never
  query?: ParamsOf<O> extends { query?: infer X } ? X : never
  key?: string
  timeout?: number
  raw?: boolean
}
/** A schema of the description's components, by name: Schema<'Goods'>. */
export type Schema<N extends keyof import('./generated/api').components['schemas']> = import('./generated/api').components['schemas'][N]

export class ApiError extends Error {
  status: number
  code: string
  details: Record<string, any>
  constructor(status: number, code: string, message: string, details?: Record<string, any>) {
    super(message)
    this.status = status
    this.code = code
    this.details = details || {}
  }
}

function cookie(name: string) {
  const m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'))
  return m ? decodeURIComponent(m[1]) : ''
}

export function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID()
  return Date.now().toString(36) + Math.random().toString(36).slice(2)
}

// language is the one the person reads the storefront in: the server says its messages in it.
let language = 'zh-CN'

export function setLanguage(locale: string) { language = locale === 'en' ? 'en' : 'zh-CN' }

// fill puts a call's path parameters into its path ('/villages/{id}/notice', {id: 3}) and appends
// its query; a parameter left out is a bug in the caller, said at once.
export function fill(path: string, params: Record<string, unknown> = {}, query: Record<string, unknown> = {}) {
  const filled = path.replace(/\{(\w+)\}/g, (_, name) => {
    if (params[name] === undefined || params[name] === null || params[name] === '') throw new Error(`${path}: no value for {${name}}`)
    return encodeURIComponent(String(params[name]))
  })
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `${filled}?${s}` : filled
}

export async function request(method: string, path: string, { body, key, timeout = 15000, raw }: { body?: any, key?: string, timeout?: number, raw?: boolean } = {}): Promise<any> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language }
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
  get: <P extends PathOf<'get'>>(path: P, o: Options<Op<P, 'get'>> = {}): Promise<Answer<Op<P, 'get'>>> =>
    request('GET', fill(path, o.path as Record<string, unknown>, o.query as Record<string, unknown>), o),
  post: <P extends PathOf<'post'>>(path: P, body?: BodyOf<Op<P, 'post'>>, o: Options<Op<P, 'post'>> = {}): Promise<Answer<Op<P, 'post'>>> =>
    request('POST', fill(path, o.path as Record<string, unknown>, o.query as Record<string, unknown>), { ...o, body }),
  put: <P extends PathOf<'put'>>(path: P, body: BodyOf<Op<P, 'put'>>, o: Options<Op<P, 'put'>> = {}): Promise<Answer<Op<P, 'put'>>> =>
    request('PUT', fill(path, o.path as Record<string, unknown>, o.query as Record<string, unknown>), { ...o, body }),
}

// all reads every page of a list the server pages by after_id (households, people): a village
// of 300 households is not cut at the first page.
export async function all<P extends '/villages/{id}/households' | '/villages/{id}/people', K extends keyof Answer<Op<P, 'get'>>>(
  path: P, key: K, id: number, limit = 500): Promise<Answer<Op<P, 'get'>>[K]> {
  const out = []
  for (let after = 0; ;) {
    const page = (await request('GET', fill(path, { id }, { limit, after_id: after || undefined })))[key]
    out.push(...page)
    if (page.length < limit) return out as Answer<Op<P, 'get'>>[K]
    after = page[page.length - 1].id
  }
}

// humanError turns an error into a sentence for a person, in the current language: our own
// sentence for known codes (with details where they matter), else the server's message, which it
// says in the language the request asked for (Accept-Language).
export function humanError(err: unknown, t: (key: string, params?: Record<string, unknown>) => string, locale: string) {
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
