import type { TransportCallbacks } from './types'
import { createParser } from 'eventsource-parser'
import { SseError } from '../errors'
import { MAX_BUFFER } from './http'

/**
 * Reads the text of an event stream, chunk by chunk, into `callbacks` by the WHATWG rules: what the fetch transport
 * reads from a response, and what a test sends through the in-memory transport of `vue-event-source/testing`, so
 * that both parse alike. Nothing is reported once `live()` is false; past the buffer bound, `fail`, then `stop()`.
 */
export function eventStreamReader(resumeFrom: string, callbacks: TransportCallbacks, live: () => boolean, stop: () => void): (chunk: string) => void {
  // Events before the stream's first id carry the resume point, as they would after the browser's own reconnect.
  let lastEventId = resumeFrom
  // An event carries its id; only a block that set the id and dispatched nothing needs a commit of its own, once
  // per chunk, so the hot path has one callback per event.
  let uncommittedId = false

  const parser = createParser({
    maxBufferSize: MAX_BUFFER,
    onId(id) {
      lastEventId = id
      uncommittedId = true
    },
    onEvent(message) {
      uncommittedId = false
      if (live())
        callbacks.event({ type: message.event || 'message', data: message.data, lastEventId })
    },
    onRetry(ms) {
      if (live())
        callbacks.retry(ms)
    },
    onComment(text) {
      if (live())
        callbacks.comment(text)
    },
    onError(parseError) {
      if (parseError.type !== 'max-buffer-size-exceeded' || !live())
        return
      callbacks.fail(new SseError('overflow', `The server sent more than ${MAX_BUFFER} characters without ending an event; the stream is closed.`, { status: 200, cause: parseError }))
      stop()
    },
  })
  // The decoder has removed the one leading BOM the format allows. The parser would strip another (or the text "ï»¿");
  // a blank line first ends its check, so that a second U+FEFF spoils the first field name, as in the browser.
  parser.feed('\n')

  return (chunk) => {
    parser.feed(chunk)
    if (uncommittedId && live()) {
      uncommittedId = false
      callbacks.id(lastEventId)
    }
  }
}
