import type { ExpectedEvent } from './server/fixtures'
import { afterEach, describe, expect, it } from 'vitest'
import { server } from 'vitest/browser'
import { closeAllOnServer, resetServer, secondOrigin, serverConnections, uniqueTag, waitFor } from './server/client'
import { DEFAULT_FIXTURE_PAUSE, fixtures, nativeExpected } from './server/fixtures'

// Chromium allows 6 HTTP/1.1 connections per origin and Vitest needs some: every test closes
// its sources, and none keeps more than two open.
const sources: EventSource[] = []

afterEach(() => {
  for (const source of sources.splice(0)) source.close()
})

function openSource(url: string, init?: EventSourceInit): EventSource {
  const source = new EventSource(url, init)
  sources.push(source)
  return source
}

/** Records every event of the given types (and 'message') in arrival order. */
function collect(source: EventSource, types: string[] = []): ExpectedEvent[] {
  const received: ExpectedEvent[] = []
  for (const type of new Set(['message', ...types])) {
    source.addEventListener(type, (event) => {
      const { data, lastEventId } = event as MessageEvent<string>
      received.push({ type: event.type, data, lastEventId })
    })
  }
  return received
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Reads a streamed body until `done` holds for the text so far, then drops the connection. */
async function readUntil(response: Response, done: (text: string) => boolean): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let text = ''
  while (!done(text)) {
    const { done: ended, value } = await reader.read()
    if (ended)
      break
    text += value
  }
  await reader.cancel()
  return text
}

describe('fixtures, checked against the native EventSource', () => {
  for (const [name, fixture] of Object.entries(fixtures)) {
    it(`${name}: ${fixture.description}`, async () => {
      const startedAt = Date.now()
      const expected = nativeExpected(fixture, server.browser)
      const source = openSource(`/sse/fixture/${name}?tag=${uniqueTag()}`)
      const received = collect(source, expected.map(event => event.type))
      await waitFor(() => received.length >= expected.length, { timeout: 10_000 })
      // Wait for the rest of the fixture, so that an event dispatched late or twice shows up too.
      const duration = fixture.chunks.length * (fixture.pause ?? DEFAULT_FIXTURE_PAUSE)
      await sleep(Math.max(0, startedAt + duration - Date.now()) + 300)
      expect(received).toEqual(expected)
      expect(source.readyState).toBe(EventSource.OPEN)
    })
  }
})

