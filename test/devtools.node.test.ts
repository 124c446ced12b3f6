import type { ComponentInternalInstance } from 'vue'
import type { InspectedStream, StoreInspector } from '../src/store/registry'
import type { EventStream, StreamState } from '../src/stream/types'
import { describe, expect, it } from 'vitest'
import { callerName, DATA_PREVIEW, inspectorNode, matches, preview } from '../src/devtools/format'
import { SseError } from '../src/errors'
import { StreamRegistry } from '../src/store/registry'

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

describe('the store\'s registry for the devtools', () => {
  it('tells an inspector of the connections there already are, then of every change, until it stops', () => {
    const registry = new StreamRegistry()
    const a = fakeStream('https://a.example/a')
    const b = fakeStream('https://a.example/b')
    const page = component(1, { name: 'Page' })
    registry.add(a, 'GET https://a.example/a 00', 'GET')
    registry.join(a, page)
    registry.join(a, null)

    const { heard, inspector } = recorder()
    const stop = registry.inspect(inspector)
    expect(heard).toEqual(['added:1:2'])

    registry.add(b, null, 'POST')
    registry.join(b, page)
    registry.leave(a, null)
    // Leaving twice, or leaving a stream the registry no longer has, changes nothing.
    registry.leave(a, null)
    registry.remove(b)
    registry.leave(b, page)
    expect(heard).toEqual(['added:1:2', 'added:2:0', 'changed:2:1', 'changed:1:1', 'removed:2:1'])

    stop()
    registry.join(a, page)
    expect(heard).toHaveLength(5)
  })

  it('after the app is disposed, keeps and tells nothing', () => {
    const registry = new StreamRegistry()
    registry.add(fakeStream('https://a.example/a'), null, 'GET')
    registry.dispose()
    const { heard, inspector } = recorder()
    registry.inspect(inspector)
    registry.add(fakeStream('https://a.example/b'), null, 'GET')
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
