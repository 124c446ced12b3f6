import type { TestFunction } from 'vitest'
import type { TransportChoice, UseEventSourceOptions } from '../src'
import { describe, expect, it } from 'vitest'
import { openStream } from './opened'
import { serverConnections, uniqueTag, waitFor } from './server/client'

/**
 * The Reconnect section of the API on the path most apps take, `useEventSource(url)` with no options, and on every
 * transport that can hold it: what a hostile server sees. Request counts come from the server's own records; only
 * lower bounds are asserted against the clock.
 */

/** `undefined`: no `transport` option at all, as most apps call it. */
const SUBJECTS: (TransportChoice | undefined)[] = [undefined, 'auto', 'fetch', 'polyfill']
const label = (transport: TransportChoice | undefined) => transport ?? 'no options'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function requestsWithin(tag: string, ms: number): Promise<number> {
  const records = await serverConnections(tag)
  return records.filter(record => record.openedAt - records[0]!.openedAt <= ms).length
}

describe.concurrent('the default path holds the reconnect policy', () => {
  for (const transport of [...SUBJECTS, 'native' as const]) {
    const options = (extra: UseEventSourceOptions = {}): UseEventSourceOptions => transport === undefined ? extra : { transport, ...extra }
    // A chosen EventSource holds what it can see (docs/guide/reconnect.md): no request loop, one request per attempt,
    // a clamped wait, defaults for undefined options. What it cannot see (a 204, an id-only block, comments, `retry:`)
    // is asked of the others only.
    const native = transport === 'native'
    const ifSeen = (name: string, test: TestFunction, timeout: number) => native || it(name, test, timeout)

    it(`${label(transport)}: retry: 0 with one event per connection: the 250 ms floor holds (≤ 21 requests in 5 s)`, async (context) => {
      const tag = uniqueTag(`floor-${label(transport)}`)
      const { ids } = openStream(context, `/sse/script?steps=end:retry=0:event&tag=${tag}`, options())
      await sleep(5000)
      const count = await requestsWithin(tag, 5000)
      context.expect(count).toBeGreaterThanOrEqual(2)
      context.expect(count).toBeLessThanOrEqual(21)
      // Nothing lost: every connection's event arrived, in order.
      context.expect(ids.slice(0, 3)).toEqual(['1', '2', '3'])
    }, 15_000)

    ifSeen(`${label(transport)}: a 204 is asked once and closes with no error`, async (context) => {
      const tag = uniqueTag(`nocontent-${label(transport)}`)
      const { stream, errors } = openStream(context, `/sse/script?steps=204&tag=${tag}`, options())
      await waitFor(() => stream.status.value === 'CLOSED' && stream.retryCount.value === 0, { timeout: 5000 })
      await sleep(1500)
      context.expect((await serverConnections(tag)).length).toBe(1)
      context.expect(stream.status.value).toBe('CLOSED')
      context.expect(errors).toEqual([])
    }, 15_000)

    it(`${label(transport)}: a 503 storm gets one request per attempt`, async (context) => {
      const tag = uniqueTag(`storm503-${label(transport)}`)
      const { stream, errors } = openStream(context, `/sse/script?steps=503&tag=${tag}`, options({ autoReconnect: { delay: 100 } }))
      await waitFor(() => errors.length >= 4, { timeout: 10_000 })
      const retries = stream.retryCount.value
      const requests = (await serverConnections(tag)).length
      // The attempt under way may have been asked already.
      context.expect(requests).toBeGreaterThanOrEqual(retries)
      context.expect(requests).toBeLessThanOrEqual(retries + 1)
      context.expect(errors.every(error => error.status === 503)).toBe(true)
    }, 15_000)

    ifSeen(`${label(transport)}: retry: 200 and an id-only block before the end: the reconnect resumes from it`, async (context) => {
      const tag = uniqueTag(`idonly-${label(transport)}`)
      const { stream } = openStream(context, `/sse/script?steps=end:retry=200:id=42,ok&tag=${tag}`, options())
      await waitFor(() => stream.data.value !== null, { timeout: 10_000 })
      const records = await serverConnections(tag)
      context.expect(records[1]!.headers['last-event-id']).toBe('42')
      context.expect(records[1]!.openedAt - records[0]!.closedAt!).toBeGreaterThanOrEqual(200)
    }, 15_000)

    ifSeen(`${label(transport)}: comments reach onComment and keep heartbeatTimeout from firing`, async (context) => {
      const tag = uniqueTag(`comments-${label(transport)}`)
      const { stream, errors, comments } = openStream(context, `/sse/heartbeat?interval=200&tag=${tag}`, options({ heartbeatTimeout: 1000 }))
      await waitFor(() => stream.status.value === 'OPEN', { timeout: 5000 })
      await sleep(2500)
      context.expect(errors).toEqual([])
      context.expect(stream.status.value).toBe('OPEN')
      context.expect((await serverConnections(tag)).length).toBe(1)
      context.expect(comments.length).toBeGreaterThanOrEqual(5)
      context.expect(comments[0]).toBe('ping')
    }, 15_000)

    ifSeen(`${label(transport)}: retry: 2147483648 is clamped to a timer the browser holds, not an instant retry`, async (context) => {
      const tag = uniqueTag(`hugeretry-${label(transport)}`)
      const { stream } = openStream(context, `/sse/script?steps=end:retry=2147483648&tag=${tag}`, options())
      await sleep(3000)
      context.expect((await serverConnections(tag)).length).toBe(1)
      context.expect(stream.status.value).toBe('CONNECTING')
    }, 15_000)

    it(`${label(transport)}: 503 with Retry-After: 3000000 s waits, it does not retry at once`, async (context) => {
      const tag = uniqueTag(`hugera-${label(transport)}`)
      const { stream, errors } = openStream(context, `/sse/script?steps=503:ra=3000000&tag=${tag}`, options())
      await waitFor(() => errors.length >= 1, { timeout: 8000 })
      await sleep(2500)
      // The EventSource cannot see the status: the attempt after it, over fetch, can.
      context.expect((await serverConnections(tag)).length).toBe(native ? 2 : 1)
      context.expect(stream.status.value).toBe('CONNECTING')
      context.expect(errors[0]!.retryAfter).toBe(2_147_483_647)
    }, 15_000)

    for (const key of ['delay', 'maxDelay', 'retries'] as const) {
      it(`${label(transport)}: autoReconnect: { ${key}: undefined } takes the default against a 500`, async (context) => {
        const tag = uniqueTag(`undef-${key}-${label(transport)}`)
        openStream(context, `/sse/script?steps=500&tag=${tag}`, options({ autoReconnect: { [key]: undefined } }))
        await sleep(4000)
        const count = (await serverConnections(tag)).length
        context.expect(count).toBeGreaterThanOrEqual(2)
        context.expect(count).toBeLessThanOrEqual(8)
      }, 15_000)
    }
  }
})

describe('options passed as undefined take their defaults', () => {
  it('every option of the composable at once', async (context) => {
    const tag = uniqueTag('undefined-all')
    const { stream, ids } = openStream(context, `/sse/counter?count=3&tag=${tag}`, {
      transport: undefined,
      autoReconnect: undefined,
      heartbeatTimeout: undefined,
      connectTimeout: undefined,
      pauseWhenHidden: undefined,
      lastEventIdParam: undefined,
      events: undefined,
      history: undefined,
    })
    await waitFor(() => ids.length >= 3, { timeout: 5000 })
    expect(stream.error.value).toBeNull()
  })
})
