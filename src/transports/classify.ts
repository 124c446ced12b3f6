import type { SseError } from '../errors'
import { responseError } from '../errors'

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

/** What a response's head says: `'no-content'` (204, stop for good), why it cannot be streamed, or null to stream it. */
export function classifyResponse(response: Response): 'no-content' | SseError | null {
  if (response.status === 204)
    return 'no-content'
  // Cross-origin, `Retry-After` is readable only where the server lists it in Access-Control-Expose-Headers.
  return responseError(response.status, response.headers.get('content-type'), parseRetryAfter(response.headers.get('retry-after')))
}
