import type { SseMessage } from '../src'
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { server } from 'vitest/browser'
import { defineComponent, h, nextTick, ref, watch } from 'vue'
import { SseError, useEventSource } from '../src'
import { inScope } from './scope'
import { serverConnections, uniqueTag, waitFor } from './server/client'
import { fixtures, nativeExpected } from './server/fixtures'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('useEventSource over the native EventSource: WHATWG parsing', () => {
  for (const [name, fixture] of Object.entries(fixtures)) {
    it(`${name}: ${fixture.description}`, async () => {
      const received: { type: string, data: string, lastEventId: string }[] = []
      // The native transport gives what the browser's EventSource gives: Firefox's parser departs from WHATWG twice.
      const expected = nativeExpected(fixture, server.browser)
      const events = [...new Set(expected.map(event => event.type))].filter(type => type !== 'message')
      const { result } = inScope(() => useEventSource(`/sse/fixture/${name}?tag=${uniqueTag()}`, events, {
        transport: 'native',
        autoReconnect: false,
        onMessage: message => received.push({ type: message.event, data: message.data, lastEventId: message.id }),
      }))
      await waitFor(() => received.length >= expected.length, { timeout: 10_000 })
      // Anything still buffered (an unterminated event) must not show up later.
      await sleep(300)
      expect(received).toEqual(expected)
      expect(result.status.value).not.toBe('CLOSED')
    })
  }
})

