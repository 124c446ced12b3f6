import type { TransportName } from 'vue-event-source'
import { mount } from '@vue/test-utils'
import { expect, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { useEventSource } from 'vue-event-source'
import { createTestSse } from 'vue-event-source/testing'

/** A component that shows all a stream gives it, one field per line. */
export const Feed = defineComponent({
  setup() {
    const { status, data, lastEventId, error } = useEventSource('/feed', ['note'])
    return () => h('pre', JSON.stringify({ status: status.value, data: data.value, lastEventId: lastEventId.value, error: error.value?.type ?? null }))
  },
})

/**
 * The same scenario in every environment (happy-dom, jsdom, a browser): open, events, a drop, the reconnect that
 * resumes, a clean end. Fails when anything reaches the network; returns the transports the library chose.
 */
export async function driveFeed(): Promise<TransportName[]> {
  const network: string[] = []
  if (typeof fetch === 'function') {
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      network.push(`fetch ${String(input)}`)
      throw new TypeError('no network in this test')
    })
  }
  // Kept where there is one: the library's choice of transport depends on it.
  if (typeof EventSource === 'function') {
    vi.stubGlobal('EventSource', class {
      constructor(url: string) {
        network.push(`EventSource ${url}`)
        throw new TypeError('no network in this test')
      }
    })
  }
  try {
    const sse = createTestSse({ autoReconnect: { delay: 0 } })
    const wrapper = mount(Feed, { global: { plugins: [sse] } })
    const shown = () => JSON.parse(wrapper.text()) as unknown

    const first = await sse.next('/feed')
    expect(first.url).toBe(new URL('/feed', location.href).href)
    expect(shown()).toEqual({ status: 'CONNECTING', data: null, lastEventId: '', error: null })
    await first.open()
    await first.send({ event: 'note', id: 'a', data: 'one\ntwo' })
    expect(shown()).toEqual({ status: 'OPEN', data: 'one\ntwo', lastEventId: 'a', error: null })
    await first.send({ data: 'plain' })
    expect(shown()).toEqual({ status: 'OPEN', data: 'plain', lastEventId: 'a', error: null })

    await first.drop()
    expect(shown()).toEqual({ status: 'CONNECTING', data: 'plain', lastEventId: 'a', error: 'network' })
    const second = await sse.next()
    expect(second.lastEventId).toBe('a')
    expect(second.url).toBe(new URL('/feed?lastEventId=a', location.href).href)
    await second.open()
    await second.send({ event: 'note', id: 'b', data: 'three' })
    expect(shown()).toEqual({ status: 'OPEN', data: 'three', lastEventId: 'b', error: null })

    await second.end()
    const third = await sse.next()
    expect(third.lastEventId).toBe('b')
    wrapper.unmount()
    expect(third.state).toBe('aborted')
    expect(network).toEqual([])
    return sse.requests.map(request => request.transport)
  }
  finally {
    vi.unstubAllGlobals()
  }
}
