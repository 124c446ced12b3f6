import type { UseEventSourceOptions, UseEventSourceReturn } from '../src'
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createApp, defineComponent, h, nextTick, ref } from 'vue'
import { createSse, useEventSource, useSseStore } from '../src'
import { mountApp } from './app'
import { inScope } from './scope'
import { serverConnections, uniqueTag, waitFor } from './server/client'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

afterEach(() => {
  vi.restoreAllMocks()
})

const openConnections = async (tag: string) => (await serverConnections(tag)).filter(record => record.open)

// First in the file: the warning comes once per page.
describe('outside an injection context, in development', () => {
  it('useSseStore() and useEventSource() warn once each, naming app.runWithContext; inside it the app is found', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const tag = uniqueTag()
    const root = document.createElement('div')
    const app = createApp(defineComponent({
      setup() {
        useEventSource(`/sse/counter?interval=30&tag=${tag}`, { shared: true })
        return () => h('i')
      },
    })).use(createSse())
    app.mount(root)
    onTestFinished(() => app.unmount())
    await waitFor(async () => (await openConnections(tag)).length === 1)

    // A logout handler in a session module: not the app's store, and it says so.
    useSseStore().closeAll()
    useSseStore().closeAll()
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toContain('useSseStore() was called outside')
    expect(String(warn.mock.calls[0]?.[0])).toContain('app.runWithContext')
    await sleep(200)
    expect(await openConnections(tag)).toHaveLength(1)

    inScope(() => useEventSource(null))
    inScope(() => useEventSource(null))
    expect(warn).toHaveBeenCalledTimes(2)
    expect(String(warn.mock.calls[1]?.[0])).toContain('useEventSource() was called outside')

    // What the warning says to do works, and warns nothing.
    app.runWithContext(() => useSseStore().closeAll())
    await waitFor(async () => (await openConnections(tag)).length === 0)
    expect(warn).toHaveBeenCalledTimes(2)
  })
})

describe('the URL and body watcher', () => {
  it('a dependency that changes without changing URL or body reconnects nothing', async () => {
    const tag = uniqueTag()
    const unrelated = ref(0)
    const { result } = inScope(() => useEventSource(
      () => `/sse/echo?tag=${tag}${unrelated.value < 0 ? '&never' : ''}`,
      { body: () => ({ same: unrelated.value >= 0 }), method: 'POST' },
    ))
    await waitFor(() => result.status.value === 'OPEN')
    unrelated.value++
    await nextTick()
    unrelated.value++
    await nextTick()
    await sleep(300)
    expect(await serverConnections(tag)).toHaveLength(1)
    expect(result.status.value).toBe('OPEN')
  })
})

describe('shared streams and their subscribers', () => {
  /** A first subscriber mounted now, and a second one mounted when `join()` is called. */
  function firstAndLate(url: string, options: UseEventSourceOptions = {}) {
    const late = ref(false)
    const run = {
      first: null as unknown as UseEventSourceReturn,
      second: null as UseEventSourceReturn | null,
      store: null as unknown as ReturnType<typeof useSseStore>,
      join: () => {
        late.value = true
      },
    }
    const Late = defineComponent({
      setup() {
        run.second = useEventSource(url, { ...options, shared: true })
        return () => h('i')
      },
    })
    mountApp(() => {
      run.store = useSseStore()
      run.first = useEventSource(url, { ...options, shared: true })
      return () => h('div', late.value ? [h(Late)] : [])
    })
    return run
  }

  it('transport \'auto\' carries a GET with a token over fetch, and the store says so', async () => {
    const tag = uniqueTag()
    const run: { store?: ReturnType<typeof useSseStore>, stream?: UseEventSourceReturn } = {}
    mountApp(() => {
      run.store = useSseStore()
      run.stream = useEventSource(`/sse/authed?interval=30&tag=${tag}`, { shared: true })
      return () => h('i')
    }, createSse({ token: 'secret' }))
    await waitFor(() => run.stream?.status.value === 'OPEN')
    expect(run.store?.connections[0]?.transport).toBe('fetch')
    const [record] = await serverConnections(tag)
    expect(record?.headers.authorization).toBe('Bearer secret')
  })

  it('a new subscriber opens a shared stream left CLOSED by closeAll()', async () => {
    const tag = uniqueTag()
    const run = firstAndLate(`/sse/counter?interval=30&tag=${tag}`)
    await waitFor(() => run.first.status.value === 'OPEN')
    run.store.closeAll()
    expect(run.first.status.value).toBe('CLOSED')
    run.join()
    await waitFor(() => run.second?.status.value === 'OPEN' && run.first.status.value === 'OPEN')
    expect(run.second?.error.value).toBeNull()
    expect(run.store.connections).toHaveLength(1)
    expect(run.store.connections[0]?.subscribers).toBe(2)
    expect(await openConnections(tag)).toHaveLength(1)
  })

  it('a new subscriber opens a shared stream that a 204 closed', async () => {
    const tag = uniqueTag()
    const run = firstAndLate(`/sse/status/204?tag=${tag}`, { transport: 'fetch' })
    await waitFor(async () => (await serverConnections(tag)).length === 1 && run.first.status.value === 'CLOSED')
    run.join()
    await waitFor(async () => (await serverConnections(tag)).length === 2)
  })

  it('a subscriber joining a running stream shows its lastEventId at once', async () => {
    const tag = uniqueTag()
    const run = firstAndLate(`/sse/counter?interval=2000&tag=${tag}`)
    await waitFor(() => run.first.lastEventId.value === '1')
    run.join()
    await waitFor(() => run.second?.status.value === 'OPEN')
    expect(run.second?.lastEventId.value).toBe('1')
    expect(run.store.connections[0]?.lastEventId).toBe('1')
  })

  it('data, event and messages start over when the stream changes', async () => {
    const tag = uniqueTag()
    const url = ref(`/sse/events?interval=2000&tag=${tag}`)
    const { result } = inScope(() => useEventSource(url, ['tick'], { history: 5 }))
    await waitFor(() => result.data.value !== null)
    expect(result.messages.value).toHaveLength(1)
    url.value = `/sse/counter?interval=2000&start=100&tag=${tag}`
    await nextTick()
    expect(result.data.value).toBeNull()
    expect(result.event.value).toBeNull()
    expect(result.messages.value).toEqual([])
    expect(result.lastEventId.value).toBe('')
    await waitFor(() => result.data.value === '100')
    expect(result.messages.value.map(message => message.data)).toEqual(['100'])
  })
})

