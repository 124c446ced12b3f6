import type { ComponentInternalInstance } from 'vue'
import type { InspectedStream, SseStoreInternal, StoreInspector, StreamCaller, StreamRequest } from '../src/store/store'
import type { EventStream, StreamState } from '../src/stream/types'
import { describe, expect, it, vi } from 'vitest'
import { callerName, DATA_PREVIEW, inspectorNode, matches, preview } from '../src/devtools/format'
import { SseError } from '../src/errors'
import { createSseStore } from '../src/store/store'

function fakeStream(url: string, state: Partial<StreamState> = {}): EventStream {
  return {
    url,
    state: { status: 'OPEN', error: null, retryCount: 0, lastEventId: '', transport: 'native', role: 'local', ...state },
    observe: () => () => {},
    listen: () => {},
    open: () => {},
    close: () => {},
    page: () => {},
  }
}

const component = (uid: number, type: object) => ({ uid, type }) as unknown as ComponentInternalInstance

/** Records what an inspector hears, as `kind:id:subscribers`. */
function recorder(): { heard: string[], inspector: StoreInspector } {
  const heard: string[] = []
  const note = (kind: string) => (stream: InspectedStream) => heard.push(`${kind}:${stream.id}:${stream.callers.length}`)
  return { heard, inspector: { added: note('added'), changed: note('changed'), removed: note('removed') } }
}

/** A stream request whose connection opens nothing: its transport never answers. */
function request(url: string, { shared = false, method = 'GET', caller = null as StreamCaller }: { shared?: boolean, method?: string, caller?: StreamCaller } = {}): StreamRequest {
  return {
    events: [],
    shared,
    crossTab: false,
    linger: 0,
    caller,
    config: {
      url,
      method,
      body: undefined,
      withCredentials: false,
      transport: 'fetch',
      autoReconnect: false,
      heartbeatTimeout: 0,
      connectTimeout: 0,
      pauseWhenHidden: 0,
      lastEventId: '',
      lastEventIdParam: false,
      headers: () => ({}),
      loadTransport: async () => () => ({ listen: () => {}, close: () => {} }),
    },
  }
}

/** A subscriber that takes nothing in. */
const quiet = { state: () => {} }

/** Lets a shared join resolve its key (a dynamic import and a digest). */
const joined = (store: SseStoreInternal, count: number) => vi.waitFor(() => expect(store.connections[0]?.subscribers).toBe(count))

describe('the store\'s inspect, for the devtools', () => {
  it('tells an inspector of the connections there already are, then of every change, until it stops', async () => {
    const store = createSseStore()
    const page = component(1, { name: 'Page' })
    store.subscribe(request('https://a.example/a', { shared: true, caller: page }), quiet)
    const second = store.subscribe(request('https://a.example/a', { shared: true }), quiet)
    await joined(store, 2)

    const { heard, inspector } = recorder()
    const inspected: InspectedStream[] = []
    const stop = store.inspect({ ...inspector, added: (stream) => {
      inspected.push(stream)
      inspector.added(stream)
    } })
    expect(heard).toEqual(['added:1:2'])

    const own = store.subscribe(request('https://a.example/b', { method: 'POST', caller: page }), quiet)
    second.unsubscribe()
    // Unsubscribing twice changes nothing.
    second.unsubscribe()
    own.unsubscribe()
    own.unsubscribe()
    expect(heard).toEqual(['added:1:2', 'added:2:0', 'changed:2:1', 'changed:1:1', 'removed:2:1'])
    expect(inspected.map(({ id, key, method }) => [id, key, method])).toEqual([
      [1, store.connections[0]!.key, 'GET'],
      [2, null, 'POST'],
    ])
    // The inspector hears a connection go once it has closed.
    expect(inspected[1]!.stream.state.status).toBe('CLOSED')

    stop()
    store.subscribe(request('https://a.example/a', { shared: true, caller: page }), quiet)
    await joined(store, 2)
    expect(heard).toHaveLength(5)
    store.dispose()
  })

  it('after the app is disposed, keeps and tells nothing', () => {
    const store = createSseStore()
    store.subscribe(request('https://a.example/a'), quiet)
    store.dispose()
    const { heard, inspector } = recorder()
    store.inspect(inspector)
    store.subscribe(request('https://a.example/b'), quiet)
    expect(heard).toEqual([])
  })
})

describe('what the inspector shows', () => {
  it('names components as Vue\'s devtools do, and a subscriber outside one', () => {
    expect(callerName(component(3, { name: 'PriceTable' }))).toBe('<PriceTable> (uid 3)')
    expect(callerName(component(4, { __name: 'KpiTiles' }))).toBe('<KpiTiles> (uid 4)')
    expect(callerName(component(5, { __file: '/app/src/components/ChatBox.vue' }))).toBe('<ChatBox> (uid 5)')
    expect(callerName(component(6, {}))).toBe('<Anonymous> (uid 6)')
    expect(callerName(null)).toBe('an effect scope outside a component')
  })

  it('shows a preview of the data, never a whole payload', () => {
    expect(preview('short')).toBe('short')
    const long = 'x'.repeat(DATA_PREVIEW + 50)
    expect(preview(long)).toBe(`${'x'.repeat(DATA_PREVIEW)}…`)
  })

  it('labels a node by method, origin and path, and tags a failing one with its error', () => {
    const stream = fakeStream('https://api.example/feed?access_token=secret', {
      status: 'CONNECTING',
      error: new SseError('http', 'The server answered 503.', { status: 503 }),
      role: 'follower',
    })
    const inspected: InspectedStream = { id: 7, key: 'GET https://api.example/feed 0f', method: 'GET', stream, callers: [component(2, { name: 'Feed' })] }
    const node = inspectorNode({ inspected, recent: [] })
    expect(node.id).toBe('7')
    expect(node.label).toBe('GET https://api.example/feed')
    expect(JSON.stringify(node)).not.toContain('secret')
    expect(node.tags?.map(tag => [tag.label, tag.tooltip])).toEqual([
      ['CONNECTING', 'http: [vue-event-source] The server answered 503.'],
      ['shared, follower', 'GET https://api.example/feed 0f'],
      ['1 subscriber', undefined],
    ])
    expect(matches({ inspected, recent: [] }, ' FEED ')).toBe(true)
    expect(matches({ inspected, recent: [] }, 'secret')).toBe(false)
  })
})
