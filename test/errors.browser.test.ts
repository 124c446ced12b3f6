import type { SseError, TransportChoice } from '../src'
import { describe, expect, it } from 'vitest'
import { useEventSource } from '../src'
import { inScope } from './scope'
import { secondOrigin, uniqueTag, waitFor } from './server/client'

/** With several streams on a page, an error must say which one failed: method and path, never the query. */
describe('every error names its stream', () => {
  for (const transport of [undefined, 'fetch', 'polyfill', 'native'] as (TransportChoice | undefined)[]) {
    it(`${transport ?? 'no options'}: a 404 names GET and the path, and carries the origin and path in url`, async () => {
      const tag = uniqueTag()
      const errors: SseError[] = []
      const { result } = inScope(() => useEventSource(`/sse/status/404?tag=${tag}&access_token=secret`, {
        ...(transport ? { transport } : {}),
        autoReconnect: { delay: 20 },
        onError: error => errors.push(error),
      }))
      await waitFor(() => result.error.value?.status === 404 && result.status.value === 'CLOSED')
      const error = result.error.value!
      expect(error.message).toBe('[vue-event-source] GET /sse/status/404: The server answered 404; an event stream needs 200.')
      expect(error.url).toBe(`${location.origin}/sse/status/404`)
      expect(errors.at(-1)).toBe(error)
      expect(JSON.stringify([error.message, error.url])).not.toContain('secret')
    })
  }

  it('another origin\'s stream is named by origin and path; a POST by its method', async () => {
    const origin = await secondOrigin()
    const tag = uniqueTag()
    const { result } = inScope(() => useEventSource(`${origin}/sse/status/500?tag=${tag}`, { method: 'POST', body: { a: 1 }, autoReconnect: false }))
    await waitFor(() => result.error.value !== null)
    expect(result.error.value?.message).toBe(`[vue-event-source] POST ${origin}/sse/status/500: The server answered 500; an event stream needs 200.`)
    expect(result.error.value?.url).toBe(`${origin}/sse/status/500`)
  })

  it('a message that cannot be parsed names the stream too', async () => {
    const tag = uniqueTag()
    // The second event is an "alert" whose data is no JSON.
    const { result } = inScope(() => useEventSource(`/sse/events?count=2&tag=${tag}`, { json: true, events: ['alert'] }))
    await waitFor(() => result.error.value !== null)
    expect(result.error.value?.type).toBe('parse')
    expect(result.error.value?.message).toMatch(/^\[vue-event-source\] GET \/sse\/events: Could not parse/)
    expect(result.error.value?.url).toBe(`${location.origin}/sse/events`)
  })
})
