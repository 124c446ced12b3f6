// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { EventSource } from 'eventsource'
import { http, HttpResponse, sse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import { createSse } from 'vue-event-source'
import Chat from './Chat.vue'
import LivePrice from './LivePrice.vue'

const server = setupServer()

beforeAll(() => {
  // MSW's sse() needs an EventSource, which neither Node 20 nor happy-dom has. The library uses it too, for a
  // stream without a token or headers.
  vi.stubGlobal('EventSource', EventSource)
  server.listen({ onUnhandledRequest: 'error' })
})
afterEach(() => server.resetHandlers())
afterAll(() => {
  server.close()
  vi.unstubAllGlobals()
})

it.each([
  { name: 'EventSource', options: { baseURL: '/api' }, authorization: null },
  { name: 'fetch', options: { baseURL: '/api', token: 'secret' }, authorization: 'Bearer secret' },
])('shows the prices an MSW handler streams (the $name transport)', async ({ options, authorization }) => {
  const received: (string | null)[] = []
  server.use(sse<{ price: { symbol: string, price: number } }>('/api/prices', ({ client, request }) => {
    received.push(request.headers.get('authorization'))
    client.send({ id: '1', event: 'price', data: { symbol: 'ACME', price: 10 } })
    client.send({ id: '2', event: 'price', data: { symbol: 'ACME', price: 10.5 } })
  }))
  const wrapper = mount(LivePrice, { global: { plugins: [createSse(options)] } })
  await expect.poll(() => wrapper.text()).toContain('ACME 10.50')
  expect(wrapper.find('[data-test="status"]').text()).toBe('OPEN')
  expect(received).toEqual([authorization])
  wrapper.unmount()
})

it('streams a POST answer from an http.post() handler (sse() takes GET requests only)', async () => {
  let prompt: unknown
  server.use(http.post('/api/chat', async ({ request }) => {
    prompt = await request.json()
    const body = ['{"choices":[{"delta":{"content":"Hi"}}]}', '{"choices":[{"delta":{"content":" there"}}]}', '[DONE]']
      .map(data => `data: ${data}\n\n`)
      .join('')
    return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } })
  }))
  const wrapper = mount(Chat, { global: { plugins: [createSse({ baseURL: '/api' })] } })
  await wrapper.find('input').setValue('hello')
  await wrapper.find('form').trigger('submit')
  await expect.poll(() => wrapper.find('[data-test="answer"]').text()).toBe('Hi there')
  expect(prompt).toEqual({ prompt: 'hello' })
  wrapper.unmount()
})
