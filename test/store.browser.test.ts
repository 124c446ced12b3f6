import type { SseError } from '../src'
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick, ref, watchEffect } from 'vue'
import { createSse, useEventSource, useSseStore } from '../src'
import { createTestSse } from '../src/testing'
import { secondOrigin, serverConnections, uniqueTag, waitFor } from './server/client'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const unmounts: (() => void)[] = []

afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount()
  vi.restoreAllMocks()
})

/** Mounts `render` under an app with the plugin installed; the app unmounts after the test. */
function mountApp(setup: () => () => ReturnType<typeof h>, plugin = createSse()) {
  const wrapper = mount(defineComponent({ setup }), { global: { plugins: [plugin] } })
  unmounts.push(() => wrapper.unmount())
  return wrapper
}

function openConnections(tag: string) {
  return serverConnections(tag).then(connections => connections.filter(connection => connection.open))
}

describe('shared: true', () => {
  it('10 components share one connection that closes when the last one leaves', async () => {
    const tag = uniqueTag()
    const url = `/sse/counter?interval=30&tag=${tag}`
    const received = Array.from({ length: 10 }, (): string[] => [])
    const count = ref(10)
    let store!: ReturnType<typeof useSseStore>
    const Listener = defineComponent({
      props: { index: { type: Number, required: true } },
      setup(props) {
        const { data } = useEventSource(url, {
          shared: true,
          onMessage: message => received[props.index]?.push(message.id),
        })
        return () => h('i', data.value ?? '')
      },
    })
    mountApp(() => {
      store = useSseStore()
      return () => h('div', Array.from({ length: count.value }, (_, index) => h(Listener, { index, key: index })))
    })

    await waitFor(() => received.every(ids => ids.length >= 5))
    expect(await serverConnections(tag)).toHaveLength(1)
    expect(store.connections).toHaveLength(1)
    expect(store.connections[0]?.subscribers).toBe(10)
    expect(store.connections[0]?.status).toBe('OPEN')
    // Every component saw every message since it joined: the same ids, in order, from the first.
    const longest = Math.min(...received.map(ids => ids.length))
    for (const ids of received) expect(ids.slice(0, longest)).toEqual(received[0]?.slice(0, longest))

    count.value = 1
    await nextTick()
    expect(store.connections[0]?.subscribers).toBe(1)
    await sleep(200)
    expect(await openConnections(tag)).toHaveLength(1)
    const before = received[0]?.length ?? 0
    await waitFor(() => (received[0]?.length ?? 0) > before + 2)

    count.value = 0
    await nextTick()
    await waitFor(async () => (await openConnections(tag)).length === 0, { timeout: 2000 })
    expect(store.connections).toHaveLength(0)
    expect(await serverConnections(tag)).toHaveLength(1)
  })

  it('keeps the connection for a subscriber who comes back within linger', async () => {
    const tag = uniqueTag()
    const show = ref(true)
    const Listener = defineComponent({
      setup() {
        useEventSource(`/sse/counter?interval=50&tag=${tag}`, { shared: true, linger: 500 })
        return () => h('i')
      },
    })
    mountApp(() => () => h('div', show.value ? [h(Listener)] : []))
    await waitFor(async () => (await openConnections(tag)).length === 1)
    show.value = false
    await nextTick()
    await sleep(100)
    show.value = true
    await nextTick()
    await sleep(600)
    expect(await serverConnections(tag)).toHaveLength(1)
    expect(await openConnections(tag)).toHaveLength(1)
    show.value = false
    await nextTick()
    await waitFor(async () => (await openConnections(tag)).length === 0, { timeout: 2500 })
  })

  it('each subscriber gets only the named events it asked for, over one connection', async () => {
    const tag = uniqueTag()
    const ticks: string[] = []
    const alerts: string[] = []
    const Ticks = defineComponent({
      setup() {
        useEventSource(`/sse/events?interval=10&tag=${tag}`, ['tick'], { shared: true, onMessage: message => ticks.push(message.event) })
        return () => h('i')
      },
    })
    const Alerts = defineComponent({
      setup() {
        useEventSource(`/sse/events?interval=10&tag=${tag}`, ['alert'], { shared: true, onMessage: message => alerts.push(message.event) })
        return () => h('i')
      },
    })
    mountApp(() => () => h('div', [h(Ticks), h(Alerts)]))
    await waitFor(() => ticks.includes('tick') && ticks.includes('message') && alerts.includes('alert') && alerts.includes('message'))
    expect(new Set(ticks)).toEqual(new Set(['tick', 'message']))
    expect(new Set(alerts)).toEqual(new Set(['alert', 'message']))
    expect(await serverConnections(tag)).toHaveLength(1)
  })

  it('each subscriber keeps its own history and parsing', async () => {
    const tag = uniqueTag()
    let raw!: ReturnType<typeof useEventSource>
    let parsed!: ReturnType<typeof useEventSource<number>>
    mountApp(() => {
      raw = useEventSource(`/sse/counter?interval=10&tag=${tag}`, { shared: true, history: 2 })
      parsed = useEventSource<number>(`/sse/counter?interval=10&tag=${tag}`, { shared: true, json: true, history: 4 })
      return () => h('i')
    })
    await waitFor(() => parsed.messages.value.length === 4)
    expect(raw.messages.value.length).toBe(2)
    expect(typeof raw.data.value).toBe('string')
    expect(typeof parsed.data.value).toBe('number')
    expect(await serverConnections(tag)).toHaveLength(1)
  })
})

