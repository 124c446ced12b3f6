import type { TransportFactory } from './types'
import { SseError } from '../errors'
import { describeUrl, LAST_EVENT_ID_PARAM, withLastEventId } from './url'

/**
 * `window.EventSource`: GET, no headers. When a stream breaks, the browser's own reconnect is the one request that can
 * resume against any server: it sends `Last-Event-ID` (no script can set that header on an EventSource), waits the
 * server's `retry:` (which no script can read), and keeps ids set by blocks that dispatch nothing. So a drop is offered
 * to the connection through `reconnecting`, which lets the browser go on while the stream is healthy and takes over
 * otherwise (see Connection). Only the first request can carry a resume point of ours, in the query.
 */
export const nativeTransport: TransportFactory = (request, callbacks) => {
  const url = withLastEventId(request.url, request.lastEventId, request.lastEventIdParam || LAST_EVENT_ID_PARAM)
  const source = new EventSource(url, { withCredentials: request.withCredentials })
  let finished = false
  let closed = false
  let opened = false
  /** Whether this EventSource has seen an id: before that its events carry the resume point it started from. */
  let sawId = false
  let lastEventId = request.lastEventId
  /** When the browser started waiting to reconnect by itself. */
  let droppedAt = 0

  const finish = () => {
    finished = true
    source.close()
  }
  const onEvent = (event: Event) => {
    // A listener for "open" or "error" also gets the EventSource's own events, which are no messages.
    if (finished || !(event instanceof MessageEvent))
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
    if (finished || event instanceof MessageEvent)
      return
    if (droppedAt) {
      // The browser waited the server's `retry:` (or its default) before this request: the connection keeps it as a
      // floor for reconnects of its own, as it keeps a `retry:` the other transports can read.
      callbacks.retry(Date.now() - droppedAt)
      droppedAt = 0
    }
    opened = true
    callbacks.open()
  }
  source.onerror = (event) => {
    if (finished || event instanceof MessageEvent)
      return
    // CONNECTING: the connection broke (or a reconnect could not reach the server) and the browser will try again by
    // itself. CLOSED: it failed the connection: a status other than 200, a wrong Content-Type, a 204.
    if (source.readyState !== EventSource.CLOSED) {
      const error = new SseError('network', opened ? 'The connection was lost.' : `Could not connect to ${describeUrl(request.url)}.`)
      if (callbacks.reconnecting?.(error)) {
        droppedAt = Date.now()
        return
      }
      finish()
      callbacks.fail(error)
      return
    }
    finish()
    // Loaded on the first failure only: a stream that never fails never ships it.
    void import('./diagnose')
      .then(m => m.diagnose(request.url, request.withCredentials, lastEventId, request.lastEventIdParam))
      .catch((cause: unknown) => new SseError('network', `Could not connect to ${describeUrl(request.url)}.`, { cause }))
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
      finish()
    },
  }
}
