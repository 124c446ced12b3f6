// h3 v2 as its docs show it: `new EventStream(event)` returned from the handler (2.x's name for what 1.x called
// `createEventStream`), `handleCors` in a middleware, served by Node's http through `toNodeHandler` from 'h3/node'.

import type { H3Event } from 'h3'
import type { Recorder, Running } from './records.ts'
import { createServer } from 'node:http'
import { EventStream, H3, handleCors, HTTPError, noContent } from 'h3'
import { toNodeHandler } from 'h3/node'
import { listen } from './listen.ts'
import { CORS, GOOD_TOKEN, nextIds, numberData, numbersParams, resumeAfter } from './numbers.ts'
import { ended } from './records.ts'

export async function startH3(recorder: Recorder): Promise<Running> {
  const app = new H3()

  app.use((event) => {
    const preflight = handleCors(event, {
      origin: '*',
      methods: CORS.methods,
      allowHeaders: CORS.allowHeaders,
      exposeHeaders: CORS.exposeHeaders,
      preflight: { statusCode: 204 },
    })
    if (preflight !== false)
      return preflight
  })

  async function numbers(event: H3Event): Promise<EventStream | ReturnType<typeof noContent>> {
    const body: unknown = event.req.method === 'POST' ? await event.req.json() : undefined
    const record = recorder.record('h3', {
      method: event.req.method,
      url: event.req.url,
      lastEventId: event.req.headers.get('last-event-id'),
      authorization: event.req.headers.get('authorization'),
      body,
    })
    if (event.url.pathname.startsWith('/secure/') && record.authorization !== `Bearer ${GOOD_TOKEN}`) {
      ended(record, 401)
      throw new HTTPError({ status: 401, message: 'A bearer token is required.' })
    }
    const params = numbersParams(Object.fromEntries(event.url.searchParams), body as Record<string, unknown> ?? {})
    // The resume point comes from the header only: a server that reads no query parameter is the case under test.
    const ids = nextIds(params, resumeAfter(record.lastEventId))
    if (ids.length === 0) {
      ended(record, 204)
      return noContent()
    }

    const stream = new EventStream(event)
    stream.onClosed(() => record.endedAt ??= Date.now())
    // Pushed once the handler has returned the stream: a push waits for the response to be read.
    void (async () => {
      for (const [index, id] of ids.entries()) {
        await stream.push({
          id: String(id),
          event: params.event,
          retry: index === 0 ? params.retry : undefined,
          data: numberData(id),
        })
        record.sent.push(id)
      }
      await stream.close()
      ended(record, 200)
    })()
    return stream
  }

  app.get('/numbers', numbers)
  app.post('/numbers', numbers)
  app.get('/secure/numbers', numbers)

  return listen(createServer(toNodeHandler(app)))
}