describe('store edges', () => {
  it('what connections shows changes, and renders, only when the stream\'s state does: not with every event', async () => {
    const sse = createTestSse()
    const seen: string[] = []
    mountApp(() => {
      const store = useSseStore()
      useEventSource('/feed', { shared: true })
      watchEffect(() => {
        const info = store.connections[0]
        seen.push(info ? `${info.status} ${info.lastEventId} ${info.retryCount}` : 'none')
      })
      return () => h('i')
    }, sse)
    const request = await sse.next()
    await request.open()
    await nextTick()
    const opened = seen.length
    expect(seen.at(-1)).toBe('OPEN  0')
    for (let n = 0; n < 20; n++) await request.send({ data: `tick ${n}` })
    await request.comment('ping')
    await nextTick()
    // Events without an id change nothing the list shows.
    expect(seen).toHaveLength(opened)
    await request.send({ id: '7', data: 'tick' })
    await nextTick()
    expect(seen.at(-1)).toBe('OPEN 7 0')
    expect(seen).toHaveLength(opened + 1)
  })

  it('reconnectAll() does not reopen a connection whose last subscriber left, and closeAll() closes it at once', async () => {
    const tag = uniqueTag()
    const show = ref(true)
    let store!: ReturnType<typeof useSseStore>
    const Listener = defineComponent({
      setup() {
        useEventSource(`/sse/counter?interval=50&tag=${tag}`, { shared: true, linger: 5000 })
        return () => h('i')
      },
    })
    mountApp(() => {
      store = useSseStore()
      return () => h('div', show.value ? [h(Listener)] : [])
    })
    await waitFor(async () => (await openConnections(tag)).length === 1)
    show.value = false
    await nextTick()
    expect(store.connections[0]?.subscribers).toBe(0)
    store.reconnectAll()
    await sleep(300)
    expect(await serverConnections(tag)).toHaveLength(1)
    store.closeAll()
    await waitFor(async () => (await openConnections(tag)).length === 0, { timeout: 5000 })
  })

  it('unmounting while the token is still being read opens nothing', async () => {
    const tag = uniqueTag()
    let reads = 0
    const token = () => new Promise<string>((resolve) => {
      reads++
      setTimeout(resolve, 300, 'late')
    })
    const wrapper = mount(defineComponent({
      setup() {
        useEventSource(`/sse/counter?interval=20&tag=${tag}`)
        return () => h('i')
      },
    }), { global: { plugins: [createSse({ token })] } })
    await waitFor(() => reads === 1)
    wrapper.unmount()
    await sleep(600)
    expect(await serverConnections(tag)).toHaveLength(0)
  })
})