describe('crossTab', () => {
  it('crossTab: true on a call makes its stream shared, one for the tab and, where supported, for all tabs', async () => {
    const tag = uniqueTag()
    let store!: ReturnType<typeof useSseStore>
    let sources: UseEventSourceReturn[] = []
    mountApp(() => {
      store = useSseStore()
      sources = [
        useEventSource(`/sse/counter?interval=30&tag=${tag}`, { crossTab: true }),
        useEventSource(`/sse/counter?interval=30&tag=${tag}`, { crossTab: true }),
      ]
      return () => h('i')
    })
    await waitFor(() => sources.every(source => source.data.value !== null))
    expect(store.connections).toHaveLength(1)
    expect(store.connections[0]?.subscribers).toBe(2)
    expect(store.connections[0]?.role).toBe('leader')
    expect(await serverConnections(tag)).toHaveLength(1)
  })
})

describe('an app unmounted while a shared stream is still being joined', () => {
  it('opens nothing afterwards, also for a caller outside any component', async () => {
    const tag = uniqueTag('dispose-join')
    const app = createApp(defineComponent({ render: () => h('div') }))
    app.use(createSse())
    app.mount(document.createElement('div'))
    // Outside any scope: only the app's end can stop it, and the join is still computing the stream's key.
    const stream = app.runWithContext(() => useEventSource(`/sse/counter?tag=${tag}`, { shared: true }))
    app.unmount()
    await sleep(1000)
    expect(await serverConnections(tag)).toEqual([])
    expect(stream.status.value).not.toBe('OPEN')
  })
})

describe('closeAll() and reconnectAll()', () => {
  it('closeAll() closes every connection and keeps its subscribers, shown CLOSED; reconnectAll() reopens them', async () => {
    const tag = uniqueTag()
    let store!: ReturnType<typeof useSseStore>
    let sources: UseEventSourceReturn[] = []
    mountApp(() => {
      store = useSseStore()
      sources = [
        useEventSource(`/sse/counter?interval=30&tag=${tag}`, { shared: true }),
        useEventSource(`/sse/counter?interval=30&tag=${tag}`, { shared: true }),
        useEventSource(`/sse/counter?interval=30&tag=${tag}`),
      ]
      return () => h('i')
    })
    await waitFor(() => sources.every(source => source.status.value === 'OPEN'))
    store.closeAll()
    expect(sources.map(source => source.status.value)).toEqual(['CLOSED', 'CLOSED', 'CLOSED'])
    expect(store.connections.map(info => [info.status, info.subscribers])).toEqual([['CLOSED', 2]])
    await waitFor(async () => (await openConnections(tag)).length === 0)
    await sleep(200)
    expect(await openConnections(tag)).toHaveLength(0)

    store.reconnectAll()
    await waitFor(() => sources.every(source => source.status.value === 'OPEN'))
    expect(store.connections.map(info => [info.status, info.subscribers])).toEqual([['OPEN', 2]])
    await waitFor(async () => (await openConnections(tag)).length === 2)
  })
})
