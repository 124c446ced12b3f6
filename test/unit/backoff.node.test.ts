import { describe, expect, it } from 'vitest'
import { backoffDelay, MIN_RECONNECT_DELAY, reconnectDelay } from '../../src/stream/backoff'
import { parseRetryAfter } from '../../src/transports/classify'

const options = { delay: 1000, maxDelay: 30_000 }
const top = () => 1
const bottom = () => 0

describe('backoffDelay', () => {
  it('without retry: draws from [250 ms, 2.25 × delay], doubling on each failure, up to maxDelay', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(attempt => backoffDelay(attempt, options, bottom)))
      .toEqual([250, 500, 1000, 2000, 4000, 8000, 30_000])
    expect([0, 1, 2, 3, 4, 10].map(attempt => backoffDelay(attempt, options, top)))
      .toEqual([2250, 4500, 9000, 18_000, 30_000, 30_000])
    expect(MIN_RECONNECT_DELAY).toBe(250)
  })

  it('spreads a herd: 70 % of draws in the first half of the window, the median client back within 1 s', () => {
    expect(backoffDelay(0, options, () => 0.7)).toBe(1250)
    expect(backoffDelay(0, options, () => 0.35)).toBe(750)
    expect(backoffDelay(0, options, () => 0.85)).toBe(1750)
    expect(backoffDelay(0, options, () => 0.5)).toBe(964)
    let previous = 0
    for (let draw = 0; draw <= 1; draw += 0.01) {
      const delay = backoffDelay(0, options, () => draw)
      expect(delay).toBeGreaterThanOrEqual(previous)
      previous = delay
    }
  })

  it('takes the server\'s retry as a floor: [R, 2.5 R], never sooner', () => {
    expect(backoffDelay(0, { ...options, serverRetry: 3000 }, bottom)).toBe(3000)
    expect(backoffDelay(0, { ...options, serverRetry: 3000 }, top)).toBe(7500)
    expect(backoffDelay(2, { ...options, serverRetry: 3000 }, bottom)).toBe(12_000)
    // A retry beyond maxDelay still wins: the server asked for it.
    expect(backoffDelay(0, { ...options, serverRetry: 60_000 }, top)).toBe(60_000)
  })

  it('retry: 0 cannot make a loop: the floor takes over and still doubles', () => {
    expect(backoffDelay(0, { ...options, serverRetry: 0 }, bottom)).toBe(250)
    expect(backoffDelay(0, { ...options, serverRetry: 0 }, top)).toBe(625)
    expect(backoffDelay(3, { ...options, serverRetry: 0 }, bottom)).toBe(2000)
    // A caller's own smaller delay is its choice.
    expect(backoffDelay(0, { delay: 20, maxDelay: 30_000, serverRetry: 0 }, bottom)).toBe(20)
  })

  it('does not overflow on a very long outage', () => {
    expect(backoffDelay(10_000, options, top)).toBe(30_000)
  })
})

describe('reconnectDelay', () => {
  it('waits for a Retry-After longer than the backoff, plus up to 10 % of it', () => {
    expect(reconnectDelay(0, options, 3000, bottom)).toBe(3000)
    expect(reconnectDelay(0, options, 3000, top)).toBe(3300)
    expect(reconnectDelay(0, options, 3000, () => 0.5)).toBe(3150)
  })

  it('keeps the backoff when it is longer than Retry-After, or when there is none', () => {
    expect(reconnectDelay(0, options, 100, top)).toBe(2250)
    expect(reconnectDelay(3, options, 1000, bottom)).toBe(2000)
    expect(reconnectDelay(2, options, undefined, bottom)).toBe(backoffDelay(2, options, bottom))
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-1', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
})
