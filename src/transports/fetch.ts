import type { TransportFactory } from './types'
import { createParser } from 'eventsource-parser'
import { responseError, SseError } from '../errors'
import { withLastEventId } from './url'

/** Bound on what one unterminated line or event may buffer (characters), against a server that never ends one. */
const MAX_BUFFER = 64 * 1024 * 1024

/** `fetch()` refuses header values outside Latin-1; such an id goes in the query instead. */
const LATIN1 = /^[\u0000-\u00FF]*$/

/**
 * `fetch()` and a WHATWG-conformant stream parser: any method, body and headers, with the status and Content-Type
 * checked before a byte is parsed.
 */
export const fetchTransport: TransportFactory = (request, callbacks) => {
  const controller = new AbortController()
  let closed = false
  let url = request.url
  const headers: Record<string, string> = { Accept: 'text/event-stream', ...request.headers }
  if (request.lastEventId) {
    if (LATIN1.test(request.lastEventId))
      headers['Last-Event-ID'] = request.lastEventId
    else
      url = withLastEventId(url, request.lastEventId)
  }

  const fail = (error: SseError) => {
    if (!closed)
      callbacks.fail(error)
  }

  async function run(): Promise<void> {
    let response: Response
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body,
        credentials: request.withCredentials ? 'include' : 'same-origin',
        cache: 'no-store',
        signal: controller.signal,
      })
    }
    catch (cause) {
      fail(new SseError('network', `Could not connect to ${request.url}.`, { cause }))
      return
    }
    if (closed)
      return
    if (response.status === 204) {
      void response.body?.cancel()
      callbacks.end('no-content')
      return
    }
    const error = responseError(response.status, response.headers.get('content-type'))
      ?? (response.body ? null : new SseError('network', 'The response has no body to read.', { status: response.status }))
    if (error || !response.body) {
      void response.body?.cancel()
      fail(error ?? new SseError('network', 'The response has no body to read.'))
      return
    }

    let lastEventId = request.lastEventId
    const parser = createParser({
      maxBufferSize: MAX_BUFFER,
      onId(id) {
        lastEventId = id
        if (!closed)
          callbacks.id(id)
      },
      onEvent(message) {
        if (!closed)
          callbacks.event({ type: message.event || 'message', data: message.data, id: lastEventId })
      },
      onRetry(ms) {
        if (!closed)
          callbacks.retry(ms)
      },
      onError(parseError) {
        if (parseError.type === 'max-buffer-size-exceeded') {
          controller.abort()
          fail(new SseError('parse', `The server sent more than ${MAX_BUFFER} characters without ending a line or an event.`, { cause: parseError }))
          closed = true
        }
      },
    })

    callbacks.open()
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (closed)
          return
        if (done)
          break
        callbacks.activity()
        parser.feed(value)
      }
    }
    catch (cause) {
      fail(new SseError('network', 'The connection was lost.', { status: response.status, cause }))
      return
    }
    if (!closed)
      callbacks.end('eof')
  }

  void run()
  return {
    // Every event type arrives over fetch; the connection filters per subscriber.
    listen() {},
    close() {
      closed = true
      controller.abort()
    },
  }
}
