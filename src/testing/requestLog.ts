import type { TransportFactory, TransportName } from '../transports/types'
import type { TestSseRequest } from './memoryRequest'
import { MemoryRequest } from './memoryRequest'

/**
 * Which request: a URL (resolved against the request's own, so `'/api/ticker'` matches
 * `http://localhost:3000/api/ticker?lastEventId=3`; a query in it must match too), a RegExp tested on the full
 * URL, or a predicate.
 */
export type TestSseMatch = string | RegExp | ((request: TestSseRequest) => boolean)

export interface TestSseNextOptions {
  /**
   * Real-time ms to wait before rejecting with a list of the requests made so far; 0 or `Infinity` waits for ever.
   * @default 4000
   */
  timeout?: number
}

/** The requests a test can find and await. */
export interface TestSseRequests {
  /** Every request the app's streams made, oldest first, reconnects included. */
  readonly requests: readonly TestSseRequest[]
  /**
   * The most recent request that matches (any request without `match`); throws, listing the requests made, when
   * there is none. It and every earlier match count as handed out for `next()`.
   */
  latest: (match?: TestSseMatch) => TestSseRequest
  /**
   * The oldest matching request not yet handed out by `next()` or `latest()`, waiting for one if need be: made
   * before the call or after, there is no race with the app. After `drop()`, `await sse.next()` is the reconnect.
   */
  next: (match?: TestSseMatch, options?: TestSseNextOptions) => Promise<TestSseRequest>
}

export interface RequestLog extends TestSseRequests {
  /** Every transport name loads the in-memory transport, which records each request here. */
  loadTransport: (name: TransportName) => Promise<TransportFactory>
}

// Taken when this module loads, so that a test's fake timers do not also stop the timeout that reports a wait in vain.
const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

function matcher(match: TestSseMatch | undefined): (request: TestSseRequest) => boolean {
  if (match === undefined)
    return () => true
  if (typeof match === 'function')
    return match
  if (match instanceof RegExp) {
    return (request) => {
      match.lastIndex = 0
      return match.test(request.url)
    }
  }
  return (request) => {
    try {
      // In Node without a page, URLs stay relative: any origin serves as the base.
      const url = new URL(request.url, 'http://localhost/')
      const wanted = new URL(match, url)
      return wanted.origin === url.origin && wanted.pathname === url.pathname && (!match.includes('?') || wanted.search === url.search)
    }
    catch {
      return match === request.url
    }
  }
}

function describe(match: TestSseMatch | undefined): string {
  if (match === undefined)
    return ''
  return typeof match === 'function' ? ' matching the predicate' : ` for ${typeof match === 'string' ? `"${match}"` : String(match)}`
}

export function createRequestLog(): RequestLog {
  const requests: MemoryRequest[] = []
  const handedOut = new WeakSet<TestSseRequest>()
  const waiters: { test: (request: TestSseRequest) => boolean, take: (request: TestSseRequest) => void }[] = []

  const made = () => requests.length === 0
    ? 'none'
    : requests.map(request => `${request.method} ${request.url} (${request.state})`).join(', ')

  function record(request: MemoryRequest): void {
    requests.push(request)
    const waiter = waiters.find(candidate => candidate.test(request))
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1)
      handedOut.add(request)
      waiter.take(request)
    }
  }

  return {
    requests,
    latest(match) {
      const test = matcher(match)
      const matching = requests.filter(test)
      const last = matching.at(-1)
      if (!last)
        throw new Error(`[vue-event-source/testing] No request${describe(match)} was made. Requests so far: ${made()}.`)
      matching.forEach(request => handedOut.add(request))
      return last
    },
    next(match, { timeout = 4000 } = {}) {
      const test = matcher(match)
      const waiting = requests.find(request => !handedOut.has(request) && test(request))
      if (waiting) {
        handedOut.add(waiting)
        return Promise.resolve(waiting)
      }
      return new Promise((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined
        const waiter = {
          test,
          take(request: TestSseRequest) {
            realClearTimeout(timer)
            resolve(request)
          },
        }
        waiters.push(waiter)
        if (timeout > 0 && Number.isFinite(timeout)) {
          timer = realSetTimeout(() => {
            waiters.splice(waiters.indexOf(waiter), 1)
            reject(new Error(
              `[vue-event-source/testing] No request${describe(match)} within ${timeout} ms. Requests so far: ${made()}. `
              + 'A reconnect waits for the backoff: pass autoReconnect: { delay: 0 } to createTestSse(), or advance '
              + 'fake timers while awaiting next().',
            ))
          }, timeout)
        }
      })
    },
    loadTransport: name => Promise.resolve<TransportFactory>((request, callbacks) => {
      const memory = new MemoryRequest(name, request, callbacks)
      record(memory)
      return memory.connection
    }),
  }
}
