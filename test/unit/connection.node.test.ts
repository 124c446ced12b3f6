import type { ConnectionConfig } from '../../src/stream/types'
import type { TestSseRequest } from '../../src/testing'
import type { TransportCallbacks, TransportFactory, TransportRequest } from '../../src/transports/types'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SseError } from '../../src/errors'
import { createConnection } from '../../src/stream/connection'
import { createRequestLog } from '../../src/testing/requestLog'
import { pickTransport } from '../../src/transports/pick'

/**
 * The reconnect decisions are logic over a transport's callbacks: the in-memory transport of
 * `vue-event-source/testing` stands in for the network, so each test answers requests as a server does (with the
 * bytes parsed as a real stream's). The network itself is covered by the browser tests against the real server.
 */
function setup(overrides: Partial<ConnectionConfig> = {}) {
  const log = createRequestLog()
  const connection = createConnection({
    url: 'http://localhost/stream',
    method: 'GET',
    body: undefined,
    withCredentials: false,
    transport: 'native',
    autoReconnect: { delay: 100, maxDelay: 1000 },
    heartbeatTimeout: 0,
    connectTimeout: 0,
    pauseWhenHidden: 0,
    lastEventId: '',
    lastEventIdParam: 'lastEventId',
    headers: () => ({}),
    loadTransport: log.loadTransport,
    ...overrides,
  })
  const statuses: string[] = []
  const errors: SseError[] = []
  connection.observe({
    state: () => {
      if (statuses.at(-1) !== connection.state.status)
        statuses.push(connection.state.status)
    },
    error: error => errors.push(error),
  })
  return { connection, requests: log.requests, last: () => log.latest(), statuses, errors }
}

/** A server that answers every request still waiting for an answer, the same way. */
async function answerPending(requests: readonly TestSseRequest[], answer: (request: TestSseRequest) => Promise<void>): Promise<void> {
  for (const request of requests.filter(request => request.state === 'pending'))
    await answer(request)
}

/**
 * A transport whose callbacks a test calls by hand, for what a transport that keeps its contract never does (report
 * after it has finished) and for the browser's own reconnect of the native transport, which the in-memory transport
 * does not simulate.
 */
interface Attempt {
  request: TransportRequest
  callbacks: TransportCallbacks
}

