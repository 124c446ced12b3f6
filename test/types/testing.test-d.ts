import type { SsePlugin, TransportName } from 'vue-event-source'
import type { TestSse, TestSseRequest, TestSseRequestState } from 'vue-event-source/testing'
import { mount } from '@vue/test-utils'
import { describe, expectTypeOf, it } from 'vitest'
import { createApp, defineComponent } from 'vue'
import { createTestSse } from 'vue-event-source/testing'

describe('vue-event-source/testing', () => {
  it('is a plugin for an app and for mount()', () => {
    const sse = createTestSse({ baseURL: '/api', token: () => 'secret', autoReconnect: { delay: 0 } })
    expectTypeOf(sse).toExtend<SsePlugin>()
    createApp({}).use(sse)
    mount(defineComponent({}), { global: { plugins: [sse] } })
    // @ts-expect-error the options are the plugin's
    createTestSse({ baseURL: 42 })
  })

  it('types every request member, with no any', () => {
    const sse: TestSse = createTestSse()
    expectTypeOf(sse.requests).toEqualTypeOf<readonly TestSseRequest[]>()
    expectTypeOf(sse.latest('/feed')).toEqualTypeOf<TestSseRequest>()
    expectTypeOf(sse.next(/feed/, { timeout: 100 })).toEqualTypeOf<Promise<TestSseRequest>>()
    sse.next(request => request.method === 'POST')
    const request = sse.latest()
    expectTypeOf(request.headers).toEqualTypeOf<Readonly<Record<string, string>>>()
    expectTypeOf(request.lastEventId).toEqualTypeOf<string | null>()
    expectTypeOf(request.body).toEqualTypeOf<string | undefined>()
    expectTypeOf(request.json()).toBeUnknown()
    expectTypeOf(request.transport).toEqualTypeOf<TransportName>()
    expectTypeOf(request.state).toEqualTypeOf<TestSseRequestState>()
    expectTypeOf(request.send({ event: 'tick', data: { n: 1 }, id: 1 })).toEqualTypeOf<Promise<void>>()
    request.send({ id: 'only-an-id' })
    request.status(503, { 'Retry-After': '2' })
    // @ts-expect-error an id is a string or a number
    request.send({ id: true })
    // @ts-expect-error headers are strings
    request.open({ 'X-Count': 1 })
  })
})
