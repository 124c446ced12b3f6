import type { StreamCaller, StreamRequest } from '../store/store'
import type { TransportFactory, TransportName } from '../transports/types'
import type { SseOptions, UseEventSourceOptions, UseEventSourceUrl } from './options'
import { toValue } from 'vue'
import { DEV, timerDelay } from '../env'
import { inStream, SseError } from '../errors'
import { LAST_EVENT_ID_PARAM } from '../transports/url'
import { resolveUrl } from './url'

/** `pauseWhenHidden: true`: streams close after the page has been hidden this long (ms). */
export const PAUSE_WHEN_HIDDEN_DEFAULT = 30_000

/** What resolving reads of a call's options: none of it depends on the data type. */
type RequestOptions = Omit<UseEventSourceOptions<unknown>, 'onMessage' | 'serializer'>

/** The plugin's options under the call's: an option the call leaves `undefined` keeps the plugin's. */
export function mergeOptions<Options extends object>(plugin: SseOptions, call: Options): Options & SseOptions {
  const merged: Record<string, unknown> = { ...plugin }
  for (const [name, value] of Object.entries(call)) {
    if (value !== undefined)
      merged[name] = value
  }
  return merged as Options & SseOptions
}

/** `connectTimeout` (default 30 s), shortened by a shorter `heartbeatTimeout`: a silent server is silent before its head too. */
function connectTimeout({ connectTimeout = 30_000, heartbeatTimeout = 0 }: SseOptions): number {
  return timerDelay(heartbeatTimeout > 0 && (!(connectTimeout > 0) || heartbeatTimeout < connectTimeout) ? heartbeatTimeout : connectTimeout)
}

/** The body as sent: a string as it is, anything else as JSON; a `config` error when it cannot be. */
function serializeBody(options: RequestOptions): { body: string | undefined, json: boolean } {
  let value: unknown
  try {
    value = toValue(options.body)
  }
  catch (cause) {
    throw new SseError('config', DEV ? 'The body getter threw; no request was sent.' : 'The body getter threw.', { cause })
  }
  if (value == null)
    return { body: undefined, json: false }
  if (typeof value === 'string')
    return { body: value, json: false }
  let body: string | undefined
  try {
    body = JSON.stringify(value) as string | undefined
  }
  catch (cause) {
    throw new SseError('config', DEV ? 'The body cannot be serialized as JSON (a circular reference or a BigInt?); no request was sent.' : 'The body cannot be serialized as JSON.', { cause })
  }
  if (body === undefined)
    throw new SseError('config', DEV ? 'The body cannot be serialized as JSON; no request was sent.' : 'The body cannot be serialized as JSON.')
  return { body, json: true }
}

/** What resolving reads of the app: its plugin's options, and how its streams load a transport. */
export interface RequestContext {
  options: SseOptions
  loadTransport?: ((name: TransportName) => Promise<TransportFactory>) | undefined
}

export interface ResolvedRequest {
  request: StreamRequest
  /**
   * What the request targets: URL, method and body. Another target is another stream, whose refs and resume point
   * start over (not the shared stream key, which the store makes of everything the server sees).
   */
  target: string
}

/**
 * What the server will see of a caller's request, resolved and checked, with nothing sent or read yet (the token
 * is read by each attempt). Null for "not now" (no URL); an `SseError` when no request can be made.
 */
export function resolveRequest(
  url: UseEventSourceUrl,
  options: RequestOptions,
  context: RequestContext,
  { lastEventId, events, shared, caller }: { lastEventId: string, events: Iterable<string>, shared: boolean, caller?: StreamCaller },
): ResolvedRequest | SseError | null {
  // What is known of the stream so far, for the error's message.
  let where = ''
  let method = (options.method ?? (options.body == null ? 'GET' : 'POST')).toUpperCase()
  try {
    const target = toValue(url)
    if (target == null)
      return null
    where = String(target)
    const resolved = resolveUrl(target, options.baseURL)
    where = resolved
    const { body, json } = serializeBody(options)
    // A body means a request that can carry one: POST unless the caller names another method.
    method = (options.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase()
    const { pauseWhenHidden } = options
    return {
      target: JSON.stringify([resolved, method, body ?? null]),
      request: {
        events,
        shared,
        crossTab: shared && options.crossTab === true,
        linger: timerDelay(options.linger ?? 0),
        caller,
        config: {
          url: resolved,
          method,
          body,
          withCredentials: options.withCredentials ?? false,
          transport: options.transport ?? 'auto',
          autoReconnect: options.autoReconnect ?? true,
          heartbeatTimeout: timerDelay(options.heartbeatTimeout ?? 0),
          connectTimeout: connectTimeout(options),
          pauseWhenHidden: pauseWhenHidden === true ? PAUSE_WHEN_HIDDEN_DEFAULT : timerDelay(Number(pauseWhenHidden || 0)),
          lastEventId,
          lastEventIdParam: options.lastEventIdParam ?? LAST_EVENT_ID_PARAM,
          headers: async () => {
            // The token and header checks, and where they may go, load only for an app that sends some.
            const headers = options.token == null && options.headers == null
              ? {}
              : await import('./headers').then(m => m.requestHeaders(resolved, options, context.options))
            return json ? { 'Content-Type': 'application/json', ...headers } : headers
          },
          onUnauthorized: options.onUnauthorized,
          loadTransport: context.loadTransport,
        },
      },
    }
  }
  catch (cause) {
    return inStream(cause instanceof SseError ? cause : new SseError('config', 'The stream URL could not be read.', { cause }), method, where)
  }
}
