import type { SseError, TransportChoice, TransportName, UseEventSourceOptions } from '../src'
import type { ExpectedEvent, Fixture } from './server/fixtures'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { server } from 'vitest/browser'
import { useEventSource } from '../src'
import { inScope } from './scope'
import { closeAllOnServer, cutIsNetworkError, secondOrigin, serverConnections, uniqueTag, waitFor } from './server/client'
import { DEFAULT_FIXTURE_PAUSE, fixtures, nativeExpected, transportFixtures } from './server/fixtures'

const transports: TransportName[] = ['native', 'polyfill', 'fetch']
/** The transports that can send headers, and so see every status themselves. */
const headerTransports: TransportName[] = ['polyfill', 'fetch']

const cleanups: (() => void)[] = []

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  vi.restoreAllMocks()
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Opens `url` through `transport` and records every message and error. */
function receive(url: string, transport: TransportChoice, options: UseEventSourceOptions = {}) {
  const received: ExpectedEvent[] = []
  const errors: SseError[] = []
  const { result, stop } = inScope(() => useEventSource(url, {
    transport,
    ...options,
    onMessage: (message) => {
      received.push({ type: message.event, data: message.data, lastEventId: message.id })
      options.onMessage?.(message)
    },
    onError: (error) => {
      errors.push(error)
      options.onError?.(error)
    },
  }))
  return { received, errors, result, stop }
}

/** Plays a fixture through `transport` and checks it gives exactly the expected events, then nothing more. */
async function expectFixture(transport: TransportName, name: string, fixture: Fixture, initialLastEventId?: string) {
  const startedAt = Date.now()
  // The native transport gives what the browser's EventSource gives, Firefox's departures from WHATWG included.
  const parsed = transport === 'native' ? nativeExpected(fixture, server.browser) : fixture.expected
  const types = [...new Set(parsed.map(event => event.type))].filter(type => type !== 'message')
  const { received, errors, result } = receive(`/sse/fixture/${name}?tag=${uniqueTag()}`, transport, {
    events: types,
    autoReconnect: false,
    initialLastEventId,
  })
  await waitFor(() => received.length >= parsed.length, { timeout: 10_000 })
  // Wait for the rest of the fixture, so that an event dispatched late or twice shows up too.
  const duration = fixture.chunks.length * (fixture.pause ?? DEFAULT_FIXTURE_PAUSE)
  await sleep(Math.max(0, startedAt + duration - Date.now()) + 300)
  const expected = initialLastEventId === undefined
    ? parsed
    : parsed.map(event => ({ ...event, lastEventId: event.lastEventId || initialLastEventId }))
  expect(received).toEqual(expected)
  expect(errors).toEqual([])
  expect(result.status.value).toBe('OPEN')
}

const conformance = Object.entries({ ...fixtures, 'reserved-types': transportFixtures['reserved-types']!, 'polyfill-fields': transportFixtures['polyfill-fields']! })

