import type { TransportFactory } from './types'
import { SseError } from '../errors'
import { isSameOrigin, unreachable, withLastEventId } from './url'

/**
 * `window.EventSource`: GET, no headers. When a stream breaks, the browser's own reconnect is the one request that can
 * resume against any server: it sends `Last-Event-ID` (no script can set that header on an EventSource, and across
 * origins a fetch that sets it needs a CORS preflight), waits the server's `retry:` (which no script can read), and
 * keeps ids set by blocks that dispatch nothing. So a drop is offered to the connection through `reconnecting`, which
 * lets the browser go on while the stream is healthy and takes over otherwise (see `createConnection`). Only the first
 * request can carry a resume point of ours, in the query (unless `lastEventIdParam` is `false`).
 */
export const nativeTransport: TransportFactory = (request, callbacks) => {
  const { lastEventIdParam } = request
  const url = lastEventIdParam === false ? request.url : withLastEventId(request.url, request.lastEventId, lastEventIdParam)
  const source = new EventSource(url, { withCredentials: request.withCredentials })
  let stopped = false
  let closed = false
  let opened = false
  /** Whether this EventSource has seen an id: before that its events carry the resume point it started from. */
  let sawId = false
  let lastEventId = request.lastEventId

  const stop = () => {
    stopped = true
    source.close()
  }
  const onEvent = (event: Event) => {
    // A listener for "open" or "error" also gets the EventSource's own events, which are no messages.
    if (stopped || !(event instanceof MessageEvent))
      return
    const { data } = event as MessageEvent<string>
    // Ambiguous only when the server's first id is an empty one, which then reads as the resume point.
    if (event.lastEventId !== '')
      sawId = true
    if (sawId)
      lastEventId = event.lastEventId
    callbacks.event({ type: event.type, data, lastEventId })
  }
  const listen = (type: string) => source.addEventListener(type, onEvent)

  listen('message')
  for (const type of request.events) listen(type)
  // A server event named "open" or "error" reaches these handlers too, as a MessageEvent: it is a message, handled
  // above, not a change of state.
  source.onopen = (event) => {
    if (stopped || event instanceof MessageEvent)
      return
    opened = true
    callbacks.open()
  }
  source.onerror = (event) => {
    if (stopped || event instanceof MessageEvent)
      return
    // CONNECTING: the connection broke (or a reconnect could not reach the server) and the browser will try again by
    // itself. CLOSED: it failed the connection on an answer: a status other than 200, a wrong Content-Type, a 204.
    if (source.readyState !== EventSource.CLOSED) {
      const error = opened ? new SseError('network', 'The connection was lost.') : unreachable(request.url)
      if (callbacks.reconnecting?.(error))
        return
      stop()
      callbacks.fail(error)
      return
    }
    stop()
    if (isSameOrigin(request.url)) {
      // The next attempt goes over fetch, which sees the status: no second request to learn it.
      callbacks.end('refused')
      return
    }
    // Across origins the next attempt may not be able to send `Last-Event-ID` (the browser's reconnect could, with no
    // preflight): one plain request learns the status instead, loaded on the first failure only.
    void import('./diagnose')
      .then(m => m.diagnose(request.url, request.withCredentials, lastEventId, lastEventIdParam))
      .catch((cause: unknown) => unreachable(request.url, cause))
      .then((outcome) => {
        if (closed)
          return
        if (outcome === 'no-content')
          callbacks.end('no-content')
        else
          callbacks.fail(outcome)
      })
  }

  return {
    listen,
    close() {
      closed = true
      stop()
    },
  }
}
