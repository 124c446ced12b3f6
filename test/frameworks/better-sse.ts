// better-sse as its docs show it with Express: `createSession(req, res)` and `session.push(data, event, id)`, with the
// `cors` middleware and `express.json()` for the POST body.

import type { Request, Response } from 'express'
import type { Recorder, Running } from './records.ts'
import { createServer } from 'node:http'
import { createSession } from 'better-sse'
import cors from 'cors'
import express from 'express'
import { listen } from './listen.ts'
import { CORS, GOOD_TOKEN, nextIds, numbersParams, resumeAfter } from './numbers.ts'
import { ended } from './records.ts'

export async function startBetterSse(recorder: Recorder): Promise<Running> {
  const app = express()
  app.use(cors({
    origin: '*',
    methods: CORS.methods,
    allowedHeaders: CORS.allowHeaders,
    exposedHeaders: CORS.exposeHeaders,
  }))
  app.use(express.json())

  async function numbers(req: Request, res: Response): Promise<void> {
    const record = recorder.record('better-sse', {
      method: req.method,
      url: req.originalUrl,
      lastEventId: req.get('Last-Event-ID'),
      authorization: req.get('Authorization'),
      body: req.method === 'POST' ? req.body : undefined,
    })
    if (req.path.startsWith('/secure/') && record.authorization !== `Bearer ${GOOD_TOKEN}`) {
      res.status(401).json({ error: 'A bearer token is required.' })
      ended(record, 401)
      return
    }
    const params = numbersParams(req.query as Record<string, unknown>, req.method === 'POST' ? req.body : {})
    // The resume point comes from the header only. better-sse's own `session.lastId` would fall back to a
    // `lastEventId` query parameter, which a server that reads none is here to rule out.
    const ids = nextIds(params, resumeAfter(record.lastEventId))
    if (ids.length === 0) {
      res.status(204).end()
      ended(record, 204)
      return
    }
    const session = await createSession(req, res, {
      retry: params.retry ?? null,
      keepAlive: null,
      trustClientEventId: false,
    })
    for (const id of ids) {
      session.push({ n: id }, params.event ?? 'message', String(id))
      record.sent.push(id)
    }
    res.end(() => ended(record, 200))
  }

  app.get('/numbers', numbers)
  app.post('/numbers', numbers)
  app.get('/secure/numbers', numbers)

  return listen(createServer(app))
}
