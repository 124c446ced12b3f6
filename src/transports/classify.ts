import { DEV, timerDelay } from '../env'
import { SseError } from '../errors'

const SECONDS = /^\d+$/
/** An HTTP date starts with the day's name ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse alone takes "-1" for a year. */
const HTTP_DATE = /^[a-z]{3}/i

/**
 * A server's `Retry-After` (seconds or an HTTP date) in ms from `now`, or undefined when absent or unreadable; clamped
 * to what a browser timer holds.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null)
    return undefined
  const trimmed = value.trim()
  if (SECONDS.test(trimmed))
    return timerDelay(Number(trimmed) * 1000)
  const date = HTTP_DATE.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  return Number.isNaN(date) ? undefined : timerDelay(date - now)
}

/** What a response's head says: `'no-content'` (204, stop for good), why it cannot be streamed, or null to stream it. */
export function classifyResponse(response: Response): 'no-content' | SseError | null {
  if (response.status === 204)
    return 'no-content'
  // Cross-origin, `Retry-After` is readable only where the server lists it in Access-Control-Expose-Headers.
  return responseError(response.status, response.headers.get('content-type'), parseRetryAfter(response.headers.get('retry-after')))
}

const EVENT_STREAM = /^text\/event-stream\s*(?:;|$)/i

/** The error a transport reports for a response it cannot stream from. */
export function responseError(status: number, contentType: string | null, retryAfter?: number): SseError | null {
  if (status === 401 || status === 403)
    return new SseError('unauthorized', DEV ? `The server answered ${status}: the request is not authorized.` : `HTTP ${status}`, { status })
  if (status !== 200) {
    const wait = (status === 429 || status === 503) && retryAfter !== undefined ? { retryAfter } : {}
    return new SseError('http', DEV ? `The server answered ${status}; an event stream needs 200.` : `HTTP ${status}`, { status, ...wait })
  }
  if (!contentType || !EVENT_STREAM.test(contentType.trim())) {
    return new SseError(
      'content-type',
      DEV
        ? `The server answered with Content-Type "${contentType ?? ''}"; an event stream needs "text/event-stream".`
        : `Content-Type "${contentType ?? ''}"`,
      { status },
    )
  }
  return null
}
