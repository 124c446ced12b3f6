import type { TransportChoice } from '../src'
import { describe, expect, it } from 'vitest'
import { openStream } from './opened'
import { closeAllOnServer, serverConnections, uniqueTag, waitFor } from './server/client'

/**
 * The reconnect policy against a real server that misbehaves (test/server/routes.ts, /sse/script): what a server that
 * loops, refuses, hangs or asks to wait sees from each transport. Only lower bounds and request counts are asserted
 * against the clock; timing upper bounds stay generous.
 */

const TRANSPORTS: TransportChoice[] = ['auto', 'fetch', 'polyfill']

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Request times relative to the first, from the server's records. */
async function requestTimes(tag: string): Promise<number[]> {
  const records = await serverConnections(tag)
  return records.map(record => record.openedAt - records[0]!.openedAt)
}

describe.concurrent('no server can make a request loop', () => {
  for (const transport of TRANSPORTS) {
    it(`${transport}: retry: 0, then 503 for ever: at most 12 requests in the first 5 s`, async (context) => {
      const tag = uniqueTag(`loop503-${transport}`)
      const { stream } = openStream(context, `/sse/script?steps=end:retry=0,503&tag=${tag}`, { transport })
      await sleep(5000)
      const times = (await requestTimes(tag)).filter(time => time <= 5000)
      context.expect(times.length).toBeGreaterThanOrEqual(3)
      context.expect(times.length).toBeLessThanOrEqual(12)
      context.expect(stream.status.value).toBe('CONNECTING')
      context.expect(stream.error.value?.status).toBe(503)
    }, 15_000)

    it(`${transport}: a server that accepts and closes at once (retry: 0) is backed off like a failure`, async (context) => {
      const tag = uniqueTag(`flap-${transport}`)
      const { stream } = openStream(context, `/sse/script?steps=end:retry=0&tag=${tag}`, { transport })
      await sleep(5000)
      const times = (await requestTimes(tag)).filter(time => time <= 5000)
      context.expect(times.length).toBeGreaterThanOrEqual(2)
      context.expect(times.length).toBeLessThanOrEqual(12)
      // Never healthy: every reconnect counts against the budget.
      context.expect(stream.retryCount.value).toBeGreaterThanOrEqual(2)
    }, 15_000)
  }
})

describe.concurrent('the server\'s retry: read as the spec says, and a floor', () => {
  for (const transport of TRANSPORTS) {
    it(`${transport}: retry: 0700 is 700 ms, a malformed retry: 5.5 after it is ignored`, async (context) => {
      const tag = uniqueTag(`retry-${transport}`)
      const { ids } = openStream(context, `/sse/script?steps=end:retry=0700:bogus=5.5:event,ok&tag=${tag}`, { transport })
      await waitFor(() => ids.length >= 2, { timeout: 10_000 })
      const records = await serverConnections(tag)
      context.expect(records[1]!.openedAt - records[0]!.closedAt!).toBeGreaterThanOrEqual(700)
      context.expect(records[1]!.headers['last-event-id']).toBe('1')
    }, 15_000)
  }
})

describe.concurrent('a server that asks to wait (Retry-After)', () => {
  for (const transport of TRANSPORTS) {
    it(`${transport}: 503 with Retry-After: 3 waits at least 3 s`, async (context) => {
      const tag = uniqueTag(`ra503-${transport}`)
      const { stream, errors } = openStream(context, `/sse/script?steps=503:ra=3,ok&tag=${tag}`, { transport })
      await waitFor(() => stream.status.value === 'OPEN', { timeout: 10_000 })
      const times = await requestTimes(tag)
      const reconnect = times[1]
      context.expect(reconnect).toBeGreaterThanOrEqual(3000)
      context.expect(errors[0]?.retryAfter).toBe(3000)
    }, 15_000)

    it(`${transport}: 429 with Retry-After: 1 is retried, not final`, async (context) => {
      const tag = uniqueTag(`ra429-${transport}`)
      const { stream, errors } = openStream(context, `/sse/script?steps=429:ra=1,ok&tag=${tag}`, { transport })
      await waitFor(() => stream.status.value === 'OPEN', { timeout: 10_000 })
      context.expect(errors[0]?.status).toBe(429)
      const reconnect = (await requestTimes(tag))[1]
      context.expect(reconnect).toBeGreaterThanOrEqual(1000)
    }, 15_000)
  }
})

