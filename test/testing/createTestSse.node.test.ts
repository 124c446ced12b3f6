// @vitest-environment happy-dom
import type { UseEventSourceOptions, UseEventSourceReturn } from 'vue-event-source'
import type { TestSse } from 'vue-event-source/testing'
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { createSse, useEventSource, useSseStore } from 'vue-event-source'
import { createTestSse } from 'vue-event-source/testing'
import { driveFeed } from './feed'

type Options = UseEventSourceOptions<string>

const mounted: { unmount: () => void }[] = []
afterEach(() => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
  vi.useRealTimers()
})

/** Mounts a component that calls `useEventSource(url, options)` and shows what it gets; returns its fields. */
function stream(sse: TestSse, url: string, options: Options = {}) {
  let exposed!: UseEventSourceReturn<string>
  const wrapper = mount(defineComponent({
    setup() {
      exposed = useEventSource(url, options)
      return () => h('p', exposed.status.value)
    },
  }), { global: { plugins: [sse] } })
  mounted.push(wrapper)
  return exposed
}

describe('createTestSse in happy-dom', () => {
  it('drives a component through open, events, a drop and the reconnect, with no network', async () => {
    // happy-dom has no EventSource: the library picks fetch for every request.
    expect(await driveFeed()).toEqual(['fetch', 'fetch', 'fetch'])
  })

  it('shows each request as the server would see it: URL, method, headers with the token, body', async () => {
    const sse = createTestSse({ baseURL: '/api', token: 'secret', headers: { 'X-Tenant': 'acme' } })
    stream(sse, '/chat', { body: { prompt: 'hi' }, withCredentials: true })
    const request = await sse.next()
    expect(request.url).toBe('http://localhost:3000/api/chat')
    expect(request.method).toBe('POST')
    expect(request.headers).toEqual({
      'accept': 'text/event-stream',
      'authorization': 'Bearer secret',
      'content-type': 'application/json',
      'x-tenant': 'acme',
    })
    expect(request.body).toBe('{"prompt":"hi"}')
    expect(request.json()).toEqual({ prompt: 'hi' })
    expect(request.lastEventId).toBeNull()
    expect(request.withCredentials).toBe(true)
    expect(request.transport).toBe('fetch')
    expect(request.state).toBe('pending')
  })

  it('sends the token only to allowedOrigins, as the app would', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const sse = createTestSse({ token: 'secret', allowedOrigins: ['https://api.example.com'] })
    stream(sse, 'https://api.example.com/sse')
    stream(sse, 'https://elsewhere.example.com/sse')
    expect((await sse.next('https://api.example.com/sse')).headers.authorization).toBe('Bearer secret')
    expect((await sse.next('https://elsewhere.example.com/sse')).headers.authorization).toBeUndefined()
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Not sending the token or headers to https://elsewhere.example.com'))
    warn.mockRestore()
  })

  it('parses what it sends as a real stream is parsed', async () => {
    const sse = createTestSse()
    const messages: [string, string, string][] = []
    stream(sse, '/feed', {
      events: ['note'],
      initialLastEventId: 'from-before',
      onMessage: message => messages.push([message.event, message.data, message.id]),
    })
    const request = await sse.next()
    expect(request.lastEventId).toBe('from-before')
    await request.open()
    // Before the stream's first id, events carry the resume point.
    await request.send({ data: 'first' })
    await request.send({ event: 'note', data: 'a\nb\r\nc', id: 1 })
    await request.send({ data: { n: 1 } })
    await request.send({ data: '' })
    // An id-only block commits the id and dispatches nothing: the next event carries it.
    await request.send({ id: 'only-id' })
    await request.comment('heartbeat')
    // Raw text: a line split across chunks, a CRLF, and an unknown event type the component does not take.
    await request.write('data: sp')
    await request.write('lit\r\n\r\nevent: other\ndata: x\n\n')
    expect(messages).toEqual([
      ['message', 'first', 'from-before'],
      ['note', 'a\nb\nc', '1'],
      ['message', '{"n":1}', '1'],
      ['message', '', '1'],
      ['message', 'split', 'only-id'],
    ])
  })

  it('shows the id an id-only block commits at once, in lastEventId and the store', async () => {
    const sse = createTestSse()
    let store!: ReturnType<typeof useSseStore>
    let fields!: UseEventSourceReturn<string>
    mounted.push(mount(defineComponent({
      setup() {
        store = useSseStore()
        fields = useEventSource('/feed', { shared: true })
        return () => h('p', fields.lastEventId.value)
      },
    }), { global: { plugins: [sse] } }))
    const request = await sse.next()
    await request.open()
    await request.send({ data: 'a', id: 1 })
    expect(fields.lastEventId.value).toBe('1')
    await request.send({ id: '2' })
    expect(fields.lastEventId.value).toBe('2')
    expect(store.connections[0]?.lastEventId).toBe('2')
  })

  it('removes one leading BOM, as a decoder does, and no other', async () => {
    const sse = createTestSse()
    const messages: string[] = []
    stream(sse, '/feed', { onMessage: message => messages.push(message.data) })
    const request = await sse.next()
    await request.open()
    await request.write('\uFEFFdata: one\n\n')
    await request.write('\uFEFFdata: two\n\n')
    expect(messages).toEqual(['one'])
  })

  it('answers with a status as a server does: 204 stops quietly, 404 fails for good, a 200 that is no stream fails', async () => {
    const sse = createTestSse({ autoReconnect: { delay: 0 } })
    const noContent = stream(sse, '/a')
    await (await sse.next('/a')).status(204)
    expect(noContent.status.value).toBe('CLOSED')
    expect(noContent.error.value).toBeNull()

    const notFound = stream(sse, '/b')
    await (await sse.next('/b')).status(404)
    expect(notFound.status.value).toBe('CLOSED')
    expect(notFound.error.value?.type).toBe('http')
    expect(notFound.error.value?.status).toBe(404)

    const html = stream(sse, '/c')
    await (await sse.next('/c')).open({ 'content-type': 'text/html' })
    expect(html.error.value?.message).toBe('[vue-event-source] GET /c: The server answered with Content-Type "text/html"; an event stream needs "text/event-stream".')
    expect(html.error.value?.url).toBe(`${location.origin}/c`)

    const bare = stream(sse, '/d')
    await (await sse.next('/d')).status(200)
    expect(bare.error.value?.type).toBe('content-type')

    await new Promise(resolve => setTimeout(resolve, 20))
    expect(sse.requests.map(request => new URL(request.url).pathname)).toEqual(['/a', '/b', '/c', '/d'])
  })

  it('waits for Retry-After on a 503 and for the server\'s retry: after an end', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const sse = createTestSse({ autoReconnect: { delay: 0 } })
    stream(sse, '/feed')
    await vi.advanceTimersByTimeAsync(0)
    await sse.latest().status(503, { 'Retry-After': '2' })
    await vi.advanceTimersByTimeAsync(1999)
    expect(sse.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sse.requests).toHaveLength(2)

    const second = sse.latest()
    await second.open()
    await second.retry(3000)
    await second.send({ data: 'x', id: '1' })
    await second.end()
    await vi.advanceTimersByTimeAsync(2999)
    expect(sse.requests).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(sse.requests).toHaveLength(3)
    expect(sse.latest().lastEventId).toBe('1')
    vi.restoreAllMocks()
  })

  it('goes through onUnauthorized: a rejection closes the stream with no further request', async () => {
    const onUnauthorized = vi.fn(() => Promise.reject(new Error('session over')))
    const sse = createTestSse({ token: 'old', onUnauthorized })
    const { status, error } = stream(sse, '/feed')
    await (await sse.next()).status(403)
    await vi.waitFor(() => expect(status.value).toBe('CLOSED'))
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(error.value?.type).toBe('unauthorized')
    expect(error.value?.status).toBe(403)
    expect(sse.requests).toHaveLength(1)
  })

  it('lets shared callers use one request, as the store decides', async () => {
    const sse = createTestSse()
    let store!: ReturnType<typeof useSseStore>
    const Shared = defineComponent({
      setup() {
        store = useSseStore()
        const { data } = useEventSource('/ticker', { shared: true })
        return () => h('p', data.value ?? '')
      },
    })
    // Two components of one app: the store is the app's.
    const wrapper = mount(() => [h(Shared), h(Shared)], { global: { plugins: [sse] } })
    mounted.push(wrapper)
    const request = await sse.next()
    // Each caller joins once the stream's key is computed (a digest), the second a little after the first.
    await vi.waitFor(() => expect(store.connections[0]?.subscribers).toBe(2))
    await request.open()
    await request.send({ data: 'tick' })
    expect(wrapper.findAll('p').map(p => p.text())).toEqual(['tick', 'tick'])
    expect(sse.requests).toHaveLength(1)
    expect(store.connections.map(connection => [connection.transport, connection.status])).toEqual([['fetch', 'OPEN']])
  })

  it('closes the request when the component unmounts, and says so when a test drives it after', async () => {
    const sse = createTestSse()
    let exposed!: ReturnType<typeof useEventSource>
    const wrapper = mount(defineComponent({
      setup() {
        exposed = useEventSource('/feed')
        return () => h('p')
      },
    }), { global: { plugins: [sse] } })
    const request = await sse.next()
    await request.open()
    wrapper.unmount()
    expect(request.state).toBe('aborted')
    expect(exposed.status.value).toBe('CLOSED')
    await expect(async () => request.send({ data: 'late' })).rejects.toThrowError(
      '[vue-event-source/testing] send() on GET http://localhost:3000/feed: the app closed this request (close(), unmount, another URL, a reconnect); await sse.next() for the one that follows, if any.',
    )
  })
})

