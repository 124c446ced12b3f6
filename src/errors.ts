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
  /** The stream's URL: origin and path (see `describeUrl`). */
  url?: string
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
  /**
   * The stream that failed: its origin and path, never a query string (it may hold a token) or credentials. Set on
   * every error a stream reports; the message starts with the method and path as well.
   */
  readonly url?: string

  constructor(type: SseErrorType, message: string, { status, retryAfter, url, cause }: SseErrorOptions = {}) {
    super(`[vue-event-source] ${message}`, cause === undefined ? undefined : { cause })
    // The fields are declared above, so each is an own property of every error, `undefined` where not known.
    this.type = type
    this.status = status
    this.retryAfter = retryAfter
    this.url = url
  }
}

const PREFIX = /^\[vue-event-source\] /

const QUERY_OR_FRAGMENT = /[?#].*$/s
const USERINFO = /^([a-z][a-z\d+\-.]*:)?\/\/[^/?#@]*@/i

/**
 * A URL as error messages and warnings may show it: origin and path only. A query string often carries an
 * `access_token` (a bare EventSource cannot send headers), and logs are no place for it, nor for `user:password@`.
 */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url, typeof location === 'undefined' ? undefined : location.href)
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:')
      return `${parsed.origin}${parsed.pathname}`
    return `a ${parsed.protocol} URL`
  }
  catch {
    return url.replace(QUERY_OR_FRAGMENT, '').replace(USERINFO, '$1//')
  }
}

/**
 * `error` as a stream reports it: with the stream's `url` (origin and path) and a message that starts with the method
 * and the path (origin and path for another origin's stream), so that an app with several streams can tell which one
 * failed. An error that names its stream already is returned as it is.
 */
export function inStream(error: SseError, method: string, url: string): SseError {
  if (error.url !== undefined)
    return error
  const described = describeUrl(url)
  const page = typeof location === 'undefined' ? '' : location.origin
  const shown = page && described.startsWith(`${page}/`) ? described.slice(page.length) : described
  const { type, status, retryAfter, cause } = error
  const located = new SseError(type, `${method} ${shown}: ${error.message.replace(PREFIX, '')}`, { status, retryAfter, cause, url: described })
  if (error.stack)
    located.stack = error.stack.replace(error.message, located.message)
  return located
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