describe('sSE test routes', () => {
  it('counter resumes after the lastEventId query parameter and names events', async () => {
    const tag = uniqueTag()
    const source = openSource(`/sse/counter?lastEventId=5&count=8&interval=10&event=count&tag=${tag}`)
    const received = collect(source, ['count'])
    await waitFor(() => received.length === 3)
    expect(received).toEqual(['6', '7', '8'].map(id => ({ type: 'count', data: id, lastEventId: id })))
    const [record] = await serverConnections(tag)
    expect(record).toMatchObject({ route: 'counter', lastEventId: '5', status: 200, open: true, tag })
  })

  it('events rotates tick, alert and unnamed messages', async () => {
    const source = openSource(`/sse/events?interval=5&count=4&tag=${uniqueTag()}`)
    const received = collect(source, ['tick', 'alert'])
    await waitFor(() => received.length === 4)
    expect(received).toEqual([
      { type: 'tick', data: '{"n":1}', lastEventId: '1' },
      { type: 'alert', data: 'alert 2', lastEventId: '2' },
      { type: 'message', data: 'message 3', lastEventId: '3' },
      { type: 'tick', data: '{"n":4}', lastEventId: '4' },
    ])
  })

  it('drop cuts the stream every N events and the native EventSource resumes without gaps', async () => {
    const tag = uniqueTag()
    const source = openSource(`/sse/drop?total=90&every=30&retry=10&tag=${tag}`)
    const received = collect(source)
    await waitFor(() => received.length >= 90, { timeout: 10_000 })
    await sleep(100)
    expect(received.map(event => event.data)).toEqual(Array.from({ length: 90 }, (_, index) => String(index + 1)))
    const records = await serverConnections(tag)
    // Chromium may discard what arrived with a cut, and then asks again from the same point: resume points repeat,
    // never skip.
    const points = records.map(record => record.lastEventId).filter((point, index, all) => index === 0 || point !== all[index - 1])
    expect(points).toEqual([null, '30', '60'])
    expect(records.map(record => record.open)).toEqual([...records.slice(1).map(() => false), true])
  })

  it('status routes answer with their code, and EventSource fails on them', async () => {
    const tag = uniqueTag()
    const response = await fetch(`/sse/status/404?tag=${tag}`)
    expect([response.status, await response.text()]).toEqual([404, 'status 404'])
    for (const code of [204, 404, 500]) {
      const source = openSource(`/sse/status/${code}?tag=${tag}`)
      await waitFor(() => source.readyState === EventSource.CLOSED)
    }
    const records = await serverConnections(tag)
    expect(records.map(record => record.status)).toEqual([404, 204, 404, 500])
  })

  it('status 3xx redirects to the counter, which EventSource follows', async () => {
    const tag = uniqueTag()
    const received = collect(openSource(`/sse/status/307?count=2&interval=5&tag=${tag}`))
    await waitFor(() => received.length === 2)
    expect(received.map(event => event.data)).toEqual(['1', '2'])
    const records = await serverConnections(tag)
    expect(records.map(record => [record.route, record.status])).toEqual([['status', 307], ['counter', 200]])
  })

  it('content-type serves text/plain, which EventSource refuses', async () => {
    const source = openSource(`/sse/content-type?tag=${uniqueTag()}`)
    const received = collect(source)
    await waitFor(() => source.readyState === EventSource.CLOSED)
    expect(received).toEqual([])
  })

  it('silent sends one event and then nothing', async () => {
    const received = collect(openSource(`/sse/silent?tag=${uniqueTag()}`))
    await waitFor(() => received.length === 1)
    await sleep(400)
    expect(received.map(event => event.data)).toEqual(['hello'])
  })

  it('heartbeat sends only comments', async () => {
    const controller = new AbortController()
    const response = await fetch(`/sse/heartbeat?interval=20&tag=${uniqueTag()}`, { signal: controller.signal })
    const text = await readUntil(response, text => text.split(': ping\n\n').length > 3)
    expect(text.startsWith(': ping\n\n: ping\n\n: ping\n\n')).toBe(true)
    expect(text.replaceAll(': ping\n\n', '')).toBe('')
  })

  it('chat streams one token per word for a POSTed prompt, then done', async () => {
    const tag = uniqueTag()
    const body = JSON.stringify({ prompt: 'stream me' })
    const response = await fetch(`/sse/chat?interval=5&tag=${tag}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })
    const text = await response.text()
    const tokens = Array.from(text.matchAll(/^event: token\ndata: (.*)$/gm), match => (JSON.parse(match[1]!) as { text: string }).text)
    expect(tokens).toEqual(['You', ' said:', ' stream', ' me'])
    expect(text).toContain('event: done\n')
    const [record] = await serverConnections(tag)
    expect(record).toMatchObject({ method: 'POST', body, open: false })
  })

  it('authed wants a bearer token from `accept` and the `header` header', async () => {
    const url = `/sse/authed?accept=one,two&header=x-api-key:abc&count=1&end=1&tag=${uniqueTag()}`
    const refused = await fetch(url, { headers: { Authorization: 'Bearer two' } })
    expect([refused.status, await refused.text()]).toEqual([401, 'unauthorized'])
    const allowed = await fetch(url, { headers: { 'Authorization': 'Bearer two', 'X-Api-Key': 'abc' } })
    expect([allowed.status, await allowed.text()]).toEqual([200, ':ok\n\nid: 1\ndata: 1\n\n'])
  })

  it('big delivers one event of `size` bytes, then a small one', async () => {
    const received = collect(openSource(`/sse/big?tag=${uniqueTag()}`))
    await waitFor(() => received.length === 2, { timeout: 15_000 })
    const [bigEvent, after] = received
    expect(bigEvent?.data.length).toBe(5_000_000)
    expect(bigEvent?.data).toBe('abcdefghij'.repeat(500_000))
    expect(bigEvent?.lastEventId).toBe('big')
    expect(after?.data).toBe('after')
  })

  it('echo reports the request as the server saw it', async () => {
    const received = collect(openSource(`/sse/echo?foo=bar&tag=${uniqueTag()}`))
    await waitFor(() => received.length === 1)
    const echoed = JSON.parse(received[0]!.data) as { method: string, headers: Record<string, string>, query: Record<string, string> }
    expect(echoed.method).toBe('GET')
    expect(echoed.headers.accept).toBe('text/event-stream')
    expect(echoed.query.foo).toBe('bar')
  })

  it('records a connection as closed within 2 s of EventSource.close()', async () => {
    const tag = uniqueTag()
    const source = openSource(`/sse/counter?interval=50&tag=${tag}`)
    const received = collect(source)
    await waitFor(() => received.length > 0)
    const [before] = await serverConnections(tag)
    expect(before?.open).toBe(true)
    source.close()
    const [after] = await waitFor(async () => {
      const records = await serverConnections(tag)
      return records.every(record => !record.open) && records
    }, { timeout: 2000 })
    expect(after?.closedAt).toBeGreaterThanOrEqual(after?.openedAt ?? Infinity)
  })

  it('closeAllOnServer cuts a tag\'s streams and EventSource reconnects with Last-Event-ID', async () => {
    const tag = uniqueTag()
    const received = collect(openSource(`/sse/counter?interval=20&retry=10&tag=${tag}`))
    await waitFor(() => received.length >= 2)
    await closeAllOnServer({ tag })
    const records = await waitFor(async () => {
      const current = await serverConnections(tag)
      return current.length === 2 && current
    })
    expect(records[0]?.open).toBe(false)
    expect(Number(records[1]?.lastEventId)).toBeGreaterThanOrEqual(2)
    await resetServer({ tag })
    expect(await serverConnections(tag)).toEqual([])
  })

  it('a second origin answers CORS, records the preflight, and serves EventSource with credentials', async () => {
    const origin = await secondOrigin()
    expect(origin).not.toBe(location.origin)
    const tag = uniqueTag()
    const controller = new AbortController()
    const response = await fetch(`${origin}/sse/echo?tag=${tag}`, {
      headers: { 'X-Probe': 'yes' },
      credentials: 'include',
      signal: controller.signal,
    })
    const text = await readUntil(response, text => text.includes('}\n\n'))
    const echoed = JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as { headers: Record<string, string> }
    expect(echoed.headers['x-probe']).toBe('yes')
    expect(echoed.headers.origin).toBe(location.origin)
    const records = await serverConnections(tag, { origin: 'second' })
    expect(records.map(record => record.method)).toEqual(['OPTIONS', 'GET'])
    expect(records[0]?.headers['access-control-request-headers']).toBe('x-probe')

    const received = collect(openSource(`${origin}/sse/counter?count=2&interval=5&tag=${tag}`, { withCredentials: true }))
    await waitFor(() => received.length === 2)
    expect(received.map(event => event.data)).toEqual(['1', '2'])
    expect(await serverConnections(tag)).toEqual([])
  })
})