describe('token and onUnauthorized', () => {
  it('reads the token on every reconnect and sends it as a header, never in the URL', async () => {
    const tag = uniqueTag()
    const token = vi.fn(() => 'secret')
    let source!: ReturnType<typeof useEventSource>
    mountApp(() => {
      source = useEventSource(`/sse/drop?total=90&every=30&retry=10&tag=${tag}`)
      return () => h('i')
    }, createSse({ token }))
    await waitFor(() => source.lastEventId.value === '90', { timeout: 25_000 })
    const connections = await serverConnections(tag)
    expect(connections.length).toBeGreaterThanOrEqual(3)
    expect(token.mock.calls.length).toBeGreaterThanOrEqual(connections.length)
    for (const connection of connections) {
      expect(connection.headers.authorization).toBe('Bearer secret')
      expect(connection.path).not.toContain('secret')
    }
  })

  it('after a 401, onUnauthorized swaps the token and data flows', async () => {
    const tag = uniqueTag()
    const auth = { token: 'old' }
    const onUnauthorized = vi.fn(async (error: SseError) => {
      expect(error.status).toBe(401)
      auth.token = 'new'
    })
    let source!: ReturnType<typeof useEventSource>
    mountApp(() => {
      source = useEventSource(`/sse/authed?accept=new&interval=20&tag=${tag}`)
      return () => h('i')
    }, createSse({ token: () => auth.token, onUnauthorized }))
    await waitFor(() => source.data.value !== null)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(source.status.value).toBe('OPEN')
    expect(source.error.value).toBeNull()
    const connections = await serverConnections(tag)
    expect(connections.map(connection => connection.headers.authorization)).toEqual(['Bearer old', 'Bearer new'])
  })

  it('a second 401 ends CLOSED with "unauthorized"', async () => {
    const tag = uniqueTag()
    const onUnauthorized = vi.fn()
    let source!: ReturnType<typeof useEventSource>
    mountApp(() => {
      source = useEventSource(`/sse/authed?accept=never&tag=${tag}`, { autoReconnect: { delay: 20 } })
      return () => h('i')
    }, createSse({ token: async () => 'stale', onUnauthorized }))
    await waitFor(() => source.status.value === 'CLOSED' && source.error.value?.type === 'unauthorized')
    await sleep(200)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(await serverConnections(tag)).toHaveLength(2)
  })

  it('closeAll() closes, reconnectAll() reconnects with the current token', async () => {
    const tag = uniqueTag()
    const token = ref<string | null>('one')
    let store!: ReturnType<typeof useSseStore>
    let shared!: ReturnType<typeof useEventSource>
    let own!: ReturnType<typeof useEventSource>
    mountApp(() => {
      store = useSseStore()
      shared = useEventSource(`/sse/authed?accept=one,two&interval=20&tag=${tag}`, { shared: true })
      own = useEventSource(`/sse/authed?accept=one,two&interval=20&tag=${tag}`)
      return () => h('i')
    }, createSse({ token }))
    await waitFor(() => shared.status.value === 'OPEN' && own.status.value === 'OPEN')
    store.closeAll()
    expect(shared.status.value).toBe('CLOSED')
    expect(own.status.value).toBe('CLOSED')
    await waitFor(async () => (await openConnections(tag)).length === 0, { timeout: 5000 })
    token.value = 'two'
    store.reconnectAll()
    await waitFor(() => shared.status.value === 'OPEN' && own.status.value === 'OPEN')
    const connections = await serverConnections(tag)
    expect(connections).toHaveLength(4)
    expect(connections.slice(2).map(connection => connection.headers.authorization)).toEqual(['Bearer two', 'Bearer two'])
  })

  it('sends no token or header to an origin that is not allowed, and warns once', async () => {
    const tag = uniqueTag()
    const origin = await secondOrigin()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    let first!: ReturnType<typeof useEventSource>
    let second!: ReturnType<typeof useEventSource>
    mountApp(() => {
      first = useEventSource(`${origin}/sse/counter?interval=20&tag=${tag}`)
      second = useEventSource(`${origin}/sse/counter?interval=20&count=3&tag=${tag}`)
      return () => h('i')
    }, createSse({ token: 'secret', headers: { 'X-Tenant': 'acme' } }))
    await waitFor(() => first.data.value !== null && second.data.value !== null)
    const connections = await serverConnections(tag, { origin: 'second' })
    expect(connections.length).toBeGreaterThanOrEqual(2)
    for (const connection of connections) {
      expect(connection.headers.authorization).toBeUndefined()
      expect(connection.headers['x-tenant']).toBeUndefined()
    }
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toContain(origin)
    expect(String(warn.mock.calls[0]?.[0])).not.toContain('secret')
  })

  it('sends the token to an origin listed in allowedOrigins', async () => {
    const tag = uniqueTag()
    const origin = await secondOrigin()
    let source!: ReturnType<typeof useEventSource>
    mountApp(() => {
      source = useEventSource(`${origin}/sse/counter?interval=20&tag=${tag}`)
      return () => h('i')
    }, createSse({ token: 'secret', allowedOrigins: [origin] }))
    await waitFor(() => source.data.value !== null)
    const connections = await serverConnections(tag, { origin: 'second' })
    expect(connections.find(connection => connection.method === 'GET')?.headers.authorization).toBe('Bearer secret')
  })

  it('joins baseURL to relative URLs and unmounting the app closes its streams', async () => {
    const tag = uniqueTag()
    let source!: ReturnType<typeof useEventSource>
    const wrapper = mount(defineComponent({
      setup() {
        source = useEventSource(`counter?interval=20&tag=${tag}`, { shared: true })
        return () => h('i')
      },
    }), { global: { plugins: [createSse({ baseURL: '/sse' })] } })
    await waitFor(() => source.data.value !== null)
    expect((await serverConnections(tag))[0]?.path).toBe('/sse/counter')
    wrapper.unmount()
    await waitFor(async () => (await openConnections(tag)).length === 0, { timeout: 2000 })
  })
})