describe('createTestSse misuse', () => {
  it('refuses what a server could not do, saying how to do it', async () => {
    const sse = createTestSse()
    stream(sse, '/feed')
    const request = await sse.next()
    expect(() => request.send({ data: 'early' })).toThrowError(
      '[vue-event-source/testing] send() on GET http://localhost:3000/feed: the request has no answer yet: call open() first (a server sends its response head before any event).',
    )
    expect(() => request.end()).toThrowError(/end\(\) on GET .*call open\(\) first/)
    expect(() => request.status(302, { Location: '/elsewhere' })).toThrowError(
      '[vue-event-source/testing] status(302): answer with a status from 200 to 599 other than a redirect (redirects are not simulated: answer the final URL\'s request).',
    )
    await request.open()
    expect(() => request.open()).toThrowError(/the response head was sent already/)
    expect(() => request.send({ event: 'a\nb', data: 'x' })).toThrowError(
      '[vue-event-source/testing] The event type of an event cannot hold a line break; use write() to send malformed text.',
    )
    expect(() => request.send({ data: () => {} })).toThrowError(
      '[vue-event-source/testing] send({ data }) takes a string or a value JSON can encode, got function.',
    )
    expect(() => request.retry(1.5)).toThrowError(
      '[vue-event-source/testing] retry takes a whole number of ms, got 1.5; use write() to send malformed text.',
    )
    expect(() => request.json()).toThrowError('[vue-event-source/testing] GET http://localhost:3000/feed has no body.')
    await request.drop()
    expect(() => request.send({ data: 'x' })).toThrowError(
      '[vue-event-source/testing] send() on GET http://localhost:3000/feed: the request is over (status(), drop() or end()); the library reconnects with a new request: await sse.next().',
    )
  })

  it('checks its options as createSse does', () => {
    const options = { baseURL: 42 } as unknown as Parameters<typeof createSse>[0]
    expect(() => createTestSse(options)).toThrowError(new TypeError('[vue-event-source] `baseURL` must be a string such as \'/api\' or \'https://api.example.com\'.'))
    expect(() => createSse(options)).toThrowError(TypeError)
  })
})

