import { expect, it } from 'vitest'
import { createApp } from 'vue'
import { useEventSource } from 'vue-event-source'
import { createTestSse } from 'vue-event-source/testing'

it('without a DOM, the library acts as on the server: nothing connects, not even to memory', async () => {
  const sse = createTestSse()
  const app = createApp({}).use(sse)
  app.runWithContext(() => useEventSource('/feed').open())
  await new Promise(resolve => setTimeout(resolve, 10))
  expect(sse.requests).toEqual([])
  expect(() => sse.latest()).toThrowError('[vue-event-source/testing] No request was made. Requests so far: none.')
})
