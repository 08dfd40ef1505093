import { describe, it, expect } from 'vitest'
import { fenOf, yuan } from './money'

describe('money', () => {
  it('reads yuan exactly to the fen', () => {
    expect(fenOf('12345.67')).toBe(1234567)
    expect(fenOf('¥12,345.6')).toBe(1234560)
    expect(fenOf('0.29')).toBe(29) // 0.29 * 100 is 28.999999999999996 in floating point
    expect(fenOf('100元')).toBe(10000)
  })
  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '1.234', '-5', '1e5', '1.2.3']) expect(fenOf(bad)).toBeNull()
  })
  it('writes fen as yuan', () => {
    expect(yuan(1234567)).toBe('12,345.67')
    expect(yuan(500000000)).toBe('5,000,000')
  })
})
