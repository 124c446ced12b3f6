import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'

const app = new Hono()

app.get('/api/ticker', c => streamSSE(c, async (stream) => {
  // A reconnect carries the id of the last event it received: go on after it.
  let id = Number(c.req.header('Last-Event-ID')) || 0
  while (!stream.aborted) {
    await stream.sleep(1000)
    id++
    const tick = { symbol: 'ACME', price: 100 + Math.round(Math.sin(id / 5) * 500) / 100 }
    await stream.writeSSE({ id: String(id), event: 'tick', data: JSON.stringify(tick) })
  }
}))

serve({ fetch: app.fetch, port: Number(process.env.PORT) || 3001 })
