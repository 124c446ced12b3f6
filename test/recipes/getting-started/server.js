import { createServer } from 'node:http'

createServer((req, res) => {
  if (!req.url?.startsWith('/api/ticker'))
    return res.writeHead(404).end()
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
  // A reconnect carries the id of the last event it received: go on after it.
  let id = Number(req.headers['last-event-id']) || 0
  const timer = setInterval(() => {
    id++
    const tick = { symbol: 'ACME', price: 100 + Math.round(Math.sin(id / 5) * 500) / 100 }
    res.write(`id: ${id}\nevent: tick\ndata: ${JSON.stringify(tick)}\n\n`)
  }, 1000)
  req.on('close', () => clearInterval(timer))
}).listen(Number(process.env.PORT) || 3001)
