import type { ConnectionConfig, EventStream, SseRole, SseStatus, StreamObserver, StreamState } from '../stream/types'
import type { TransportName } from '../transports/types'
import type { StoreInspector, StreamCaller } from './registry'
import { useEventListener } from '@vueuse/core'
import { effectScope, shallowReactive } from 'vue'
import { DEV, isClient } from '../env'
import { inStream, SseError } from '../errors'
import { createConnection } from '../stream/connection'
import { StreamRegistry } from './registry'

/** What the store shows of one shared stream: its key, its subscribers and the stream's own state. */
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
  readonly error: SseError | null
  /** `'local'`: this tab's own connection; `'leader'`/`'follower'`: one tab holds it for all (`crossTab`). */
  readonly role: SseRole
  readonly transport: TransportName | null
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

/** One stream a caller asks for, resolved (see `resolveRequest`). */
export interface StreamRequest {
  config: ConnectionConfig
  /** Named event types the caller receives besides `message`. */
  events: Iterable<string>
  /** Join the app's connection for the same request instead of opening one of its own. */
  shared: boolean
  /** Shared: one connection for every tab of the origin. */
  crossTab: boolean
  /** Shared: ms the connection stays after its last subscriber leaves. */
  linger: number
  /** Development: who asks, for the devtools' list of a stream's subscribers. */
  caller?: StreamCaller
}

/** A caller's hold on a stream. Its observer hears the stream's state at once, and then every change. */
export interface Subscription {
  /** Receive a named event type from now on. */
  listen: (type: string) => void
  unsubscribe: () => void
}

/** The store as the composables use it. */
export interface SseStoreInternal extends SseStore {
  subscribe: (request: StreamRequest, observer: StreamObserver) => Subscription
  /** App unmount: closes everything for good. */
  dispose: () => void
  /**
   * Development only (a no-op in production): `inspector` hears of the app's connections, those there are now
   * first, and of their subscribers. Returns the function that stops it.
   */
  inspect: (inspector: StoreInspector) => () => void
}

/** A shared stream and what the store shows of it (see `joinShared`). */
export interface Entry {
  stream: EventStream
  info: { -readonly [K in keyof SseConnectionInfo]: SseConnectionInfo[K] }
  lingerTimer?: ReturnType<typeof setTimeout>
  /** Closes the stream and takes it out of the store. */
  remove: () => void
}

/** What one app's store holds. */
export interface Tables {
  /** Shared streams by key. */
  entries: Map<string, Entry>
  /** The callers' own connections (`shared: false`). */
  own: Set<EventStream>
  connections: SseConnectionInfo[]
  /** What the devtools show: kept from the first connection on, in development only. */
  registry: StreamRegistry | null
  /** The app is gone: a join still resolving its key opens nothing. */
  disposed: boolean
}

export function createSseStore(): SseStoreInternal {
  const tables: Tables = {
    entries: new Map(),
    own: new Set(),
    connections: shallowReactive<SseConnectionInfo[]>([]),
    registry: DEV ? new StreamRegistry() : null,
    disposed: false,
  }
  const { entries, own } = tables
  const registry = DEV ? tables.registry : null
  const scope = effectScope(true)
  let listening = false

  function each(action: (stream: EventStream) => void, lingering = true): void {
    for (const entry of entries.values()) {
      if (lingering || entry.info.subscribers > 0)
        action(entry.stream)
    }
    own.forEach(action)
  }

  /** The page's network and visibility, heard once for every stream of the app. */
  function listenToPage(): void {
    if (listening || !isClient)
      return
    listening = true
    scope.run(() => {
      useEventListener(window, 'online', () => each(stream => stream.page('online')))
      useEventListener(document, 'visibilitychange', () => {
        const signal = document.visibilityState === 'hidden' ? 'hidden' : 'visible'
        each(stream => stream.page(signal))
      })
    })
  }

  return {
    connections: tables.connections,
    subscribe(request, observer) {
      listenToPage()
      return subscribe(tables, request, observer)
    },
    closeAll: () => each(stream => stream.close()),
    reconnectAll: () => each(stream => stream.open(), false),
    dispose() {
      tables.disposed = true
      scope.stop()
      for (const entry of entries.values()) {
        clearTimeout(entry.lingerTimer)
        entry.remove()
      }
      own.forEach((stream) => {
        stream.close()
        registry?.remove(stream)
      })
      own.clear()
      registry?.dispose()
    },
    inspect: inspector => registry?.inspect(inspector) ?? (() => {}),
  }
}

/** One caller's hold on a stream: a connection of its own, or its share of the app's connection for the request. */
function subscribe(tables: Tables, request: StreamRequest, observer: StreamObserver): Subscription {
  const { config } = request
  const registry = DEV ? tables.registry : null
  const caller = request.caller ?? null
  const types = new Set(request.events)
  let stream: EventStream | null = null
  let done = false
  let unsubscribe = () => {}

  /** Observes `joined`, opening it when this caller created it or it is closed; `key` is a shared stream's. */
  const join = (joined: EventStream, created: boolean, key: string | null) => {
    stream = joined
    types.forEach(type => joined.listen(type))
    const unsubscribeObserver = joined.observe(observer)
    if (created)
      registry?.add(joined, key, config.method)
    registry?.join(joined, caller)
    const before = unsubscribe
    unsubscribe = () => {
      unsubscribeObserver()
      registry?.leave(joined, caller)
      before()
    }
    observer.state?.(joined.state)
    // A shared stream left closed (closeAll(), a 204, an error) opens for a new subscriber, as a caller's own does.
    if (created || joined.state.status === 'CLOSED')
      joined.open()
  }

  if (!request.shared) {
    const connection = createConnection(config)
    tables.own.add(connection)
    unsubscribe = () => {
      tables.own.delete(connection)
      connection.close()
      registry?.remove(connection)
    }
    join(connection, true, null)
  }
  else {
    const state = (error: SseError | null, status: SseStatus): StreamState => ({ status, error, retryCount: 0, lastEventId: config.lastEventId, transport: null, role: 'local' })
    observer.state?.(state(null, 'CONNECTING'))
    // Loaded by apps that share streams only, with the digest (and cross-tab) code it needs.
    import('./shared')
      .then(m => m.joinShared(tables, request, () => done || tables.disposed, (joined, created, key, unsubscribeShared) => {
        unsubscribe = unsubscribeShared
        join(joined, created, key)
      }))
      .catch((cause: unknown) => {
        if (done || tables.disposed)
          return
        const error = inStream(cause instanceof SseError ? cause : new SseError('config', 'The request headers could not be read.', { cause }), config.method, config.url)
        observer.error?.(error)
        observer.state?.(state(error, 'CLOSED'))
      })
  }

  return {
    listen(type) {
      types.add(type)
      stream?.listen(type)
    },
    unsubscribe() {
      if (done)
        return
      done = true
      unsubscribe()
    },
  }
}
