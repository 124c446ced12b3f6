import type { TransportFactory, TransportName } from './types'
import { DEV } from '../env'
import { SseError } from '../errors'
import { nativeTransport } from './native'
import { isSameOrigin } from './url'

export type TransportChoice = 'auto' | TransportName

/** Loads a transport by name; fetch and the polyfill on first use, so an app that never sends headers or bodies does not ship them. */
export function loadTransport(name: TransportName): Promise<TransportFactory> {
  if (name === 'native')
    return Promise.resolve(nativeTransport)
  if (name === 'polyfill')
    return import('./polyfill').then(m => m.polyfillTransport)
  return import('./fetch').then(m => m.fetchTransport)
}

/** What the connection knows of an attempt besides the request: what `auto` and `native` weigh. */
export interface PickHints {
  /** The URL is on the page's origin: fetch sends `Last-Event-ID` there with no CORS preflight. */
  sameOrigin?: boolean
  /** A reconnect of the connection's own that resumes: a new EventSource cannot send `Last-Event-ID`. */
  resuming?: boolean
  /** The EventSource failed the last attempt without saying why: fetch, which sees the status, makes the next. */
  afterNativeFailure?: boolean
}

/** Whether this browser can read a response body as a stream (fetch streams events only then). */
const canStream = () => typeof fetch === 'function' && typeof ReadableStream === 'function'

/**
 * Which transport can carry this request; an explicit choice that cannot is a `config` error, never a silent drop.
 *
 * `auto`: fetch for a same-origin GET, for headers, a body or another method, and for a reconnect of the
 * connection's own that resumes; the browser's `EventSource` for a plain cross-origin GET, whose server may answer no
 * CORS preflight, which `Last-Event-ID` on fetch needs there while the browser's own reconnect sends it without one.
 * The polyfill is fetch underneath too, with a parser that costs more per event and chunks twice the fetch ones
 * (bench), so `auto` never picks it.
 */
export function pickTransport(choice: TransportChoice, method: string, hasBody: boolean, hasHeaders: boolean, { sameOrigin = false, resuming = false, afterNativeFailure = false }: PickHints = {}): TransportName {
  if (hasBody && (method === 'GET' || method === 'HEAD'))
    throw new SseError('config', DEV ? `A ${method} request cannot have a body; use method 'POST' (the default with a body) or drop the body.` : `${method} with a body`)
  const needsFetch = hasBody || method !== 'GET'
  if (choice === 'auto')
    return needsFetch || hasHeaders || sameOrigin || resuming || afterNativeFailure || typeof EventSource !== 'function' ? 'fetch' : 'native'
  if (needsFetch && choice !== 'fetch')
    throw new SseError('config', DEV ? `transport "${choice}" can only send GET requests without a body; use "fetch" (or "auto") for method ${method}${hasBody ? ' with a body' : ''}.` : `transport "${choice}" cannot send ${method}${hasBody ? ' with a body' : ''}`)
  if (hasHeaders && choice === 'native')
    throw new SseError('config', DEV ? 'transport "native" cannot send headers or a token (the browser\'s EventSource has no way to); use "polyfill", "fetch" or "auto".' : 'transport "native" cannot send headers')
  // Even when chosen, the EventSource cannot resume a stream of its own accord (the browser's reconnect can, while the
  // stream is healthy), nor tell why it failed: such an attempt goes over fetch.
  if (choice === 'native' && (resuming || afterNativeFailure) && canStream())
    return 'fetch'
  return choice
}

/** What an attempt asks for, as `pickTransport` weighs it. */
export interface AttemptRequest {
  url: string
  method: string
  body: string | undefined
  transport: TransportChoice
}

/**
 * The transport of one attempt, and whether on it fetch stands in for the EventSource across origins: when such an
 * attempt cannot get through (a CORS preflight for `Last-Event-ID` may be what failed), the next one is an EventSource.
 */
export function attemptTransport({ url, method, body, transport }: AttemptRequest, hasHeaders: boolean, hints: Omit<PickHints, 'sameOrigin'>): { name: TransportName, standIn: boolean } {
  const hasBody = body !== undefined
  const sameOrigin = isSameOrigin(url)
  const name = pickTransport(transport, method, hasBody, hasHeaders, { sameOrigin, ...hints })
  return { name, standIn: name === 'fetch' && !sameOrigin && pickTransport(transport, method, hasBody, hasHeaders) === 'native' }
}

/**
 * A transport that throws while starting (a constructor refusing its input) fails its attempt through `fail`, once
 * the attempt holds it, like any other failure: never a stream left `CONNECTING` with an unhandled rejection.
 */
export function guardStart(factory: TransportFactory): TransportFactory {
  return (request, callbacks) => {
    try {
      return factory(request, callbacks)
    }
    catch (cause) {
      queueMicrotask(() => callbacks.fail(cause instanceof SseError ? cause : new SseError('config', 'The transport could not start.', { cause })))
      return { listen() {}, close() {} }
    }
  }
}
