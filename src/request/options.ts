import type { MaybeRefOrGetter, ShallowRef } from 'vue'
import type { SseError } from '../errors'
import type { ReconnectOptions } from '../stream/backoff'
import type { SseStatus } from '../stream/types'
import type { TransportChoice } from '../transports/pick'

export type SseToken = string | null | undefined

/** A token, a ref, a getter, or an async getter: read again on every connect and reconnect. */
export type SseTokenSource = MaybeRefOrGetter<SseToken> | (() => Promise<SseToken>)

/** Reads raw event data; VueUse's `serializer` shape. */
export interface SseSerializer<Data = unknown> {
  read: (raw: string, event: string) => Data
}

/** App-wide defaults (`app.use(ssePlugin, options)`); every one can be overridden per call. */
export interface SseOptions {
  /** Joined to relative URLs: `baseURL: '/api'` + `'/ticker'` → `'/api/ticker'`; absolute and `//host` URLs are left alone. */
  baseURL?: string
  /**
   * Sent as `tokenHeader: tokenPrefix + token`; read on every connect and reconnect. Never put in a URL; an empty or
   * null token sends no header.
   */
  token?: SseTokenSource
  /** @default 'Authorization' */
  tokenHeader?: string
  /** @default 'Bearer ' */
  tokenPrefix?: string
  /**
   * Called on 401/403. When it resolves, the stream reconnects once with a fresh token; a rejection or a second
   * 401/403 ends in `CLOSED` with error type `'unauthorized'`.
   */
  onUnauthorized?: (error: SseError) => unknown
  /**
   * Origins the token and headers may go to (such as `'https://api.example.com'`), redirects included; a request
   * elsewhere goes without them. Per call, only an explicit `allowedOrigins` changes it, never a per-call `baseURL`.
   * @default the page's origin and the plugin's `baseURL` origin
   */
  allowedOrigins?: string[]
  /** Extra request headers, read on every connect (`transport: 'auto'` then picks fetch). */
  headers?: MaybeRefOrGetter<Record<string, string> | undefined>
  /**
   * Send cookies on cross-origin requests.
   * @default false
   */
  withCredentials?: boolean
  /**
   * `'auto'` picks `native` for a plain GET, `fetch` for headers (a token), other methods, a body, or a reconnect of
   * its own that resumes; `polyfill` only when chosen.
   * @default 'auto'
   */
  transport?: TransportChoice
  /**
   * Reconnect on network errors, a cleanly ended stream and 5xx: 1 s doubling to 30 s with jitter, unlimited.
   * `false` turns reconnecting off.
   * @default true
   */
  autoReconnect?: boolean | ReconnectOptions
  /**
   * Reconnect with error type `'stalled'` when nothing arrives for this many ms while open: a dead connection.
   * Comments count on the polyfill and fetch transports, not on the native one. 0 turns it off.
   * @default 0
   */
  heartbeatTimeout?: number
  /**
   * No response head within this many ms aborts the attempt and reconnects with an error of type `'timeout'`
   * (`heartbeatTimeout`, when set and shorter, applies too). 0 turns it off.
   * @default 30000
   */
  connectTimeout?: number
  /**
   * Close GET streams once the page has stayed hidden this long (ms; `true`: 30 s) and resume from the last event id
   * when it is shown again. A paused stream reports `status` `'CLOSED'` with no error. Streams with a body are never
   * paused (they would be sent again).
   * @default false
   */
  pauseWhenHidden?: boolean | number
  /**
   * Query parameter that carries the resume point on reconnects, besides the `Last-Event-ID` header every transport
   * sends; for servers that read one. `false` sends the header only.
   * @default 'lastEventId'
   */
  lastEventIdParam?: string | false
  /** Parses the data of every message (VueUse's shape, plus the event type). */
  serializer?: SseSerializer
  /**
   * Parse data with `JSON.parse`; a failure sets `error` (type `'parse'`) and the stream goes on. Per call,
   * `json: true` types `data` as `unknown`, or as the type argument given.
   * @default false
   */
  json?: boolean
  /**
   * Shared streams: ms to keep a connection open after its last subscriber leaves; a subscriber that comes back
   * within it keeps the connection.
   * @default 0
   */
  linger?: number
  /**
   * Shared streams: one connection per stream for all tabs of the origin, held by one tab (the leader) and
   * received by the others over a BroadcastChannel. Falls back to one connection per tab where the browser lacks
   * Web Locks or BroadcastChannel. Tabs share a stream only when their requests are identical, token included.
   * `crossTab: true` on a call makes that call `shared`.
   * @default false
   */
  crossTab?: boolean
}

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
   * Connect at once (in a component: once mounted); with `false`, nothing happens until `open()`.
   * @default true
   */
  immediate?: boolean
  /**
   * Reconnect when `url` or `body` change, and when `headers` change on a stream that is not shared.
   * @default true
   */
  autoConnect?: boolean
  /**
   * A method other than GET selects the fetch transport.
   * @default 'GET', or 'POST' when a `body` is given
   */
  method?: string
  /**
   * A body selects the fetch transport (and POST, unless `method` says otherwise); a string is sent as it is, anything
   * else as JSON with `Content-Type: application/json`.
   */
  body?: MaybeRefOrGetter<SseBody | null | undefined>
  /**
   * Join the app's shared connection for this stream (see `useSseStore`): callers whose requests are the same in
   * everything the server sees, token and headers included.
   * @default false, or true when this call sets `crossTab: true`
   */
  shared?: boolean
  /**
   * Keep the last N messages in `messages`, oldest first: one array, updated in place (no copy per message) and
   * triggered.
   * @default 0
   */
  history?: number
  /**
   * Called synchronously for every message of the types asked for: nothing is coalesced. An exception thrown here is
   * reported as one from an `EventSource` listener, and the stream goes on.
   */
  onMessage?: (message: SseMessage<Data>) => void
  /** Called on every successful open (first connect and each reconnect). */
  onOpen?: () => void
  /** Called for every error. */
  onError?: (error: SseError) => void
  /**
   * Called for every comment line (`: ping`), with its text after the colon (and one space). The fetch and polyfill
   * transports see comments; the browser's `EventSource` hides them.
   */
  onComment?: (text: string) => void
  /** Resume point for the first connect. */
  initialLastEventId?: string
  /** Parses the data of every message (VueUse-compatible), and infers `Data`. */
  serializer?: SseSerializer<Data>
}

