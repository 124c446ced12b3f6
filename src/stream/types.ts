import type { SseError } from '../errors'
import type { TransportChoice } from '../transports/pick'
import type { RawEvent, TransportFactory, TransportName } from '../transports/types'
import type { ReconnectOptions } from './backoff'

export type SseStatus = 'CONNECTING' | 'OPEN' | 'CLOSED'

/** Who holds the connection of a shared stream: this tab alone, or one tab of the origin for all of them. */
export type SseRole = 'leader' | 'follower' | 'local'

/**
 * Where a stream stands: the one copy of it. The stream updates it in place and tells its observers through `state`;
 * `lastEventId` also moves with every event, which observers see on the event itself.
 */
export interface StreamState {
  readonly status: SseStatus
  readonly error: SseError | null
  /** Reconnect attempts since the stream last proved healthy. */
  readonly retryCount: number
  readonly lastEventId: string
  /** The transport of the current or last attempt. */
  readonly transport: TransportName | null
  readonly role: SseRole
}

export type MutableStreamState = { -readonly [K in keyof StreamState]: StreamState[K] }

export interface StreamObserver {
  event?: (event: RawEvent) => void
  open?: () => void
  error?: (error: SseError) => void
  /** `status`, `retryCount`, `error`, `transport` or `role` changed. */
  state?: (state: StreamState) => void
  /** A reconnect of the stream's own is due in `delay` ms. */
  retrying?: (delay: number) => void
  /** A block that only set the id moved the resume point to `lastEventId` (the state is notified as well). */
  id?: (lastEventId: string) => void
  /** A comment line (`: ping`), where the transport can see them. */
  comment?: (text: string) => void
}

/** The page's signals a stream acts on; the store listens once for all of its streams. */
export type PageSignal = 'online' | 'hidden' | 'visible'

/**
 * A source of events as the store sees it: a connection of this tab's own, or a cross-tab stream fed by the tab
 * that holds the connection.
 */
export interface EventStream {
  readonly url: string
  readonly state: StreamState
  /** Returns the function that unsubscribes `observer`. */
  observe: (observer: StreamObserver) => () => void
  /** Receive a named event type from now on (on the open connection too). */
  listen: (type: string) => void
  /** Connect now with a fresh retry budget, dropping the current attempt if any. */
  open: () => void
  /** Final until `open()`: no reconnect, every timer cleared. */
  close: () => void
  page: (signal: PageSignal) => void
}

/** What one logical stream needs; everything is already resolved (URL joined, body serialized). */
export interface ConnectionConfig {
  url: string
  method: string
  body: string | undefined
  withCredentials: boolean
  transport: TransportChoice
  autoReconnect: boolean | ReconnectOptions
  heartbeatTimeout: number
  /** No response head within this many ms aborts the attempt (0: no limit). */
  connectTimeout: number
  /** A GET stream closes once the page has been hidden this long (ms; 0: never) and resumes when shown. */
  pauseWhenHidden: number
  lastEventId: string
  /** Query parameter that carries the resume point besides the `Last-Event-ID` header (`false`: header only). */
  lastEventIdParam: string | false
  /** Read on every connect and reconnect, so a fresh token goes with each attempt. */
  headers: () => Record<string, string> | Promise<Record<string, string>>
  onUnauthorized?: ((error: SseError) => unknown) | undefined
  /** Override how a transport is loaded (tests, custom transports). */
  loadTransport?: ((name: TransportName) => Promise<TransportFactory>) | undefined
}
