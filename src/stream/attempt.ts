import type { Transport, TransportCallbacks, TransportFactory } from '../transports/types'
import type { Observers } from './observers'
import type { ConnectionConfig, MutableStreamState, SseStatus } from './types'
import type { Watchdog } from './watchdog'
import { DEV, timerDelay } from '../env'
import { inStream, isRetryable, SseError } from '../errors'
import { attemptTransport, guardStart, loadTransport } from '../transports/pick'
import { BROWSER_RECONNECT_DELAY, mayRetry, MIN_RECONNECT_DELAY, online, reconnectDelay, reconnectOptions } from './backoff'

// One attempt after another: how an attempt is made, how its transport reports back, and what follows when it fails
// (backoff, `onUnauthorized`) or ends.

/**
 * What the steps of one connection share: `createConnection` makes it, the functions here act on it. The stream's
 * public face is the `EventStream` that `createConnection` returns.
 */
export interface Core {
  readonly config: ConnectionConfig
  readonly state: MutableStreamState
  readonly observers: Observers
  readonly events: Set<string>
  readonly watchdog: Watchdog
  transport: Transport | null
  /** Bumped on every attempt and on close: callbacks of an older attempt compare and drop themselves. */
  generation: number
  retryTimer: ReturnType<typeof setTimeout> | undefined
  /** The server's `retry:`, in ms. */
  serverRetry: number | undefined
  /** `onUnauthorized` was called for this run of failures: not again until `open()` or until the stream proves healthy. */
  unauthorizedHandled: boolean
  /** The current attempt has shown that the server serves this stream (see `HEALTHY_AFTER`). */
  healthy: boolean
  /** The last reconnect of our own that resumed over fetch failed before any answer: try the EventSource next. */
  fetchResumeFailed: boolean
  /** The EventSource failed an attempt without saying why: fetch makes the next ones, until a stream opens. */
  nativeFailed: boolean
  /** When the last attempt opened, and whether it opened sooner than `MIN_RECONNECT_DELAY` after the one before. */
  openedAt: number
  reopenedFast: boolean
}

/** The next attempt, at once: stops the current one, reads the headers, then picks and loads the transport. */
export async function connect(c: Core): Promise<void> {
  const generation = stop(c)
  setStatus(c, 'CONNECTING')
  const { config, state } = c
  let factory: TransportFactory
  let headers: Record<string, string>
  let resumedOverFetch = false
  try {
    headers = await config.headers()
    if (generation !== c.generation)
      return
    const attempt = attemptTransport(config, Object.keys(headers).length > 0, {
      resuming: state.lastEventId !== '' && !c.fetchResumeFailed,
      afterNativeFailure: c.nativeFailed,
    })
    const { name } = attempt
    resumedOverFetch = attempt.standIn
    c.fetchResumeFailed = false
    state.transport = name
    factory = guardStart(await (config.loadTransport ?? loadTransport)(name))
  }
  catch (error) {
    if (generation === c.generation)
      fail(c, error instanceof SseError ? error : new SseError('network', 'Could not prepare the request.', { cause: error }))
    return
  }
  if (generation !== c.generation)
    return

  c.healthy = false
  c.watchdog.awaitHead(config.connectTimeout)
  c.transport = factory({
    url: config.url,
    method: config.method,
    headers,
    body: config.body,
    withCredentials: config.withCredentials,
    lastEventId: state.lastEventId,
    lastEventIdParam: config.lastEventIdParam,
    events: c.events,
  }, attemptCallbacks(c, generation, resumedOverFetch))
}

/** The stream proved that the server serves it: the retry budget and the backoff start over. */
export function markHealthy(c: Core): void {
  c.healthy = true
  c.watchdog.proved()
  c.state.retryCount = 0
  c.unauthorizedHandled = false
  notify(c)
}

/** The attempt failed: `onUnauthorized` once for a 401/403, a retry for what may pass, else the end. */
export function fail(c: Core, error: SseError): void {
  const { onUnauthorized } = c.config
  if (error.type === 'unauthorized' && onUnauthorized && !c.unauthorizedHandled) {
    c.unauthorizedHandled = true
    report(c, error)
    const generation = stop(c)
    // The hook may refresh the token: one more attempt with whatever `headers()` reads next.
    Promise.resolve()
      .then(() => onUnauthorized(error))
      .then(
        () => generation === c.generation && void connect(c),
        (cause: unknown) => generation === c.generation
          && end(c, new SseError('unauthorized', DEV ? 'onUnauthorized() rejected; the stream stays closed.' : 'onUnauthorized() rejected', { status: error.status, cause })),
      )
    return
  }
  if (isRetryable(error))
    retryLater(c, error)
  else
    end(c, error)
}

/**
 * The next attempt after backoff. `unknown`: the EventSource failed the attempt without saying why; the next one,
 * over fetch, learns it, and no retry is spent on not knowing.
 */
