import { setTimeout as sleep } from 'node:timers/promises'
import fastifySse from '@fastify/sse'
import Fastify from 'fastify'

const app = Fastify()
await app.register(fastifySse)

app.get('/api/ticker', { sse: 'only' }, async (request, reply) => {
  // A reconnect carries the id of the last event it received: go on after it.
  let id = Number(reply.sse.lastEventId) || 0
  async function* ticks() {
    while (reply.sse.isConnected) {
      await sleep(1000)
      id++
      yield { id: String(id), event: 'tick', data: { symbol: 'ACME', price: 100 + Math.round(Math.sin(id / 5) * 500) / 100 } }
    }
  }
  await reply.sse.send(ticks())
})

await app.listen({ port: Number(process.env.PORT) || 3001 })
