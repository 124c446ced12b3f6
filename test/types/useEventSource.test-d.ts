import type { ShallowRef } from 'vue'
import type { SseError, SseMessage, SseStatus, UseEventSourceReturn } from 'vue-event-source'
import { describe, expectTypeOf, it } from 'vitest'
import { ref } from 'vue'
import { useEventSource } from 'vue-event-source'

interface Tick { symbol: string, price: number }
interface Alert { level: 'info' | 'warn', text: string }

describe('useEventSource: data types', () => {
  it('types data and messages with the Data parameter', () => {
    const { data, messages } = useEventSource<Tick>('/ticker', { json: true, history: 10 })
    expectTypeOf(data.value).toEqualTypeOf<Tick | null>()
    expectTypeOf(messages.value).toEqualTypeOf<readonly SseMessage<Tick>[]>()
    expectTypeOf(messages.value[0]).toEqualTypeOf<SseMessage<Tick> | undefined>()
  })

  it('defaults to string data, as the wire carries it', () => {
    const { data, event, lastEventId, retryCount, error } = useEventSource('/ticker')
    expectTypeOf(data.value).toEqualTypeOf<string | null>()
    expectTypeOf(event.value).toEqualTypeOf<string | null>()
    expectTypeOf(lastEventId.value).toEqualTypeOf<string>()
    expectTypeOf(retryCount.value).toEqualTypeOf<number>()
    expectTypeOf(error.value).toEqualTypeOf<SseError | null>()
  })

  it('infers Data from a serializer', () => {
    const { data } = useEventSource('/ticker', { serializer: { read: raw => JSON.parse(raw) as Tick } })
    expectTypeOf(data.value).toEqualTypeOf<Tick | null>()
  })

  it('types the message callbacks with Data', () => {
    useEventSource<Tick>('/ticker', {
      json: true,
      onMessage: (message) => {
        expectTypeOf(message).toEqualTypeOf<SseMessage<Tick>>()
        expectTypeOf(message.event).toEqualTypeOf<string>()
        expectTypeOf(message.id).toEqualTypeOf<string>()
      },
      onError: error => expectTypeOf(error).toEqualTypeOf<SseError>(),
      onOpen: () => {},
    })
  })
})

describe('useEventSource: the typed event map', () => {
  it('types on() per event type', () => {
    const { on } = useEventSource<Tick | Alert, { tick: Tick, alert: Alert }>('/market', { events: ['tick', 'alert'], json: true })
    const off = on('tick', message => expectTypeOf(message.data).toEqualTypeOf<Tick>())
    expectTypeOf(off).toEqualTypeOf<() => void>()
    on('alert', message => expectTypeOf(message.data).toEqualTypeOf<Alert>())
  })

  it('rejects event types the map does not name', () => {
    // @ts-expect-error 'nope' is not in the event map
    useEventSource<Tick | Alert, { tick: Tick, alert: Alert }>('/market', { events: ['tick', 'nope'], json: true })
    const { on } = useEventSource<Tick | Alert, { tick: Tick, alert: Alert }>('/market', { events: ['tick'], json: true })
    // @ts-expect-error 'nope' is not in the event map
    on('nope', () => {})
  })

  it('without a map, any event type is received as Data', () => {
    const { on } = useEventSource<Tick>('/market', { events: ['tick'], json: true })
    on('anything', message => expectTypeOf(message.data).toEqualTypeOf<Tick>())
  })
})

describe('useEventSource: call forms and inputs', () => {
  it('accepts the VueUse form (url, events, options)', () => {
    const { data, on } = useEventSource('/feed', ['a', 'b'], { json: true })
    // Parsed JSON of no declared type: unknown, never the string it was on the wire.
    expectTypeOf(data.value).toEqualTypeOf<unknown>()
    expectTypeOf(on).parameter(0).toEqualTypeOf<string>()
    const typed = useEventSource<Tick>('/feed', ['tick'], { json: true })
    expectTypeOf(typed.data.value).toEqualTypeOf<Tick | null>()
  })

  it('takes a string, a URL, a ref or a getter; null and undefined mean "not now"', () => {
    const url = ref<string | null>(null)
    useEventSource(url)
    useEventSource(() => url.value ?? undefined)
    useEventSource(new URL('https://example.com/sse'))
    useEventSource(null)
    // @ts-expect-error a number is not a URL
    useEventSource(42)
  })

  it('takes every plugin option per call', () => {
    useEventSource('/chat', {
      method: 'POST',
      body: { prompt: 'hi' },
      token: async () => 'secret',
      headers: () => ({ 'X-Tenant': 'a' }),
      transport: 'fetch',
      autoReconnect: { retries: 3, delay: 500, maxDelay: 5000, onFailed: () => {} },
      heartbeatTimeout: 15_000,
      shared: true,
      linger: 1000,
      initialLastEventId: '42',
      immediate: false,
      autoConnect: false,
    })
    // @ts-expect-error not a transport
    useEventSource('/chat', { transport: 'websocket' })
  })

  it('rejects unknown option keys', () => {
    // @ts-expect-error `retry` is not an option (`autoReconnect` is)
    useEventSource('/ticker', { retry: 3 })
    // @ts-expect-error `evnts` is a typo
    useEventSource('/ticker', ['a'], { evnts: ['b'] })
  })
})

describe('useEventSource: the returned refs', () => {
  it('types status as the EventSource states', () => {
    const { status } = useEventSource('/ticker')
    expectTypeOf(status.value).toEqualTypeOf<'CONNECTING' | 'OPEN' | 'CLOSED'>()
    expectTypeOf<SseStatus>().toEqualTypeOf<'CONNECTING' | 'OPEN' | 'CLOSED'>()
  })

  it('are read-only from outside', () => {
    const { status, data, error, messages } = useEventSource<Tick>('/ticker', { json: true })
    // @ts-expect-error status belongs to the connection
    status.value = 'OPEN'
    // @ts-expect-error data comes from the server
    data.value = { symbol: 'X', price: 1 }
    // @ts-expect-error error is set by the connection
    error.value = null
    // @ts-expect-error messages is a read-only list
    messages.value.push({ event: 'message', data: { symbol: 'X', price: 1 }, id: '' })
  })

  it('can be watched and passed where a read-only ref is expected', () => {
    const result: UseEventSourceReturn<Tick> = useEventSource<Tick>('/ticker', { json: true })
    expectTypeOf(result.data).toExtend<Readonly<ShallowRef<Tick | null>>>()
    expectTypeOf(result.open).toEqualTypeOf<() => void>()
    expectTypeOf(result.close).toEqualTypeOf<() => void>()
  })
})
