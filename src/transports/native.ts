import type { TransportFactory } from './types'
import { responseError, SseError } from '../errors'
import { withLastEventId } from './url'

/**
 * The browser's EventSource hides why it failed a connection. One plain request tells the status and Content-Type,
 * so a 204 can stop quietly, a 5xx can retry and a 404 can say so. It runs only after such a failure.
 */
async function diagnose(url: string, withCredentials: boolean): Promise<SseError | 'no-content'> {
  const controller = new AbortController()
  try {
    const response = await fetch(url, {
      headers: { Accept: 'text/event-stream' },
      credentials: withCredentials ? 'include' : 'same-origin',
      cache: 'no-store',
      signal: controller.signal,
    })
    if (response.status === 204)
      return 'no-content'
    return responseError(response.status, response.headers.get('content-type'))
      ?? new SseError('network', 'The browser closed the event stream.', { status: response.status })
  }
  catch (cause) {
    return new SseError('network', `Could not connect to ${url}.`, { cause })
  }
  finally {
    controller.abort()
  }
}

/**
 * `window.EventSource`: GET, no headers. Its own reconnect is cut short so that backoff, the retry budget and
 * fresh options apply to every attempt; the resume point travels as the `lastEventId` query parameter.
 */
export const nativeTransport: TransportFactory = (request, callbacks) => {
  const url = withLastEventId(request.url, request.lastEventId)
  const source = new EventSource(url, { withCredentials: request.withCredentials })
  let finished = false
  let closed = false
  let opened = false

  const finish = () => {
    finished = true
    source.close()
  }
  const onEvent = (event: MessageEvent<string>) => {
    if (!finished)
      callbacks.event({ type: event.type, data: event.data, id: event.lastEventId })
  }
  const listen = (type: string) => source.addEventListener(type, onEvent)

  listen('message')
  for (const type of request.events) listen(type)
  source.onopen = () => {
    if (finished)
      return
    opened = true
    callbacks.open()
  }
  source.onerror = () => {
    if (finished)
      return
    // CONNECTING: the browser lost the connection and would retry by itself. CLOSED: it failed the connection
    // (a status other than 200, a wrong Content-Type, a 204).
    const failed = source.readyState === EventSource.CLOSED
    finish()
    if (!failed) {
      callbacks.fail(new SseError('network', opened ? 'The connection was lost.' : `Could not connect to ${request.url}.`))
      return
    }
    void diagnose(url, request.withCredentials).then((outcome) => {
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
