import type { TransportCallbacks } from './types'
import { eventStreamParser } from './parse'
import { MAX_BUFFER, overflowError } from './response'

/**
 * Reads the text of an event stream, chunk by chunk, into `callbacks` by the WHATWG rules: what the fetch transport
 * reads from a response, and what a test sends through the in-memory transport of `vue-event-source/testing`, so
 * that both parse alike. Nothing is reported once `live()` is false; past the buffer bound, `fail`, then `stop()`.
 */
export function eventStreamReader(lastEventId: string, callbacks: TransportCallbacks, live: () => boolean, stop: () => void): (chunk: string) => void {
  // `lastEventId` starts as the resume point and moves with every block that set an id: events before the stream's
  // first id carry the resume point, as they would after the browser's own reconnect.
  // An event carries its id; only a block that set the id and dispatched nothing needs a report of its own, once
  // per chunk, so the hot path has one callback per event.
  let idUnreported = false

  const feed = eventStreamParser({
    event(type, data) {
      idUnreported = false
      if (live())
        callbacks.event({ type, data, lastEventId })
    },
    id(id) {
      lastEventId = id
      idUnreported = true
    },
    retry(ms) {
      if (live())
        callbacks.retry(ms)
    },
    comment(text) {
      if (live())
        callbacks.comment(text)
    },
    overflow() {
      if (!live())
        return
      callbacks.fail(overflowError())
      stop()
    },
  }, MAX_BUFFER)

  return (chunk) => {
    feed(chunk)
    if (idUnreported && live()) {
      idUnreported = false
      callbacks.id(lastEventId)
    }
  }
}
