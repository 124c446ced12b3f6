// Hono as its docs show it: `streamSSE` from 'hono/streaming', the `cors` and `bearerAuth` middleware, served on
// Node by @hono/node-server.

import type { Context } from 'hono'
import type { Recorder, RequestRecord, Running } from './records.ts'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { cors } from 'hono/cors'
import { streamSSE } from 'hono/streaming'
import { CORS, GOOD_TOKEN, nextIds, numberData, numbersParams, resumeAfter } from './numbers.ts'
import { ended } from './records.ts'

interface Env { Variables: { record: RequestRecord } }

export async function startHono(recorder: Recorder): Promise<Running> {
  const app = new Hono<Env>()

  app.use('*', cors({
    origin: '*',
    allowMethods: CORS.methods,
    allowHeaders: CORS.allowHeaders,
    exposeHeaders: CORS.exposeHeaders,
  }))

  // Every request is recorded before the routes' own middleware runs, so the ones bearerAuth turns away are seen too.
  app.on(['GET', 'POST'], ['/numbers', '/secure/numbers'], async (c, next) => {
    const body: unknown = c.req.method === 'POST' ? await c.req.json() : undefined
    const record = recorder.record('hono', {
      method: c.req.method,
      url: c.req.url,
      lastEventId: c.req.header('Last-Event-ID'),
      authorization: c.req.header('Authorization'),
      body,
    })
    c.set('record', record)
    await next()
    if (c.res.status !== 200)
      ended(record, c.res.status)
  })
  app.use('/secure/*', bearerAuth({ token: GOOD_TOKEN }))

  async function numbers(c: Context<Env>): Promise<Response> {
    const record = c.get('record')
    const params = numbersParams(c.req.query(), record.body as Record<string, unknown> ?? {})
    // The resume point comes from the header only: a server that reads no query parameter is the case under test.
    const ids = nextIds(params, resumeAfter(record.lastEventId))
    if (ids.length === 0)
      return c.body(null, 204)
    return streamSSE(c, async (stream) => {
      for (const [index, id] of ids.entries()) {
        await stream.writeSSE({
          id: String(id),
          event: params.event,
          retry: index === 0 ? params.retry : undefined,
          data: numberData(id),
        })
        record.sent.push(id)
      }
      await stream.close()
      ended(record, 200)
    })
  }

  app.get('/numbers', numbers)
  app.post('/numbers', numbers)
  app.get('/secure/numbers', numbers)

  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => {
          if ('closeAllConnections' in server)
            server.closeAllConnections()
          server.close(() => done())
        }),
      })
    })
  })
}
