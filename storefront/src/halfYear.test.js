import { describe, it, expect } from 'vitest'
import { halfYearOf, previousHalfYear, recentHalfYears } from './halfYear'

describe('half-years', () => {
  it('begins the second half-year at China midnight on 1 July', () => {
    expect(halfYearOf(new Date('2026-06-30T15:59:00Z'))).toBe('2026-H1')
    expect(halfYearOf(new Date('2026-06-30T16:00:00Z'))).toBe('2026-H2')
  })
  it('steps back across a year', () => {
    expect(previousHalfYear('2026-H1')).toBe('2025-H2')
    expect(previousHalfYear('2026-H2')).toBe('2026-H1')
    expect(recentHalfYears(3, new Date('2027-02-01T00:00:00Z'))).toEqual(['2027-H1', '2026-H2', '2026-H1'])
  })
})
