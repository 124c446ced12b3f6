import type { MaybeRefOrGetter, ShallowRef } from 'vue'
import type { ConnectionConfig, ConnectionObserver, SseStatus } from './connection'
import type { SseOptions, SseSerializer } from './options'
import type { EventStream } from './stream'
import { tryOnScopeDispose } from '@vueuse/core'
import { getCurrentInstance, onMounted, shallowRef, toValue, watch } from 'vue'
import { Connection } from './connection'
import { useSseContext } from './context'
import { DEV, isClient } from './env'
import { SseError } from './errors'
import { allowedOriginsFor, requestHeaders, resolveUrl } from './request'
import { describeUrl, LAST_EVENT_ID_PARAM } from './transports/url'

/** One received message, after `serializer`/`json`. */
export interface SseMessage<Data = string> {
  /** Event type, `'message'` when the server named none. */
  event: string
  data: Data
  /** The last event id when it arrived (`''` when none). */
  id: string
}

/** A request body: a string is sent as it is, anything else as JSON. */
export type SseBody = string | object

/**
 * Data type per event type, for `on(type)`: `{ tick: Tick, alert: Alert }`. Defaults to `Data` for every type.
 */
export type SseEventMap = Record<string, unknown>

export interface UseEventSourceOptions<Data = string, Events extends SseEventMap = Record<string, Data>> extends Omit<SseOptions, 'serializer'> {
  /**
   * Named event types to receive; `message` is always received.
   * @default []
   */
  events?: readonly (keyof Events & string)[]
  /**
   * Connect at once.
   * @default true
   */
  immediate?: boolean
  /**
   * Reconnect when `url`, `body` or `headers` change.
   * @default true
   */
  autoConnect?: boolean
  /**
   * A method other than GET selects the fetch transport.
   * @default 'GET', or 'POST' when a `body` is given
   */
  method?: string
  /** A body selects the fetch transport (and POST, unless `method` says otherwise); an object is sent as JSON. */
  body?: MaybeRefOrGetter<SseBody | null | undefined>
  /**
   * Join the app's shared connection for this stream (see `useSseStore`): callers whose requests are the same in
   * everything the server sees, token and headers included.
   * @default false, or true when this call sets `crossTab: true`
   */
  shared?: boolean
  /**
   * Keep the last N messages in `messages`.
   * @default 0
   */
  history?: number
  /** Called synchronously for every message: nothing is coalesced. */
  onMessage?: (message: SseMessage<Data>) => void
  /** Called on every successful open (first connect and each reconnect). */
  onOpen?: () => void
  /** Called for every error. */
  onError?: (error: SseError) => void
  /** Resume point for the first connect. */
  initialLastEventId?: string
  /** Parses the data of every message (VueUse-compatible). */
  serializer?: SseSerializer<Data>
}

export interface UseEventSourceReturn<Data = string, Events extends SseEventMap = Record<string, Data>> {
  /** Starts `'CLOSED'`; `'CONNECTING'` also while waiting to reconnect. */
  status: Readonly<ShallowRef<SseStatus>>
  /** Data of the latest message. */
  data: Readonly<ShallowRef<Data | null>>
  /** Type of the latest message. */
  event: Readonly<ShallowRef<string | null>>
  /** Last committed event id (`''` when none). */
  lastEventId: Readonly<ShallowRef<string>>
  /** Latest error; cleared on the next successful open. */
  error: Readonly<ShallowRef<SseError | null>>
  /** Reconnect attempts since the last successful open. */
  retryCount: Readonly<ShallowRef<number>>
  /** The last `history` messages, oldest first. */
  messages: Readonly<ShallowRef<readonly SseMessage<Data>[]>>
  /** Connect (again) now. */
  open: () => void
  /** Final until `open()`: no reconnect, timers cleared. */
  close: () => void
  /** Listen to one event type without a reactive ref; returns `off()`. */
  on: <Type extends (keyof Events & string) | 'message'>(
    type: Type,
    handler: (message: SseMessage<Type extends keyof Events ? Events[Type] : Data>) => void,
  ) => () => void
}

export type UseEventSourceUrl = MaybeRefOrGetter<string | URL | null | undefined>

/** `pauseWhenHidden: true`: streams close after the page has been hidden this long (ms). */
export const PAUSE_WHEN_HIDDEN_DEFAULT = 30_000

/** `connectTimeout` (default 30 s), shortened by a shorter `heartbeatTimeout`: a silent server is silent before its head too. */
function connectTimeout({ connectTimeout = 30_000, heartbeatTimeout = 0 }: SseOptions): number {
  if (heartbeatTimeout > 0 && (connectTimeout <= 0 || heartbeatTimeout < connectTimeout))
    return heartbeatTimeout
  return connectTimeout
}

