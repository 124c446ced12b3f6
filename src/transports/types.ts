import type { SseError } from '../errors'

/** One dispatched event, as the WHATWG parsing rules give it. */
export interface RawEvent {
  /** Event type, `'message'` when the server named none. */
  type: string
  data: string
  /** The last event id at dispatch (the stream's, not necessarily this event's own `id:` line). */
  lastEventId: string
}

/** Everything a transport needs for one connection attempt; headers are final (token already applied). */
export interface TransportRequest {
  url: string
  method: string
  headers: Record<string, string>
  /** Serialized body, for the fetch transport. */
  body: string | undefined
  withCredentials: boolean
  /** Resume point: sent as the `Last-Event-ID` header where the transport can, and as the query parameter `lastEventIdParam`. */
  lastEventId: string
  /** Query parameter that carries the resume point as well (`false`: the header only). */
  lastEventIdParam: string | false
  /** Named event types to receive besides `message`. */
  events: Iterable<string>
}

/**
 * How a transport reports back. After `fail` or `end` the transport is finished and reports nothing more; the
 * connection decides whether and when to try again.
 */
export interface TransportCallbacks {
  open: () => void
  event: (event: RawEvent) => void
  /** A block that only set the id: the id is committed though nothing is dispatched. */
  id: (id: string) => void
  /** The server's `retry:` field, in ms. */
  retry: (ms: number) => void
  /** Bytes arrived (comments included, where the transport can see them). */
  activity: () => void
  /** A comment line (`: ping`), its text without the colon and one space after it; not from the EventSource. */
  comment: (text: string) => void
  /**
   * The connection broke and the transport is about to reconnect by itself (the browser's EventSource does, sending
   * `Last-Event-ID` and waiting the server's `retry:`). Return true to let it, false to have it stop for good: the
   * connection then reconnects on its own terms.
   */
  reconnecting?: (error: SseError) => boolean
  /**
   * The server ended the stream: `'eof'` a 200 stream closed cleanly, `'no-content'` a 204 (stop for good),
   * `'refused'` the EventSource failed it on an answer it does not show (a status, a Content-Type or a 204).
   */
  end: (reason: 'eof' | 'no-content' | 'refused') => void
  fail: (error: SseError) => void
}

export interface Transport {
  /** Start receiving a named event type on the open connection. */
  listen: (type: string) => void
  /** Final: abort the request; no callback fires afterwards. */
  close: () => void
}

export type TransportFactory = (request: TransportRequest, callbacks: TransportCallbacks) => Transport

export type TransportName = 'native' | 'polyfill' | 'fetch'
