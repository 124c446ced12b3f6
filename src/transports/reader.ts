import type { TransportCallbacks } from './types'
import { createParser } from 'eventsource-parser'
import { firstLineBreak, MAX_BUFFER, overflowError } from './response'

const LF = 10
const CR = 13

/** The length of the line under way after `text`, which follows a line of `before` characters. */
function lineAfter(text: string, before: number): number {
  const end = text.charCodeAt(text.length - 1)
  // Almost every chunk ends with a line: no search.
  if (end === LF || end === CR)
    return 0
  const lf = text.lastIndexOf('\n')
  const cr = !text.includes('\r', lf + 1) ? -1 : text.lastIndexOf('\r')
  const last = Math.max(lf, cr)
  return last === -1 ? before + text.length : text.length - last - 1
}

/**
 * Reads the text of an event stream, chunk by chunk, into `callbacks` by the WHATWG rules: what the fetch transport
 * reads from a response, and what a test sends through the in-memory transport of `vue-event-source/testing`, so
 * that both parse alike. Nothing is reported once `live()` is false; past the buffer bound, `fail`, then `stop()`.
 */
export function eventStreamReader(lastEventId: string, callbacks: TransportCallbacks, live: () => boolean, stop: () => void): (chunk: string) => void {
  // `lastEventId` starts as the resume point and moves with every `id:` line: events before the stream's first id
  // carry the resume point, as they would after the browser's own reconnect.
  // An event carries its id; only a block that set the id and dispatched nothing needs a report of its own, once
  // per chunk, so the hot path has one callback per event.
  let idUnreported = false
  /**
   * Characters since the last line end, counted as text arrives: the parser checks its buffer between chunks only,
   * so a line that crosses the bound and ends within one large chunk would get through.
   */
  let lineLength = 0

  const parser = createParser({
    maxBufferSize: MAX_BUFFER,
    onId(id) {
      lastEventId = id
      idUnreported = true
    },
    onEvent(message) {
      idUnreported = false
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
      if (parseError.type === 'max-buffer-size-exceeded')
        overflow(parseError)
    },
  })
  function overflow(cause?: unknown): void {
    if (!live())
      return
    callbacks.fail(overflowError(cause))
    stop()
  }
  // The decoder has removed the one leading BOM the format allows. The parser would strip another (or the text "ï»¿");
  // a blank line first ends its check, so that a second U+FEFF spoils the first field name, as in the browser.
  parser.feed('\n')

  return (chunk) => {
    if (lineLength + chunk.length > MAX_BUFFER && lineLength + firstLineBreak(chunk) > MAX_BUFFER) {
      overflow()
      return
    }
    lineLength = lineAfter(chunk, lineLength)
    parser.feed(chunk)
    if (idUnreported && live()) {
      idUnreported = false
      callbacks.id(lastEventId)
    }
  }
}
