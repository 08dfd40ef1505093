// Quarters as the red and black lists count them: YYYY-Q1 … YYYY-Q4, in China's calendar.

/** The quarter a moment falls in, in China. */
export function quarterOf(date = new Date()) {
  const [y, m] = date.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).split('-').map(Number)
  return `${y}-Q${Math.ceil(m / 3)}`
}

/** The quarter before q. */
export function previousQuarter(q) {
  const [y, n] = q.split('-Q').map(Number)
  return n === 1 ? `${y - 1}-Q4` : `${y}-Q${n - 1}`
}
