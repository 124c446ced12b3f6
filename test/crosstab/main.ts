// A page that the cross-tab end-to-end test opens in several tabs: `components` listeners on one shared stream.
import { createApp, defineComponent, h, watch } from 'vue'
import { createSse, useEventSource, useSseStore } from '../../src'

declare global {
  interface Window {
    /** Ids each listener received, in order. */
    received: string[][]
    /** Data each listener received, in order (the counter's number, also for events sent without an id). */
    payloads: string[][]
    /** Every status the store showed for the stream, in order. */
    statuses: string[]
    /** The store's view of the stream: role, status, subscribers. */
    stream: () => { role: string, status: string, subscribers: number } | null
    logout: () => void
    login: () => void
    /** Everything this tab broadcast, with the channel name, to check that no token crosses tabs. */
    broadcast: string[]
    /** The names of the channels this tab posted on. */
    channels: Set<string>
    /** While on, this tab ignores events from other tabs, as a tab that fell behind would. */
    deafen: (on: boolean) => void
    /** Comments the first listener received. */
    comments: string[]
    /** How often the first listener's `error` ref changed, and the message and url of its latest error. */
    errorChanges: number
    lastError: { message: string, url: string | undefined } | null
    /** Makes the page believe it is hidden (or shown again) and tells it so, as the browser would. */
    setHidden: (hidden: boolean) => void
    ready: boolean
  }
}

const params = new URLSearchParams(window.location.search)
const components = Number(params.get('components') ?? 5)
const url = params.get('url') ?? '/sse/counter?interval=50'
window.received = Array.from({ length: components }, (): string[] => [])
window.payloads = Array.from({ length: components }, (): string[] => [])
window.statuses = []
window.comments = []
window.errorChanges = 0
window.lastError = null
window.setHidden = (hidden) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' })
  document.dispatchEvent(new Event('visibilitychange'))
}
window.broadcast = []
window.channels = new Set()
const post = BroadcastChannel.prototype.postMessage
BroadcastChannel.prototype.postMessage = function (message: unknown) {
  window.broadcast.push(JSON.stringify({ channel: this.name, message }))
  window.channels.add(this.name)
  post.call(this, message)
}
let deaf = false
window.deafen = (on) => {
  deaf = on
}
const onmessage = Object.getOwnPropertyDescriptor(BroadcastChannel.prototype, 'onmessage')!
Object.defineProperty(BroadcastChannel.prototype, 'onmessage', {
  ...onmessage,
  get(this: BroadcastChannel) {
    return onmessage.get!.call(this) as unknown
  },
  set(this: BroadcastChannel, handler: ((event: MessageEvent) => void) | null) {
    onmessage.set!.call(this, handler && ((event: MessageEvent<{ kind?: string }>) => {
      if (!(deaf && event.data.kind === 'event'))
        handler.call(this, event)
    }))
  },
})

const Listener = defineComponent({
  props: { index: { type: Number, required: true } },
  setup(props) {
    const { data, error } = useEventSource(url, {
      shared: true,
      onMessage: (message) => {
        window.received[props.index]?.push(message.id)
        window.payloads[props.index]?.push(String(message.data))
      },
      onComment: text => props.index === 0 && window.comments.push(text),
    })
    watch(error, (latest) => {
      if (props.index !== 0)
        return
      window.errorChanges++
      window.lastError = latest && { message: latest.message, url: latest.url }
    }, { flush: 'sync' })
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
    watch(() => store.connections[0]?.status, status => window.statuses.push(status ?? 'none'), { flush: 'sync' })
    window.logout = () => store.closeAll()
    window.login = () => store.reconnectAll()
    return () => h('ul', Array.from({ length: components }, (_, index) => h(Listener, { index })))
  },
}))
  // Tabs of one user share a token; `user` signs a tab in as someone else.
  .use(createSse({ crossTab: true, token: () => `secret-of-${params.get('user') ?? 'a'}`, pauseWhenHidden: Number(params.get('pause') ?? 0) }))
  .mount('#app')
window.ready = true