/** A watch source's value as a string; one that cannot be read or serialized compares equal until it can. */
function signature(read: () => unknown): string {
  try {
    return JSON.stringify(read()) ?? ''
  }
  catch {
    return '\0unreadable'
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * Reactive Server-Sent Events. Connects over the browser's EventSource, fetch (headers, a token, any method, a body)
 * or event-source-polyfill (when chosen), reconnects with backoff and resumes from the last event id. Closes when the
 * calling effect scope is disposed.
 */
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(
  url: UseEventSourceUrl,
  options?: UseEventSourceOptions<Data, Events> & { json?: false },
): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(
  url: UseEventSourceUrl,
  events: readonly (keyof Events & string)[],
  options?: UseEventSourceOptions<Data, Events> & { json?: false },
): UseEventSourceReturn<Data, Events>
// `json: true` parses every message: `data` is whatever the type argument says, and `unknown` without one.
export function useEventSource<Data = unknown, Events extends SseEventMap = Record<string, Data>>(
  url: UseEventSourceUrl,
  options: UseEventSourceOptions<Data, Events> & { json: true },
): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = unknown, Events extends SseEventMap = Record<string, Data>>(
  url: UseEventSourceUrl,
  events: readonly (keyof Events & string)[],
  options: UseEventSourceOptions<Data, Events> & { json: true },
): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(
  url: UseEventSourceUrl,
  options?: UseEventSourceOptions<Data, Events>,
): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(
  url: UseEventSourceUrl,
  events: readonly (keyof Events & string)[],
  options?: UseEventSourceOptions<Data, Events>,
): UseEventSourceReturn<Data, Events>
export function useEventSource<Data = string, Events extends SseEventMap = Record<string, Data>>(
  url: UseEventSourceUrl,
  eventsOrOptions?: readonly string[] | UseEventSourceOptions<Data, Events>,
  maybeOptions?: UseEventSourceOptions<Data, Events>,
): UseEventSourceReturn<Data, Events> {
  const callOptions: UseEventSourceOptions<Data> = Array.isArray(eventsOrOptions)
    ? { ...maybeOptions as UseEventSourceOptions<Data>, events: [...eventsOrOptions as readonly string[], ...(maybeOptions?.events ?? [])] }
    : (eventsOrOptions as UseEventSourceOptions<Data> | undefined) ?? {}
  const context = useSseContext('useEventSource')
  const options = { ...withoutUndefined(context.options), ...withoutUndefined(callOptions) } as UseEventSourceOptions<Data>
  // Asking one call for crossTab means sharing its stream: crossTab does nothing for a stream of this caller's own.
  const shared = options.shared ?? callOptions.crossTab === true
  if (DEV && callOptions.crossTab === true && callOptions.shared === false)
    console.warn('[vue-event-source] crossTab: true has no effect with shared: false; only shared streams are held by one tab for all.')

  const status = shallowRef<SseStatus>('CLOSED')
  const data = shallowRef<Data | null>(null)
  const event = shallowRef<string | null>(null)
  const lastEventId = shallowRef(options.initialLastEventId ?? '')
  const error = shallowRef<SseError | null>(null)
  const retryCount = shallowRef(0)
  const messages = shallowRef<readonly SseMessage<Data>[]>([])

  const historySize = Math.max(0, Math.floor(options.history ?? 0))
  const types = new Set<string>(['message', ...(options.events ?? [])])
  // Handlers get the data as read; the event map only types what `on()` promises its caller.
  const handlers = new Map<string, Set<(message: SseMessage<never>) => void>>()
  const serializer = options.serializer
  const read: (raw: string, type: string) => Data = serializer
    ? (raw, type) => serializer.read(raw, type)
    : options.json
      ? raw => JSON.parse(raw) as Data
      : raw => raw as Data

  let connection: EventStream | null = null
  let detach: (() => void) | null = null
  let seenError: SseError | null = null
  /** The caller wants a connection: set by `immediate` and `open()`, cleared by `close()`. */
  let wanted = false
  /** A new URL, method or body is a new stream: its resume point starts over. */
  let resumeFrom = options.initialLastEventId ?? ''
  let streamIdentity: string | null = null
  /** Bumped by every attach and release: an identity still being resolved for a superseded one is dropped. */
  let attempt = 0

  function reportLocal(failure: SseError): void {
    error.value = failure
    options.onError?.(failure)
  }

  /** A request that cannot be made: no connection, `CLOSED`, the error reported once. */
  function refuse(failure: SseError): void {
    status.value = 'CLOSED'
    reportLocal(failure)
  }

  function sync(): void {
    if (!connection)
      return
    status.value = connection.status
    retryCount.value = connection.retryCount
    if (connection.error !== seenError) {
      seenError = connection.error
      error.value = seenError
    }
  }

  const observer: ConnectionObserver = {
    event(raw) {
      // The stream's position moves with every event, whether or not this caller takes its type.
      lastEventId.value = raw.lastEventId
      const listeners = handlers.get(raw.type)
      const wantedType = types.has(raw.type)
      if (!wantedType && !listeners)
        return
      let value: Data
      try {
        value = read(raw.data, raw.type)
      }
      catch (cause) {
        reportLocal(new SseError('parse', `Could not parse the data of a "${raw.type}" event${raw.lastEventId ? ` (id ${raw.lastEventId})` : ''}; the stream goes on.`, { cause }))
        return
      }
      const message: SseMessage<Data> = { event: raw.type, data: value, id: raw.lastEventId }
      if (wantedType) {
        event.value = raw.type
        data.value = value
        if (historySize > 0) {
          const list = messages.value
          const next = list.length >= historySize ? list.slice(list.length - historySize + 1) : list.slice()
          next.push(message)
          messages.value = next
        }
        options.onMessage?.(message)
      }
      if (listeners) {
        for (const listener of listeners) listener(message as SseMessage<never>)
      }
    },
    open() {
      error.value = null
      options.onOpen?.()
    },
    error(failure) {
      options.onError?.(failure)
    },
    state: sync,
  }

  /** What the server will see of this caller's request, resolved and checked; an `SseError` when none can be made. */
  function prepare(): { url: string, method: string, body: string | undefined, jsonBody: boolean, allowed: string[] } | SseError | null {
    try {
      const target = toValue(url)
      if (target == null)
        return null
      const resolved = resolveUrl(target, options.baseURL)
      let bodyValue: SseBody | null | undefined
      try {
        bodyValue = toValue(options.body)
      }
      catch (cause) {
        return new SseError('config', 'The body getter threw; no request was sent.', { cause })
      }
      let body: string | undefined
      try {
        body = bodyValue == null ? undefined : typeof bodyValue === 'string' ? bodyValue : JSON.stringify(bodyValue) as string | undefined
      }
      catch (cause) {
        return new SseError('config', 'The body cannot be serialized as JSON (a circular reference or a BigInt?); no request was sent.', { cause })
      }
      if (bodyValue != null && body === undefined)
        return new SseError('config', 'The body cannot be serialized as JSON; no request was sent.')
      // A body means a request that can carry one: POST unless the caller names another method.
      const method = (options.method ?? (bodyValue == null ? 'GET' : 'POST')).toUpperCase()
      const allowed = allowedOriginsFor(context.options, callOptions.allowedOrigins)
      return { url: resolved, method, body, jsonBody: body !== undefined && typeof bodyValue !== 'string', allowed }
    }
    catch (cause) {
      return cause instanceof SseError ? cause : new SseError('config', 'The stream URL could not be read.', { cause })
    }
  }

  function attach(): void {
    if (!isClient)
      return
    const mine = ++attempt
    const request = prepare()
    if (request === null)
      return
    if (request instanceof SseError) {
      refuse(request)
      return
    }
    const { url: resolved, method, body, jsonBody, allowed } = request
    const identity = JSON.stringify([resolved, method, body ?? null])
    if (streamIdentity !== null && identity !== streamIdentity) {
      // Another stream: nothing of the previous one may show as this one's.
      resumeFrom = ''
      data.value = null
      event.value = null
      messages.value = []
      lastEventId.value = ''
    }
    streamIdentity = identity
    const readHeaders = async () => {
      const headers = await requestHeaders(resolved, options, allowed)
      return jsonBody ? { 'Content-Type': 'application/json', ...headers } : headers
    }
    /** Headers read to choose the shared stream go with its first attempt, so the token getter runs once for it. */
    let primed: Promise<Record<string, string>> | null = null
    const config: ConnectionConfig = {
      url: resolved,
      method,
      body,
      withCredentials: options.withCredentials ?? false,
      transport: options.transport ?? 'auto',
      autoReconnect: options.autoReconnect ?? true,
      heartbeatTimeout: options.heartbeatTimeout ?? 0,
      connectTimeout: connectTimeout(options),
      pauseWhenHidden: options.pauseWhenHidden === true ? PAUSE_WHEN_HIDDEN_DEFAULT : Number(options.pauseWhenHidden || 0),
      lastEventId: resumeFrom,
      lastEventIdParam: options.lastEventIdParam ?? LAST_EVENT_ID_PARAM,
      headers: () => {
        const headers = primed ?? readHeaders()
        primed = null
        return headers
      },
      onUnauthorized: options.onUnauthorized,
      loadTransport: context.loadTransport,
    }

    if (!shared) {
      const own = new Connection(config)
      const untrack = context.store.track(own)
      join(own, true, () => {
        untrack()
        own.close()
      })
      return
    }

    // The key holds a digest of everything the server sees, the token and headers included: callers that differ in
    // any of it never share a connection, and no secret appears in the key (nor in lock and channel names).
    status.value = 'CONNECTING'
    const headers = readHeaders()
    primed = headers
    headers
      .then(async (sent) => {
        // Loaded only by apps that share streams (and cross tabs): the native path ships neither.
        const [{ digest }, crossTabModule] = await Promise.all([
          import('./digest'),
          options.crossTab ? import('./crossTab') : null,
        ])
        const crossTab = !!crossTabModule?.crossTabSupported()
        const sortedHeaders = Object.entries(sent).map(([name, value]) => [name.toLowerCase(), value]).sort()
        const hash = await digest(JSON.stringify([resolved, config.transport, method, body ?? null, config.withCredentials, crossTab, sortedHeaders]))
        if (mine !== attempt)
          return
        const key = `${method} ${describeUrl(resolved)} ${hash}`
        const create = () => crossTab && crossTabModule ? new crossTabModule.CrossTabStream(key, config) : new Connection(config)
        const lease = context.store.acquire(key, create, options.linger ?? 0)
        join(lease.connection, lease.created, lease.release)
      })
      .catch((cause: unknown) => {
        if (mine === attempt)
          refuse(cause instanceof SseError ? cause : new SseError('config', 'The request headers could not be read.', { cause }))
      })
  }

  /** Subscribes to `joined`, opening it when this caller created it or it is closed. */
  function join(joined: EventStream, created: boolean, leave: () => void): void {
    for (const type of types) joined.listen(type)
    for (const type of handlers.keys()) joined.listen(type)
    const stopObserving = joined.observe(observer)
    connection = joined
    seenError = joined.error
    // A stream joined while running shows where it is, as the store does.
    lastEventId.value = joined.lastEventId
    detach = () => {
      stopObserving()
      leave()
      resumeFrom = joined.lastEventId
    }
    // A shared stream left closed (closeAll(), a 204, an error) opens for a new subscriber, as a caller's own does.
    if (created || joined.status === 'CLOSED')
      joined.open()
    sync()
  }

  function release(): void {
    attempt++
    detach?.()
    detach = null
    connection = null
    status.value = 'CLOSED'
  }

  function open(): void {
    wanted = true
    if (connection && shared && connection.status !== 'CLOSED')
      return
    // Reads url, body and options again: a second chat prompt is a new request, not the first one resent.
    release()
    attach()
  }

  function close(): void {
    wanted = false
    release()
  }

  if (options.immediate ?? true) {
    wanted = true
    // In a component, connect once mounted: the first render (and hydration of server HTML) shows 'CLOSED' as the
    // server rendered it.
    const instance = getCurrentInstance()
    if (instance && !instance.isMounted) {
      onMounted(() => {
        if (wanted && !connection && status.value === 'CLOSED')
          attach()
      })
    }
    else {
      attach()
    }
  }

  if (options.autoConnect ?? true) {
    // Strings, compared by value: a dependency that changes without changing the request reconnects nothing.
    watch(
      () => signature(() => [toValue(url)?.toString() ?? null, toValue(options.body) ?? null]),
      () => {
        if (!wanted)
          return
        release()
        attach()
      },
    )
    watch(
      () => signature(() => toValue(options.headers) ?? null),
      () => {
        if (!wanted || !connection)
          return
        // A shared stream's key holds its headers: other headers are another stream.
        if (shared) {
          release()
          attach()
        }
        else {
          connection.open()
        }
      },
    )
  }

  tryOnScopeDispose(() => {
    wanted = false
    release()
  })

  function on(type: string, handler: (message: SseMessage<never>) => void): () => void {
    let set = handlers.get(type)
    if (!set) {
      set = new Set()
      handlers.set(type, set)
    }
    set.add(handler)
    connection?.listen(type)
    return () => {
      set.delete(handler)
      if (set.size === 0 && handlers.get(type) === set)
        handlers.delete(type)
    }
  }

  return { status, data, event, lastEventId, error, retryCount, messages, open, close, on: on as UseEventSourceReturn<Data, Events>['on'] }
}
