import type { TransportFactory } from './types'
import { createParser } from 'eventsource-parser'
import { SseError } from '../errors'
import { MAX_BUFFER, readEventStream } from './http'
import { resumeRequest } from './url'

/** As the browser does for EventSource listeners: a throwing handler is reported, and the stream goes on. */
function reportLater(error: unknown): void {
  if (typeof reportError === 'function') {
    reportError(error)
  }
  else {
    setTimeout(() => {
      throw error
    })
  }
}

/**
 * `fetch()` and a WHATWG-conformant stream parser: any method, body and headers, with the status and Content-Type
 * checked before a byte is parsed. The resume point goes as `Last-Event-ID`, or in the query when no header can
 * carry it.
 */
export const fetchTransport: TransportFactory = (request, callbacks) => {
  const controller = new AbortController()
  const { signal } = controller
  const resume = resumeRequest(request.url, request.lastEventId)
  // Events before the stream's first id carry the resume point, as they would after the browser's own reconnect.
  let lastEventId = request.lastEventId

  const parser = createParser({
    maxBufferSize: MAX_BUFFER,
    onId(id) {
      lastEventId = id
      if (!signal.aborted)
        callbacks.id(id)
    },
    onEvent(message) {
      if (signal.aborted)
        return
      try {
        callbacks.event({ type: message.event ?? 'message', data: message.data, id: lastEventId })
      }
      catch (error) {
        reportLater(error)
      }
    },
    onRetry(ms) {
      if (!signal.aborted)
        callbacks.retry(ms)
    },
    onError(parseError) {
      if (parseError.type !== 'max-buffer-size-exceeded' || signal.aborted)
        return
      callbacks.fail(new SseError('parse', `The server sent more than ${MAX_BUFFER} characters without ending an event.`, { status: 200, cause: parseError }))
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
    signal,
  }, callbacks, {
    open: callbacks.open,
    text: chunk => parser.feed(chunk),
  })

  return {
    // Every event type arrives over fetch; the connection filters per subscriber.
    listen() {},
    close() {
      controller.abort()
    },
  }
}
