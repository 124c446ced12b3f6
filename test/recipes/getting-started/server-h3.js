import { createEventStream, H3, serve } from 'h3'

const app = new H3()

app.get('/api/ticker', (event) => {
  const stream = createEventStream(event)
  // A reconnect carries the id of the last event it received: go on after it.
  let id = Number(event.req.headers.get('Last-Event-ID')) || 0
  const timer = setInterval(() => {
    id++
    const tick = { symbol: 'ACME', price: 100 + Math.round(Math.sin(id / 5) * 500) / 100 }
    void stream.push({ id: String(id), event: 'tick', data: JSON.stringify(tick) })
  }, 1000)
  stream.onClosed(() => clearInterval(timer))
  return stream
})

serve(app, { port: Number(process.env.PORT) || 3001 })