describe.concurrent('connectTimeout', () => {
  for (const transport of TRANSPORTS) {
    it(`${transport}: a server that never answers: a 'timeout' error and a new attempt`, async (context) => {
      const tag = uniqueTag(`hang-${transport}`)
      const { stream, errors } = openStream(context, `/sse/script?steps=hang,ok&tag=${tag}`, {
        transport,
        connectTimeout: 600,
        autoReconnect: { delay: 50 },
      })
      await waitFor(() => stream.status.value === 'OPEN', { timeout: 5000 })
      context.expect(errors.map(error => error.type)).toEqual(['timeout'])
      const records = await serverConnections(tag)
      context.expect(records).toHaveLength(2)
      // The hung request was aborted, not left open beside the new one.
      await waitFor(async () => !(await serverConnections(tag))[0]?.open)
      context.expect(records[1]!.openedAt - records[0]!.openedAt).toBeGreaterThanOrEqual(600)
    }, 10_000)
  }
})

/** Makes the page believe it is offline (or online again) and tells it so, as the browser would. */
function setOnline(online: boolean): void {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online })
  window.dispatchEvent(new Event(online ? 'online' : 'offline'))
}

/** Makes the page believe it is hidden (or shown again) and tells it so, as the browser would. */
function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' })
  document.dispatchEvent(new Event('visibilitychange'))
}

describe('network and page awareness', () => {
  for (const transport of TRANSPORTS) {
    it(`${transport}: spends no retries while offline and reconnects within 1 s of online`, async (context) => {
      const tag = uniqueTag(`offline-${transport}`)
      context.onTestFinished(() => {
        delete (navigator as { onLine?: boolean }).onLine
      })
      const { stream, ids } = openStream(context, `/sse/counter?interval=50&tag=${tag}`, { transport })
      await waitFor(() => ids.length >= 3)
      setOnline(false)
      await closeAllOnServer({ tag })
      await waitFor(() => stream.status.value === 'CONNECTING')
      await sleep(2000)
      expect(await serverConnections(tag)).toHaveLength(1)
      expect(stream.retryCount.value).toBe(0)
      const last = Number(ids.at(-1))
      const backAt = Date.now()
      setOnline(true)
      await waitFor(async () => (await serverConnections(tag)).length === 2, { timeout: 3000 })
      const [, second] = await serverConnections(tag)
      expect(second!.openedAt - backAt).toBeLessThan(1000)
      expect(second!.headers['last-event-id']).toBe(String(last))
      await waitFor(() => Number(ids.at(-1)) > last + 2)
      expect(ids.map(Number)).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1))
    })

    it(`${transport}: pauseWhenHidden closes a hidden GET stream and resumes it without a gap when shown`, async (context) => {
      const tag = uniqueTag(`hidden-${transport}`)
      context.onTestFinished(() => {
        delete (document as { visibilityState?: string }).visibilityState
      })
      const { stream, ids } = openStream(context, `/sse/counter?interval=50&tag=${tag}`, { transport, pauseWhenHidden: 300 })
      await waitFor(() => ids.length >= 3)
      setHidden(true)
      await sleep(150)
      expect(stream.status.value).toBe('OPEN')
      await waitFor(() => stream.status.value === 'CLOSED', { timeout: 2000 })
      await waitFor(async () => !(await serverConnections(tag))[0]?.open)
      expect(stream.error.value).toBeNull()
      const last = Number(ids.at(-1))
      setHidden(false)
      await waitFor(() => Number(ids.at(-1)) > last + 2, { timeout: 5000 })
      const records = await serverConnections(tag)
      expect(records).toHaveLength(2)
      expect(records[1]?.headers['last-event-id']).toBe(String(last))
      expect(ids.map(Number)).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1))
    })
  }

  it('pauseWhenHidden never closes a stream with a body: it would be sent again', async (context) => {
    const tag = uniqueTag('hidden-post')
    context.onTestFinished(() => {
      delete (document as { visibilityState?: string }).visibilityState
    })
    const { stream } = openStream(context, `/sse/script?steps=ok&interval=50&tag=${tag}`, {
      method: 'POST',
      body: { prompt: 'hi' },
      pauseWhenHidden: 100,
    })
    await waitFor(() => stream.status.value === 'OPEN')
    setHidden(true)
    await sleep(500)
    expect(stream.status.value).toBe('OPEN')
    expect(await serverConnections(tag)).toHaveLength(1)
  })
})