describe.each(transports)('%s transport gives the events the native EventSource gives', (transport) => {
  for (const [name, fixture] of conformance) {
    it(`${name}: ${fixture.description}`, async () => {
      await expectFixture(transport, name, fixture)
    })
  }

  it('events before the stream\'s first id carry the resume point, as after the browser\'s own reconnect', async () => {
    await expectFixture(transport, 'event-type-reset', fixtures['event-type-reset']!, '7')
  })

  it('a 5 MB event arrives whole', async () => {
    const { received, errors } = receive(`/sse/big?tag=${uniqueTag()}`, transport, { autoReconnect: false })
    await waitFor(() => received.length >= 2, { timeout: 20_000 })
    const [big, after] = received
    expect(big?.data.length).toBe(5_000_000)
    expect(big?.data === 'abcdefghij'.repeat(500_000)).toBe(true)
    expect(big?.lastEventId).toBe('big')
    expect(after).toEqual({ type: 'message', data: 'after', lastEventId: 'big' })
    expect(errors).toEqual([])
  })

  it('nothing is dispatched after close(), not even the rest of the chunk in hand', async () => {
    const tag = uniqueTag()
    let close = () => {}
    const { received, result } = receive(`/sse/counter?count=2000&interval=0&tag=${tag}`, transport, {
      onMessage: () => close(),
    })
    close = result.close
    await waitFor(() => received.length > 0)
    await sleep(300)
    expect(received).toHaveLength(1)
    expect(result.status.value).toBe('CLOSED')
    await waitFor(async () => (await serverConnections(tag)).every(connection => !connection.open), { timeout: 2000 })
  })

  it('an onMessage that throws is reported like an EventSource listener\'s error, and the stream goes on', async () => {
    const thrown = new Error('a bug in the app')
    const reported: unknown[] = []
    // At-target capturing listeners run first: this one keeps the expected error from failing the run.
    const onError = (event: ErrorEvent) => {
      if (event.error !== thrown)
        return
      reported.push(event.error)
      event.preventDefault()
      event.stopImmediatePropagation()
    }
    window.addEventListener('error', onError, { capture: true })
    cleanups.push(() => window.removeEventListener('error', onError, { capture: true }))
    const { received, errors, result } = receive(`/sse/counter?count=5&interval=0&tag=${uniqueTag()}`, transport, {
      onMessage: (message) => {
        if (message.id === '2')
          throw thrown
      },
    })
    await waitFor(() => received.length >= 5 && reported.length > 0)
    await sleep(100)
    expect(received.map(event => event.lastEventId)).toEqual(['1', '2', '3', '4', '5'])
    expect(reported).toEqual([thrown])
    expect(errors).toEqual([])
    expect(result.status.value).toBe('OPEN')
  })

  it('1..300 with a drop every 30 events arrive exactly once, in order, resuming from the last id each time', async () => {
    const tag = uniqueTag()
    const ids: number[] = []
    const resumePoints: string[] = []
    // A drop is an error, but where WebKit reads it as a clean end (see `cutIsNetworkError`) it shows only as the open
    // of the next connection; a native stream whose reconnects come too fast goes on over fetch, so one stream may
    // show both. Each reconnect counts once: at its error, or else at its open.
    let opens = 0
    let counted = false
    receive(`/sse/drop?total=300&every=30&retry=10&tag=${tag}`, transport, {
      onMessage: message => ids.push(Number(message.id)),
      onError: () => {
        if (!counted)
          resumePoints.push(String(ids.at(-1) ?? ''))
        counted = true
      },
      onOpen: () => {
        if (opens++ > 0 && !counted)
          resumePoints.push(String(ids.at(-1) ?? ''))
        counted = false
      },
    })
    // No bound on the time: a connection whose events Chromium discards with its cut (see below) never proves healthy,
    // so the backoff doubles, as it must for a server that accepts and drops; a few of those in a row on a busy machine
    // add seconds. What counts is that every event arrives once, in order.
    await waitFor(() => ids.length >= 300, { timeout: 80_000 })
    await sleep(100)
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
    const connections = await serverConnections(tag)
    // Every drop is one reconnect. (Over fetch, Chromium may discard what arrived just before a cut: such a connection
    // delivers nothing, and the next one resumes from the same id.)
    expect(connections).toHaveLength(resumePoints.length + 1)
    expect(resumePoints).toEqual(expect.arrayContaining(['30', '60', '90', '120', '150', '180', '210', '240', '270']))
    expect(connections[0]?.lastEventId).toBeNull()
    expect(connections.slice(1).map(connection => connection.lastEventId ?? '')).toEqual(resumePoints)
    // Every reconnect carries the Last-Event-ID header, which is all a server that follows the spec reads: fetch and
    // the polyfill set it (and the query parameter, for servers that read that), the EventSource's own reconnect
    // sends it on the URL it started with, and a reconnect the library makes for the native transport goes over fetch.
    const resumed = connections.slice(1).filter(connection => connection.lastEventId !== null)
    expect(resumed.length).toBeGreaterThanOrEqual(9)
    for (const connection of resumed) {
      expect(connection.headers['last-event-id']).toBe(connection.lastEventId)
      if (transport === 'native')
        expect([null, connection.lastEventId]).toContain(connection.query.lastEventId ?? null)
      else
        expect(connection.query.lastEventId).toBe(connection.lastEventId)
    }
    const first = connections.findIndex(connection => connection.lastEventId !== null)
    if (transport === 'native') {
      // The browser reconnects by itself, on the URL it started with (no resume point in the query, which a reconnect
      // of the library's own carries), and waits the server's `retry: 10`: sooner than the library's 250 ms floor ever
      // allows. Not all of them: when Chromium discards a connection's events with its cut (see above), that
      // connection never proved healthy, and the library's own backoff takes over, over fetch.
      const byBrowser = connections.flatMap((connection, index) =>
        index >= first && connection.query.lastEventId === undefined ? [connection.openedAt - connections[index - 1]!.closedAt!] : [])
      expect(byBrowser.length).toBeGreaterThan(0)
      // Firefox never waits less than 500 ms, whatever `retry:` asks: its own floor, above the library's.
      if (server.browser === 'firefox')
        expect(Math.min(...byBrowser)).toBeGreaterThanOrEqual(490)
      else
        expect(Math.min(...byBrowser)).toBeLessThan(245)
    }
    else {
      const gaps = connections.slice(first).map((connection, index) => connection.openedAt - connections[first + index - 1]!.closedAt!)
      // `retry: 10` is below the 250 ms floor: the floor wins, jitter above it, 250–625 ms after a healthy stream (a
      // connection Chromium cut before it delivered anything counts as a failure and doubles that).
      const sorted = [...gaps].sort((a, b) => a - b)
      expect(sorted[0]).toBeGreaterThanOrEqual(245)
      expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(800)
    }
  }, 90_000)

  it.each([
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'http'],
  ])('%i fails with its status and does not retry', async (code, type) => {
    const tag = uniqueTag()
    const consoleError = vi.spyOn(console, 'error')
    const { errors, result } = receive(`/sse/status/${code}?tag=${tag}`, transport, { autoReconnect: { delay: 20 } })
    await waitFor(() => result.error.value !== null && result.status.value === 'CLOSED')
    expect(result.error.value?.type).toBe(type)
    expect(result.error.value?.status).toBe(code)
    expect(errors).toHaveLength(1)
    const before = await serverConnections(tag)
    // The EventSource hides the status: its next attempt, over fetch, learns it (no retry spent, no error until then);
    // the others see it on the request itself.
    expect(before).toHaveLength(transport === 'native' ? 2 : 1)
    await sleep(300)
    expect(await serverConnections(tag)).toHaveLength(before.length)
    expect(consoleError).not.toHaveBeenCalled()
  })

  it('500 retries with backoff and gives up after the budget, keeping the status', async () => {
    const tag = uniqueTag()
    const consoleError = vi.spyOn(console, 'error')
    let failed = 0
    const { errors, result } = receive(`/sse/status/500?tag=${tag}`, transport, {
      autoReconnect: { retries: 2, delay: 20, onFailed: () => failed++ },
    })
    await waitFor(() => result.error.value?.type === 'retries-exhausted', { timeout: 10_000 })
    expect(result.error.value?.status).toBe(500)
    expect(result.status.value).toBe('CLOSED')
    expect(failed).toBe(1)
    expect(errors.map(error => [error.type, error.status])).toEqual([['http', 500], ['http', 500], ['retries-exhausted', 500]])
    if (transport !== 'native')
      expect(await serverConnections(tag)).toHaveLength(3)
    expect(consoleError).not.toHaveBeenCalled()
  })

  it('204 ends CLOSED, without an error and without reconnecting', async () => {
    const tag = uniqueTag()
    const { errors, result } = receive(`/sse/status/204?tag=${tag}`, transport, { autoReconnect: { delay: 20 } })
    await waitFor(async () => result.status.value === 'CLOSED' && (await serverConnections(tag)).length > 0)
    await sleep(300)
    expect(result.status.value).toBe('CLOSED')
    expect(result.error.value).toBeNull()
    expect(errors).toEqual([])
    expect(await serverConnections(tag)).toHaveLength(transport === 'native' ? 2 : 1)
  })

  it('a wrong Content-Type fails with "content-type" and status 200, without retrying', async () => {
    const tag = uniqueTag()
    const { result } = receive(`/sse/content-type?tag=${tag}`, transport, { autoReconnect: { delay: 20 } })
    await waitFor(() => result.error.value !== null && result.status.value === 'CLOSED')
    expect(result.error.value?.type).toBe('content-type')
    expect(result.error.value?.status).toBe(200)
    const before = (await serverConnections(tag)).length
    await sleep(300)
    expect(await serverConnections(tag)).toHaveLength(before)
  })

  it('a network failure then close() leaves no unhandled rejection and logs nothing', async () => {
    const tag = uniqueTag()
    const rejections: unknown[] = []
    const onRejection = (event: PromiseRejectionEvent) => rejections.push(event.reason)
    window.addEventListener('unhandledrejection', onRejection)
    cleanups.push(() => window.removeEventListener('unhandledrejection', onRejection))
    const consoleError = vi.spyOn(console, 'error')
    const { received, errors, result, stop } = receive(`/sse/counter?interval=20&tag=${tag}`, transport, {
      autoReconnect: { delay: 5000 },
    })
    await waitFor(() => received.length >= 2)
    await closeAllOnServer({ tag })
    if (cutIsNetworkError(transport)) {
      await waitFor(() => errors.length > 0)
      expect(errors[0]?.type).toBe('network')
    }
    else {
      // WebKit reads the cut as a clean end (see `cutIsNetworkError`): a reconnect is scheduled, with no error.
      await waitFor(() => result.status.value === 'CONNECTING')
      expect(errors).toEqual([])
    }
    expect(result.status.value).toBe('CONNECTING')
    stop()
    await sleep(500)
    expect(rejections).toEqual([])
    expect(consoleError).not.toHaveBeenCalled()
    expect(await serverConnections(tag)).toHaveLength(1)
  })

  it('withCredentials sends cookies cross-origin, and only then', async () => {
    const origin = await secondOrigin()
    const tag = uniqueTag()
    // Cookies ignore the port, so one set on this page goes to the second server, which is another origin.
    document.cookie = `sse_${tag.replace(/\W/g, '_')}=1; path=/`
    cleanups.push(() => {
      document.cookie = `sse_${tag.replace(/\W/g, '_')}=; max-age=0; path=/`
    })
    const withCookies = receive(`${origin}/sse/counter?interval=20&tag=${tag}-with`, transport, { withCredentials: true })
    const without = receive(`${origin}/sse/counter?interval=20&tag=${tag}-without`, transport)
    await waitFor(() => withCookies.received.length > 0 && without.received.length > 0)
    const [withRecord] = await serverConnections(`${tag}-with`, { origin: 'second' })
    const [withoutRecord] = await serverConnections(`${tag}-without`, { origin: 'second' })
    expect(withRecord?.headers.cookie).toContain(`sse_${tag.replace(/\W/g, '_')}=1`)
    expect(withoutRecord?.headers.cookie ?? '').not.toContain(`sse_${tag.replace(/\W/g, '_')}`)
  })
})

