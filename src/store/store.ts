import type { ComponentInternalInstance } from 'vue'
import type { ConnectionConfig, EventStream, SseRole, SseStatus, StreamObserver, StreamState } from '../stream/types'
import type { TransportName } from '../transports/types'
import { shallowReactive } from 'vue'
import { DEV, isClient } from '../env'
import { inStream, SseError } from '../errors'
import { createConnection } from '../stream/connection'

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

/** Who subscribed: a component, or `null` for an effect scope outside one (a store, `effectScope()`). */
export type StreamCaller = ComponentInternalInstance | null

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

/**
 * A caller's observer of its stream. Its `state` also takes part of a state: what the store knows of a shared
 * stream while it looks for it (`JOINING`), or that it could not.
 */
export type Subscriber = Omit<StreamObserver, 'state'> & { state: (state: Partial<StreamState>) => void }

/** What a caller of a shared stream is shown while the store looks for the stream: connecting, nothing wrong yet. */
const JOINING: Partial<StreamState> = { status: 'CONNECTING', error: null, retryCount: 0 }

/** One connection of the app as the devtools show it: the store's entry for it, in development. */
export interface InspectedStream {
  /** Stays the same while the connection lives, so a selected inspector node stays selected. */
  readonly id: number
  /** The stream key of a shared stream; `null` for a caller's own connection. */
  readonly key: string | null
  readonly method: string
  readonly stream: EventStream
  /** One entry per subscription, in the order they came. */
  readonly callers: readonly StreamCaller[]
}

/** Hears of the app's connections as they come, as their subscribers change and as they go. */
export interface StoreInspector {
  added: (stream: InspectedStream) => void
  /** A subscriber came or left. */
  changed: (stream: InspectedStream) => void
  /** Called after the connection closed, so an inspector still hears it close. */
  removed: (stream: InspectedStream) => void
}

/** The store as the composables use it. */
export interface SseStoreInternal extends SseStore {
  subscribe: (request: StreamRequest, observer: Subscriber) => Subscription
  /** App unmount: closes everything for good. */
  dispose: () => void
  /**
   * Development only (a no-op in production): `inspector` hears of the app's connections, those there are now
   * first, and of their subscribers. Returns the function that unsubscribes it.
   */
  inspect: (inspector: StoreInspector) => () => void
}

/**
 * One connection of the app: a shared stream (under its `key`) or a caller's own (`key` null, under the stream).
 * It is the one home of the connection's subscribers; in development it is also what the devtools inspect.
 * Reactive (shallow), so that what `connections` shows of it follows its subscribers.
 */
export interface Entry {
  readonly stream: EventStream
  readonly key: string | null
  subscribers: number
  /** Shared: what `connections` shows of it, and how that view unsubscribes from the stream. */
  info?: SseConnectionInfo
  unsubscribe?: () => void
  lingerTimer?: ReturnType<typeof setTimeout>
  /** Development only (see `InspectedStream`). */
  id?: number
  method?: string
  callers?: StreamCaller[]
}

/**
 * The app's connections and their subscribers: the one place that holds and changes them. Development also keeps
 * who subscribed and tells the devtools' inspectors (Pinia's devtools read `pinia._s` the same way).
 */
function createTable() {
  /** Shared streams by key, callers' own by stream. */
  const entries = new Map<string | EventStream, Entry>()
  const connections = shallowReactive<SseConnectionInfo[]>([])
  /** Development: the devtools' inspectors, until the app is gone. */
  let inspectors = DEV ? new Set<StoreInspector>() : null
  let nextId = 1
  const tell = (what: keyof StoreInspector, entry: Entry) => inspectors?.forEach(inspector => inspector[what](entry as InspectedStream))
  const held = (entry: Entry) => entries.get(entry.key ?? entry.stream) === entry

  /** A new entry; `view` makes what `connections` shows of a shared one. */
  function add(stream: EventStream, key: string | null, method: string, view?: (entry: Entry) => [SseConnectionInfo, () => void]): Entry {
    const entry: Entry = shallowReactive({ stream, key, subscribers: 0 })
    entries.set(key ?? stream, entry)
    if (view) {
      [entry.info, entry.unsubscribe] = view(entry)
      connections.push(entry.info)
    }
    if (DEV) {
      entry.id = nextId++
      entry.method = method
      entry.callers = []
      tell('added', entry)
    }
    return entry
  }

  /** Closes the entry's stream and takes it out of the store. */
  function remove(entry: Entry): void {
    clearTimeout(entry.lingerTimer)
    entries.delete(entry.key ?? entry.stream)
    entry.unsubscribe?.()
    entry.stream.close()
    if (DEV)
      tell('removed', entry)
    if (entry.info)
      connections.splice(connections.indexOf(entry.info), 1)
  }

  /**
   * One more subscriber, `caller`, for the entry; returns the function that removes it. A caller's own stream is then
   * removed; a shared one without subscribers lingers before it is.
   */
  function addSubscriber(entry: Entry, caller: StreamCaller, linger: number): () => void {
    clearTimeout(entry.lingerTimer)
    entry.subscribers++
    if (DEV) {
      entry.callers!.push(caller)
      tell('changed', entry)
    }
    return () => {
      // An entry the store no longer holds (the app is gone) has nothing to change.
      if (!held(entry))
        return
      if (entry.key === null)
        return remove(entry)
      entry.subscribers--
      if (DEV) {
        entry.callers!.splice(entry.callers!.indexOf(caller), 1)
        tell('changed', entry)
      }
      if (entry.subscribers === 0)
        entry.lingerTimer = setTimeout(remove, linger, entry)
    }
  }

  return {
    entries,
    connections,
    add,
    addSubscriber,
    dispose(): void {
      entries.forEach(remove)
      inspectors = null
    },
    /** Development only: see `SseStoreInternal['inspect']`. */
    inspect: DEV
      ? (inspector: StoreInspector): (() => void) => {
          const listening = inspectors
          if (!listening)
            return () => {}
          listening.add(inspector)
          entries.forEach(entry => inspector.added(entry as InspectedStream))
          return () => listening.delete(inspector)
        }
      : null,
  }
}

