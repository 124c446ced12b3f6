/**
 * Why a stream failed.
 * - `network`: the connection could not be made or broke off
 * - `http`: the server answered with a status that is not 200 (see `status`)
 * - `content-type`: a 200 answer that is not `text/event-stream`
 * - `unauthorized`: 401 or 403, and `onUnauthorized` could not fix it
 * - `parse`: `json` or `serializer` could not read one message (the stream goes on)
 * - `stalled`: nothing arrived for `heartbeatTimeout` ms
 * - `timeout`: no response head within `connectTimeout` ms (the attempt is aborted and retried)
 * - `retries-exhausted`: `autoReconnect.retries` reconnects failed in a row
 * - `config`: the options ask for something the chosen transport cannot do, or the URL, body or headers cannot be
 *   sent (no request is made)
 * - `token`: the token could not be read (its getter threw or rejected) or cannot go into a header (a line break,
 *   NUL, a character beyond Latin-1); the stream stays closed
 * - `redirect`: the server answered with a redirect while the request carried a token or custom headers; it is not
 *   followed, so they never reach another origin (the browser hides where a redirect goes)
 * - `overflow`: the server sent more than the buffer bound without ending an event; the stream closes
 */
export type SseErrorType
  = | 'network'
    | 'http'
    | 'content-type'
    | 'unauthorized'
    | 'parse'
    | 'stalled'
    | 'timeout'
    | 'retries-exhausted'
    | 'config'
    | 'token'
    | 'redirect'
    | 'overflow'

export interface SseErrorOptions {
  /** HTTP status, where the transport can see it. */
  status?: number
  /** The server's `Retry-After`, in ms. */
  retryAfter?: number
  cause?: unknown
}

export class SseError extends Error {
  override readonly name = 'SseError'
  readonly type: SseErrorType
  readonly status?: number
  /** How long the server asked to wait (its `Retry-After` on 429 or 503), in ms: the next attempt waits this long. */
  readonly retryAfter?: number

  constructor(type: SseErrorType, message: string, options: SseErrorOptions = {}) {
    super(`[vue-event-source] ${message}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.type = type
    if (options.status !== undefined)
      this.status = options.status
    if (options.retryAfter !== undefined)
      this.retryAfter = options.retryAfter
  }
}

/** "Try again later": the network, a stall, a timeout, 5xx and 429 (Too Many Requests). */
export function isRetryable(error: SseError): boolean {
  if (error.type === 'http')
    return (error.status ?? 0) >= 500 || error.status === 429
  return error.type === 'network' || error.type === 'stalled' || error.type === 'timeout'
}

/** Reports an exception the way the browser reports one thrown in an event listener, without unwinding the caller. */
export function reportLater(error: unknown): void {
  if (typeof reportError === 'function') {
    reportError(error)
  }
  else {
    queueMicrotask(() => {
      throw error
    })
  }
}
