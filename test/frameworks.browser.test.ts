// useEventSource against SSE servers written with the frameworks users run, each the way its own docs show and each
// taking the resume point from the `Last-Event-ID` request header only (test/frameworks/). Their `/numbers` route
// sends ids 1..total as `{ "n": id }`, ends the response after every `cut` events, resumes after the id in the header
// and answers 204 once `total` was sent; every request they answered is recorded under the test's `tag`.

import type { TestContext } from 'vitest'
import type { TransportChoice, UseEventSourceOptions, UseEventSourceReturn } from 'vue-event-source'
import type { FrameworkName } from './frameworks/provided'
import { describe, inject, it } from 'vitest'
import { effectScope } from 'vue'
import { useEventSource } from 'vue-event-source'
import { expectedResumePoints, inSequence, range, serverRecords, uniqueTag, until } from './frameworks/client'

interface Numbered { n: number }

const { records: recordsOrigin, servers } = inject('frameworks')

/** Short, so that the seven reconnects of a 200-event stream take well under a second where the server sets no `retry:`. */
const RECONNECT = { delay: 50 }
const TOTAL = 200
const CUT = 30
const SERVER_RETRY = 3000
/** How much later than the browser a server may mark the end of a response (ms). */
const CLOSE_SKEW = 25
const TRANSPORTS: TransportChoice[] = ['auto', 'fetch', 'polyfill']
/** The servers with CORS for every transport; the seed-shape express server has its own tests below. */
const FRAMEWORKS: FrameworkName[] = ['h3', 'hono', 'fastify', 'better-sse']

interface Tracked {
  stream: UseEventSourceReturn<Numbered>
  /** The id of every message, in the order received. */
  ids: number[]
  /** The `n` of every message's data, in the order received. */
  values: number[]
}

/** Opens a stream in an effect scope that ends with the test; concurrent tests each stop only their own. */
function track(context: TestContext, url: string, options: UseEventSourceOptions<Numbered>): Tracked {
  const ids: number[] = []
  const values: number[] = []
  const scope = effectScope(true)
  context.onTestFinished(() => scope.stop())
  const stream = scope.run(() => useEventSource<Numbered>(url, {
    autoReconnect: RECONNECT,
    ...options,
    json: true,
    onMessage: (message) => {
      ids.push(Number(message.id))
      values.push(message.data.n)
    },
  }))!
  return { stream, ids, values }
}

/** Waits until the stream has ended for good, or has already gone wrong (an id repeated or skipped). */
async function settled({ stream, ids }: Tracked, timeout: number): Promise<void> {
  await until(() => stream.status.value !== 'CLOSED' || stream.error.value !== null, 5000)
  await until(() => stream.status.value === 'CLOSED' || !inSequence(ids), timeout)
}

/**
 * The assertions every resumed stream must pass: each request after the first carried the last id received before
 * it, ids 1..total arrived once each and in order, and the server's 204 ended the stream without an error.
 */
async function expectResumedAndEnded({ expect }: TestContext, tracked: Tracked, tag: string, total: number, { probed = false } = {}) {
  let records = await serverRecords(recordsOrigin, tag)
  if (probed) {
    // After the browser's EventSource gave up (here: on the 204), the library asks once more to learn why: across
    // origins its next attempt could not send Last-Event-ID to a server that answers no preflight. So that probe goes
    // without the header (the resume point in the query instead) and is aborted as soon as its status is known.
    const probe = records.at(-1)
    expect(probe?.lastEventId, 'the status probe carries no header').toBeNull()
    expect(probe?.query.lastEventId, 'the status probe carries the resume point in the query').toBe(String(total))
    expect(records.at(-2)?.status, 'the answer the browser got').toBe(204)
    records = records.slice(0, -1)
  }
  expect(records.length, 'requests the server saw').toBeGreaterThan(1)
  expect(records.map(record => record.lastEventId), 'Last-Event-ID of each request').toEqual(expectedResumePoints(records))
  expect(tracked.ids).toEqual(range(total))
  expect(tracked.values).toEqual(tracked.ids)
  expect(tracked.stream.status.value).toBe('CLOSED')
  expect(tracked.stream.error.value).toBeNull()
  expect(records.at(-1)?.status, 'the last answer').toBe(204)
  return records
}

/** How long after each cut (a 200 response that ended) the next request arrived, per the server's clock. */
function gapsAfterCuts(records: Awaited<ReturnType<typeof serverRecords>>): number[] {
  const gaps: number[] = []
  for (const [index, record] of records.entries()) {
    const previous = records[index - 1]
    if (previous?.status === 200 && previous.endedAt !== null)
      gaps.push(record.at - previous.endedAt)
  }
  return gaps
}