describe('the fixtures only this suite plays, checked against the native EventSource itself', () => {
  it('reserved-types: a server event named "open" or "error" is a MessageEvent on their listeners', async () => {
    const fixture = transportFixtures['reserved-types']!
    const source = new EventSource(`/sse/fixture/reserved-types?tag=${uniqueTag()}`)
    cleanups.push(() => source.close())
    const received: ExpectedEvent[] = []
    const states: string[] = []
    for (const type of ['open', 'error', 'message']) {
      source.addEventListener(type, (event: Event) => {
        if (event instanceof MessageEvent)
          received.push({ type: event.type, data: event.data as string, lastEventId: event.lastEventId })
        else
          states.push(event.type)
      })
    }
    await waitFor(() => received.length >= fixture.expected.length)
    await sleep(200)
    expect(received).toEqual(fixture.expected)
    expect(states).toEqual(['open'])
    expect(source.readyState).toBe(EventSource.OPEN)
  })
})

describe.each(headerTransports)('%s transport: headers and token', (transport) => {
  it('sends the headers and a freshly read token on the first connect and on every reconnect', async () => {
    const tag = uniqueTag()
    const ids: string[] = []
    const resumePoints: string[] = []
    let reads = 0
    let opens = 0
    receive(`/sse/drop?total=90&every=30&retry=10&tag=${tag}`, transport, {
      token: () => `tok${++reads}`,
      headers: { 'X-Test': '1' },
      onMessage: message => ids.push(message.id),
      // Where a drop reads as a clean end (WebKit, see `cutIsNetworkError`), it shows as the next connection's open.
      onError: () => {
        if (cutIsNetworkError(transport))
          resumePoints.push(ids.at(-1) ?? '')
      },
      onOpen: () => {
        if (!cutIsNetworkError(transport) && opens++ > 0)
          resumePoints.push(ids.at(-1) ?? '')
      },
    })
    // Time enough for the backoff to double twice (see the 1..300 case): the point is what each request carries.
    await waitFor(() => ids.length >= 90, { timeout: 25_000 })
    const connections = await serverConnections(tag)
    expect(connections.length).toBeGreaterThanOrEqual(3)
    expect(reads).toBe(connections.length)
    expect(connections.map(connection => connection.headers.authorization)).toEqual(connections.map((_, i) => `Bearer tok${i + 1}`))
    expect(connections.every(connection => connection.headers['x-test'] === '1')).toBe(true)
    expect(connections.map(connection => connection.lastEventId ?? '')).toEqual(['', ...resumePoints])
    expect(resumePoints).toEqual(expect.arrayContaining(['30', '60']))
  })

  it('401 goes through onUnauthorized and reconnects once with the new token', async () => {
    const tag = uniqueTag()
    let token = 'stale'
    const unauthorized: SseError[] = []
    const { result } = receive(`/sse/authed?accept=fresh&count=3&interval=10&tag=${tag}`, transport, {
      token: () => token,
      onUnauthorized: (error) => {
        unauthorized.push(error)
        token = 'fresh'
      },
    })
    await waitFor(() => result.lastEventId.value === '3')
    expect(unauthorized.map(error => [error.type, error.status])).toEqual([['unauthorized', 401]])
    const connections = await serverConnections(tag)
    expect(connections.map(connection => [connection.status, connection.headers.authorization])).toEqual([
      [401, 'Bearer stale'],
      [200, 'Bearer fresh'],
    ])
  })

  it('an id-only block at the end of a stream moves the resume point', async () => {
    const tag = uniqueTag()
    const { received } = receive(`/sse/fixture/id-only-end?tag=${tag}`, transport)
    await waitFor(async () => (await serverConnections(tag)).length >= 2)
    expect(received[0]).toEqual({ type: 'message', data: 'a', lastEventId: '1' })
    const [, second] = await serverConnections(tag)
    expect(second?.lastEventId).toBe('2')
  })
})

