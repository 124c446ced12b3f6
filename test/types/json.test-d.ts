import type { SseMessage } from 'vue-event-source'
import { describe, expectTypeOf, it } from 'vitest'
import { useEventSource } from 'vue-event-source'

interface Tick { symbol: string, price: number }

describe('useEventSource: json', () => {
  it('json: true without a type argument types data as unknown, not string', () => {
    const { data, messages } = useEventSource('/ticker', { json: true, history: 10 })
    expectTypeOf(data.value).toEqualTypeOf<unknown>()
    expectTypeOf(messages.value).toEqualTypeOf<readonly SseMessage<unknown>[]>()
  })

  it('json: true with a type argument types data with it', () => {
    const { data } = useEventSource<Tick>('/ticker', { json: true })
    expectTypeOf(data.value).toEqualTypeOf<Tick | null>()
  })

  it('the VueUse form with json: true', () => {
    const { data, on } = useEventSource('/ticker', ['tick'], { json: true })
    expectTypeOf(data.value).toEqualTypeOf<unknown>()
    on('tick', message => expectTypeOf(message.data).toEqualTypeOf<unknown>())
    const typed = useEventSource<Tick>('/ticker', ['tick'], { json: true })
    expectTypeOf(typed.data.value).toEqualTypeOf<Tick | null>()
  })

  it('the callbacks get the parsed type', () => {
    useEventSource('/ticker', { json: true, onMessage: message => expectTypeOf(message.data).toEqualTypeOf<unknown>() })
    useEventSource<Tick>('/ticker', { json: true, onMessage: message => expectTypeOf(message.data).toEqualTypeOf<Tick>() })
  })

  it('without json, data stays the string the wire carries', () => {
    expectTypeOf(useEventSource('/ticker').data.value).toEqualTypeOf<string | null>()
    expectTypeOf(useEventSource('/ticker', { json: false }).data.value).toEqualTypeOf<string | null>()
  })
})
