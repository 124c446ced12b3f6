export default defineEventHandler((event) => {
  // Resume where the client left off: every reconnect carries the last event id it received.
  let n = Number(getHeader(event, 'last-event-id')) || 0
  const stream = createEventStream(event)
  const timer = setInterval(() => {
    n++
    void stream.push({ id: String(n), event: 'tick', data: JSON.stringify({ n, at: Date.now() }) })
  }, 1000)
  stream.onClosed(async () => {
    clearInterval(timer)
    await stream.close()
  })
  return stream.send()
})
