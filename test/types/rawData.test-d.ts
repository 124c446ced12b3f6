import type { SseMessage } from 'vue-event-source'
import { describe, expectTypeOf, it } from 'vitest'
import { useEventSource } from 'vue-event-source'

interface Tick { symbol: string, price: number }

// Without `json: true` or a `serializer`, every message's data is the string the server sent: a type argument that
// cannot hold a string would be a lie the compiler never sees.
describe('useEventSource: a data type needs json or a serializer', () => {
  it('rejects a type argument other than string without json or a serializer', () => {
    // @ts-expect-error data would be a string typed as Tick
    useEventSource<Tick>('/ticker', ['tick'])
    // @ts-expect-error data would be a string typed as Tick
    useEventSource<Tick>('/ticker')
    // @ts-expect-error data would be a string typed as Tick
    useEventSource<Tick>('/ticker', { events: ['tick'], shared: true })
    // @ts-expect-error data would be a string typed as Tick
    useEventSource<Tick>('/ticker', ['tick'], { history: 10 })
    // @ts-expect-error json: false is the raw string too
    useEventSource<Tick>('/ticker', { json: false })
    // @ts-expect-error a number is not what the wire carries either
    useEventSource<number>('/counter')
  })

  it('rejects an event map whose data is not a string without json or a serializer', () => {
    // @ts-expect-error `tick` data would be a string typed as Tick
    useEventSource<string, { tick: Tick }>('/ticker', ['tick'])
    const { on } = useEventSource<string, { tick: string }>('/ticker', ['tick'])
    on('tick', message => expectTypeOf(message.data).toEqualTypeOf<string>())
  })

  it('accepts the type argument with json: true or a serializer', () => {
    expectTypeOf(useEventSource<Tick>('/ticker', ['tick'], { json: true }).data.value).toEqualTypeOf<Tick | null>()
    expectTypeOf(useEventSource<Tick>('/ticker', { events: ['tick'], json: true }).data.value).toEqualTypeOf<Tick | null>()
    const read = (raw: string): Tick => JSON.parse(raw) as Tick
    expectTypeOf(useEventSource<Tick>('/ticker', ['tick'], { serializer: { read } }).data.value).toEqualTypeOf<Tick | null>()
    expectTypeOf(useEventSource('/ticker', ['tick'], { serializer: { read } }).messages.value).toEqualTypeOf<readonly SseMessage<Tick>[]>()
  })

  it('keeps data a string without a type argument, and with string or a type that holds one', () => {
    expectTypeOf(useEventSource('/ticker').data.value).toEqualTypeOf<string | null>()
    expectTypeOf(useEventSource('/ticker', ['tick']).data.value).toEqualTypeOf<string | null>()
    expectTypeOf(useEventSource<string>('/ticker', ['tick']).data.value).toEqualTypeOf<string | null>()
    expectTypeOf(useEventSource<unknown>('/ticker').data.value).toEqualTypeOf<unknown>()
    expectTypeOf(useEventSource('/ticker', { json: false }).data.value).toEqualTypeOf<string | null>()
  })

  it('a serializer that returns strings keeps string data', () => {
    const { data } = useEventSource('/ticker', { serializer: { read: raw => raw.trim() } })
    expectTypeOf(data.value).toEqualTypeOf<string | null>()
  })
})
