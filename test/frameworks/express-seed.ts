// Express 5 written the way most hand-rolled SSE endpoints are ("the seeds' shape"): the event stream typed out line by
// line (`event:`, `id:`, `retry:`, JSON `data:`), and CORS as one `Access-Control-Allow-Origin: *` header set by hand.
// It answers no preflight, so it only serves requests that need none: the browser's own EventSource.

import type { Recorder, Running } from './records.ts'
import { createServer } from 'node:http'
import express from 'express'
import { listen } from './listen.ts'
import { nextIds, numberData, numbersParams, resumeAfter } from './numbers.ts'
import { ended } from './records.ts'

export async function startExpressSeed(recorder: Recorder): Promise<Running> {
  const app = express()

  app.get('/numbers', (req, res) => {
    const record = recorder.record('express-seed', {
      method: req.method,
      url: req.originalUrl,
      lastEventId: req.get('Last-Event-ID'),
      authorization: req.get('Authorization'),
    })
    res.setHeader('Access-Control-Allow-Origin', '*')
    const params = numbersParams(req.query as Record<string, unknown>)
    // The resume point comes from the header only: a server that reads no query parameter is the case under test.
    const ids = nextIds(params, resumeAfter(record.lastEventId))
    if (ids.length === 0) {
      res.status(204).end()
      ended(record, 204)
      return
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'Connection': 'keep-alive',
    })
    for (const id of ids) {
      let block = ''
      if (params.event !== undefined)
        block += `event: ${params.event}\n`
      block += `id: ${id}\n`
      if (params.retry !== undefined)
        block += `retry: ${params.retry}\n`
      block += `data: ${numberData(id)}\n\n`
      res.write(block)
      record.sent.push(id)
    }
    res.end(() => ended(record, 200))
  })

  return listen(createServer(app))
}
