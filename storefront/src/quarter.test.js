import { describe, it, expect } from 'vitest'
import { quarterOf, previousQuarter } from './quarter'

describe('quarters', () => {
  it('begins a quarter at China midnight', () => {
    expect(quarterOf(new Date('2026-09-30T15:59:00Z'))).toBe('2026-Q3')
    expect(quarterOf(new Date('2026-09-30T16:00:00Z'))).toBe('2026-Q4')
  })
  it('steps back across a year', () => {
    expect(previousQuarter('2026-Q1')).toBe('2025-Q4')
    expect(previousQuarter('2026-Q4')).toBe('2026-Q3')
  })
})