describe('crossTab', () => {
  it('leads in a single tab and delivers as usual', async () => {
    const tag = uniqueTag()
    let store!: ReturnType<typeof useSseStore>
    let source!: ReturnType<typeof useEventSource>
    mountApp(() => {
      store = useSseStore()
      source = useEventSource(`/sse/counter?interval=20&tag=${tag}`, { shared: true })
      return () => h('i')
    }, createSse({ crossTab: true }))
    await waitFor(() => Number(source.lastEventId.value) >= 3)
    expect(store.connections[0]?.role).toBe('leader')
    expect(store.connections[0]?.status).toBe('OPEN')
    expect(await serverConnections(tag)).toHaveLength(1)
  })

  it('a tab that joins shows the leader\'s resume point, and an id-only block reaches it at once', async () => {
    const tag = uniqueTag()
    // The id-only block comes 2.5 s after the first event: time for the second app to join as a follower. A browser's
    // EventSource keeps such an id to itself, so the stream runs over fetch.
    const url = `/sse/fixture/id-only-hold?pause=2500&tag=${tag}`
    let leader!: ReturnType<typeof useEventSource>
    mountApp(() => {
      leader = useEventSource(url, { shared: true, transport: 'fetch' })
      return () => h('i')
    }, createSse({ crossTab: true }))
    await waitFor(() => leader.lastEventId.value === '1')
    let store!: ReturnType<typeof useSseStore>
    let follower!: ReturnType<typeof useEventSource>
    mountApp(() => {
      store = useSseStore()
      follower = useEventSource(url, { shared: true, transport: 'fetch' })
      return () => h('i')
    }, createSse({ crossTab: true }))
    await waitFor(() => follower.lastEventId.value === '1' && store.connections[0]?.lastEventId === '1')
    expect(store.connections[0]?.role).toBe('follower')
    expect(follower.data.value).toBeNull()
    await waitFor(() => follower.lastEventId.value === '7')
    expect(store.connections[0]?.lastEventId).toBe('7')
    expect(leader.lastEventId.value).toBe('7')
    expect(follower.data.value).toBeNull()
    expect(await serverConnections(tag)).toHaveLength(1)
  })

  it('falls back to a connection of its own where the browser has no Web Locks', async () => {
    const tag = uniqueTag()
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true })
    try {
      let store!: ReturnType<typeof useSseStore>
      let source!: ReturnType<typeof useEventSource>
      mountApp(() => {
        store = useSseStore()
        source = useEventSource(`/sse/counter?interval=20&tag=${tag}`, { shared: true, crossTab: true })
        return () => h('i')
      })
      await waitFor(() => Number(source.lastEventId.value) >= 3)
      expect(store.connections[0]?.role).toBe('local')
      expect(await serverConnections(tag)).toHaveLength(1)
    }
    finally {
      Reflect.deleteProperty(navigator, 'locks')
    }
    expect(navigator.locks).toBeDefined()
  })
})