type Table = ReturnType<typeof createTable>

/** One caller's hold on a stream: a connection of its own, or its share of the app's connection for the request. */
function subscribe(table: Table, request: StreamRequest, observer: Subscriber, disposed: () => boolean): Subscription {
  const { config } = request
  const types = new Set(request.events)
  let stream: EventStream | null = null
  let done = false
  let unsubscribe = () => {}

  /** Observes the entry's stream, opening it when this caller created it or it is closed. */
  const attach = (entry: Entry, created: boolean) => {
    const joined = stream = entry.stream
    types.forEach(type => joined.listen(type))
    const unsubscribeObserver = joined.observe(observer)
    const removeSubscriber = table.addSubscriber(entry, request.caller ?? null, request.linger)
    unsubscribe = () => {
      unsubscribeObserver()
      removeSubscriber()
    }
    observer.state(joined.state)
    // A shared stream left closed (closeAll(), a 204, an error) opens for a new subscriber, as a caller's own does.
    if (created || joined.state.status === 'CLOSED')
      joined.open()
  }

  if (!request.shared) {
    attach(table.add(createConnection(config), null, config.method), true)
  }
  else {
    observer.state(JOINING)
    // Loaded by apps that share streams only, with the digest (and cross-tab) code it needs.
    import('./shared')
      .then(async (shared) => {
        const { key, create } = await shared.sharedStream(request)
        if (done || disposed())
          return
        const found = table.entries.get(key)
        attach(found ?? table.add(create(), key, config.method, shared.connectionInfo), !found)
      })
      .catch((cause: unknown) => {
        if (done || disposed())
          return
        const error = inStream(cause instanceof SseError ? cause : new SseError('config', 'The request headers could not be read.', { cause }), config.method, config.url)
        observer.error?.(error)
        observer.state({ status: 'CLOSED', error })
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

export function createSseStore(): SseStoreInternal {
  const table = createTable()
  /** Set once the store hears the page: removes its listeners. */
  let removePageListeners: (() => void) | undefined
  /** The app is gone: a subscription still resolving its key opens nothing. */
  let disposed = false

  function each(action: (stream: EventStream) => void, lingering = true): void {
    for (const entry of table.entries.values()) {
      if (lingering || entry.subscribers > 0)
        action(entry.stream)
    }
  }

  /** The page's network and visibility, heard once for every stream of the app. */
  function listenToPage(): void {
    if (removePageListeners || !isClient)
      return
    const online = () => each(stream => stream.page('online'))
    const visibility = () => each(stream => stream.page(document.visibilityState === 'hidden' ? 'hidden' : 'visible'))
    addEventListener('online', online)
    document.addEventListener('visibilitychange', visibility)
    removePageListeners = () => {
      removeEventListener('online', online)
      document.removeEventListener('visibilitychange', visibility)
    }
  }

  return {
    connections: table.connections,
    subscribe(request, observer) {
      listenToPage()
      return subscribe(table, request, observer, () => disposed)
    },
    closeAll: () => each(stream => stream.close()),
    reconnectAll: () => each(stream => stream.open(), false),
    dispose() {
      disposed = true
      removePageListeners?.()
      table.dispose()
    },
    inspect: table.inspect ?? (() => () => {}),
  }
}
