import type { TransportFactory } from './types'
import { eventStreamReader } from './reader'
import { redirectMode } from './redirect'
import { readEventStream, resumeRequest } from './response'

/**
 * `fetch()` and a WHATWG-conformant stream parser: any method, body and headers, with the status and Content-Type
 * checked before a byte is parsed. The resume point goes as `Last-Event-ID` (and in the query, see `resumeRequest`).
 */
export const fetchTransport: TransportFactory = (request, callbacks) => {
  const controller = new AbortController()
  const { signal } = controller
  const resume = resumeRequest(request.url, request.lastEventId, request.lastEventIdParam)
  const text = eventStreamReader(request.lastEventId, callbacks, () => !signal.aborted, () => controller.abort())

  void readEventStream(resume.url, {
    method: request.method,
    headers: { Accept: 'text/event-stream', ...request.headers, ...resume.headers },
    body: request.body,
    credentials: request.withCredentials ? 'include' : 'same-origin',
    redirect: redirectMode(request.headers),
    signal,
  }, callbacks, {
    open: callbacks.open,
    text,
  })

  return {
    // Every event type arrives over fetch; the connection filters per subscriber.
    listen() {},
    close() {
      controller.abort()
    },
  }
}
