// Money as the service keeps it: whole fen. Amounts typed in yuan are read exactly (no floating
// point: 0.1 + 0.2 is not 0.3), and shown in yuan.

/** The fen of an amount typed in yuan — 12345.67, ¥12,345.6, 12 345 — or null when it is none. */
export function fenOf(text) {
  const v = String(text || '').replace(/[¥￥,，\s元]/g, '')
  const m = v.match(/^(\d{1,12})(?:\.(\d{0,2}))?$/)
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
}

/** An amount in fen written in yuan, with the fen when there are any: 1,234.5. */
export function yuan(fen) {
  return (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: 2 })
}