describe('useEventSource', () => {
  it('starts CLOSED and receives with both call forms', async () => {
    const tag = uniqueTag()
    const { result: options } = inScope(() => useEventSource(`/sse/counter?count=3&interval=10&tag=${tag}`, { immediate: false }))
    expect(options.status.value).toBe('CLOSED')
    const { result: vueuse } = inScope(() => useEventSource(`/sse/events?interval=10&tag=${tag}`, ['tick', 'alert'] as const))
    await waitFor(() => vueuse.event.value === 'tick')
    await waitFor(() => vueuse.event.value === 'alert')
    expect(vueuse.status.value).toBe('OPEN')
    expect(options.status.value).toBe('CLOSED')
    options.open()
    await waitFor(() => options.data.value === '3')
    expect(options.lastEventId.value).toBe('3')
    expect(options.event.value).toBe('message')
  })

  it('delivers every message of a burst of 1,000 to onMessage', async () => {
    const ids: string[] = []
    inScope(() => useEventSource(`/sse/counter?count=1000&interval=0&tag=${uniqueTag()}`, {
      onMessage: message => ids.push(message.id),
    }))
    await waitFor(() => ids.length === 1000, { timeout: 15_000 })
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => String(i + 1)))
  })

  it('parses json, reports a parse failure and goes on', async () => {
    const errors: SseError[] = []
    const { result } = inScope(() => useEventSource<{ n: number }>(`/sse/events?interval=10&tag=${uniqueTag()}`, ['tick', 'alert'], {
      json: true,
      onError: error => errors.push(error),
    }))
    await waitFor(() => errors.length > 0)
    expect(errors[0]).toBeInstanceOf(SseError)
    expect(errors[0]?.type).toBe('parse')
    expect(result.error.value?.type).toBe('parse')
    await waitFor(() => result.event.value === 'tick')
    expect(typeof result.data.value?.n).toBe('number')
    expect(result.status.value).toBe('OPEN')
  })

  it('hands every message to a serializer with its event type', async () => {
    const seen: string[] = []
    const { result } = inScope(() => useEventSource(`/sse/events?interval=10&tag=${uniqueTag()}`, ['alert'], {
      serializer: {
        read: (raw, type) => {
          seen.push(type)
          return `${type}:${raw}`
        },
      },
    }))
    await waitFor(() => result.event.value === 'alert')
    expect(result.data.value).toMatch(/^alert:alert \d+$/)
    expect(seen).not.toContain('tick')
  })

  it('keeps the last `history` messages, oldest first', async () => {
    const { result } = inScope(() => useEventSource(`/sse/counter?count=20&interval=0&tag=${uniqueTag()}`, { history: 5 }))
    await waitFor(() => result.lastEventId.value === '20')
    expect(result.messages.value.map((message: SseMessage) => message.data)).toEqual(['16', '17', '18', '19', '20'])
  })

  it('on(type) listens without touching the refs, and off() stops it', async () => {
    const alerts: string[] = []
    const { result } = inScope(() => useEventSource(`/sse/events?interval=10&tag=${uniqueTag()}`))
    const off = result.on('alert', message => alerts.push(message.data))
    await waitFor(() => alerts.length >= 2)
    off()
    const count = alerts.length
    await sleep(200)
    expect(alerts.length).toBe(count)
    expect(result.event.value).toBe('message')
  })

  it('sends initialLastEventId on the first connect and resumes from it', async () => {
    const tag = uniqueTag()
    const ids: string[] = []
    inScope(() => useEventSource(`/sse/counter?count=10&interval=0&tag=${tag}`, {
      initialLastEventId: '7',
      onMessage: message => ids.push(message.id),
    }))
    await waitFor(() => ids.length === 3)
    expect(ids).toEqual(['8', '9', '10'])
    const [first] = await serverConnections(tag)
    expect(first?.lastEventId).toBe('7')
  })

  it('reconnects when a reactive URL changes, and a superseded stream never writes', async () => {
    const tag = uniqueTag()
    const url = ref<string | null>(`/sse/counter?interval=20&start=1000&tag=${tag}`)
    const { result } = inScope(() => useEventSource(url))
    await waitFor(() => Number(result.data.value) >= 1000)
    url.value = `/sse/counter?interval=20&start=1&count=3&tag=${tag}`
    await waitFor(() => result.lastEventId.value === '3')
    await sleep(150)
    expect(result.data.value).toBe('3')
    url.value = null
    await nextTick()
    expect(result.status.value).toBe('CLOSED')
    await waitFor(async () => (await serverConnections(tag)).every(connection => !connection.open), { timeout: 2000 })
  })

  it('goes CLOSED -> CONNECTING -> OPEN on every drop and receives 1..300 exactly once, in order', async () => {
    const tag = uniqueTag()
    const ids: number[] = []
    const statuses: string[] = []
    const retryCounts: number[] = []
    let currentRetryCount = () => -1
    const { result } = inScope(() => {
      const source = useEventSource(`/sse/drop?total=300&every=30&retry=10&tag=${tag}`, {
        immediate: false,
        onMessage: message => ids.push(Number(message.id)),
        onOpen: () => retryCounts.push(currentRetryCount()),
      })
      currentRetryCount = () => source.retryCount.value
      statuses.push(source.status.value)
      watch(source.status, status => statuses.push(status), { flush: 'sync' })
      return source
    })
    result.open()
    await waitFor(() => ids.length >= 300, { timeout: 50_000 })
    await sleep(100)
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
    expect(statuses.slice(0, 5)).toEqual(['CLOSED', 'CONNECTING', 'OPEN', 'CONNECTING', 'OPEN'])
    expect(statuses.filter(status => status === 'OPEN').length).toBeGreaterThanOrEqual(10)
    // An open after a drop counts the attempts since the stream last proved healthy: 1, or more where Chromium cut a
    // connection before it delivered anything; its first event resets the count.
    expect(retryCounts[0]).toBe(0)
    expect(retryCounts.slice(1).every(count => count >= 1)).toBe(true)
    expect(result.retryCount.value).toBe(0)
    const connections = await serverConnections(tag)
    expect(connections.length).toBeGreaterThanOrEqual(10)
    // A cut can land before the browser reads a batch; that attempt then resumes from the same id again.
    const resumedFrom = connections.map(connection => connection.lastEventId).filter((id, i, all) => id !== all[i - 1])
    expect(resumedFrom).toEqual([null, '30', '60', '90', '120', '150', '180', '210', '240', '270'])
  }, 60_000)

  it('204 ends CLOSED, without an error and without reconnecting', async () => {
    const tag = uniqueTag()
    const errors: SseError[] = []
    const { result } = inScope(() => useEventSource(`/sse/status/204?tag=${tag}`, {
      autoReconnect: { delay: 50 },
      onError: error => errors.push(error),
    }))
    await waitFor(() => result.status.value === 'CLOSED' && result.retryCount.value === 0 && errors.length === 0)
    await sleep(500)
    expect(result.status.value).toBe('CLOSED')
    expect(result.error.value).toBeNull()
    expect(errors).toEqual([])
    const connections = await serverConnections(tag)
    await sleep(300)
    expect(await serverConnections(tag)).toHaveLength(connections.length)
  })

  it.each([
    [404, 'http'],
    [401, 'unauthorized'],
  ])('%i fails with its status and does not retry', async (code, type) => {
    const tag = uniqueTag()
    const { result } = inScope(() => useEventSource(`/sse/status/${code}?tag=${tag}`, { autoReconnect: { delay: 50 } }))
    await waitFor(() => result.error.value !== null)
    expect(result.error.value?.type).toBe(type)
    expect(result.error.value?.status).toBe(code)
    expect(result.status.value).toBe('CLOSED')
    const before = (await serverConnections(tag)).length
    await sleep(400)
    expect(await serverConnections(tag)).toHaveLength(before)
  })

  it('a wrong Content-Type fails with "content-type"', async () => {
    const { result } = inScope(() => useEventSource(`/sse/content-type?tag=${uniqueTag()}`))
    await waitFor(() => result.error.value !== null)
    expect(result.error.value?.type).toBe('content-type')
    expect(result.status.value).toBe('CLOSED')
  })

  it('5xx retries with backoff until the budget is spent, then onFailed', async () => {
    const tag = uniqueTag()
    let failed = 0
    const { result } = inScope(() => useEventSource(`/sse/status/503?tag=${tag}`, {
      autoReconnect: { retries: 2, delay: 20, onFailed: () => failed++ },
    }))
    await waitFor(() => result.error.value?.type === 'retries-exhausted', { timeout: 10_000 })
    expect(result.error.value?.status).toBe(503)
    expect(result.status.value).toBe('CLOSED')
    expect(failed).toBe(1)
  })

  it('reconnects with "stalled" when a stream goes silent past heartbeatTimeout', async () => {
    const tag = uniqueTag()
    const errors: SseError[] = []
    inScope(() => useEventSource(`/sse/silent?tag=${tag}`, {
      heartbeatTimeout: 300,
      autoReconnect: { delay: 20 },
      onError: error => errors.push(error),
    }))
    await waitFor(async () => (await serverConnections(tag)).length >= 2, { timeout: 5000 })
    expect(errors[0]?.type).toBe('stalled')
    const [first] = await serverConnections(tag)
    expect(first?.open).toBe(false)
  })

  it('closes when the component unmounts: the server sees it within 2 s and nothing reconnects', async () => {
    const tag = uniqueTag()
    const Stream = defineComponent({
      setup() {
        const { data } = useEventSource(`/sse/counter?interval=50&tag=${tag}`)
        return () => h('p', data.value ?? 'waiting')
      },
    })
    const wrapper = mount(Stream)
    await waitFor(() => wrapper.text() !== 'waiting')
    wrapper.unmount()
    await waitFor(async () => (await serverConnections(tag)).every(connection => !connection.open), { timeout: 2000 })
    await sleep(300)
    expect(await serverConnections(tag)).toHaveLength(1)
  })

  it('stopping the scope during a reconnect wait clears the timer', async () => {
    const tag = uniqueTag()
    const { result, stop } = inScope(() => useEventSource(`/sse/status/500?tag=${tag}`, { autoReconnect: { delay: 300 } }))
    await waitFor(() => result.retryCount.value === 1)
    stop()
    const before = (await serverConnections(tag)).length
    await sleep(1000)
    expect(await serverConnections(tag)).toHaveLength(before)
    expect(result.status.value).toBe('CLOSED')
  })

  it('close() is final until open()', async () => {
    const tag = uniqueTag()
    const { result } = inScope(() => useEventSource(`/sse/counter?interval=20&tag=${tag}`))
    await waitFor(() => result.status.value === 'OPEN')
    result.close()
    expect(result.status.value).toBe('CLOSED')
    const last = result.data.value
    await sleep(200)
    expect(result.data.value).toBe(last)
    await waitFor(async () => (await serverConnections(tag)).every(connection => !connection.open), { timeout: 5000 })
    result.open()
    await waitFor(() => result.status.value === 'OPEN')
    // It resumes where it stopped.
    expect((await serverConnections(tag)).at(-1)?.lastEventId).toBe(last)
  })
})

