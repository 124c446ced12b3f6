/**
 * The floor of every reconnect delay (ms) when the caller's own `delay` is not smaller: a server's `retry: 0` (or 1)
 * can never turn reconnects into a request loop.
 */
export const MIN_RECONNECT_DELAY = 250

export interface BackoffOptions {
  /** Base delay in ms when the server sent no `retry:`. */
  delay: number
  /** Upper bound in ms (a larger `retry:` from the server still wins: it is a floor). */
  maxDelay: number
  /** The server's `retry:` in ms, if it sent one. */
  serverRetry?: number | undefined
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first after a healthy stream), doubling on consecutive failures.
 *
 * - With a server `retry: R`: uniform in [R, 2R] × 2^attempt, so no reconnect comes sooner than the server asked and a
 *   herd of clients the server dropped at once spreads over R.
 * - Without: uniform in [floor, 2 × delay] × 2^attempt, floor = min(`MIN_RECONNECT_DELAY`, delay); with the default
 *   1 s that spreads first reconnects over 0.25–2 s (median about 1.1 s).
 *
 * Both ends are capped at `maxDelay`, or at R when the server asked for more than that.
 */
export function backoffDelay(attempt: number, { delay, maxDelay, serverRetry }: BackoffOptions, random: () => number = Math.random): number {
  const growth = 2 ** Math.min(attempt, 30)
  const floor = Math.min(MIN_RECONNECT_DELAY, delay)
  const low = serverRetry === undefined ? floor : Math.max(serverRetry, floor)
  const high = serverRetry === undefined ? 2 * delay : 2 * low
  const cap = Math.max(maxDelay, low)
  const from = Math.min(cap, low * growth)
  const to = Math.max(from, Math.min(cap, high * growth))
  return Math.round(from + random() * (to - from))
}

const SECONDS = /^\d+$/
/** An HTTP date starts with the day's name ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse alone takes "-1" for a year. */
const HTTP_DATE = /^[a-z]{3}/i

/** A server's `Retry-After` (seconds or an HTTP date) in ms from `now`, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null)
    return undefined
  const trimmed = value.trim()
  if (SECONDS.test(trimmed))
    return Number(trimmed) * 1000
  const date = HTTP_DATE.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
