// Fastify 5 with @fastify/sse as its README shows it: the plugin registered, a route with `sse`, `reply.sse.send()` with
// an async generator and `reply.sse.lastEventId` (read from the `Last-Event-ID` header); CORS by @fastify/cors.

import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Recorder, Running } from './records.ts'
import fastifyCors from '@fastify/cors'
import fastifySse from '@fastify/sse'
import Fastify from 'fastify'
import { CORS, GOOD_TOKEN, nextIds, numbersParams, resumeAfter } from './numbers.ts'
import { ended } from './records.ts'

export async function startFastify(recorder: Recorder): Promise<Running> {
  // Closing must not wait for streams a browser still holds open.
  const app = Fastify({ forceCloseConnections: true })
  await app.register(fastifyCors, {
    origin: '*',
    methods: CORS.methods,
    allowedHeaders: CORS.allowHeaders,
    exposedHeaders: CORS.exposeHeaders,
  })
  await app.register(fastifySse)

  async function numbers(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const record = recorder.record('fastify', {
      method: request.method,
      url: request.url,
      lastEventId: request.headers['last-event-id'] as string | undefined,
      authorization: request.headers.authorization,
      body: request.method === 'POST' ? request.body : undefined,
    })
    if (request.url.startsWith('/secure/') && record.authorization !== `Bearer ${GOOD_TOKEN}`) {
      ended(record, 401)
      await reply.code(401).send({ error: 'A bearer token is required.' })
      return
    }
    const params = numbersParams(request.query as Record<string, unknown>, (request.body ?? {}) as Record<string, unknown>)
    // The plugin takes the resume point from the `Last-Event-ID` header only.
    const ids = nextIds(params, resumeAfter(reply.sse.lastEventId))
    if (ids.length === 0) {
      ended(record, 204)
      await reply.code(204).send()
      return
    }
    async function* events() {
      for (const [index, id] of ids.entries()) {
        yield { id: String(id), event: params.event, retry: index === 0 ? params.retry : undefined, data: { n: id } }
        record.sent.push(id)
      }
    }
    reply.sse.onClose(() => ended(record, 200))
    // The plugin ends the response once the handler resolves: the clean end of a 200 stream.
    await reply.sse.send(events())
  }

  // `only`: the plugin streams whatever the Accept header (EventSource and the fetch transport send
  // `text/event-stream`; the polyfill too).
  app.route({ method: ['GET', 'POST'], url: '/numbers', sse: 'only', handler: numbers })
  app.route({ method: 'GET', url: '/secure/numbers', sse: 'only', handler: numbers })

  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string')
    throw new Error('Fastify listens on no TCP port.')
  return { origin: `http://127.0.0.1:${address.port}`, close: () => app.close() }
}
