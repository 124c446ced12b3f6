import type { TransportFactory } from './types'
import { SseError } from '../errors'
import { classifyResponse } from './http'
import { describeUrl, withLastEventId } from './url'

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
    return classifyResponse(response)
      ?? new SseError('network', 'The browser closed the event stream.', { status: response.status })
  }
  catch (cause) {
    return new SseError('network', `Could not connect to ${describeUrl(url)}.`, { cause })
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
  /** Whether this EventSource has seen an id: a new one starts from '' where the browser's own reconnect keeps it. */
  let sawId = false

  const finish = () => {
    finished = true
    source.close()
  }
  const onEvent = (event: Event) => {
    // A listener for "open" or "error" also gets the EventSource's own events, which are no messages.
    if (finished || !(event instanceof MessageEvent))
      return
    const { data, lastEventId } = event as MessageEvent<string>
    // Ambiguous only when the server's first id is an empty one, which then reads as the resume point.
    if (lastEventId !== '')
      sawId = true
    callbacks.event({ type: event.type, data, id: sawId ? lastEventId : request.lastEventId })
  }
  const listen = (type: string) => source.addEventListener(type, onEvent)

  listen('message')
  for (const type of request.events) listen(type)
  // A server event named "open" or "error" reaches these handlers too, as a MessageEvent: it is a message, handled
  // above, not a change of state.
  source.onopen = (event) => {
    if (finished || event instanceof MessageEvent)
      return
    opened = true
    callbacks.open()
  }
  source.onerror = (event) => {
    if (finished || event instanceof MessageEvent)
      return
    // CONNECTING: the browser lost the connection and would retry by itself. CLOSED: it failed the connection
    // (a status other than 200, a wrong Content-Type, a 204), or gave up on a broken stream it had opened.
    const failed = source.readyState === EventSource.CLOSED && !opened
    finish()
    if (!failed) {
      callbacks.fail(new SseError('network', opened ? 'The connection was lost.' : `Could not connect to ${describeUrl(request.url)}.`))
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