function scripted() {
  const attempts: Attempt[] = []
  const factory: TransportFactory = (request, callbacks) => {
    attempts.push({ request, callbacks })
    return { listen() {}, close() {} }
  }
  const last = () => {
    const attempt = attempts.at(-1)
    if (!attempt)
      throw new Error('no attempt yet')
    return attempt
  }
  return { attempts, last, loadTransport: async () => factory }
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.spyOn(Math, 'random').mockReturnValue(1)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('connection', () => {
  it('reconnects with doubling delays and resumes from the last event id', async () => {
    const { connection, requests, last, statuses } = setup()
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().open()
    await last().send({ data: 'a', id: '7' })
    await last().drop()
    expect(connection.state.status).toBe('CONNECTING')
    expect(connection.state.retryCount).toBe(1)
    // Math.random() is 1: the top of [min(250, delay), 2.25 × delay] = 225 ms, then 450 ms.
    await vi.advanceTimersByTimeAsync(224)
    expect(requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(requests).toHaveLength(2)
    expect(last().lastEventId).toBe('7')
    // Refused: the server cannot be reached.
    await last().drop()
    await vi.advanceTimersByTimeAsync(449)
    expect(requests).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(requests).toHaveLength(3)
    await last().open()
    // Open is not yet healthy: the budget starts over with the first event.
    expect(connection.state.retryCount).toBe(2)
    expect(connection.state.error).toBeNull()
    await last().send({ data: 'b', id: '8' })
    expect(connection.state.retryCount).toBe(0)
    expect(statuses).toEqual(['CONNECTING', 'OPEN', 'CONNECTING', 'OPEN'])
  })

  it('waits at least the server\'s retry, with jitter above it only', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { connection, requests, last } = setup()
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().open()
    await last().retry(3000)
    await last().send({ data: 'a', id: '1' })
    await last().end()
    await vi.advanceTimersByTimeAsync(2999)
    expect(requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(requests).toHaveLength(2)
  })

  it('never lets retry: 0 make a request loop: the floor applies and doubles', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { connection, requests, last } = setup({ autoReconnect: { delay: 1000 } })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().open()
    await last().retry(0)
    await last().end()
    // From now on the server answers 503 at once, to every request.
    const busy = () => answerPending(requests, request => request.status(503))
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(0)
      await busy()
    }
    await vi.advanceTimersByTimeAsync(0)
    const before = requests.length
    // 250, 500, 1000, 2000 ms: a server that answers 503 at once gets at most a handful of requests in 5 s.
    for (let elapsed = 0; elapsed < 5000; elapsed += 10) {
      await vi.advanceTimersByTimeAsync(10)
      await busy()
    }
    expect(before).toBe(1)
    expect(requests.length).toBeGreaterThan(2)
    expect(requests.length).toBeLessThanOrEqual(5)
  })

  it('waits for Retry-After on 503 and retries a 429', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { connection, requests, last } = setup()
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().status(503, { 'Retry-After': '3' })
    await vi.advanceTimersByTimeAsync(2999)
    expect(requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(requests).toHaveLength(2)
    await last().status(429, { 'Retry-After': '1' })
    expect(connection.state.status).toBe('CONNECTING')
    await vi.advanceTimersByTimeAsync(1000)
    expect(requests).toHaveLength(3)
  })

  it('aborts an attempt that gets no answer within connectTimeout and tries again', async () => {
    const { connection, requests, errors } = setup({ connectTimeout: 1000 })
    connection.open()
    await vi.advanceTimersByTimeAsync(999)
    expect(errors).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(errors.map(error => error.type)).toEqual(['timeout'])
    expect(requests[0]?.state).toBe('aborted')
    expect(connection.state.status).toBe('CONNECTING')
    await vi.advanceTimersByTimeAsync(225)
    expect(requests).toHaveLength(2)
  })

  it('gives up after the retry budget, once, with onFailed', async () => {
    const onFailed = vi.fn()
    const { connection, requests, last, errors } = setup({ autoReconnect: { retries: 2, delay: 100, onFailed } })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    for (let i = 0; i < 3; i++) {
      await last().status(503)
      await vi.advanceTimersByTimeAsync(10_000)
    }
    expect(requests).toHaveLength(3)
    expect(connection.state.status).toBe('CLOSED')
    expect(connection.state.error?.type).toBe('retries-exhausted')
    expect(connection.state.error?.status).toBe(503)
    expect(onFailed).toHaveBeenCalledTimes(1)
    expect(errors.map(error => error.type)).toEqual(['http', 'http', 'retries-exhausted'])
  })

  it('resets the retry budget once the stream proves healthy, not on a bare open', async () => {
    const onFailed = vi.fn()
    const { connection, requests, last } = setup({ autoReconnect: { retries: 1, delay: 100, onFailed } })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    for (let i = 0; i < 5; i++) {
      await last().open()
      await last().send({ data: String(i), id: String(i) })
      await last().drop()
      await vi.advanceTimersByTimeAsync(10_000)
    }
    expect(requests).toHaveLength(6)
    expect(onFailed).not.toHaveBeenCalled()

    // A server that accepts and drops at once never proves anything: the one reconnect already spent was the budget.
    for (let i = 0; i < 3; i++) {
      await answerPending(requests, async (request) => {
        await request.open()
        await request.end()
      })
      await vi.advanceTimersByTimeAsync(10_000)
    }
    expect(requests).toHaveLength(6)
    expect(onFailed).toHaveBeenCalledTimes(1)
    expect(connection.state.error?.type).toBe('retries-exhausted')
  })

  it('a stream that stays open long enough counts as healthy without an event', async () => {
    const { connection, last } = setup({ autoReconnect: { retries: 5, delay: 100 } })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().drop()
    await vi.advanceTimersByTimeAsync(10_000)
    await last().open()
    expect(connection.state.retryCount).toBe(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(connection.state.retryCount).toBe(0)
  })

  it('lets the browser\'s own reconnect run for a healthy stream and takes over otherwise', async () => {
    const transport = scripted()
    const { connection } = setup({ loadTransport: transport.loadTransport })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    const first = transport.last()
    first.callbacks.open()
    first.callbacks.event({ type: 'message', data: 'a', lastEventId: '1' })
    expect(first.callbacks.reconnecting?.(new SseError('network', 'lost'))).toBe(true)
    expect(connection.state.status).toBe('CONNECTING')
    expect(connection.state.retryCount).toBe(1)
    first.callbacks.open()
    // Dropped again before anything arrived: that is a failure, not the browser's business.
    expect(first.callbacks.reconnecting?.(new SseError('network', 'lost'))).toBe(false)
    first.callbacks.fail(new SseError('network', 'lost'))
    await vi.advanceTimersByTimeAsync(10_000)
    expect(transport.attempts).toHaveLength(2)
    expect(transport.last().request.lastEventId).toBe('1')
  })

  it.each([
    ['404', (request: TestSseRequest) => request.status(404), 'http'],
    ['a 200 that is no event stream', (request: TestSseRequest) => request.open({ 'Content-Type': 'text/html' }), 'content-type'],
    ['401', (request: TestSseRequest) => request.status(401), 'unauthorized'],
  ])('stops for good on %s', async (_, answer, type) => {
    const { connection, requests, last } = setup()
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await answer(last())
    await vi.advanceTimersByTimeAsync(60_000)
    expect(requests).toHaveLength(1)
    expect(connection.state.status).toBe('CLOSED')
    expect(connection.state.error?.type).toBe(type)
  })

  it('stops quietly on 204', async () => {
    const { connection, requests, last } = setup()
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().status(204)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(requests).toHaveLength(1)
    expect(connection.state.status).toBe('CLOSED')
    expect(connection.state.error).toBeNull()
  })

  it('close() clears the pending reconnect and drops late callbacks', async () => {
    const transport = scripted()
    const { connection, statuses } = setup({ loadTransport: transport.loadTransport })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    const first = transport.last()
    first.callbacks.fail(new SseError('network', 'lost'))
    connection.close()
    expect(vi.getTimerCount()).toBe(0)
    first.callbacks.open()
    first.callbacks.event({ type: 'message', data: 'late', lastEventId: '9' })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(transport.attempts).toHaveLength(1)
    expect(connection.state.lastEventId).toBe('')
    expect(statuses.at(-1)).toBe('CLOSED')
  })

  it('reconnects with error "stalled" when nothing arrives for heartbeatTimeout', async () => {
    const { connection, requests, last, errors } = setup({ heartbeatTimeout: 500 })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().open()
    await vi.advanceTimersByTimeAsync(400)
    await last().comment()
    await vi.advanceTimersByTimeAsync(400)
    expect(errors).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(100)
    expect(errors.map(error => error.type)).toEqual(['stalled'])
    expect(requests[0]?.state).toBe('aborted')
    await vi.advanceTimersByTimeAsync(225)
    expect(requests).toHaveLength(2)
  })

  it('reads the headers again for every attempt', async () => {
    let token = 0
    const { connection, last } = setup({ headers: () => ({ Authorization: `Bearer ${++token}` }), transport: 'polyfill' })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    expect(last().headers.authorization).toBe('Bearer 1')
    await last().drop()
    await vi.advanceTimersByTimeAsync(225)
    expect(last().headers.authorization).toBe('Bearer 2')
  })

  it('on 401 calls onUnauthorized once, then reconnects once with fresh headers', async () => {
    let token = 'old'
    const onUnauthorized = vi.fn(async () => {
      token = 'new'
    })
    const { connection, requests, last } = setup({
      transport: 'polyfill',
      headers: () => ({ Authorization: `Bearer ${token}` }),
      onUnauthorized,
    })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().status(401)
    await vi.advanceTimersByTimeAsync(0)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(requests).toHaveLength(2)
    expect(last().headers.authorization).toBe('Bearer new')
    await last().status(401)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(requests).toHaveLength(2)
    expect(connection.state.status).toBe('CLOSED')
    expect(connection.state.error?.type).toBe('unauthorized')
  })

  it('a rejecting onUnauthorized ends in CLOSED with "unauthorized"', async () => {
    const { connection, requests, last } = setup({ onUnauthorized: () => Promise.reject(new Error('refresh failed')) })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().status(403)
    await vi.advanceTimersByTimeAsync(0)
    expect(requests).toHaveLength(1)
    expect(connection.state.status).toBe('CLOSED')
    expect(connection.state.error?.type).toBe('unauthorized')
    expect(connection.state.error?.status).toBe(403)
  })
})

describe('connection: the network and the token refresh', () => {
  it('an online event while onUnauthorized runs waits for it: the next attempt carries the fresh token', async () => {
    let token = 'old'
    let refreshed!: () => void
    const onUnauthorized = vi.fn(() => new Promise<void>((resolve) => {
      refreshed = () => {
        token = 'new'
        resolve()
      }
    }))
    const { connection, requests, last } = setup({ transport: 'polyfill', headers: () => ({ Authorization: `Bearer ${token}` }), onUnauthorized })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().status(401)
    await vi.advanceTimersByTimeAsync(0)
    connection.page('online')
    await vi.advanceTimersByTimeAsync(1000)
    expect(requests).toHaveLength(1)
    refreshed()
    await vi.advanceTimersByTimeAsync(0)
    expect(requests).toHaveLength(2)
    expect(last().headers.authorization).toBe('Bearer new')
    await last().open()
    expect(connection.state.status).toBe('OPEN')
  })

  it('offline with no online event ever: tries again after maxDelay, spending no retries', async () => {
    vi.stubGlobal('navigator', { onLine: false })
    const { connection, requests, last } = setup({ transport: 'polyfill', autoReconnect: { delay: 100, maxDelay: 1000, retries: 1 } })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().drop()
    await vi.advanceTimersByTimeAsync(999)
    expect(requests).toHaveLength(1)
    expect(connection.state.status).toBe('CONNECTING')
    await vi.advanceTimersByTimeAsync(1)
    expect(requests).toHaveLength(2)
    await last().drop()
    await vi.advanceTimersByTimeAsync(1000)
    expect(requests).toHaveLength(3)
    expect(connection.state.retryCount).toBe(0)
    expect(connection.state.status).toBe('CONNECTING')
    // Back online: at once, with the whole budget.
    vi.stubGlobal('navigator', { onLine: true })
    await last().drop()
    connection.page('online')
    await vi.advanceTimersByTimeAsync(0)
    expect(requests).toHaveLength(4)
  })
})

describe('connection: delays no timer can hold', () => {
  it.each([
    ['autoReconnect: { delay: undefined }', { autoReconnect: { delay: undefined } }],
    ['autoReconnect: { maxDelay: undefined }', { autoReconnect: { maxDelay: undefined } }],
    ['autoReconnect: { retries: undefined }', { autoReconnect: { retries: undefined } }],
  ])('%s takes the default: a 500 is retried after 2.25 s, not at once nor never', async (_, overrides) => {
    const { connection, requests, last } = setup({ transport: 'polyfill', ...overrides })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().status(500)
    await vi.advanceTimersByTimeAsync(2249)
    expect(requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(requests).toHaveLength(2)
  })

  it.each([
    ['autoReconnect: { delay: 0 }', { delay: 0 }],
    ['autoReconnect: { delay: NaN }', { delay: Number.NaN }],
    ['autoReconnect: { maxDelay: 0 }', { maxDelay: 0 }],
    ['autoReconnect: { maxDelay: NaN }', { maxDelay: Number.NaN }],
    ['autoReconnect: { delay: -5, maxDelay: -1 }', { delay: -5, maxDelay: -1 }],
  ])('%s against a 500 makes no request loop: the delays still double', async (_, autoReconnect) => {
    const { connection, requests } = setup({ transport: 'polyfill', autoReconnect })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    for (let tick = 0; tick < 100 && requests.length < 50; tick++) {
      await answerPending(requests, request => request.status(500))
      await vi.advanceTimersByTimeAsync(10)
    }
    // 1 s of a 500 storm: the doubling takes the delay past 250 ms within a few attempts.
    expect(requests.length).toBeLessThanOrEqual(12)
  })

  it('a retry: past 2^31 - 1 ms waits that long, it never fires at once', async () => {
    const { connection, requests, last } = setup({ transport: 'polyfill' })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().open()
    await last().retry(2_147_483_648)
    await last().end()
    await vi.advanceTimersByTimeAsync(24 * 3600_000)
    expect(requests).toHaveLength(1)
    expect(connection.state.status).toBe('CONNECTING')
  })
})

describe('connection fan-out', () => {
  it('an exception in one subscriber is reported and the others still receive', async () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const { connection, last } = setup()
    const received: string[] = []
    const failure = new Error('subscriber bug')
    connection.observe({
      event: () => {
        throw failure
      },
    })
    connection.observe({ event: event => received.push(event.data) })
    connection.open()
    await vi.advanceTimersByTimeAsync(0)
    await last().open()
    await last().send({ data: 'a', id: '1' })
    await last().send({ data: 'b', id: '2' })
    expect(received).toEqual(['a', 'b'])
    expect(reportError).toHaveBeenCalledTimes(2)
    expect(reportError).toHaveBeenCalledWith(failure)
    expect(connection.state.status).toBe('OPEN')
    vi.unstubAllGlobals()
  })
})

describe('pickTransport', () => {
  it('auto: fetch on the page\'s origin, native across origins, fetch for headers, a body or another method', () => {
    vi.stubGlobal('EventSource', class {})
    expect(pickTransport('auto', 'GET', false, false, { sameOrigin: true })).toBe('fetch')
    expect(pickTransport('auto', 'GET', false, false)).toBe('native')
    expect(pickTransport('auto', 'GET', false, true)).toBe('fetch')
    expect(pickTransport('auto', 'POST', false, false)).toBe('fetch')
    expect(pickTransport('auto', 'POST', true, true)).toBe('fetch')
    // A reconnect of our own that resumes needs the Last-Event-ID header, which a new EventSource cannot send.
    expect(pickTransport('auto', 'GET', false, false, { resuming: true })).toBe('fetch')
    expect(pickTransport('native', 'GET', false, false, { resuming: true })).toBe('fetch')
    // The EventSource hides why it failed: the next attempt goes over fetch, which sees the status.
    expect(pickTransport('native', 'GET', false, false, { afterNativeFailure: true })).toBe('fetch')
    expect(pickTransport('native', 'GET', false, false, { sameOrigin: true })).toBe('native')
    vi.unstubAllGlobals()
  })

  it('an explicit transport that cannot do what is asked fails clearly', () => {
    expect(() => pickTransport('native', 'GET', false, true)).toThrowError(
      '[vue-event-source] transport "native" cannot send headers or a token (the browser\'s EventSource has no way to); use "polyfill", "fetch" or "auto".',
    )
    expect(() => pickTransport('polyfill', 'POST', true, false)).toThrowError(/use "fetch"/)
  })
})

describe('pickTransport: bad combinations', () => {
  it('a GET with a body is a config error, not a retry loop', () => {
    expect(() => pickTransport('auto', 'GET', true, false)).toThrowError(
      '[vue-event-source] A GET request cannot have a body; use method \'POST\' (the default with a body) or drop the body.',
    )
  })
})
