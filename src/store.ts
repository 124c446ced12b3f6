import type { SseStatus } from './connection'
import type { EventStream, SseRole } from './stream'
import type { TransportName } from './transports/types'
import { markRaw, reactive, shallowReactive } from 'vue'

/** What the store shows of one shared stream. */
export interface SseConnectionInfo {
  /**
   * The stream key: method, origin and path, and a SHA-256 of everything the server sees (resolved URL, transport,
   * method, body, credentials, token and headers). It never holds a secret in clear.
   */
  readonly key: string
  readonly url: string
  readonly status: SseStatus
  /** Callers currently subscribed (components, effect scopes). */
  readonly subscribers: number
  readonly lastEventId: string
  readonly retryCount: number
  /** `'local'`: this tab's own connection; `'leader'`/`'follower'`: one tab holds it for all (`crossTab`). */
  readonly role: SseRole
  readonly transport: TransportName | null
}

interface Entry {
  connection: EventStream
  info: { -readonly [K in keyof SseConnectionInfo]: SseConnectionInfo[K] }
  lingerTimer: ReturnType<typeof setTimeout> | undefined
  stopObserving: () => void
}

export interface SseStore {
  /** The app's shared streams, one entry per connection. */
  readonly connections: readonly SseConnectionInfo[]
  /**
   * Closes every connection of the app (shared or not) at once, e.g. on logout. Subscribers stay subscribed and show
   * `'CLOSED'`; `reconnectAll()`, a subscriber's `open()` or a new subscriber reopens.
   */
  closeAll: () => void
  /** Reconnects every connection of the app now, reading the token again, e.g. after login. */
  reconnectAll: () => void
}

/** The store as the composables use it. */
export interface SseStoreInternal extends SseStore {
  /** Joins the shared stream `key`, creating its connection on first use; call the returned function to leave. */
  acquire: (key: string, create: () => EventStream, linger: number) => { connection: EventStream, created: boolean, release: () => void }
  /** Tracks a caller's own (not shared) connection for closeAll/reconnectAll; returns the untrack function. */
  track: (connection: EventStream) => () => void
  /** App unmount: closes everything for good. */
  dispose: () => void
}

export function createSseStore(): SseStoreInternal {
  const entries = new Map<string, Entry>()
  const own = new Set<EventStream>()
  const connections = shallowReactive<SseConnectionInfo[]>([])

  function remove(key: string, entry: Entry): void {
    entries.delete(key)
    entry.stopObserving()
    entry.connection.close()
    const index = connections.indexOf(entry.info)
    if (index !== -1)
      connections.splice(index, 1)
  }

  function acquire(key: string, create: () => EventStream, linger: number) {
    let entry = entries.get(key)
    const created = !entry
    if (entry) {
      clearTimeout(entry.lingerTimer)
      entry.lingerTimer = undefined
    }
    else {
      const connection = markRaw(create())
      const info = reactive({
        key,
        url: connection.url,
        status: connection.status,
        subscribers: 0,
        lastEventId: connection.lastEventId,
        retryCount: 0,
        role: connection.role,
        transport: connection.transportName,
      })
      const sync = () => {
        info.status = connection.status
        info.retryCount = connection.retryCount
        info.lastEventId = connection.lastEventId
        info.transport = connection.transportName
        info.role = connection.role
      }
      const stopObserving = connection.observe({
        state: sync,
        event: (event) => {
          info.lastEventId = event.lastEventId
        },
      })
      entry = { connection, info, lingerTimer: undefined, stopObserving }
      entries.set(key, entry)
      connections.push(info)
    }
    const joined = entry
    joined.info.subscribers++
    let released = false
    return {
      connection: joined.connection,
      created,
      release() {
        if (released)
          return
        released = true
        joined.info.subscribers--
        if (joined.info.subscribers > 0 || entries.get(key) !== joined)
          return
        clearTimeout(joined.lingerTimer)
        joined.lingerTimer = setTimeout(remove, linger, key, joined)
      },
    }
  }

  function track(connection: EventStream): () => void {
    own.add(connection)
    return () => own.delete(connection)
  }

  /** `lingering`: also the shared connections whose last subscriber has left (closing them is fine, reopening not). */
  function each(action: (connection: EventStream) => void, lingering: boolean): void {
    for (const entry of entries.values()) {
      if (lingering || entry.info.subscribers > 0)
        action(entry.connection)
    }
    for (const connection of own) action(connection)
  }

  return {
    connections,
    acquire,
    track,
    closeAll: () => each(connection => connection.close(), true),
    reconnectAll: () => each(connection => connection.open(), false),
    dispose() {
      for (const [key, entry] of entries) {
        clearTimeout(entry.lingerTimer)
        remove(key, entry)
      }
      for (const connection of own) connection.close()
      own.clear()
    },
  }
}
