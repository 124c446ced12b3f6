// @vitest-environment happy-dom
import type { RecipeServer } from '../serve'
import { join } from 'node:path'
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createSse } from 'vue-event-source'
import { setPageOrigin, startRecipeServer } from '../serve'
import App from './App.vue'

const poll = { timeout: 15_000, interval: 100 }
// Not `new URL(file, import.meta.url)`: happy-dom's URL resolves it against the page.
const here = (file: string): string => join(import.meta.dirname, file)
const SHOWN = /^ACME \d+\.\d\d$/

let server: RecipeServer | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
})

describe('getting started', { timeout: 30_000 }, () => {
  it.each(['server.js', 'server-h3.js', 'server-hono.js', 'server-express.js', 'server-fastify.js'])('shows the ticks of %s', async (file) => {
    server = await startRecipeServer(here(file))
    setPageOrigin(server.origin)
    const wrapper = mount(App, { global: { plugins: [createSse({ baseURL: '/api' })] } })
    expect(wrapper.text()).toBe('CLOSED')
    await expect.poll(() => wrapper.text(), poll).toMatch(SHOWN)
    const first = wrapper.text()
    // A tick a second: the next one shows a new price.
    await expect.poll(() => wrapper.text(), poll).not.toBe(first)
    expect(wrapper.text()).toMatch(SHOWN)
    wrapper.unmount()
  })

  it('main.ts mounts the app with the plugin and the first stream shows', async () => {
    server = await startRecipeServer(here('server.js'))
    setPageOrigin(server.origin)
    document.body.innerHTML = '<div id="app"></div>'
    await import('./main')
    await expect.poll(() => document.querySelector('#app')?.textContent?.trim(), poll).toMatch(SHOWN)
  })
})