describe('finding requests', () => {
  it('next() hands out each request once, oldest first, whether made before or after the call', async () => {
    const sse = createTestSse()
    stream(sse, '/a')
    stream(sse, '/b?x=1')
    await vi.waitFor(() => expect(sse.requests).toHaveLength(2))
    expect((await sse.next()).url).toMatch(/\/a$/)
    expect((await sse.next('/b')).url).toMatch(/\/b\?x=1$/)
    await expect(sse.next('/b?x=1', { timeout: 20 })).rejects.toThrowError(/No request for "\/b\?x=1" within 20 ms/)
    const later = sse.next(/\/c$/)
    stream(sse, '/c')
    expect((await later).url).toBe('http://localhost:3000/c')
  })

  it('latest() returns the newest match and counts it and the earlier ones as handed out', async () => {
    const sse = createTestSse({ autoReconnect: { delay: 0 } })
    stream(sse, '/a')
    const first = await sse.next()
    await first.drop()
    await vi.waitFor(() => expect(sse.requests).toHaveLength(2))
    const second = sse.latest(request => request.url.endsWith('/a'))
    expect(second).toBe(sse.requests[1])
    await second.drop()
    expect(await sse.next()).toBe(sse.requests[2])
    expect(() => sse.latest('/nothing')).toThrowError(
      '[vue-event-source/testing] No request for "/nothing" was made. Requests so far: GET http://localhost:3000/a (ended), '
      + 'GET http://localhost:3000/a (ended), GET http://localhost:3000/a (pending).',
    )
  })

  it('next() rejects after its timeout, listing the requests made, even under fake timers', async () => {
    const sse = createTestSse()
    stream(sse, '/a')
    await sse.next()
    vi.useFakeTimers()
    await expect(sse.next('/b', { timeout: 50 })).rejects.toThrowError(
      '[vue-event-source/testing] No request for "/b" within 50 ms. Requests so far: GET http://localhost:3000/a (pending). '
      + 'A reconnect waits for the backoff: pass autoReconnect: { delay: 0 } to createTestSse(), or advance fake timers while awaiting next().',
    )
  })
})
