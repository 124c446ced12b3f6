// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { expect, it, vi } from 'vitest'
import { createTestSse } from 'vue-event-source/testing'
import LivePrice from './LivePrice.vue'

it('shows live prices, resumes after a drop and refreshes an expired token', async () => {
  let token = 'expired'
  const onUnauthorized = vi.fn(() => {
    token = 'fresh'
  })
  const sse = createTestSse({
    baseURL: '/api',
    token: () => token,
    onUnauthorized,
    autoReconnect: { delay: 0 }, // reconnect at once, not after a backoff
  })
  const wrapper = mount(LivePrice, { global: { plugins: [sse] } })
  const shown = (name: string) => wrapper.find(`[data-test="${name}"]`)

  const first = await sse.next('/api/prices')
  expect(first.headers.authorization).toBe('Bearer expired')
  expect(shown('status').text()).toBe('CONNECTING')

  await first.open()
  expect(shown('status').text()).toBe('OPEN')
  await first.send({ event: 'price', id: 1, data: { symbol: 'ACME', price: 10 } })
  await first.send({ event: 'price', id: 2, data: { symbol: 'ACME', price: 10.5 } })
  await first.send({ event: 'price', id: 3, data: { symbol: 'ACME', price: 11.25 } })
  expect(shown('price').text()).toBe('ACME 11.25')

  // The connection breaks: the last price stays, and the component says why.
  await first.drop()
  expect(shown('status').text()).toBe('CONNECTING')
  expect(shown('error').text()).toBe('network')

  // The library reconnects by itself and resumes after the last event it got.
  const second = await sse.next()
  expect(second.lastEventId).toBe('3')

  // Meanwhile the token has expired: onUnauthorized refreshes it, then the library tries once more.
  await second.status(401)
  expect(shown('error').text()).toBe('unauthorized')
  const third = await sse.next()
  expect(onUnauthorized).toHaveBeenCalledTimes(1)
  expect(third.headers.authorization).toBe('Bearer fresh')
  expect(third.lastEventId).toBe('3')

  await third.open()
  expect(shown('status').text()).toBe('OPEN')
  expect(shown('error').exists()).toBe(false)
  expect(shown('price').text()).toBe('ACME 11.25')

  // Unmounting closes the stream.
  wrapper.unmount()
  expect(third.state).toBe('aborted')
})
