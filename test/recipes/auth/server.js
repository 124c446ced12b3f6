import { randomUUID } from 'node:crypto'
import cors from 'cors'
import express from 'express'

const app = express()
/** The access tokens handed out; a real server checks a signed token or a session instead. */
const tokens = new Set()

// Needed only when the app is served from another origin than this API: the browser asks before it sends the
// token (`Authorization`) and the resume point (`Last-Event-ID`), and hides `Retry-After` unless it is exposed.
app.use(cors({
  origin: 'http://localhost:5173',
  allowedHeaders: ['Authorization', 'Last-Event-ID', 'Content-Type'],
  exposedHeaders: ['Retry-After'],
}))

// Sign-in and refresh: here anyone gets a token; a real server reads its session or refresh cookie first.
app.post('/api/token', (req, res) => {
  const token = randomUUID()
  tokens.add(token)
  res.json({ token })
})

app.post('/api/logout', (req, res) => {
  tokens.delete(req.get('Authorization')?.slice('Bearer '.length))
  res.status(204).end()
})

app.get('/api/notifications', (req, res) => {
  if (!tokens.has(req.get('Authorization')?.slice('Bearer '.length)))
    return res.status(401).end()
  res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' }).flushHeaders()
  // A reconnect carries the id of the last event it received: go on after it.
  let id = Number(req.get('Last-Event-ID')) || 0
  const timer = setInterval(() => {
    id++
    res.write(`id: ${id}\nevent: notification\ndata: ${JSON.stringify({ text: `Notification ${id}` })}\n\n`)
  }, 200)
  req.on('close', () => clearInterval(timer))
})

app.listen(Number(process.env.PORT) || 3001)