describe.concurrent('sSE servers written with the frameworks users run', () => {
  for (const framework of FRAMEWORKS) {
    const origin = servers[framework]

    describe(framework, () => {
      for (const transport of TRANSPORTS) {
        it(`${transport}: receives ids 1..${TOTAL} once each, resuming from Last-Event-ID after every cut, until the 204`, async (context) => {
          const tag = uniqueTag(`${framework}-${transport}`)
          const tracked = track(context, `${origin}/numbers?total=${TOTAL}&cut=${CUT}&tag=${tag}`, { transport })
          await settled(tracked, 50_000)
          await expectResumedAndEnded(context, tracked, tag, TOTAL)
        }, 60_000)

        it(`${transport}: waits at least the server's retry: ${SERVER_RETRY} after a cut`, async (context) => {
          const tag = uniqueTag(`${framework}-${transport}-retry`)
          const tracked = track(context, `${origin}/numbers?total=1&cut=1&retry=${SERVER_RETRY}&tag=${tag}`, { transport })
          await settled(tracked, 25_000)
          const gaps = gapsAfterCuts(await serverRecords(recordsOrigin, tag))
          context.expect(gaps.length, 'cuts followed by a request').toBeGreaterThan(0)
          // A server marks its end once its close has resolved, which can be a few ms after the browser saw the end
          // and began to wait: that much is allowed, far less than any early reconnect would show.
          for (const gap of gaps)
            context.expect(gap, 'ms between a cut and the next request').toBeGreaterThanOrEqual(SERVER_RETRY - CLOSE_SKEW)
          await expectResumedAndEnded(context, tracked, tag, 1)
        }, 30_000)
      }

      it('fetch, POST: the body carries the parameters, and every reconnect resumes with the header', async (context) => {
        const tag = uniqueTag(`${framework}-post`)
        const body = { total: TOTAL, cut: CUT }
        const tracked = track(context, `${origin}/numbers?tag=${tag}`, { transport: 'fetch', method: 'POST', body })
        await settled(tracked, 50_000)
        const records = await expectResumedAndEnded(context, tracked, tag, TOTAL)
        context.expect(records.map(record => record.method)).toEqual(records.map(() => 'POST'))
        context.expect(records.map(record => record.body)).toEqual(records.map(() => body))
      }, 60_000)

      it('fetch, per-call token: every request carries it, and the stream resumes to the end', async (context) => {
        const tag = uniqueTag(`${framework}-token`)
        const tracked = track(context, `${origin}/secure/numbers?total=${TOTAL}&cut=${CUT}&tag=${tag}`, {
          transport: 'fetch',
          token: 'good',
          // The server is another origin than the page: the token goes only where it is allowed to.
          allowedOrigins: [origin],
        })
        await settled(tracked, 50_000)
        const records = await expectResumedAndEnded(context, tracked, tag, TOTAL)
        context.expect(records.map(record => record.authorization)).toEqual(records.map(() => 'Bearer good'))
      }, 60_000)

      it('fetch, no token: the protected route\'s 401 ends the stream as unauthorized', async (context) => {
        const tag = uniqueTag(`${framework}-no-token`)
        const tracked = track(context, `${origin}/secure/numbers?total=${TOTAL}&cut=${CUT}&tag=${tag}`, { transport: 'fetch' })
        await settled(tracked, 10_000)
        const records = await serverRecords(recordsOrigin, tag)
        context.expect(records.map(record => record.status)).toContain(401)
        context.expect(records.every(record => record.status === 401)).toBe(true)
        context.expect(tracked.ids).toEqual([])
        context.expect(tracked.stream.status.value).toBe('CLOSED')
        context.expect(tracked.stream.error.value?.type).toBe('unauthorized')
      }, 20_000)
    })
  }

  // The seeds' shape: the stream written by hand, only `Access-Control-Allow-Origin: *`, named events. It answers no
  // preflight, so only the browser's own EventSource ('auto' without headers) can use it.
  describe('express (seed shape)', () => {
    const origin = servers['express-seed']

    it(`auto: receives the named events 1..${TOTAL} once each, resuming from Last-Event-ID, until the 204`, async (context) => {
      const tag = uniqueTag('express-seed')
      // Every block carries `event:`, `id:`, `retry:` and `data:`; a short retry keeps the seven reconnects quick. It
      // is above the 250 ms floor: a shorter one the EventSource can only be held to by a reconnect of the library's
      // own, and a new request cannot send this server `Last-Event-ID` (it answers no preflight).
      const tracked = track(context, `${origin}/numbers?total=${TOTAL}&cut=${CUT}&event=tick&retry=300&tag=${tag}`, {
        transport: 'auto',
        events: ['tick'],
      })
      await settled(tracked, 50_000)
      await expectResumedAndEnded(context, tracked, tag, TOTAL, { probed: true })
    }, 60_000)

    it(`auto: waits at least the server's retry: ${SERVER_RETRY} after a cut`, async (context) => {
      const tag = uniqueTag('express-seed-retry')
      const tracked = track(context, `${origin}/numbers?total=1&cut=1&event=tick&retry=${SERVER_RETRY}&tag=${tag}`, {
        transport: 'auto',
        events: ['tick'],
      })
      await settled(tracked, 25_000)
      const gaps = gapsAfterCuts(await serverRecords(recordsOrigin, tag))
      context.expect(gaps.length, 'cuts followed by a request').toBeGreaterThan(0)
      for (const gap of gaps)
        context.expect(gap, 'ms between a cut and the next request').toBeGreaterThanOrEqual(SERVER_RETRY - CLOSE_SKEW)
      await expectResumedAndEnded(context, tracked, tag, 1, { probed: true })
    }, 30_000)
  })
})