export interface UseEventSourceReturn<Data = string, Events extends SseEventMap = Record<string, Data>> {
  /** Starts `'CLOSED'`; `'CONNECTING'` also while waiting to reconnect. */
  status: Readonly<ShallowRef<SseStatus>>
  /** Data of the latest message; cleared, with `event` and `messages`, when the URL changes. */
  data: Readonly<ShallowRef<Data | null>>
  /** Type of the latest message (`'message'` when the server named none). */
  event: Readonly<ShallowRef<string | null>>
  /**
   * The last event id as of the latest message, or of a block that only set an id (`''` when none; the browser's
   * `EventSource` keeps such a block's id to itself until the next message).
   */
  lastEventId: Readonly<ShallowRef<string>>
  /** Latest error; cleared on the next successful open. */
  error: Readonly<ShallowRef<SseError | null>>
  /** Reconnect attempts since the last successful open. */
  retryCount: Readonly<ShallowRef<number>>
  /** The last `history` messages, oldest first. */
  messages: Readonly<ShallowRef<readonly SseMessage<Data>[]>>
  /**
   * Connect (again) now, with a fresh retry budget, reading `url`, `body` and the options again (a new prompt is a new
   * request; a new URL or body starts without a resume point).
   */
  open: () => void
  /**
   * Final until `open()`: no reconnect, timers cleared. On a shared stream it leaves the stream, which goes on for
   * the other subscribers.
   */
  close: () => void
  /** Listen to one event type without a reactive ref (the type need not be in `events`); returns `off()`. */
  on: <Type extends (keyof Events & string) | 'message'>(
    type: Type,
    handler: (message: SseMessage<Type extends keyof Events ? Events[Type] : Data>) => void,
  ) => () => void
}

export type UseEventSourceUrl = MaybeRefOrGetter<string | URL | null | undefined>
