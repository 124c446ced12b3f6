import type { TransportFactory } from './types'
import { createParser } from 'eventsource-parser'
import { SseError } from '../errors'
import { MAX_BUFFER, readEventStream } from './http'
import { redirectMode } from './redirect'
import { resumeRequest } from './url'

/**
 * `fetch()` and a WHATWG-conformant stream parser: any method, body and headers, with the status and Content-Type
 * checked before a byte is parsed. The resume point goes as `Last-Event-ID` (and in the query, see `resumeRequest`).
 */
export const fetchTransport: TransportFactory = (request, callbacks) => {
  const controller = new AbortController()
  const { signal } = controller
  const resume = resumeRequest(request.url, request.lastEventId, request.lastEventIdParam)
  // Events before the stream's first id carry the resume point, as they would after the browser's own reconnect.
  let lastEventId = request.lastEventId
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
      if (!signal.aborted)
        callbacks.event({ type: message.event || 'message', data: message.data, lastEventId })
    },
    onRetry(ms) {
      if (!signal.aborted)
        callbacks.retry(ms)
    },
    onError(parseError) {
      if (parseError.type !== 'max-buffer-size-exceeded' || signal.aborted)
        return
      callbacks.fail(new SseError('overflow', `The server sent more than ${MAX_BUFFER} characters without ending an event; the stream is closed.`, { status: 200, cause: parseError }))
      controller.abort()
    },
  })
  // The decoder has removed the one leading BOM the format allows. The parser would strip another (or the text "ï»¿");
  // a blank line first ends its check, so that a second U+FEFF spoils the first field name, as in the browser.
  parser.feed('\n')

  void readEventStream(resume.url, {
    method: request.method,
    headers: { Accept: 'text/event-stream', ...request.headers, ...resume.headers },
    body: request.body,
    credentials: request.withCredentials ? 'include' : 'same-origin',
    redirect: redirectMode(request.headers),
    signal,
  }, callbacks, {
    open: callbacks.open,
    text: (chunk) => {
      parser.feed(chunk)
      if (uncommittedId && !signal.aborted) {
        uncommittedId = false
        callbacks.id(lastEventId)
      }
    },
  })

  return {
    // Every event type arrives over fetch; the connection filters per subscriber.
    listen() {},
    close() {
      controller.abort()
    },
  }
}
