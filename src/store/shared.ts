import type { ConnectionConfig, EventStream } from '../stream/types'
import type { Entry, StreamRequest, Tables } from './store'
import { markRaw, shallowReactive } from 'vue'
import { DEV } from '../env'
import { createConnection } from '../stream/connection'
import { describeUrl } from '../transports/url'
import { digest } from './digest'

/**
 * Joins the app's shared stream for `request`, made on first use and closed `linger` ms after its last subscriber
 * leaves: `join` gets it, whether this caller created it, its key, and how this caller unsubscribes. Nothing happens
 * once `done()`; a failure to read the headers the key needs rejects.
 */
export async function joinShared(
  tables: Tables,
  request: StreamRequest,
  done: () => boolean,
  join: (stream: EventStream, created: boolean, key: string, unsubscribe: () => void) => void,
): Promise<void> {
  const { key, create } = await sharedStream(request)
  if (done())
    return
  const { entry, created } = entryFor(tables, key, create)
  entry.info.subscribers++
  join(entry.stream, created, key, () => {
    entry.info.subscribers--
    if (entry.info.subscribers === 0 && tables.entries.get(key) === entry)
      entry.lingerTimer = setTimeout(entry.remove, request.linger)
  })
}

/** The shared stream for `key`, made with `create` on first use. */
function entryFor({ entries, connections, registry }: Tables, key: string, create: () => EventStream): { entry: Entry, created: boolean } {
  const found = entries.get(key)
  if (found) {
    clearTimeout(found.lingerTimer)
    return { entry: found, created: false }
  }
  const stream = markRaw(create())
  const info = shallowReactive({ key, url: stream.url, subscribers: 0, ...stream.state })
  const unsubscribe = stream.observe({
    state: state => Object.assign(info, state),
    event: (event) => {
      info.lastEventId = event.lastEventId
    },
  })
  const entry: Entry = {
    stream,
    info,
    remove() {
      entries.delete(key)
      unsubscribe()
      stream.close()
      // Spelled out here, so that a production build folds the devtools call away.
      if (DEV)
        registry?.remove(stream)
      const index = connections.indexOf(info)
      if (index !== -1)
        connections.splice(index, 1)
    },
  }
  entries.set(key, entry)
  connections.push(info)
  return { entry, created: true }
}

/**
 * The key of a shared stream and how to make it. The key is a digest of everything the server sees, the token and
 * headers included, so callers that differ in any of it never share a connection, and no secret appears in the key
 * (nor in lock and channel names).
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