describe('native transport', () => {
  it('the browser\'s own reconnect after a block that only sets an id: Chromium sends that id', async () => {
    const tag = uniqueTag()
    receive(`/sse/fixture/id-only-end?tag=${tag}`, 'native')
    await waitFor(async () => (await serverConnections(tag)).length >= 2, { timeout: 5000 })
    const [, second] = await serverConnections(tag)
    // Firefox and WebKit set the id they reconnect with only when they dispatch an event (WebKit carries the block's
    // id into the next event, Firefox loses it), so their reconnect still sends the id of the event before.
    expect(second?.headers['last-event-id']).toBe(server.browser === 'chromium' ? '2' : '1')
  })
})

describe.each(['native', 'polyfill'] as const)('%s transport: the lastEventId query parameter', (transport) => {
  it('replaces one the URL already has, so that a server reading the first gets the current id', async () => {
    const tag = uniqueTag()
    const { received } = receive(`/sse/echo?lastEventId=stale&tag=${tag}#top`, transport, { initialLastEventId: 'fresh 1' })
    await waitFor(() => received.length === 1)
    const [record] = await serverConnections(tag)
    expect(record?.query).toEqual({ tag, lastEventId: 'fresh 1' })
  })
})

describe('fetch transport', () => {
  it('sends a POST with a JSON body and streams the reply', async () => {
    const tag = uniqueTag()
    const tokens: string[] = []
    let done = ''
    const { result } = inScope(() => useEventSource<{ text: string }>(`/sse/chat?interval=5&tag=${tag}`, {
      method: 'POST',
      body: { prompt: 'hello there' },
      events: ['token', 'done'],
      json: true,
      autoReconnect: false,
      onMessage: (message) => {
        if (message.event === 'token')
          tokens.push(message.data.text)
        else
          done = message.data.text
      },
    }))
    await waitFor(() => done !== '')
    expect(tokens.join('')).toBe('You said: hello there')
    expect(done).toBe('You said: hello there')
    const [record] = await serverConnections(tag)
    expect(record?.method).toBe('POST')
    expect(record?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(record?.body ?? '')).toEqual({ prompt: 'hello there' })
    await waitFor(() => result.status.value === 'CLOSED')
  })

  it('a POST stream is not restarted when the tab is hidden and shown again', async () => {
    const tag = uniqueTag()
    const { received, result } = receive(`/sse/echo?tag=${tag}`, 'fetch', { method: 'POST', body: 'keep me' })
    await waitFor(() => received.length === 1)
    cleanups.push(() => {
      delete (document as { visibilityState?: DocumentVisibilityState }).visibilityState
    })
    for (const state of ['hidden', 'visible'] as const) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
      document.dispatchEvent(new Event('visibilitychange'))
      await sleep(200)
    }
    await sleep(300)
    const connections = await serverConnections(tag)
    expect(connections).toHaveLength(1)
    expect(connections[0]?.open).toBe(true)
    expect(result.status.value).toBe('OPEN')
    expect(received).toHaveLength(1)
  })

  it.each([
    ['an ASCII id', 'cafe 1', 'header'],
    // WebKit sends a header's Latin-1 characters as UTF-8 where the others send one byte each: the server would read
    // another id.
    ['a Latin-1 id', 'caf\u00E9 1', 'query'],
    ['an id beyond Latin-1', '\u20AC1', 'query'],
    ['an id with a leading space', ' 9', 'query'],
    ['an id with a trailing tab', '9\t', 'query'],
  ])('sends %s as Last-Event-ID where a header can carry it, else in the query', async (_, id, where) => {
    const tag = uniqueTag()
    const { received } = receive(`/sse/echo?tag=${tag}`, 'fetch', { initialLastEventId: id })
    await waitFor(() => received.length === 1)
    const [record] = await serverConnections(tag)
    expect(record?.lastEventId).toBe(id)
    if (where === 'header') {
      expect(record?.headers['last-event-id']).toBe(id)
      expect(record?.query.lastEventId).toBe(id)
    }
    else {
      expect(record?.headers['last-event-id']).toBeUndefined()
      expect(record?.query.lastEventId).toBe(id)
    }
  })
})

