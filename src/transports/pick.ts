import type { TransportFactory, TransportName } from './types'
import { SseError } from '../errors'
import { nativeTransport } from './native'

export type TransportChoice = 'auto' | TransportName

/** Loads a transport by name; fetch and the polyfill on first use, so an app that never sends headers or bodies does not ship them. */
export function loadTransport(name: TransportName): Promise<TransportFactory> {
  if (name === 'native')
    return Promise.resolve(nativeTransport)
  if (name === 'polyfill')
    return import('./polyfill').then(m => m.polyfillTransport)
  return import('./fetch').then(m => m.fetchTransport)
}

/** Which transport can carry this request; an explicit choice that cannot is a `config` error, never a silent drop. */
export function pickTransport(choice: TransportChoice, method: string, hasBody: boolean, hasHeaders: boolean, resuming = false): TransportName {
  if (hasBody && (method === 'GET' || method === 'HEAD'))
    throw new SseError('config', `A ${method} request cannot have a body; use method 'POST' (the default with a body) or drop the body.`)
  const needsFetch = hasBody || method !== 'GET'
  if (choice === 'auto') {
    // Headers, a body or another method need fetch. So does a reconnect of our own that resumes: a new EventSource
    // cannot send `Last-Event-ID`. The polyfill is fetch underneath too, with a parser that costs more per event than
    // eventsource-parser and a chunk 2.6× the fetch one (bench), so `auto` never picks it.
    if (needsFetch || hasHeaders || resuming || typeof EventSource !== 'function')
      return 'fetch'
    return 'native'
  }
  if (needsFetch && choice !== 'fetch')
    throw new SseError('config', `transport "${choice}" can only send GET requests without a body; use "fetch" (or "auto") for method ${method}${hasBody ? ' with a body' : ''}.`)
  if (hasHeaders && choice === 'native')
    throw new SseError('config', 'transport "native" cannot send headers or a token (the browser\'s EventSource has no way to); use "polyfill", "fetch" or "auto".')
  // Even when chosen, the EventSource cannot resume a stream of its own accord: the browser's reconnect can (it runs
  // while the stream is healthy), a new EventSource cannot send `Last-Event-ID`, so such a reconnect goes over fetch.
  if (choice === 'native' && resuming)
    return 'fetch'
  return choice
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
