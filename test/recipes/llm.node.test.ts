// @vitest-environment happy-dom
import type { RecipeServer } from './serve'
import { join } from 'node:path'
import { mount } from '@vue/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { createSse, useEventSource } from 'vue-event-source'
import { createTestSse } from 'vue-event-source/testing'
import Chat from './Chat.vue'
import { setPageOrigin, startRecipeServer } from './serve'

const chunk = (content: string) => ({ choices: [{ delta: { content } }] })

async function ask(wrapper: ReturnType<typeof mount>, question: string): Promise<void> {
  await wrapper.find('input').setValue(question)
  await wrapper.find('form').trigger('submit')
}

describe('the LLM recipe against its express server', () => {
  let server: RecipeServer

  beforeAll(async () => {
    server = await startRecipeServer(join(import.meta.dirname, 'chat-server.js'))
  })

  afterAll(() => server?.stop())

  it('streams the answer from node chat-server.js and closes on [DONE]', async () => {
    setPageOrigin(server.origin)
    const wrapper = mount(Chat, { global: { plugins: [createSse({ baseURL: '/api' })] } })
    await ask(wrapper, 'how are you?')
    await expect.poll(() => wrapper.find('[data-test="answer"]').text()).toBe('You said: how are you?')
    await expect.poll(() => wrapper.find('button').attributes('disabled')).toBeUndefined()
    expect(wrapper.find('[data-test="error"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('the LLM recipe in memory', () => {
  it('sends the question as JSON and closes the stream itself on [DONE]', async () => {
    const sse = createTestSse({ baseURL: '/api' })
    const wrapper = mount(Chat, { global: { plugins: [sse] } })
    await ask(wrapper, 'hi')
    const request = await sse.next('/api/chat')
    expect(request.method).toBe('POST')
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.json()).toEqual({ prompt: 'hi' })

    await request.open()
    await request.send({ data: chunk('Hel') })
    await request.send({ data: chunk('lo') })
    expect(wrapper.find('[data-test="answer"]').text()).toBe('Hello')
    expect(wrapper.find('button').attributes('disabled')).toBe('')

    await request.send({ data: '[DONE]' })
    // The component closed the request: it does not wait for the server to end the response.
    expect(request.state).toBe('aborted')
    expect(wrapper.find('button').attributes('disabled')).toBeUndefined()
    expect(wrapper.find('[data-test="error"]').exists()).toBe(false)
    expect(sse.requests).toHaveLength(1)
    wrapper.unmount()
  })

  it('with json: true instead, [DONE] is a parse error and never a "done" event: the stream stays open', async () => {
    const sse = createTestSse()
    let done = false
    const wrapper = mount(defineComponent({
      setup() {
        const { status, error, on } = useEventSource('/api/chat', { method: 'POST', body: { prompt: 'hi' }, events: ['done'], json: true })
        on('done', () => (done = true))
        return () => h('p', `${status.value} ${error.value?.type ?? ''}`)
      },
    }), { global: { plugins: [sse] } })
    const request = await sse.next()
    await request.open()
    await request.send({ data: '[DONE]' })
    expect(wrapper.text()).toBe('OPEN parse')
    expect(done).toBe(false)
    expect(request.state).toBe('open')
    wrapper.unmount()
  })
})
