// A page that the cross-tab end-to-end test opens in several tabs: `components` listeners on one shared stream.
import { createApp, defineComponent, h } from 'vue'
import { createSse, useEventSource, useSseStore } from '../../src'

declare global {
  interface Window {
    /** Ids each listener received, in order. */
    received: string[][]
    /** The store's view of the stream: role, status, subscribers. */
    stream: () => { role: string, status: string, subscribers: number } | null
    logout: () => void
    login: () => void
    /** Everything this tab broadcast, to check that no token crosses tabs. */
    broadcast: string[]
    ready: boolean
  }
}

const params = new URLSearchParams(window.location.search)
const components = Number(params.get('components') ?? 5)
const url = params.get('url') ?? '/sse/counter?interval=50'
window.received = Array.from({ length: components }, (): string[] => [])
window.broadcast = []
const post = BroadcastChannel.prototype.postMessage
BroadcastChannel.prototype.postMessage = function (message: unknown) {
  window.broadcast.push(JSON.stringify(message))
  post.call(this, message)
}

const Listener = defineComponent({
  props: { index: { type: Number, required: true } },
  setup(props) {
    const { data } = useEventSource(url, {
      shared: true,
      onMessage: message => window.received[props.index]?.push(message.id),
    })
    return () => h('li', data.value ?? '')
  },
})

createApp(defineComponent({
  setup() {
    const store = useSseStore()
    window.stream = () => {
      const info = store.connections[0]
      return info ? { role: info.role, status: info.status, subscribers: info.subscribers } : null
    }
    window.logout = () => store.closeAll()
    window.login = () => store.reconnectAll()
    return () => h('ul', Array.from({ length: components }, (_, index) => h(Listener, { index })))
  },
}))
  // Tabs of one user share a stream; another user (`?user=`) is another stream, whose leader is a tab of that user.
  .use(createSse({ crossTab: true, token: () => `secret-of-${params.get('user') ?? 'a'}` }))
  .mount('#app')
window.ready = true
