// What delivers the events in a benchmark: the library, VueUse, or a transport alone (no Vue at all).

import type { Ref } from 'vue'
import type { TransportName } from 'vue-event-source'
import { useEventSource as useVueUseEventSource } from '@vueuse/core'
import { EventSourcePolyfill } from 'event-source-polyfill'
import { createParser } from 'eventsource-parser'
import { onScopeDispose, shallowRef, watch } from 'vue'
import { useEventSource } from 'vue-event-source'

export type { TransportName }

export type Subject
  /** The transport with a bare listener: `EventSource`, `EventSourcePolyfill`, or `fetch` + eventsource-parser. */
  = | { kind: 'raw', transport: TransportName }
    /** `crossTab` (with `shared`): one connection for every tab of the origin, held by a leader tab. */
    | { kind: 'lib', transport: TransportName, shared?: boolean, crossTab?: boolean }
    | { kind: 'vueuse' }

export interface Hooks {
  /** Every event's data, as it arrives. */
  message?: (data: string) => void
  open?: () => void
}

export interface Subscription {
  data: Readonly<Ref<string | null>>
  status: Readonly<Ref<string>>
}

/** Reconnect at once (about 10 ms) so that resume measures the library, not a backoff schedule. */
const FAST_RECONNECT = { delay: 10 }

/** Calls the subject's composable (for a bare transport, a minimal stand-in); in a component setup or an effect scope. */
export function subscribe(subject: Subject, url: string, hooks: Hooks = {}): Subscription {
  if (subject.kind === 'raw')
    return useRaw(subject.transport, url, hooks)
  if (subject.kind === 'lib') {
    const { data, status } = useEventSource(url, {
      transport: subject.transport,
      shared: subject.shared ?? false,
      crossTab: subject.crossTab ?? false,
      autoReconnect: FAST_RECONNECT,
      onMessage: hooks.message && (message => hooks.message!(message.data)),
      onOpen: hooks.open,
    })
    return { data, status }
  }
  const { data, status } = useVueUseEventSource<string[], string>(url, [], { autoReconnect: FAST_RECONNECT })
  // VueUse has no per-message callback: a sync watcher sees every assignment of `data`, which is one per message.
  if (hooks.message) {
    const message = hooks.message
    watch(data, value => message(value ?? ''), { flush: 'sync' })
  }
  if (hooks.open) {
    const open = hooks.open
    watch(status, value => value === 'OPEN' && open(), { flush: 'sync' })
  }
  return { data, status }
}

/** A bare transport with the least a composable needs: refs fed by its listener, closed with the calling scope. */
function useRaw(transport: TransportName, url: string, hooks: Hooks): Subscription {
  const data = shallowRef<string | null>(null)
  const status = shallowRef('CONNECTING')
  const close = openRaw(transport, url, {
    open: () => {
      status.value = 'OPEN'
      hooks.open?.()
    },
    message: (value) => {
      data.value = value
      hooks.message?.(value)
    },
  })
  onScopeDispose(close)
  return { data, status }
}

/** Opens a raw transport with a bare listener; returns its close(). Reconnects only as the transport itself does. */
export function openRaw(transport: TransportName, url: string, hooks: Hooks): () => void {
  const message = hooks.message ?? (() => {})
  if (transport === 'native') {
    const source = new EventSource(url)
    source.onopen = () => hooks.open?.()
    source.addEventListener('message', event => message(event.data as string))
    return () => source.close()
  }
  if (transport === 'polyfill') {
    // The polyfill's own stall timer would cut a long run short; the library turns it off the same way.
    const source = new EventSourcePolyfill(url, { heartbeatTimeout: 18_000_000 })
    source.onopen = () => hooks.open?.()
    source.addEventListener('message', event => message((event as MessageEvent<string>).data))
    return () => source.close()
  }
  const controller = new AbortController()
  void readFetch(url, controller.signal, hooks.open ?? (() => {}), message)
  return () => controller.abort()
}

/** What the library's fetch transport does underneath: fetch, decode, eventsource-parser. No reconnect. */
async function readFetch(url: string, signal: AbortSignal, open: () => void, message: (data: string) => void): Promise<void> {
  try {
    const response = await fetch(url, { headers: { Accept: 'text/event-stream' }, cache: 'no-store', signal })
    if (!response.body)
      return
    open()
    const parser = createParser({ onEvent: event => message(event.data) })
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done)
        return
      parser.feed(value)
    }
  }
  catch {
    // Aborted by close(), or the connection dropped: a bare fetch reader has no reconnect to try.
  }
}