export function retryLater(c: Core, error: SseError | null, unknown = false): void {
  const options = reconnectOptions(c.config.autoReconnect)
  const { state } = c
  if (!options) {
    end(c, error ?? (unknown ? new SseError('network', 'The browser refused the event stream.') : null))
    return
  }
  // Offline, nothing can succeed until the network is back, and `online` reconnects at once: no retry is spent.
  // Some WebViews never fire `online`, so the stream tries again after `maxDelay` all the same.
  const offline = !online()
  if (!offline && !unknown && !mayRetry(options, state.retryCount)) {
    end(c, new SseError('retries-exhausted', `Gave up after ${state.retryCount} reconnect attempts.`, { status: error?.status, cause: error ?? undefined }))
    options.onFailed?.()
    return
  }
  if (error)
    report(c, error)
  // A stream that ended cleanly after proving healthy starts the backoff over; anything else doubles it.
  const attempt = offline ? Infinity : error === null && c.healthy ? 0 : state.retryCount
  const delay = reconnectDelay(attempt, { ...options, serverRetry: c.serverRetry }, error?.retryAfter)
  if (!offline && !unknown)
    state.retryCount++
  stop(c)
  setStatus(c, 'CONNECTING')
  c.retryTimer = setTimeout(() => void connect(c), delay)
  c.observers.retrying(delay)
}

/** Stops the current attempt and its timers (not the page's); returns the new generation. */
function stop(c: Core): number {
  clearTimeout(c.retryTimer)
  c.retryTimer = undefined
  c.watchdog.clear()
  c.transport?.close()
  c.transport = null
  return ++c.generation
}

/** Ends the stream's attempts: `CLOSED`, with `error` when there is one. */
export function end(c: Core, error: SseError | null): void {
  stop(c)
  if (error)
    report(c, error)
  setStatus(c, 'CLOSED')
}

function report(c: Core, failure: SseError): void {
  const error = inStream(failure, c.config.method, c.config.url)
  c.state.error = error
  c.observers.error(error)
  notify(c)
}

function setStatus(c: Core, status: SseStatus): void {
  c.state.status = status
  notify(c)
}

function notify(c: Core): void {
  c.observers.state(c.state)
}

/** How the transport of attempt `generation` reports back; whatever an older attempt reports is dropped. */
function attemptCallbacks(c: Core, generation: number, resumedOverFetch: boolean): TransportCallbacks {
  const { config, state, observers, watchdog } = c
  const current = () => generation === c.generation
  return {
    open: () => {
      if (!current())
        return
      state.error = null
      c.nativeFailed = false
      const now = Date.now()
      c.reopenedFast = now - c.openedAt < MIN_RECONNECT_DELAY
      c.openedAt = now
      watchdog.opened()
      setStatus(c, 'OPEN')
      observers.open()
    },
    event: (event) => {
      if (!current())
        return
      state.lastEventId = event.lastEventId
      watchdog.touch()
      if (!c.healthy)
        markHealthy(c)
      observers.event(event)
    },
    id: (id) => {
      // A block that only set the id moves the resume point: subscribers show it at once, not with the next event.
      if (!current())
        return
      state.lastEventId = id
      observers.id(id)
      notify(c)
    },
    retry: (ms) => {
      if (current())
        c.serverRetry = timerDelay(ms)
    },
    activity: () => current() && watchdog.touch(),
    comment: text => current() && observers.comment(text),
    reconnecting: (error) => {
      // The browser's own reconnect resumes with the header and the server's `retry:`: let it run while the stream
      // is healthy, the network is there and its reconnects keep the floor; otherwise (a server that accepts and
      // drops, a retry: 0 loop with an event per connection, a dead server, offline) the drop is a failure like any
      // other and backoff applies.
      const options = reconnectOptions(config.autoReconnect)
      if (!current() || !c.healthy || c.reopenedFast || !online() || !options || !mayRetry(options, state.retryCount))
        return false
      c.healthy = false
      watchdog.clear()
      state.retryCount++
      report(c, error)
      setStatus(c, 'CONNECTING')
      // The browser waits `retry:` (unknown here) before it asks again; past that, a server that never answers
      // must not leave the stream CONNECTING for ever.
      watchdog.awaitHead(config.connectTimeout && (c.serverRetry ?? BROWSER_RECONNECT_DELAY) + config.connectTimeout)
      return true
    },
    end: (reason) => {
      if (!current())
        return
      c.transport = null
      if (reason === 'no-content') {
        // The server said "nothing more": whatever went wrong on the way there is over.
        state.error = null
        end(c, null)
      }
      else {
        // `refused`: the EventSource failed it on an answer it does not show; fetch, which sees it, asks next.
        c.nativeFailed ||= reason === 'refused'
        retryLater(c, null, reason === 'refused')
      }
    },
    fail: (error) => {
      if (!current())
        return
      c.transport = null
      // A cross-origin server may refuse the preflight that `Last-Event-ID` on fetch needs; EventSource sends it
      // without one (the resume point then travels in the query).
      if (resumedOverFetch && error.type === 'network' && state.status !== 'OPEN')
        c.fetchResumeFailed = true
      fail(c, error)
    },
  }
}