describe('useEventSource: bad input', () => {
  it('an invalid URL gives a "config" error and no connection', () => {
    const errors: SseError[] = []
    const { result } = inScope(() => useEventSource('http://[::1', { onError: error => errors.push(error) }))
    expect(result.status.value).toBe('CLOSED')
    expect(result.error.value?.type).toBe('config')
    expect(result.error.value?.message).toBe('[vue-event-source] GET http://[::1: "http://[::1" is not a valid URL.')
    expect(errors).toHaveLength(1)
  })

  it('an explicit GET with a body fails with "config" and does not retry', async () => {
    const { result } = inScope(() => useEventSource(`/sse/echo?tag=${uniqueTag()}`, { method: 'GET', body: { a: 1 } }))
    await waitFor(() => result.error.value !== null)
    expect(result.error.value?.type).toBe('config')
    expect(result.status.value).toBe('CLOSED')
  })

  it('native with a token fails with "config" rather than connect without it', async () => {
    const { result } = inScope(() => useEventSource(`/sse/counter?tag=${uniqueTag()}`, { transport: 'native', token: 'secret' }))
    await waitFor(() => result.error.value !== null)
    expect(result.error.value?.type).toBe('config')
    expect(result.status.value).toBe('CLOSED')
  })
})

describe('useEventSource in components', () => {
  it('renders CLOSED first, connects once mounted, and hydrates server HTML without a mismatch', async () => {
    const { createSSRApp } = await import('vue')
    const { renderToString } = await import('vue/server-renderer')
    const tag = uniqueTag()
    const App = defineComponent({
      setup() {
        const { status, data } = useEventSource(`/sse/counter?interval=20&tag=${tag}`)
        return () => h('p', `${status.value} ${data.value ?? ''}`)
      },
    })
    const html = await renderToString(createSSRApp(App))
    expect(html).toBe('<p>CLOSED </p>')
    expect(await serverConnections(tag)).toHaveLength(0)

    const root = document.createElement('div')
    root.innerHTML = html
    document.body.append(root)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = createSSRApp(App)
    app.mount(root)
    try {
      expect(warn.mock.calls.flat().join('\n')).not.toMatch(/hydration/i)
      expect(error.mock.calls.flat().join('\n')).not.toMatch(/hydration/i)
      await waitFor(() => root.textContent?.startsWith('OPEN ') && root.textContent !== 'OPEN ')
    }
    finally {
      app.unmount()
      root.remove()
      warn.mockRestore()
      error.mockRestore()
    }
  })

  it('open() again sends the current body: a second prompt is a new request', async () => {
    const tag = uniqueTag()
    const prompt = ref('first')
    const words: string[] = []
    const { result } = inScope(() => useEventSource(`/sse/chat?interval=5&tag=${tag}`, ['token', 'done'], {
      method: 'POST',
      body: () => ({ prompt: prompt.value }),
      immediate: false,
      autoReconnect: false,
      onMessage: (message) => {
        if (message.event === 'token')
          words.push(message.data)
      },
    }))
    result.open()
    await waitFor(() => result.event.value === 'done')
    prompt.value = 'second'
    result.open()
    await waitFor(async () => (await serverConnections(tag)).length === 2)
    await waitFor(() => words.join('').includes('second'))
    const bodies = (await serverConnections(tag)).map(connection => JSON.parse(connection.body) as { prompt: string })
    expect(bodies.map(body => body.prompt)).toEqual(['first', 'second'])
    expect((await serverConnections(tag))[1]?.lastEventId).toBeNull()
  })
})
