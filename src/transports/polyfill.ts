import type { TransportFactory } from './types'
import { EventSourcePolyfill } from 'event-source-polyfill'
import { responseError, SseError } from '../errors'
import { withLastEventId } from './url'

/** The polyfill's own stall timer also runs while a slow server is still connecting; ours replaces it. */
const NO_HEARTBEAT = 18_000_000

interface PolyfillEvent {
  type: string
  status?: number
  headers?: { get: (name: string) => string | null }
  data?: string
  lastEventId?: string
}

/**
 * `EventSourcePolyfill` (XHR/fetch based): GET with headers. Its own reconnect is cut short, as with the native
 * one, so that tokens and headers are read again for every attempt.
 */
export const polyfillTransport: TransportFactory = (request, callbacks) => {
  const source = new EventSourcePolyfill(withLastEventId(request.url, request.lastEventId), {
    headers: request.headers,
    withCredentials: request.withCredentials,
    heartbeatTimeout: NO_HEARTBEAT,
  })
  let finished = false
  // The polyfill keeps an id that contains U+0000; the spec ignores such an id, so the previous one stands.
  let lastEventId = request.lastEventId

  const finish = () => {
    finished = true
    source.close()
  }
  const onEvent = (event: PolyfillEvent) => {
    if (finished)
      return
    const id = event.lastEventId ?? ''
    if (!id.includes('\0'))
      lastEventId = id
    callbacks.event({ type: event.type, data: event.data ?? '', id: lastEventId })
  }
  const listen = (type: string) => source.addEventListener(type, onEvent as (event: unknown) => void)

  listen('message')
  for (const type of request.events) listen(type)
  source.onopen = () => {
    if (!finished)
      callbacks.open()
  }
  source.onerror = (event: PolyfillEvent) => {
    if (finished)
      return
    finish()
    if (event.status === 204) {
      callbacks.end('no-content')
      return
    }
    const error = event.status
      ? responseError(event.status, event.headers?.get('Content-Type') ?? null)
      : null
    callbacks.fail(error ?? new SseError('network', `The connection to ${request.url} was lost.`))
  }

  return {
    listen,
    close: finish,
  }
}
