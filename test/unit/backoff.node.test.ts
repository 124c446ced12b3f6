import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/backoff'

const options = { delay: 1000, maxDelay: 30_000 }

describe('backoffDelay', () => {
  it('doubles from the base delay up to the ceiling', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10].map(attempt => backoffDelay(attempt, options, () => 1))
    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000])
  })

  it('jitters between half and all of each step', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(500)
    expect(backoffDelay(2, options, () => 0)).toBe(2000)
    expect(backoffDelay(2, options, () => 0.5)).toBe(3000)
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(3, options)
      expect(delay).toBeGreaterThanOrEqual(4000)
      expect(delay).toBeLessThanOrEqual(8000)
    }
  })

  it('takes the server\'s retry as the base and still caps it', () => {
    expect(backoffDelay(0, { delay: 10, maxDelay: 30_000 }, () => 1)).toBe(10)
    expect(backoffDelay(3, { delay: 10, maxDelay: 30_000 }, () => 1)).toBe(80)
    expect(backoffDelay(0, { delay: 60_000, maxDelay: 30_000 }, () => 1)).toBe(30_000)
  })

  it('does not overflow on a very long outage', () => {
    expect(backoffDelay(10_000, options, () => 1)).toBe(30_000)
  })
})
