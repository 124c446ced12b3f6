import type { ConnectionConfig, EventStream } from '../stream/types'
import type { Entry, SseConnectionInfo, StreamRequest } from './store'
import { computed, shallowRef, triggerRef } from 'vue'
import { createConnection } from '../stream/connection'
import { describeUrl } from '../transports/url'
import { digest } from './digest'

/**
 * The key of a shared stream and how to make it, loaded by apps that share streams only. The key is a digest of
 * everything the server sees, the token and headers included, so callers that differ in any of it never share a
 * connection, and no secret appears in the key (nor in lock and channel names). A failure to read the headers the
 * key needs rejects.
 */
export async function sharedStream(request: StreamRequest): Promise<{ key: string, create: () => EventStream }> {
  const { config } = request
  // Headers read to choose the stream go with its first attempt, so the token getter runs once for it.
  let primed: ReturnType<ConnectionConfig['headers']> | null = config.headers()
  const [headers, crossTabModule] = await Promise.all([primed, request.crossTab ? import('../crossTab/stream') : null])
  const crossTab = !!crossTabModule?.crossTabSupported()
  const sorted = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]).sort()
  const { url, transport, method, body, withCredentials } = config
  const hash = await digest(JSON.stringify([url, transport, method, body ?? null, withCredentials, crossTab, sorted]))
  const key = `${method} ${describeUrl(url)} ${hash}`
  const primedConfig: ConnectionConfig = {
    ...config,
    headers: () => {
      const next = primed ?? config.headers()
      primed = null
      return next
    },
  }
  return {
    key,
    create: () => crossTab && crossTabModule ? crossTabModule.createCrossTabStream(key, primedConfig) : createConnection(primedConfig),
  }
}

const STATE_FIELDS = ['status', 'error', 'retryCount', 'lastEventId', 'transport', 'role'] as const

/**
 * What `connections` shows of a shared entry, and how it stops following the stream: getters over the entry and
 * over the stream's own state. One ref holds that state (the stream updates it in place) and is triggered when it
 * changes or an event moves `lastEventId`; each field is a computed over it, so what reads a field runs again only
 * when that field's value changed, not with every event. Nothing is copied, so nothing drifts.
 */
export function connectionInfo(entry: Entry): [SseConnectionInfo, () => void] {
  const { stream, key } = entry
  const state = shallowRef(stream.state)
  const info = {
    key,
    url: stream.url,
    get subscribers() {
      return entry.subscribers
    },
  }
  for (const name of STATE_FIELDS) {
    const field = computed(() => state.value[name])
    Object.defineProperty(info, name, { enumerable: true, get: () => field.value })
  }
  const changed = () => triggerRef(state)
  return [info as SseConnectionInfo, stream.observe({ state: changed, event: changed })]
}
