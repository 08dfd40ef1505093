// Half-years as the county ranks them: YYYY-H1 (January–June) and YYYY-H2, in China's calendar.

/** The half-year a moment falls in, in China. */
export function halfYearOf(date = new Date()) {
  const [y, m] = date.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).split('-').map(Number)
  return `${y}-H${m <= 6 ? 1 : 2}`
}

/** The half-year before p. */
export function previousHalfYear(p) {
  const [y, h] = p.split('-H').map(Number)
  return h === 2 ? `${y}-H1` : `${y - 1}-H2`
}

/** The current half-year and the n−1 before it, newest first. */
export function recentHalfYears(n, date = new Date()) {
  const out = [halfYearOf(date)]
  while (out.length < n) out.push(previousHalfYear(out[out.length - 1]))
  return out
}

/** A half-year in words: 2026年上半年, or 2026 H1. */
export function halfYearLabel(p, t) {
  const [y, h] = p.split('-H')
  return t('county.half', { y, h: t(h === '1' ? 'county.h1' : 'county.h2') })
}
