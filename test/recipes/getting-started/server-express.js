import express from 'express'

const app = express()

app.get('/api/ticker', (req, res) => {
  res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' }).flushHeaders()
  // A reconnect carries the id of the last event it received: go on after it.
  let id = Number(req.get('Last-Event-ID')) || 0
  const timer = setInterval(() => {
    id++
    const tick = { symbol: 'ACME', price: 100 + Math.round(Math.sin(id / 5) * 500) / 100 }
    res.write(`id: ${id}\nevent: tick\ndata: ${JSON.stringify(tick)}\n\n`)
  }, 1000)
  req.on('close', () => clearInterval(timer))
})

app.listen(Number(process.env.PORT) || 3001)
