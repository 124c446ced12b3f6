import type { StartedSseServer } from './server/http-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createSse, useEventSource, useSseStore } from '../src'
import { startSseServer } from './server/http-server'

let server: StartedSseServer

beforeAll(async () => {
  server = await startSseServer()
})
afterAll(async () => {
  await server.close()
})

function renderApp(name: string) {
  const seen: { status: string, connections: number, store: ReturnType<typeof useSseStore> }[] = []
  const app = createSSRApp(defineComponent({
    setup() {
      const store = useSseStore()
      const shared = useEventSource(`${server.origin}/sse/counter?tag=ssr-${name}`, { shared: true })
      const own = useEventSource(`${server.origin}/sse/counter?tag=ssr-${name}`, ['tick'], { token: 'secret' })
      seen.push({ status: `${shared.status.value}/${own.status.value}`, connections: store.connections.length, store })
      return () => h('p', `${name}: ${shared.status.value}`)
    },
  }))
  app.use(createSse({ baseURL: server.origin, token: () => 'secret' }))
  return { html: renderToString(app), seen }
}

describe('server-side rendering', () => {
  it('connects nothing, starts CLOSED, touches no window, and keeps two apps apart', async () => {
    expect(typeof window).toBe('undefined')
    const a = renderApp('a')
    const b = renderApp('b')
    expect(await a.html).toBe('<p>a: CLOSED</p>')
    expect(await b.html).toBe('<p>b: CLOSED</p>')
    expect(a.seen[0]?.status).toBe('CLOSED/CLOSED')
    expect(a.seen[0]?.connections).toBe(0)
    expect(a.seen[0]?.store.connections).not.toBe(b.seen[0]?.store.connections)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(server.server.connections).toHaveLength(0)
  })

  it('the composables work without the plugin and share nothing between calls on the server', async () => {
    const render = () => renderToString(createSSRApp(defineComponent({
      setup() {
        const { status } = useEventSource(`${server.origin}/sse/counter`, { shared: true })
        return () => h('p', `${status.value} ${useSseStore().connections.length}`)
      },
    })))
    expect(await render()).toBe('<p>CLOSED 0</p>')
    expect(await render()).toBe('<p>CLOSED 0</p>')
    expect(server.server.connections).toHaveLength(0)
  })
})