describe('transport: \'auto\' and explicit choices', () => {
  /** Counts EventSources made while the test runs. */
  function countEventSources(): () => number {
    const Native = window.EventSource
    let made = 0
    window.EventSource = class extends Native {
      constructor(...args: ConstructorParameters<typeof EventSource>) {
        super(...args)
        made++
      }
    }
    cleanups.push(() => {
      window.EventSource = Native
    })
    return () => made
  }

  it('picks fetch on the page\'s origin, native for a plain GET across origins, fetch for a token or a body', async () => {
    const made = countEventSources()
    const tag = uniqueTag()
    const plain = receive(`/sse/echo?tag=${tag}-plain`, 'auto')
    await waitFor(() => plain.received.length === 1)
    expect(plain.result.status.value).toBe('OPEN')
    expect(made()).toBe(0)

    // Across origins the server may answer no CORS preflight, which `Last-Event-ID` on fetch needs there: the
    // browser's EventSource, whose own reconnect sends it without one.
    const second = await secondOrigin()
    const cross = receive(`${second}/sse/echo?tag=${tag}-cross`, 'auto')
    await waitFor(() => cross.received.length === 1)
    expect(made()).toBe(1)

    // A first request that resumes needs the Last-Event-ID header, which a new EventSource cannot send: fetch.
    const resuming = receive(`/sse/echo?tag=${tag}-resuming`, 'auto', { initialLastEventId: '5' })
    await waitFor(() => resuming.received.length === 1)
    const [resumingRecord] = await serverConnections(`${tag}-resuming`)
    expect(resumingRecord?.headers['last-event-id']).toBe('5')
    expect(made()).toBe(1)

    const token = receive(`/sse/echo?tag=${tag}-token`, 'auto', { initialLastEventId: '5', token: 'abc', lastEventIdParam: false })
    await waitFor(() => token.received.length === 1)
    const [tokenRecord] = await serverConnections(`${tag}-token`)
    expect(tokenRecord?.headers.authorization).toBe('Bearer abc')
    expect(tokenRecord?.headers['last-event-id']).toBe('5')
    expect(tokenRecord?.query.lastEventId).toBeUndefined()

    const body = receive(`/sse/echo?tag=${tag}-body`, 'auto', { initialLastEventId: '5', method: 'POST', body: { a: 1 } })
    await waitFor(() => body.received.length === 1)
    const [bodyRecord] = await serverConnections(`${tag}-body`)
    expect(bodyRecord?.method).toBe('POST')
    expect(bodyRecord?.headers['last-event-id']).toBe('5')
    expect(bodyRecord?.query.lastEventId).toBe('5')
    expect(made()).toBe(1)
  })

  it.each([
    ['native', { token: 'abc' }, /transport "native" cannot send headers or a token/],
    ['native', { method: 'POST', body: { a: 1 } }, /transport "native" can only send GET requests/],
    ['polyfill', { method: 'POST' }, /transport "polyfill" can only send GET requests/],
    ['polyfill', { body: 'text' }, /transport "polyfill" can only send GET requests/],
  ] as const)('an explicit %s that cannot do what is asked (%j) fails with a config error and sends nothing', async (transport, options, message) => {
    const tag = uniqueTag()
    const { errors, result } = receive(`/sse/echo?tag=${tag}`, transport, { ...options, autoReconnect: { delay: 20 } })
    await waitFor(() => result.error.value !== null)
    expect(result.error.value?.type).toBe('config')
    expect(result.error.value?.message).toMatch(message)
    expect(result.status.value).toBe('CLOSED')
    expect(errors).toHaveLength(1)
    await sleep(200)
    expect(await serverConnections(tag)).toEqual([])
  })
})
